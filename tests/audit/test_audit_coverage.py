"""Every category of sensitive action reaches the audit log, with who did it to whom."""

from __future__ import annotations

from flask_login import login_user
from sqlalchemy import select

from questionnaire.admin import services as admin_services
from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.auth.models import Role
from questionnaire.authoring import services as authoring
from questionnaire.certification import services as certification
from questionnaire.exams.models import Questionnaire
from questionnaire.exchange.services import export_theme
from tests.authoring.test_lifecycle import parsed
from tests.certification.conftest import enrol_candidate, referentials  # noqa: F401
from tests.certification.test_services import competency
from tests.conftest import form_token, login


def _events(db, action):
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def test_administrative_actions_name_the_acting_administrator(
    app, db, clock, make_user, make_session
):
    admin = make_user(Role.ADMIN)
    session, _candidate = make_session()
    other = make_user(email="autre@example.org")
    with app.test_request_context():
        login_user(admin)
        admin_services.update_user(
            other,
            admin,
            display_name="Autre",
            roles=[Role.CANDIDATE, Role.JURY],
            active=True,
            now=clock(),
        )
        admin_services.enrol_candidate(session, other.email, 25, "", clock())
        enrolment = session.enrolments[0]
        admin_services.update_enrolment(enrolment, 33, "tiers temps", now=clock(), grace_seconds=0)
        admin_services.close_session(session, clock())
    db.session.commit()
    update = _events(db, "admin.user_update")[0]
    assert (update.actor_id, update.subject_id) == (admin.id, other.id)
    assert update.details == {
        "roles": ["candidate", "jury"],
        "active": True,
        "password_changed": False,
        "must_change_password": False,  # no password set: nothing to change at the next login
    }
    enrol = _events(db, "admin.enrol")[0]
    assert (enrol.actor_id, enrol.subject_id, enrol.target) == (
        admin.id,
        other.id,
        f"session:{session.id}",
    )
    assert _events(db, "admin.enrolment_update")[0].details == {"extra_time_percent": 33}
    assert _events(db, "admin.session_close")[0].actor_id == admin.id
    assert all(action in ACTION_LABELS for action in ("admin.user_update", "admin.enrol"))


def test_publication_and_a_changed_key_are_recorded(db, clock, loaded_bank, make_user):
    theme = loaded_bank()
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    first = authoring.save_item(None, theme, parsed(correct="B"), author, clock())
    authoring.submit(first, author, clock())
    authoring.approve(first, reviewer, clock())
    authoring.publish(first, reviewer, clock())
    db.session.commit()
    second = authoring.save_item(first.item, theme, parsed(correct="C"), author, clock())
    authoring.submit(second, author, clock())
    authoring.approve(second, reviewer, clock())
    authoring.publish(second, reviewer, clock())
    db.session.commit()
    target = f"item:{first.item.external_id}@{second.number}"
    assert [e.target for e in _events(db, "item.publish")][-1] == target
    assert len(_events(db, "item.approve")) == 2
    (key_change,) = _events(db, "item.key_change")
    assert (key_change.actor_id, key_change.target) == (reviewer.id, target)
    assert key_change.details == {"before": ["B"], "after": ["C"]}


def test_report_and_bank_exports_are_recorded(app, client, db, make_user, make_session):
    session, _candidate = make_session()
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    response = client.get(f"/rapports/sessions/{session.id}/export/csv")
    assert response.status_code == 200
    (report,) = _events(db, "report.export")
    assert (report.actor_id, report.details) == (admin.id, {"format": "csv"})
    with app.test_request_context():
        login_user(admin)
        export_theme("fiscalite", "yaml")
    db.session.commit()
    (bank,) = _events(db, "bank.export")
    assert (bank.actor_id, bank.target, bank.details["format"]) == (
        admin.id,
        "theme:fiscalite",
        "yaml",
    )


def test_jury_decisions_are_recorded(referentials, enrol_candidate, make_user, clock, db):  # noqa: F811
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY, email="jury@example.org")
    c1 = competency(enrolment.certification, "C1")
    certification.record_evaluation(enrolment, c1, jury, clock(), acquired=True)
    db.session.commit()
    (event,) = _events(db, "certification.evaluation")
    assert (event.actor_id, event.subject_id, event.target) == (
        jury.id,
        enrolment.user_id,
        f"competency:{c1.id}",
    )
    assert event.details == {"acquired": True, "grid_score": None}


def test_certification_registration_accommodation_and_prerequisite_are_recorded(
    client,
    referentials,  # noqa: F811
    make_user,
    db,
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    candidate = make_user(Role.CANDIDATE, email="p@example.org")
    jury = make_user(Role.JURY, email="jury@example.org")
    login(client, jury.email)
    url = f"/certifications/{certification.id}/candidats"
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "email": candidate.email}
    )
    assert response.status_code == 302
    (enrol,) = _events(db, "certification.enrol")
    target = f"certification:{certification.slug}"
    assert (enrol.actor_id, enrol.subject_id, enrol.target) == (jury.id, candidate.id, target)
    (enrolment,) = candidate_enrolments(db, candidate)
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    token = form_token(client, transcript)
    client.post(
        f"{transcript}/amenagements", data={"csrf_token": token, "description": "Tiers temps"}
    )
    (accommodation,) = _events(db, "certification.accommodation")
    assert (accommodation.actor_id, accommodation.subject_id, accommodation.target) == (
        jury.id,
        candidate.id,
        target,
    )
    assert accommodation.details == {"accommodation_id": enrolment.accommodations[0].id}
    prerequisite = certification.prerequisites[0]
    client.post(
        f"{transcript}/prerequis/{prerequisite.id}",
        data={"csrf_token": token, f"p{prerequisite.id}-met_on": "2026-02-20"},
    )
    (attested,) = _events(db, "certification.prerequisite")
    assert (attested.actor_id, attested.subject_id, attested.details) == (
        jury.id,
        candidate.id,
        {"prerequisite": prerequisite.code},
    )
    assert all(event.action in ACTION_LABELS for event in (enrol, accommodation, attested))


def test_creating_a_questionnaire_is_recorded(client, make_user, loaded_bank, db):
    from tests.admin.test_admin import questionnaire_data

    theme = loaded_bank()
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    data = questionnaire_data(form_token(client, url), theme, alpha=1, beta=1)
    assert client.post(url, data=data).status_code == 302
    questionnaire = db.session.execute(select(Questionnaire)).scalar_one()
    (event,) = _events(db, "admin.questionnaire_create")
    assert (event.actor_id, event.target) == (admin.id, f"questionnaire:{questionnaire.id}")
    assert event.details == {"item_count": 2, "duration_minutes": 30, "pass_mark_bp": 6000}
    assert event.action in ACTION_LABELS


def candidate_enrolments(db, candidate):
    from questionnaire.certification.models import CertificationEnrolment

    return list(
        db.session.execute(
            select(CertificationEnrolment).where(CertificationEnrolment.user_id == candidate.id)
        ).scalars()
    )
