"""The session page of a copy already started states that copy's terms, not today's settings."""

from datetime import timedelta

import pytest
from flask import current_app

from questionnaire.admin.services import update_enrolment, update_questionnaire
from questionnaire.auth.models import Role
from questionnaire.exams.services import ExamConfigError
from questionnaire.incidents.services import grant_extra_time
from tests.conftest import form_token, login, page_text
from tests.web.test_candidate_pages import only_attempt, start_attempt


def lower_extra_time(db, session, candidate, percent, now):
    enrolment = next(e for e in session.enrolments if e.user_id == candidate.id)
    change = update_enrolment(
        enrolment, percent, "", now=now, grace_seconds=current_app.config["GRACE_SECONDS"]
    )
    db.session.commit()
    return change


def test_extra_time_lowered_after_the_start_the_page_states_the_copy_s_time(
    client, make_session, db, clock
):
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.now = attempt.started_at + timedelta(minutes=5)
    change = lower_extra_time(db, session, candidate, 0, clock.now)
    assert change is not None and change.added == timedelta(0)  # the copy keeps its deadline
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Durée 30 minutes Seuil" not in page, "the copy's extra time is no longer stated"
    assert "Durée 30 minutes, portée à 39 min 54 s avec votre temps supplémentaire de 33 %" in page


def test_extra_time_lowered_before_the_start_the_page_states_the_current_time(
    client, make_session, db, clock
):
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    lower_extra_time(db, session, candidate, 0, clock.now)
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Durée 30 minutes Seuil de réussite 60 %" in page
    assert "portée à" not in page


def test_extra_time_raised_after_the_start_the_page_states_the_new_time(
    client, make_session, db, clock
):
    session, candidate = make_session(extra=0, duration=30)
    login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.now = attempt.started_at + timedelta(minutes=5)
    change = lower_extra_time(db, session, candidate, 50, clock.now)
    assert change is not None and change.added == timedelta(minutes=15)
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Durée 30 minutes, portée à 45 minutes avec votre temps supplémentaire de 50 %" in page


def test_an_incident_grant_and_a_lowered_extra_time_both_read_from_the_copy(
    client, make_session, make_user, db, clock
):
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.now = attempt.started_at + timedelta(minutes=5)
    grant_extra_time(session, 10, "Panne du réseau", make_user(Role.ADMIN), clock.now)
    db.session.commit()
    lower_extra_time(db, session, candidate, 0, clock.now)
    db.session.expire_all()
    copy = only_attempt(db)
    assert copy.deadline - copy.started_at == timedelta(minutes=49, seconds=54)
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert (
        "Durée 30 minutes, portée à 49 min 54 s avec votre temps supplémentaire de 33 % "
        "et les 10 minutes accordées à la session après un incident" in page
    )


def test_a_finished_copy_not_moved_by_a_later_grant_states_its_own_time(
    client, make_session, make_user, db, clock
):
    session, candidate = make_session(extra=0, duration=30)
    login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    submit = form_token(client, f"/copies/{attempt.id}/revue")
    client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": submit, "confirm": "y"})
    db.session.expire_all()
    assert only_attempt(db).status.is_final
    grant_extra_time(session, 10, "Panne du réseau", make_user(Role.ADMIN), clock.now)
    db.session.commit()
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Durée 30 minutes Seuil de réussite 60 %" in page
    assert "accordées à la session" not in page


def test_the_questionnaire_is_fixed_once_a_copy_is_started(client, make_session, db, clock):
    session, candidate = make_session(pass_mark_bp=6000)
    login(client, candidate.email)
    start_attempt(client, session)
    questionnaire = session.questionnaire
    with pytest.raises(ExamConfigError, match="Des candidats ont déjà composé"):
        update_questionnaire(
            questionnaire,
            title=questionnaire.title,
            item_count=questionnaire.item_count,
            duration_minutes=45,
            pass_mark_bp=8000,
            blueprint=questionnaire.blueprint,
            shuffle_items=True,
            shuffle_options=True,
        )
    db.session.rollback()
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Durée 30 minutes Seuil de réussite 60 %" in page


def test_the_page_states_the_pass_mark_the_copy_is_graded_against(client, make_session, db, clock):
    # what an edit of the questionnaire racing the start would leave (its check of started
    # copies does not see one not yet committed): the copy is graded against its own mark
    session, candidate = make_session(pass_mark_bp=6000)
    login(client, candidate.email)
    start_attempt(client, session)
    session.questionnaire.pass_mark_bp = 8000
    db.session.commit()
    assert only_attempt(db).pass_mark_bp == 6000
    page = page_text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Seuil de réussite 60 % de bonnes réponses" in page


def test_the_dashboard_states_the_copy_s_time_too(client, make_session, db, clock):
    """The dashboard's card of an open session read « 30 minutes » for the same copy."""
    session, candidate = make_session(extra=33, duration=30)
    login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.now = attempt.started_at + timedelta(minutes=5)
    lower_extra_time(db, session, candidate, 0, clock.now)
    page = page_text(client.get("/").get_data(as_text=True))
    assert "30 minutes, portée à 39 min 54 s avec votre temps supplémentaire de 33 %" in page
