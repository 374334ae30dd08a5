"""Once a session is closed, its enrolments are its record (enrolled, present, absent): an
absent candidate's enrolment is no longer removed."""

from sqlalchemy import select

from questionnaire.exams.models import Enrolment
from tests.conftest import form_token, page_text


def test_a_closed_sessions_absent_candidate_stays_enrolled(client, admin, make_session, db, clock):
    session, candidate = make_session()  # open for a day; the candidate never starts
    enrolment = session.enrolments[0]
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    clock.advance(days=1)  # closed
    page = client.get(url).get_data(as_text=True)
    assert f"{url}/inscriptions/{enrolment.id}/supprimer" not in page
    assert "Session close : inscription conservée" in page_text(page)
    refused = client.post(
        f"{url}/inscriptions/{enrolment.id}/supprimer",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "La session est close : ses inscriptions" in page_text(refused.get_data(as_text=True))
    assert db.session.execute(select(Enrolment.user_id)).scalars().all() == [candidate.id]


def test_an_open_sessions_enrolment_nobody_used_is_still_removed(client, admin, make_session, db):
    session, _ = make_session()
    enrolment = session.enrolments[0]
    url = f"/admin/sessions/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert f"{url}/inscriptions/{enrolment.id}/supprimer" in page
    removed = client.post(
        f"{url}/inscriptions/{enrolment.id}/supprimer",
        data={"csrf_token": form_token(client, url)},
        follow_redirects=True,
    )
    assert "Inscription supprimée." in removed.get_data(as_text=True)
    assert db.session.execute(select(Enrolment)).first() is None
