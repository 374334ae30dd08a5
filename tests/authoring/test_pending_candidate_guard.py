"""The authoring workspace and the item exchange show every bank's items and answer keys: a user
still to sit a certification session gets a 403 on each of their routes until their sitting."""

from __future__ import annotations

import html
import random
from datetime import timedelta

import pytest
from flask import url_for

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment, SessionPurpose
from tests.conftest import form_token, login, page_text

CLOSED = (
    "Vous êtes inscrit comme candidat à la session de certification « Session test » : "
    "l'atelier et les échanges montrent les items et les corrigés de toutes les banques, ils "
    "vous sont donc fermés jusqu'à votre épreuve. Ils vous seront de nouveau ouverts dès que "
    "vous l'aurez passée."
)
STAFF = (Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.CANDIDATE)


def _text(response) -> str:
    return html.unescape(page_text(response.get_data(as_text=True)))


def _routes(app) -> list[tuple[str, str]]:
    """(method, url) of every route of the two blueprints, their arguments filled in."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in {"authoring", "exchange"}:
                continue
            values = {
                name: 1 if "int" in type(rule._converters[name]).__name__.lower() else "TST-0001"
                for name in rule.arguments
            }
            method = "GET" if "GET" in rule.methods else "POST"
            routes.append((method, url_for(rule.endpoint, **values)))
    return routes


def _enrol_directly(db, clock, session, user):
    """An enrolment made before the rule (the enrolment service now refuses an author)."""
    db.session.add(Enrolment(session=session, user=user, created_at=clock()))
    db.session.commit()


@pytest.fixture
def staff(make_user):
    return make_user(*STAFF, email="dominique@example.org", name="Dominique Bernard")


def test_every_route_of_both_blueprints_answers_403_to_a_pending_candidate(
    app, client, staff, make_session, db, clock
):
    session, _ = make_session(opens_in=timedelta(days=3))  # not open yet: pending all the same
    _enrol_directly(db, clock, session, staff)
    login(client, staff.email)
    token = form_token(client, "/")
    routes = _routes(app)
    assert {url.split("/")[1] for _, url in routes} == {"atelier", "echanges"}
    assert len(routes) > 10
    for method, url in routes:
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 403, (method, url)
        text = _text(response)
        assert CLOSED in text, url
        assert "TST-0001" not in text or "TST-0001" in url


def test_an_administrator_who_is_a_candidate_is_kept_out_too(
    client, make_user, make_session, clock
):
    boss = make_user(Role.ADMIN, Role.CANDIDATE, email="boss@example.org")
    make_session(candidate=boss)  # open now, not started
    login(client, boss.email)
    for url in ("/atelier/", "/echanges/", "/echanges/export?theme=fiscalite&format=yaml"):
        assert client.get(url).status_code == 403, url


def test_the_workspace_reopens_after_the_sitting(client, staff, make_session, db, clock):
    session, _ = make_session()
    _enrol_directly(db, clock, session, staff)
    login(client, staff.email)
    assert client.get("/atelier/").status_code == 403
    attempt, _ = start_attempt(find_enrolment(staff, session.id), clock(), 30, random.Random(2))
    assert client.get("/echanges/").status_code == 403  # a copy in progress: still pending
    submit_attempt(attempt, clock(), 30)
    db.session.commit()
    for url in ("/atelier/", "/echanges/"):
        assert client.get(url).status_code == 200, url


def test_training_and_past_sessions_do_not_close_it(client, staff, make_session, db, clock):
    training, _ = make_session(purpose=SessionPurpose.TRAINING)
    _enrol_directly(db, clock, training, staff)
    login(client, staff.email)
    for url in ("/atelier/", "/echanges/"):
        assert client.get(url).status_code == 200, url  # training copies never count
    missed, _ = make_session()
    _enrol_directly(db, clock, missed, staff)
    assert client.get("/atelier/").status_code == 403
    clock.advance(days=2)  # closed, never sat: nothing left to sit
    for url in ("/atelier/", "/echanges/"):
        assert client.get(url).status_code == 200, url


def test_a_visitor_is_still_sent_to_the_login_page(client):
    response = client.get("/atelier/")
    assert response.status_code in (302, 401)
