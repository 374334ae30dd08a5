"""The candidate is told why a training correction waits; the API says which sessions hold it."""

from __future__ import annotations

import re
from datetime import timedelta

from questionnaire.admin.forms import to_local
from questionnaire.attempts import services as attempts
from questionnaire.auth.models import Role
from questionnaire.exams.models import ReleasePolicy, SessionPurpose
from questionnaire.exams.services import enrol
from tests.conftest import form_token, login
from tests.web.test_candidate_pages import html_login


def _sat_training_with_a_certification_ahead(make_session, make_user, clock, db):
    candidate = make_user()
    exam, _ = make_session(candidate=candidate)
    exam.title = "Certification de juin"
    training, _ = make_session(
        candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=SessionPurpose.TRAINING
    )
    attempt, _ = attempts.start_attempt(
        attempts.find_enrolment(candidate, training.id), clock(), 30
    )
    attempts.submit_attempt(attempt, clock(), 30)
    db.session.commit()
    return candidate, exam, attempt


def test_the_result_page_names_the_certification_that_holds_the_correction(
    client, make_session, make_user, clock, db
):
    candidate, _exam, attempt = _sat_training_with_a_certification_ahead(
        make_session, make_user, clock, db
    )
    html_login(client, candidate.email)
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "une fois passée votre session de certification du même thème" in html
    assert "« Certification de juin »" in html
    assert "bonne réponse" not in html and "dès la remise" not in html


def test_the_api_lists_the_sessions_that_hold_the_correction(
    client, make_session, make_user, clock, db
):
    candidate, exam, attempt = _sat_training_with_a_certification_ahead(
        make_session, make_user, clock, db
    )
    login(client, candidate.email)
    result = client.get(f"/api/v1/attempts/{attempt.id}").get_json()["result"]
    assert result["correction_released"] is False
    assert result["correction_withheld_for"] == [exam.id]
    assert "correction" not in result


def test_a_training_session_page_names_the_certification_sessions_on_its_bank(
    client, make_session, make_user, clock, db
):
    admin = make_user(Role.ADMIN)
    candidate = make_user()
    exam, _ = make_session(candidate=candidate)
    exam.title = "Certification de juin"
    closed, _ = make_session(candidate=candidate)
    closed.title = "Certification de mars"
    closed.closes_at = clock() - timedelta(minutes=1)  # closed: nothing left to protect
    training, _ = make_session(
        candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=SessionPurpose.TRAINING
    )
    enrol(training, make_user(), clock())  # enrolled in the training only
    db.session.commit()
    login(client, admin.email)
    html = client.get(f"/admin/sessions/{training.id}").get_data(as_text=True)
    notice = html[html.index('id="bank-exposure"') :]
    assert f'href="/admin/sessions/{exam.id}">Certification de juin</a>' in notice
    assert "1 candidat inscrit aux deux sessions" in notice
    assert "Certification de mars" not in notice
    assert 'id="bank-exposure"' not in client.get(f"/admin/sessions/{exam.id}").get_data(
        as_text=True
    )


def test_a_legacy_immediate_certification_session_reads_and_edits_as_after_close(
    client, make_session, make_user, clock, db
):
    admin = make_user(Role.ADMIN)
    session, candidate = make_session()
    session.release_policy = ReleasePolicy.IMMEDIATE  # saved so before migration 0014
    attempts.start_attempt(attempts.find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    login(client, admin.email)
    page = client.get(f"/admin/sessions/{session.id}").get_data(as_text=True)
    assert "<dd>après la clôture de la session — enregistrée « dès la remise »" in page
    edit = f"/admin/sessions/{session.id}/modifier"
    form = client.get(edit).get_data(as_text=True)
    assert re.search(r'<option selected value="after_close">', form)
    assert "cela ne s'applique plus, sa correction est publiée après la clôture" in form
    response = client.post(
        edit,
        data={
            "csrf_token": form_token(client, edit),
            "title": session.title,
            "opens_at": to_local(session.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": to_local(session.closes_at + timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "release_policy": "after_close",
            "purpose": "certification",
        },
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.release_policy is ReleasePolicy.AFTER_CLOSE
    assert not session.has_legacy_immediate_release


def test_the_session_page_tells_before_starting_when_the_correction_comes(
    client, make_session, make_user, db
):
    candidate = make_user()
    exam, _ = make_session(candidate=candidate)
    exam.title = "Certification de juin"
    training, _ = make_session(
        candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=SessionPurpose.TRAINING
    )
    db.session.commit()
    html_login(client, candidate.email)
    page = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert re.search(
        r"<dt>Corrigé</dt>\s*<dd>après votre session de certification du même thème "
        r"« Certification de juin »",
        page,
    )
    own = client.get(f"/sessions/{exam.id}").get_data(as_text=True)
    assert re.search(r"<dt>Corrigé</dt>\s*<dd>après la clôture de la session</dd>", own)
