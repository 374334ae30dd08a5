"""RGPD: notice, export of one's data, erasure by pseudonymisation, retention purge."""

from __future__ import annotations

import json

from sqlalchemy import select

from questionnaire.attempts.models import Attempt, Response
from questionnaire.audit.models import AuditEvent
from questionnaire.audit.services import record
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import authenticate, create_user
from questionnaire.exams.models import Enrolment
from questionnaire.privacy.models import Erasure
from questionnaire.privacy.services import erase_user, purge
from tests.conftest import PASSWORD, form_token, login
from tests.privacy.test_erasure_shows_the_account_first import erase_through_the_form


def _start_and_answer(client, session, candidate):
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    item_id = body["items"][0]["item_id"]
    client.put(
        f"/api/v1/attempts/{body['attempt_id']}/responses/{item_id}",
        json={"selected": ["B"], "seq": 1},
        headers={"X-CSRFToken": token},
    )
    return body["attempt_id"], item_id


def test_the_privacy_notice_is_public_and_linked_from_every_page(client, app):
    app.config["RETENTION_AUDIT_DAYS"] = 123
    page = client.get("/confidentialite")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Base légale" in text and "123 jours" in text
    assert 'href="/confidentialite"' in client.get("/connexion").get_data(as_text=True)


def test_a_candidate_downloads_their_own_data(client, make_session, db):
    session, candidate = make_session()
    attempt_id, item_id = _start_and_answer(client, session, candidate)
    assert 'href="/mes-donnees"' in client.get("/").get_data(as_text=True)
    assert "/mes-donnees/export.json" in client.get("/mes-donnees").get_data(as_text=True)
    response = client.get("/mes-donnees/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["account"]["email"] == candidate.email
    assert document["enrolments"][0]["session"] == "Session test"
    exported = document["attempts"][0]
    assert exported["attempt_id"] == attempt_id
    answered = next(a for a in exported["answers"] if a["item_id"] == item_id)
    assert answered["selected"] == ["B"]
    assert {"auth.login", "attempt.start"} <= {e["action"] for e in document["audit_events"]}
    export_event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.export")
    ).scalar_one()
    assert export_event.subject_id == candidate.id


def test_the_export_finalises_a_copy_whose_time_is_up(client, make_session, db, clock):
    """Before the cron job runs, a copy past its deadline is exported as its pages show it:
    expired and graded, not « in progress » (exploratory pass of 2026-12-06)."""
    session, candidate = make_session()
    attempt_id, _item_id = _start_and_answer(client, session, candidate)
    (running,) = client.get("/mes-donnees/export.json").get_json()["attempts"]
    assert running["status"] == "in_progress"
    clock.advance(days=1)
    (exported,) = client.get("/mes-donnees/export.json").get_json()["attempts"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status.value == exported["status"] == "expired"
    assert attempt.score is not None and exported["submitted_at"] is not None


def test_the_export_needs_a_login(client):
    response = client.get("/mes-donnees/export.json")
    assert response.status_code == 302


def test_erasure_pseudonymises_the_account_and_keeps_the_answers(
    client, make_session, make_user, db, clock
):
    session, candidate = make_session()
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    enrolment.accommodation_note = "Tiers temps (dossier médical)"
    db.session.commit()
    attempt_id, _item = _start_and_answer(client, session, candidate)
    token = login(client, candidate.email)
    client.post(f"/api/v1/attempts/{attempt_id}/submit", headers={"X-CSRFToken": token})
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token})
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    response = erase_through_the_form(client, candidate.email, "Demande écrite du 1er mars")
    assert response.status_code == 302
    response = client.get(response.headers["Location"])
    erasure = db.session.execute(select(Erasure)).scalar_one()
    assert erasure.pseudonym in response.get_data(as_text=True)
    user = db.session.get(User, candidate.id)
    assert user.display_name == erasure.pseudonym
    assert user.email == f"{erasure.pseudonym.lower()}@efface.invalid"
    assert "@example.org" not in user.email and not user.active
    assert authenticate(user.email, PASSWORD, clock()) is None
    assert db.session.get(Enrolment, enrolment.id).accommodation_note is None
    assert db.session.get(Attempt, attempt_id).user_id == candidate.id
    assert db.session.execute(select(Response)).scalar_one().selected == ["B"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.erase")
    ).scalar_one()
    assert (event.actor_id, event.subject_id) == (admin.id, candidate.id)


def test_erasure_form_errors_are_shown_in_french(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    token = form_token(client, "/admin/rgpd/effacement")
    unknown = client.post(
        "/admin/rgpd/effacement",
        data={"email": "nobody@example.org", "reason": "x", "confirm": "y", "csrf_token": token},
    )
    assert unknown.status_code == 422
    assert "Aucun compte avec cette adresse" in unknown.get_data(as_text=True)
    candidate = make_user(email="cand@example.org")
    unconfirmed = client.post(  # the account shown, the box left unchecked
        "/admin/rgpd/effacement",
        data={
            "email": candidate.email,
            "reason": "x",
            "account": str(candidate.id),
            "csrf_token": token,
        },
    )
    assert unconfirmed.status_code == 422
    unconfirmed_page = unconfirmed.get_data(as_text=True)
    # the summary names what to do and leads to the checkbox
    assert (
        '<a href="#confirm">Cochez la case de confirmation de l&#39;effacement.</a>'
        in unconfirmed_page
    )
    own = client.post(
        "/admin/rgpd/effacement",
        data={"email": "admin@example.org", "reason": "x", "confirm": "y", "csrf_token": token},
    )
    assert own.status_code == 422
    assert "propre compte" in own.get_data(as_text=True)


def test_an_account_is_erased_once(make_user, db, clock):
    import pytest

    from questionnaire.privacy.services import ErasureError

    admin = make_user(Role.ADMIN)
    candidate = make_user()
    first = erase_user(candidate, admin, "Demande", clock())
    db.session.commit()
    with pytest.raises(ErasureError):
        erase_user(candidate, admin, "Demande", clock())
    assert db.session.get(User, candidate.id).display_name == first.pseudonym


def test_candidates_cannot_erase_accounts(client, make_user):
    candidate = make_user()
    login(client, candidate.email)
    assert client.get("/admin/rgpd/effacement").status_code == 403


def test_purge_applies_the_retention_durations(make_session, make_user, db, clock):
    old_candidate = make_user(email="old@example.org")
    author = make_user(Role.AUTHOR, email="author@example.org")
    record("auth.login", clock(), subject_id=old_candidate.id)
    db.session.commit()
    clock.advance(days=400)
    recent_candidate = create_user("new@example.org", PASSWORD, "Récent", [Role.CANDIDATE], clock())
    record("auth.login", clock(), subject_id=recent_candidate.id)
    db.session.commit()

    report = purge(clock(), audit_days=365, account_days=300)
    db.session.commit()

    assert (report.audit_events_deleted, report.accounts_pseudonymised) == (1, 1)
    assert db.session.get(User, old_candidate.id).email.endswith("@efface.invalid")
    assert db.session.get(User, recent_candidate.id).email == "new@example.org"
    assert db.session.get(User, author.id).email == "author@example.org"
    actions = [e.action for e in db.session.execute(select(AuditEvent)).scalars()]
    assert sorted(actions) == ["auth.login", "privacy.erase", "privacy.purge"]


def test_a_candidate_with_a_recent_attempt_is_kept(make_session, make_user, db, clock):
    from questionnaire.attempts.services import find_enrolment, start_attempt

    clock.advance(days=-400)
    candidate = make_user()
    clock.advance(days=400)
    session, _ = make_session(candidate=candidate)
    start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    assert purge(clock(), audit_days=365, account_days=300).accounts_pseudonymised == 0
    assert not db.session.get(User, candidate.id).email.endswith("@efface.invalid")


def test_the_purge_command(app, make_user, db, clock):
    make_user(email="old@example.org")
    clock.advance(days=3000)
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 compte(s) pseudonymisé(s)" in result.output


def _certification_with_records(db, clock, make_user, candidate):
    """Seed 000's certification, with an accommodation and a jury evaluation of ``candidate``."""
    from questionnaire.certification.loader import DATA_PATH, load_referentials
    from questionnaire.certification.models import ModalityKind
    from questionnaire.certification.services import (
        add_accommodation,
        ensure_enrolment,
        record_evaluation,
    )

    load_referentials(DATA_PATH, clock())
    jury = make_user(Role.JURY, Role.ADMIN, email="jury-cert@example.org")
    enrolment = ensure_enrolment("charge-clientele-particuliers", candidate, jury, clock())
    add_accommodation(
        enrolment,
        "Tiers temps : trouble visuel (certificat médical)",
        jury,
        clock(),
        replaced_theme="rgpd",
        replacement=ModalityKind.EPREUVE_ORALE,
    )
    competency = next(c for c in enrolment.certification.competencies if c.is_jury_evaluated)
    record_evaluation(
        enrolment, competency, jury, clock(), acquired=True, grid_score=4, comment="Très clair"
    )
    db.session.commit()
    return enrolment, competency


def test_the_export_holds_the_certification_records_and_preferences(client, make_user, db, clock):
    """Access right (art. 15): the jury's evaluations and the accommodations are personal data."""
    from questionnaire.accessibility.services import DisplayChoices, save_preferences

    candidate = make_user(Role.CANDIDATE)
    enrolment, competency = _certification_with_records(db, clock, make_user, candidate)
    save_preferences(candidate.id, DisplayChoices(large_text=True), clock())
    db.session.commit()
    login(client, candidate.email)
    document = client.get("/mes-donnees/export.json").get_json()
    (certification,) = document["certifications"]
    assert certification["certification"] == enrolment.certification.title
    (accommodation,) = certification["accommodations"]
    assert accommodation["description"].startswith("Tiers temps")
    assert (accommodation["replaced_questionnaire"], accommodation["replaced_by"]) == (
        "rgpd",
        "epreuve_orale",
    )
    (evaluation,) = certification["jury_evaluations"]
    assert (evaluation["competency"], evaluation["comment"]) == (competency.code, "Très clair")
    assert document["display_preferences"]["large_text"] is True


def test_erasure_removes_the_certification_accommodation_descriptions(make_user, db, clock):
    from questionnaire.certification.models import Accommodation, ModalityKind

    candidate = make_user(Role.CANDIDATE)
    _certification_with_records(db, clock, make_user, candidate)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    erase_user(candidate, admin, "Demande écrite", clock())
    db.session.commit()
    (accommodation,) = db.session.execute(select(Accommodation)).scalars()
    assert "médical" not in accommodation.description
    assert "visuel" not in accommodation.description
    # the replaced questionnaire is no health data, and the candidate's results rest on it
    assert (accommodation.replaced_theme, accommodation.replacement) == (
        "rgpd",
        ModalityKind.EPREUVE_ORALE,
    )


def test_the_export_holds_the_analysis_group_of_each_enrolment(client, make_session, db):
    """The register lists the optional analysis group among the enrolment data: it is exported."""
    session, candidate = make_session()
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    enrolment.analysis_group = "Réseau Ouest"
    db.session.commit()
    login(client, candidate.email)
    (exported,) = client.get("/mes-donnees/export.json").get_json()["enrolments"]
    assert exported["session"] == session.title
    assert exported["analysis_group"] == "Réseau Ouest"


def test_the_notice_names_every_category_of_data_kept_about_candidates(client):
    """Art. 13: the certification records and display preferences are kept, so they are named."""
    text = client.get("/confidentialite").get_data(as_text=True)
    for category in (
        "évaluations du jury",
        "aménagements de l'évaluation",
        "groupe d'analyse",
        "Préférences d'affichage",
    ):
        assert category in text


def test_the_purge_command_has_a_dry_run(app, make_user, db, clock):
    old = make_user(email="old@example.org")
    clock.advance(days=3000)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Simulation" in result.output and "1 compte(s) pseudonymisé(s)" in result.output
    db.session.expire_all()
    assert db.session.get(User, old.id).email == "old@example.org"
    assert db.session.execute(select(Erasure)).first() is None
    assert "1 compte(s)" in runner.invoke(args=["privacy", "purge"]).output


def test_erasure_deletes_the_display_preferences(client, make_user, db, clock):
    """The preferences may hint at an accessibility need (register, line 7) and only serve the
    display of an account that can no longer log in: the pseudonymous account keeps none."""
    from questionnaire.accessibility.models import UserPreference
    from questionnaire.accessibility.services import DisplayChoices, save_preferences

    candidate, other = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    for user in (candidate, other):
        save_preferences(user.id, DisplayChoices(large_text=True, hide_countdown=True), clock())
    db.session.commit()
    erase_user(candidate, make_user(Role.ADMIN), "Demande écrite", clock())
    db.session.commit()
    kept = db.session.execute(select(UserPreference.user_id)).scalars().all()
    assert kept == [other.id]
    notice = client.get("/confidentialite").get_data(as_text=True)
    assert "vous les modifiez à tout moment ; supprimées à l'effacement" in notice
