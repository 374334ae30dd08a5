"""The copies form sent with a copy number no database integer can hold (a tampered form)."""

from __future__ import annotations

from sqlalchemy import func, select

from questionnaire.attempts.services import find_enrolment, start_attempt
from questionnaire.auth.models import Role
from questionnaire.incidents.models import CopyTimeExtension
from tests.conftest import form_token, login, page_text


def test_a_copy_number_out_of_range_is_refused_in_french_not_a_server_error(
    client, make_session, make_user, db, clock
):
    session, candidate = make_session(duration=30)
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    login(client, make_user(Role.ADMIN, email="adm@example.org").email)
    url = f"/admin/incidents/sessions/{session.id}"

    response = client.post(
        f"{url}/copies",
        data={
            "csrf_token": form_token(client, url),
            "copie-copies": [str(attempt.id), "99999999999999999999"],
            "copie-minutes": "5",
            "copie-reason": "Panne du poste",
            "copie-grants_seen": "0",
        },
    )

    assert response.status_code == 422
    assert "Choix incorrect" in page_text(response.get_data(as_text=True))
    assert db.session.execute(select(func.count(CopyTimeExtension.id))).scalar_one() == 0
