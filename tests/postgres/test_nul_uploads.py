"""Uploaded files with a NUL character on PostgreSQL, which refuses U+0000 in any text."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment
from questionnaire.extensions import db
from tests.conftest import PASSWORD, form_token, login
from tests.postgres.conftest import seed_exam

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "line",
    [b"new\x00@example.org;10", b"new@example.org;10;salle\x00 2", b"new@example.org;10;;g\x00"],
)
def test_an_enrolment_file_with_a_nul_character_is_refused_not_a_server_error(
    pg_app, tmp_path, line
):
    exam = seed_exam(tmp_path, 1)
    for email, role in (("admin@example.org", Role.ADMIN), ("new@example.org", Role.CANDIDATE)):
        create_user(email, PASSWORD, email, [role], now_utc())
    db.session.commit()
    client = pg_app.test_client()
    login(client, "admin@example.org")
    url = f"/admin/sessions/{exam.session_id}"
    response = client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(line), "e.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "caractère nul (U+0000)" in response.get_data(as_text=True)
    count = sa.select(sa.func.count()).select_from(Enrolment)
    assert db.session.execute(count).scalar_one() == 1
