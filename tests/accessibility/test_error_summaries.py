"""A failed submission is announced (role="alert"), not only marked beside each field."""

from __future__ import annotations

import re

from questionnaire.auth.models import Role
from tests.conftest import form_token, login

SUMMARY = re.compile(r'<div class="error-summary" role="alert">')


def test_the_review_announces_a_missing_confirmation(client, make_session):
    session, candidate = make_session()
    login(client, candidate.email)
    token = form_token(client, f"/sessions/{session.id}")
    question = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    review = question.headers["Location"].split("/questions/")[0] + "/revue"
    assert not SUMMARY.search(client.get(review).get_data(as_text=True))
    response = client.post(review, data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert SUMMARY.search(html) and 'aria-invalid="true"' in html


def test_administration_forms_announce_their_errors(client, make_session, make_user):
    session, _candidate = make_session()
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    for url in (
        "/admin/utilisateurs/nouveau",
        "/admin/sessions/nouvelle",
        "/admin/rgpd/effacement",
        f"/admin/incidents/sessions/{session.id}",
    ):
        token = form_token(client, url)
        assert not SUMMARY.search(client.get(url).get_data(as_text=True)), url
        html = client.post(url, data={"csrf_token": token}).get_data(as_text=True)
        assert SUMMARY.search(html), url
    enrol = client.post(
        f"/admin/sessions/{session.id}/inscriptions",
        data={"csrf_token": token, "email": "", "extra_time_percent": "0"},
    )
    assert SUMMARY.search(enrol.get_data(as_text=True))
