"""Addresses pasted from a mail client (« Camille Martin <camille@example.org> », « mailto: »)
enrol the account they name, one by one or by file."""

import io

import pytest
from sqlalchemy import select

from questionnaire.auth.models import User
from questionnaire.exams.models import Enrolment
from tests.conftest import form_token

PASTED = [
    "Camille Martin <camille@example.org>",
    '"Martin, Camille" <Camille@Example.org>',
    "mailto:camille@example.org",
    "<camille@example.org>",
]


def enrolled_emails(db, session) -> list[str]:
    return list(
        db.session.execute(
            select(User.email)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.session_id == session.id, User.email == "camille@example.org")
        ).scalars()
    )


@pytest.mark.parametrize("typed", PASTED)
def test_the_enrolment_form_takes_a_pasted_address(
    client, admin, make_session, make_user, db, typed
):
    session, _ = make_session()
    make_user(email="camille@example.org")
    url = f"/admin/sessions/{session.id}"
    response = client.post(
        f"{url}/inscriptions",
        data={"csrf_token": form_token(client, url), "email": typed, "extra_time_percent": "0"},
    )
    assert response.status_code == 302
    assert enrolled_emails(db, session) == ["camille@example.org"]


@pytest.mark.parametrize("typed", PASTED)
def test_the_enrolment_file_takes_a_pasted_address(
    client, admin, make_session, make_user, db, typed
):
    session, _ = make_session()
    make_user(email="camille@example.org")
    url = f"/admin/sessions/{session.id}"
    cell = '"' + typed.replace('"', '""') + '"'
    response = client.post(
        f"{url}/inscriptions/csv",
        data={
            "csrf_token": form_token(client, url),
            "file": (io.BytesIO(f"{cell};25\n".encode()), "liste.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert enrolled_emails(db, session) == ["camille@example.org"]


def test_the_same_person_pasted_twice_in_a_file_is_named(client, admin, make_session, make_user):
    session, _ = make_session()
    make_user(email="camille@example.org")
    url = f"/admin/sessions/{session.id}"
    data = "camille@example.org;25\nCamille Martin <camille@example.org>;25\n"
    response = client.post(
        f"{url}/inscriptions/csv",
        data={
            "csrf_token": form_token(client, url),
            "file": (io.BytesIO(data.encode()), "liste.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "camille@example.org figure déjà ligne 1." in response.get_data(as_text=True)
