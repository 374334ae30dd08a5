"""The session page tells the time the server will enforce, and the deadline of a copy under way."""

from datetime import timedelta
from html import unescape

import pytest

from questionnaire.attempts.models import Attempt
from questionnaire.auth.models import Role
from questionnaire.banks.models import ItemVersion, Topic, VersionStatus
from questionnaire.incidents.services import grant_extra_time
from tests.conftest import form_token
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt


def session_page(client, session) -> str:
    return client.get(f"/sessions/{session.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("extra", "incident", "stated", "allowed"),
    [
        (
            0,
            10,
            "30 minutes, portée à 40 minutes avec les 10 minutes accordées à la session "
            "après un incident",
            timedelta(minutes=40),
        ),
        (
            0,
            1,
            "30 minutes, portée à 31 minutes avec la minute accordée à la session "
            "après un incident",
            timedelta(minutes=31),
        ),
        (
            33,
            10,
            "30 minutes, portée à 49 min 54 s avec votre temps supplémentaire de 33 % "
            "et les 10 minutes accordées à la session après un incident",
            timedelta(minutes=49, seconds=54),
        ),
    ],
)
def test_the_session_page_counts_the_time_granted_to_the_session_after_an_incident(
    client, make_session, make_user, db, clock, extra, incident, stated, allowed
):
    session, candidate = make_session(duration=30, extra=extra)
    grant_extra_time(session, incident, "Panne du réseau", make_user(Role.ADMIN), clock())
    db.session.commit()
    html_login(client, candidate.email)
    assert stated in session_page(client, session)
    start_attempt(client, session)
    attempt = only_attempt(db)
    assert attempt.deadline - attempt.started_at == allowed


def test_without_any_extra_time_the_duration_stands_alone(client, make_session):
    session, candidate = make_session(duration=30)
    html_login(client, candidate.email)
    page = session_page(client, session)
    assert "<dt>Durée</dt>\n  <dd>30 minutes</dd>" in page and "portée à" not in page


def test_a_copy_under_way_states_its_deadline_and_the_time_left(client, make_session, db, clock):
    session, candidate = make_session(duration=30)  # starts at 09 h 00, Paris time
    html_login(client, candidate.email)
    start_attempt(client, session)
    clock.advance(minutes=17, seconds=30)
    page = session_page(client, session)
    assert (
        "Votre copie est en cours : fin de l'épreuve à 09 h 30 (heure de Paris), "
        "il reste environ 13 min."
    ) in page
    assert "Reprendre le questionnaire" in page
    clock.advance(minutes=12, seconds=15)
    assert "il reste moins d'une minute." in session_page(client, session)


def test_a_copy_not_started_states_no_deadline(client, make_session):
    session, candidate = make_session(duration=30)
    html_login(client, candidate.email)
    page = session_page(client, session)
    assert "Votre copie est en cours" not in page and "Commencer le questionnaire" in page


def test_a_form_that_cannot_be_drawn_is_explained_in_the_candidates_words(
    client, make_session, db, caplog
):
    session, candidate = make_session(duration=30)  # one question of each topic
    for version in db.session.execute(
        db.select(ItemVersion).join(Topic).where(Topic.slug == "alpha")
    ).scalars():
        version.status = VersionStatus.RETIRED  # retired while the session is open
    db.session.commit()
    html_login(client, candidate.email)
    page = unescape(
        client.post(
            f"/sessions/{session.id}",
            data={"csrf_token": form_token(client, f"/sessions/{session.id}")},
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert (
        "Ce questionnaire ne peut pas être commencé pour le moment : ses questions ne sont pas "
        "disponibles. Prévenez le responsable de la session ; votre temps n'a pas commencé."
    ) in page
    assert "alpha" not in page and "item(s)" not in page
    assert db.session.execute(db.select(Attempt)).first() is None
    # what is missing is told to the people who can fix it
    assert "du sujet alpha, la banque en a 0" in caplog.text
    assert f"Session {session.id} " in caplog.text


def resume(client, session) -> str:
    token = form_token(client, f"/sessions/{session.id}")
    response = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def test_resuming_leads_to_the_first_question_without_an_answer(client, make_session, db):
    session, candidate = make_session(item_count=3, blueprint={"alpha": 2, "beta": 1})
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    first, second, _third = attempt.items
    for attempt_item in (first, second):
        url = f"/copies/{attempt.id}/questions/{attempt_item.position}"
        keys = sorted(attempt_item.version.correct_keys)
        client.post(url, data={"csrf_token": form_token(client, url), "answer": keys})
    assert resume(client, session).endswith(f"/copies/{attempt.id}/questions/3")


def test_resuming_a_copy_fully_answered_leads_to_the_review(client, make_session, db):
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    for attempt_item in attempt.items:
        url = f"/copies/{attempt.id}/questions/{attempt_item.position}"
        keys = sorted(attempt_item.version.correct_keys)
        client.post(url, data={"csrf_token": form_token(client, url), "answer": keys})
    assert resume(client, session).endswith(f"/copies/{attempt.id}/revue")


def test_a_session_not_yet_open_says_when_it_opens(client, make_session):
    session, candidate = make_session(opens_in=timedelta(days=2))  # 4 March, 09 h 00 Paris
    html_login(client, candidate.email)
    page = unescape(session_page(client, session))
    assert (
        "Cette session ouvrira le 04/03/2026 à 09 h 00 : vous pourrez alors commencer "
        "le questionnaire."
    ) in page
    assert "Commencer le questionnaire</button>" not in page


def test_a_closed_session_says_it_is_closed(client, make_session, clock):
    session, candidate = make_session()  # opened at 08 h 00, closes the next day at 08 h 00
    clock.advance(days=2)
    html_login(client, candidate.email)
    page = unescape(session_page(client, session))
    assert (
        "Cette session est close depuis le 03/03/2026 à 08 h 00 : le questionnaire ne peut "
        "plus être commencé."
    ) in page
