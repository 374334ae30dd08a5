"""Session purpose on the pages: the administrator's form and lists, the candidate's pages, reports."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from questionnaire.attempts.services import start_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.models import ExamSession, ReleasePolicy, SessionPurpose
from tests.conftest import form_token, login
from tests.web.test_candidate_pages import html_login

NEW = "/admin/sessions/nouvelle"


def _post_new(client, existing, release, purpose=None):
    data = {
        "csrf_token": form_token(client, NEW),
        "questionnaire": str(existing.questionnaire.id),
        "title": "Session de juin",
        "opens_at": "2026-06-10T09:00",
        "closes_at": "2026-06-10T12:00",
        "release_policy": release,
    }
    if purpose:
        data["purpose"] = purpose
    return client.post(NEW, data=data)


def test_the_form_asks_the_purpose_and_keeps_immediate_for_training(
    client, make_user, make_session, db
):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    existing, _ = make_session()
    page = client.get(NEW).get_data(as_text=True)
    assert re.search(r"<fieldset[^>]*>\s*<legend>Nature de la session", page)
    assert re.search(r'<input checked id="purpose-0"[^>]*value="certification"', page)
    refused = _post_new(client, existing, "immediate", "certification").get_data(as_text=True)
    assert 'class="error-summary"' in refused
    assert "est réservé aux sessions d&#39;entraînement" in refused
    assert 'id="release_policy-errors"' in refused
    missing = _post_new(client, existing, "after_close").get_data(as_text=True)
    assert "Choisissez la nature de la session." in missing
    assert (
        db.session.execute(
            select(ExamSession).where(ExamSession.title == "Session de juin")
        ).first()
        is None
    )
    assert _post_new(client, existing, "immediate", "training").status_code == 302
    created = db.session.execute(
        select(ExamSession).where(ExamSession.title == "Session de juin")
    ).scalar_one()
    assert created.purpose is SessionPurpose.TRAINING
    listing = client.get("/admin/sessions").get_data(as_text=True)
    assert "<td>Entraînement</td>" in listing and "<td>Certification</td>" in listing
    shown = client.get(f"/admin/sessions/{created.id}").get_data(as_text=True)
    assert "les copies ne comptent pas pour la certification" in shown
    overview = client.get("/gestion/sessions").get_data(as_text=True)
    assert "<td>Entraînement</td>" in overview


def test_the_edit_form_refuses_a_new_purpose_once_copies_started(
    client, make_user, make_session, db, clock
):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    session, _ = make_session()
    start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    edit = f"/admin/sessions/{session.id}/modifier"
    page = client.get(edit).get_data(as_text=True)
    assert re.search(r'<input checked id="purpose-0"[^>]*value="certification"', page)
    html = client.post(
        edit,
        data={
            "csrf_token": form_token(client, edit),
            "title": "Session test",
            "opens_at": "2026-03-02T08:00",
            "closes_at": "2026-03-03T08:00",
            "release_policy": "after_close",
            "purpose": "training",
        },
    ).get_data(as_text=True)
    assert 'id="purpose-errors"' in html and "ne peut plus changer" in html
    db.session.refresh(session)
    assert session.purpose is SessionPurpose.CERTIFICATION


def test_the_candidate_is_told_whether_the_session_counts(client, make_session, make_user, db):
    candidate = make_user()
    exam, _ = make_session(candidate=candidate)
    training, _ = make_session(
        candidate=candidate, release=ReleasePolicy.IMMEDIATE, purpose=SessionPurpose.TRAINING
    )
    html_login(client, candidate.email)
    home = client.get("/").get_data(as_text=True)
    assert home.count("votre résultat compte pour votre certification") == 1
    assert home.count("ce questionnaire ne compte pas pour votre certification") == 1
    assert "ce questionnaire ne compte pas" in client.get(f"/sessions/{training.id}").get_data(
        as_text=True
    )
    assert "votre résultat compte pour votre certification" in client.get(
        f"/sessions/{exam.id}"
    ).get_data(as_text=True)


def test_training_sessions_are_not_in_the_cpne_reports(client, make_user, make_session):
    jury = make_user(Role.JURY)
    exam, _ = make_session()
    training, _ = make_session(purpose=SessionPurpose.TRAINING)
    login(client, jury.email)
    index = client.get("/rapports/").get_data(as_text=True)
    assert f"/rapports/sessions/{exam.id}" in index
    assert f"/rapports/sessions/{training.id}" not in index
    assert client.get(f"/rapports/sessions/{training.id}").status_code == 404
    assert client.get(f"/rapports/sessions/{training.id}/export/csv").status_code == 404


def test_training_sessions_are_not_in_the_period_report_nor_the_cli(
    app, make_session, loaded_bank, clock, tmp_path
):
    from questionnaire.reports.period_report import period_sessions

    theme = loaded_bank()
    exam, _ = make_session(theme=theme)
    training, _ = make_session(theme=theme, purpose=SessionPurpose.TRAINING)
    day = timedelta(days=1)
    assert period_sessions(theme, clock() - day, clock() + day) == [exam]
    output = tmp_path / "rapport.csv"
    result = app.test_cli_runner().invoke(
        args=["reports", "session", str(training.id), "--format", "csv", "-o", str(output)]
    )
    assert result.exit_code == 1 and "session d'entraînement" in result.output
    assert not output.exists()
