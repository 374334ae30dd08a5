"""Candidate pages after the acceptance review: time up, durations, the result and its correction."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from questionnaire.attempts.models import AttemptStatus
from questionnaire.exams.models import ReleasePolicy
from questionnaire.web import french_duration, french_minutes, paris_time
from tests.conftest import form_token, login, page_text
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt

FLASH = "Le temps imparti est écoulé"
NOTICE = "Le temps imparti s'est écoulé"


def started(client, db, make_session, **options):
    session, candidate = make_session(**options)
    html_login(client, candidate.email)
    start_attempt(client, session)
    return session, only_attempt(db)


def status_of(db, attempt):
    db.session.expire_all()
    return db.session.get(type(attempt), attempt.id).status


# ---- time up, without JavaScript ------------------------------------------------------------


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=10)])
def test_a_question_asked_for_after_the_deadline_closes_the_copy(
    client, make_session, db, clock, late
):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline + late  # within the grace period
    response = client.get(f"/copies/{attempt.id}/questions/1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/resultat")
    assert status_of(db, attempt) is AttemptStatus.EXPIRED
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert FLASH in html and "il reste environ" not in html


def test_the_review_asked_for_after_the_deadline_closes_the_copy(client, make_session, db, clock):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline + timedelta(seconds=5)
    response = client.get(f"/copies/{attempt.id}/revue")
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/resultat")
    assert status_of(db, attempt) is AttemptStatus.EXPIRED


def test_a_question_just_before_the_deadline_is_still_offered(client, make_session, db, clock):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline - timedelta(seconds=1)
    response = client.get(f"/copies/{attempt.id}/questions/1")
    assert response.status_code == 200 and 'name="answer"' in response.get_data(as_text=True)


def test_an_answer_posted_within_grace_is_saved_then_leads_to_the_closed_copy(
    client, make_session, db, clock
):
    _session, attempt = started(client, db, make_session, duration=5)
    token = form_token(client, f"/copies/{attempt.id}/questions/1")
    first = attempt.items[0]
    good = sorted(first.version.correct_keys)
    clock.now = attempt.deadline + timedelta(seconds=10)
    response = client.post(
        f"/copies/{attempt.id}/questions/1",
        data={"csrf_token": token, "answer": good, "action": "next"},
    )
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/resultat")
    db.session.expire_all()
    closed = only_attempt(db)
    assert closed.status is AttemptStatus.EXPIRED
    assert closed.items[0].selected == good and closed.items[0].score == 1
    assert FLASH in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_answer_posted_after_grace_is_not_saved(client, make_session, db, clock, app):
    _session, attempt = started(client, db, make_session, duration=5)
    token = form_token(client, f"/copies/{attempt.id}/questions/1")
    clock.now = attempt.deadline + timedelta(seconds=app.config["GRACE_SECONDS"] + 1)
    response = client.post(
        f"/copies/{attempt.id}/questions/1",
        data={"csrf_token": token, "answer": ["A"], "action": "next"},
    )
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/resultat")
    db.session.expire_all()
    assert not only_attempt(db).items[0].is_answered


def test_an_expired_copy_states_the_deadline_not_the_moment_it_was_closed(
    client, make_session, db, clock
):
    clock.advance(seconds=30)  # started at 9 h 00 min 30 s, Paris time
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline + timedelta(seconds=40)  # closed at 9 h 06 min 10 s
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "Fin du temps imparti le 02/03/2026 à 09 h 05." in html
    assert "09 h 06" not in html
    dashboard = client.get("/").get_data(as_text=True)
    assert "02/03/2026 à 09 h 05 (temps écoulé)" in dashboard and "09 h 06" not in dashboard


def test_the_time_up_message_is_shown_once(client, make_session, db, clock):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline + timedelta(minutes=1)
    location = client.get(f"/copies/{attempt.id}/questions/1").headers["Location"]
    # just closed: the flash, announced (role="alert"), and not the page's own notice
    html = client.get(location).get_data(as_text=True)
    assert re.search(rf'<p class="flash flash-warning" role="alert">{FLASH}', html)
    assert NOTICE not in html
    # later (or after the timer's own submission): the page states it, once
    html = client.get(location).get_data(as_text=True)
    assert html.count("Le temps imparti") == 1 and NOTICE in html


# ---- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, text",
    [
        (60, "1 minute"),
        (1800, "30 minutes"),
        (2394, "39 min 54 s"),
        (2400, "40 minutes"),
        (45, "45 s"),
    ],
)
def test_durations_read_in_french(seconds, text):
    assert french_duration(seconds) == text


def test_minutes_agree_in_number():
    assert (french_minutes(1), french_minutes(2)) == ("1 minute", "2 minutes")


def test_the_session_page_states_the_extra_time_the_server_enforces(
    client, make_session, db, clock
):
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "30 minutes, portée à 39 min 54 s avec votre temps supplémentaire de 33 %" in page
    start_attempt(client, session)
    attempt = only_attempt(db)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=39, seconds=54)


def test_one_minute_and_one_question_are_singular(client, make_session):
    session, candidate = make_session(duration=1, item_count=1, blueprint={"alpha": 1})
    login(client, candidate.email)
    dashboard = client.get("/").get_data(as_text=True)
    assert "1 question · 1 minute ·" in dashboard
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "<dt>Durée</dt>\n  <dd>1 minute</dd>" in page
    assert "1 minutes" not in dashboard + page and "1 questions" not in dashboard


# ---- the result and its correction ----------------------------------------------------------


def submit(client, attempt):
    token = form_token(client, f"/copies/{attempt.id}/revue")
    client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token, "confirm": "y"})


def test_the_correction_shows_the_banks_letters_in_their_order(client, make_session, db):
    _session, attempt = started(client, db, make_session, release=ReleasePolicy.IMMEDIATE)
    for ai in attempt.items:
        ai.option_order = ["C", "A", "D", "B"]  # the order the candidate saw
    db.session.commit()
    token = form_token(client, f"/copies/{attempt.id}/questions/1")
    first = attempt.items[0]
    wrong = sorted(first.version.option_keys - first.version.correct_keys)[0]
    (right,) = first.version.correct_keys
    client.post(
        f"/copies/{attempt.id}/questions/1",
        data={"csrf_token": token, "answer": [wrong], "action": "next"},
    )
    submit(client, attempt)
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "les lettres que citent les explications" in html
    blocks = re.findall(r'<ul class="correction-options">(.*?)</ul>', html, re.S)
    assert len(blocks) == 2
    for block in blocks:
        keys = re.findall(r'<span class="option-letter">([A-Z])\.</span>', block)
        assert keys == ["A", "B", "C", "D"]
    # the first question: the candidate's choice and the right answer, each said in words
    position = first.position
    block = blocks[position - 1]
    options = dict(re.findall(r'option-letter">([A-Z])\.</span>(.*?)</li>', block, re.S))
    assert "votre choix" in options[wrong] and "bonne réponse" not in options[wrong]
    assert "bonne réponse" in options[right] and "votre choix" not in options[right]


def test_the_topic_breakdown_is_withheld_with_the_correction(client, make_session, db, clock):
    session, attempt = started(client, db, make_session, release=ReleasePolicy.AFTER_CLOSE)
    submit(client, attempt)
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "Sujet alpha" not in html and "0 / 1" not in html
    assert "Le détail par sujet sera consultable avec le corrigé." in html
    api_result = client.get(f"/api/v1/attempts/{attempt.id}").get_json()["result"]
    assert api_result["topics"] == [] and "correction" not in api_result
    clock.now = session.closes_at + timedelta(minutes=1)
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "Sujet alpha" in html and "Sujet beta" in html
    assert "Le détail par sujet sera consultable" not in html
    api_result = client.get(f"/api/v1/attempts/{attempt.id}").get_json()["result"]
    assert {topic["title"] for topic in api_result["topics"]} == {"Sujet alpha", "Sujet beta"}


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 10, 24, 23, 59, tzinfo=UTC), "25/10/2026 à 01 h 59"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25/10/2026 à 02 h 30 heure d'été"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25/10/2026 à 02 h 30 heure d'hiver"),
        (datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "25/10/2026 à 03 h 00"),
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29/03/2026 à 01 h 59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 à 03 h 00"),
    ],
)
def test_an_hour_the_clocks_show_twice_names_its_side(moment, text):
    assert paris_time(moment) == text
    assert paris_time(moment, "%d/%m/%Y") == text[:10]  # a day alone is never ambiguous


def test_a_deadline_in_the_autumn_clock_change_does_not_seem_past(client, make_session, db, clock):
    clock.now = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)  # 02 h 50, summer time
    session, attempt = started(client, db, make_session, duration=30)
    assert attempt.deadline == datetime(2026, 10, 25, 1, 20, tzinfo=UTC)  # 02 h 20, winter time
    for url in (f"/copies/{attempt.id}/questions/1", f"/sessions/{session.id}", "/"):
        page = page_text(client.get(url).get_data(as_text=True))
        assert "02 h 20 heure d'hiver (heure de Paris)" in page, url
