"""More extra time for a candidate whose copy is over: the message sends nobody to a page that
cannot reopen it."""

from datetime import timedelta

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from tests.conftest import form_token, page_text


def test_the_message_does_not_promise_a_remedy_the_incidents_page_lacks(
    client, admin, make_session, db, clock
):
    session, candidate = make_session(duration=30)
    enrolment = find_enrolment(candidate, session.id)
    attempt, _ = start_attempt(enrolment, clock(), 30)
    submit_attempt(attempt, clock() + timedelta(minutes=5), 30)
    db.session.commit()
    url = f"/admin/sessions/{session.id}"
    response = client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": form_token(client, url), "extra_time_percent": "33"},
        follow_redirects=True,
    )
    text = page_text(response.get_data(as_text=True))
    assert f"{candidate.display_name} a déjà terminé sa copie" in text
    assert "se compense par la page « Incidents »" not in text
    assert "la page « Incidents » ne prolonge que les copies en cours" in text
