"""An uploaded file whose name holds a NUL character, imported on PostgreSQL.

PostgreSQL refuses U+0000 in any text: the thread entry « Fichier : <nom> » of each imported
item failed to write, a server error after the file had been read and found good.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.authoring.models import EventKind, ReviewEvent
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.conftest import PASSWORD, form_token, login
from tests.postgres.conftest import seed_exam

pytestmark = pytest.mark.postgres

CSV = b"stem;option_a;option_b;option_c;correct\nTaux du PFU ?;12,8 %;30 %;45 %;A\n"


def test_a_nul_in_the_file_name_is_not_a_server_error(pg_app, tmp_path):
    seed_exam(tmp_path, candidates=0)
    create_user("auteur@example.org", PASSWORD, "Alix Auteur", [Role.AUTHOR], now_utc())
    db.session.commit()
    client = pg_app.test_client()
    login(client, "auteur@example.org")
    response = client.post(
        "/echanges/import",
        data={
            "csrf_token": form_token(client, "/echanges/"),
            "theme": "fiscalite",
            "format": "csv",
            "topic": "",
            "file": (io.BytesIO(CSV), "items\x00.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "1 item(s) importé(s) en brouillon" in response.get_data(as_text=True)
    comments = db.session.execute(
        sa.select(ReviewEvent.comment).where(ReviewEvent.kind == EventKind.IMPORTED)
    ).scalars()
    assert list(comments) == ["Fichier : items.csv"]
