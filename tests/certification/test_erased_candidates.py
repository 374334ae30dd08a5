"""An erased account (RGPD) is never registered to a certification, and what the erasure kept of
a candidate's record stays as it is: nothing is recorded on it or removed from it, while the
deliberation still capitalises the blocks it had validated (the statistics stay true)."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.certification import observations, services
from questionnaire.certification.models import (
    BlockValidation,
    EvaluatorQuality,
    JuryEvaluation,
)
from questionnaire.certification.rules import Status
from questionnaire.clock import paris_day
from questionnaire.privacy.services import ERASED_ACCOMMODATION
from tests.certification.test_deliberation import deliberate, validate_block
from tests.certification.test_observations import RECEPTION, record
from tests.certification.test_views import designate, evaluate
from tests.conftest import form_token, login

PARTICULIERS = "charge-clientele-particuliers"
AMF = "cqp-charge-clientele-professionnels"
INTERNE = EvaluatorQuality.EXPERT_INTERNE

REGISTRATION_REFUSED = (
    "ce compte a été effacé (RGPD) : il ne peut plus être inscrit à une certification. Si la "
    "personne revient, créez-lui un nouveau compte."
)
RECORD_KEPT = (
    "Le compte de ce candidat a été effacé (RGPD) : son relevé est conservé tel quel pour les "
    "statistiques, plus rien ne s'y enregistre ni ne s'en retire."
)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def enrol_events(db) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "certification.enrol")
    )


# --- registration --------------------------------------------------------------------------


def test_the_registration_service_refuses_an_erased_account(
    referentials, make_user, erase, clock, db
):
    certification = referentials[PARTICULIERS]
    candidate = erase(make_user(email="camille@example.org", name="Camille Martin"))
    with pytest.raises(services.CertificationError) as refused:
        services.register_candidate(certification, candidate.email, make_user(Role.ADMIN), clock())
    assert str(refused.value) == f"{candidate.email} : {REGISTRATION_REFUSED}"
    assert services.enrolments_of(candidate) == [] and enrol_events(db) == 0


def test_the_idempotent_registration_keeps_an_erased_record_and_creates_none(
    referentials, enrol_candidate, make_user, erase, clock
):
    """The demo's ``ensure_enrolment``: an existing record is found, a new one is refused."""
    certification = referentials[PARTICULIERS]
    admin = make_user(Role.ADMIN)
    kept = enrol_candidate(certification, make_user(email="kept@example.org"))
    erase(kept.user)
    assert services.ensure_enrolment(certification.slug, kept.user, admin, clock()).id == kept.id
    newcomer = erase(make_user(email="camille@example.org"))
    with pytest.raises(services.CertificationError, match="effacé"):
        services.ensure_enrolment(certification.slug, newcomer, admin, clock())
    assert services.enrolments_of(newcomer) == []


def test_an_erased_account_cannot_be_registered_by_the_form(
    client, admin, referentials, make_user, erase, db
):
    certification = referentials[PARTICULIERS]
    candidate = erase(make_user(email="camille@example.org", name="Camille Martin"))
    url = f"/certifications/{certification.id}/candidats"
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "email": candidate.email}
    )
    assert response.status_code == 422  # the form again, with the refusal beside the address
    text = page(response)
    assert f"{candidate.email} : {REGISTRATION_REFUSED}" in text
    assert f'value="{candidate.email}"' in text
    assert services.enrolments_of(candidate) == [] and enrol_events(db) == 0


# --- the record the erasure kept -----------------------------------------------------------


@pytest.fixture
def erased_record(referentials, enrol_candidate, make_user, erase, clock, db):
    """Seed 003: a candidate with designated evaluators, an observed interview and an
    accommodation, then erased; returns the enrolment and the two evaluators."""
    enrolment = enrol_candidate(referentials[RECEPTION], make_user(email="cand@example.org"))
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    services.designate_evaluators(enrolment, expert, second, INTERNE, expert, clock())
    record(enrolment, expert, clock)
    services.add_accommodation(enrolment, "Tiers temps", expert, clock())
    db.session.commit()
    erase(enrolment.user)
    return enrolment, expert, second


def test_nothing_is_recorded_on_or_removed_from_an_erased_record(erased_record, make_user, clock):
    enrolment, expert, second = erased_record
    admin = make_user(Role.ADMIN)
    [accommodation] = enrolment.accommodations
    [observation] = enrolment.observations
    competency = enrolment.certification.blocks[0].competencies[0]
    refused = {
        "accommodation": lambda: services.add_accommodation(enrolment, "Oral", admin, clock()),
        "accommodation removed": lambda: services.delete_accommodation(
            accommodation, admin, clock()
        ),
        "evaluators": lambda: services.designate_evaluators(
            enrolment, second, expert, INTERNE, admin, clock()
        ),
        "evaluation": lambda: services.record_evaluation(
            enrolment, competency, expert, clock(), acquired=True, comment="Observé."
        ),
        "observation": lambda: record(enrolment, expert, clock, days_ago=1, channel="mail"),
        "observation by an administrator": lambda: record(enrolment, admin, clock, days_ago=1),
        "observation removed": lambda: observations.delete_observation(
            enrolment, observation, admin, clock()
        ),
    }
    for action, attempt in refused.items():
        with pytest.raises(services.CertificationError) as error:
            attempt()
        assert str(error.value) == RECORD_KEPT, action
    # the record stays as the erasure left it: no health text, the rest for the statistics
    assert [a.description for a in enrolment.accommodations] == [ERASED_ACCOMMODATION]
    assert [o.id for o in enrolment.observations] == [observation.id]
    assert observation.description is None
    assert {d.evaluator_id for d in enrolment.designated_evaluators} == {expert.id, second.id}
    assert services.evaluation_barrier(enrolment, expert) == RECORD_KEPT
    assert observations.recording_barrier(enrolment, admin) == RECORD_KEPT


def test_no_prerequisite_is_attested_for_an_erased_candidate(
    enrolment_of_erased_amf_candidate, make_user, clock
):
    enrolment = enrolment_of_erased_amf_candidate
    (prerequisite,) = enrolment.certification.prerequisites
    with pytest.raises(services.CertificationError, match="effacé"):
        services.record_prerequisite(
            enrolment, prerequisite, date(2025, 11, 4), make_user(Role.JURY), clock()
        )
    assert enrolment.prerequisite_records == []


@pytest.fixture
def enrolment_of_erased_amf_candidate(referentials, enrol_candidate, make_user, erase):
    """Seed 002 (the AMF prerequisite): an erased candidate's enrolment."""
    enrolment = enrol_candidate(referentials[AMF], make_user(email="amf@example.org"))
    erase(enrolment.user)
    return enrolment


def test_the_transcript_says_the_record_is_kept_and_offers_no_form(client, erased_record, db):
    enrolment, expert, _second = erased_record
    login(client, expert.email)
    text = page(client.get(f"/certifications/inscriptions/{enrolment.id}"))
    assert RECORD_KEPT in text
    assert "/amenagements" not in text and "/evaluateurs" not in text  # no form, no button
    grid = page(client.get(f"/certifications/inscriptions/{enrolment.id}/evaluation"))
    assert RECORD_KEPT in grid and 'name="competency"' not in grid
    observed = page(client.get(f"/certifications/inscriptions/{enrolment.id}/observations/B1"))
    assert RECORD_KEPT in observed and 'name="observed_on"' not in observed


def test_the_screens_refuse_to_record_on_an_erased_record(client, erased_record, db, clock):
    enrolment, expert, second = erased_record
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    [accommodation] = enrolment.accommodations
    [observation] = enrolment.observations
    login(client, expert.email)
    token = form_token(client, transcript)
    posts = {
        f"{transcript}/amenagements": ({"description": "Oral"}, 422),
        f"{transcript}/amenagements/{accommodation.id}/suppression": ({}, 422),
        f"{transcript}/observations/B1": (
            {
                "observed_on": (paris_day(clock()) - timedelta(days=1)).isoformat(),
                "channel": "mail",
            },
            422,
        ),
        f"{transcript}/observations/{observation.id}/suppression": ({}, 422),
    }
    for url, (data, status) in posts.items():
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == status, url
        assert RECORD_KEPT in page(response), url
    competency = enrolment.certification.blocks[0].competencies[0]
    response = evaluate(client, enrolment, competency, token, outcome="acquired", comment="Vu.")
    assert response.status_code == 422 and RECORD_KEPT in page(response)
    response = designate(client, enrolment, second, expert, INTERNE.value)
    assert response.status_code == 422 and RECORD_KEPT in page(response)
    db.session.expire_all()
    assert [a.description for a in enrolment.accommodations] == [ERASED_ACCOMMODATION]
    assert [o.id for o in enrolment.observations] == [observation.id]
    assert db.session.scalar(select(func.count(JuryEvaluation.id))) == 0
    designated = {(d.evaluator_id, d.quality) for d in enrolment.designated_evaluators}
    assert designated == {(expert.id, EvaluatorQuality.EXPERT_HABILITE), (second.id, INTERNE)}


def test_the_prerequisite_form_is_refused_with_the_reason(
    client, enrolment_of_erased_amf_candidate, make_user
):
    enrolment = enrolment_of_erased_amf_candidate
    (prerequisite,) = enrolment.certification.prerequisites
    make_user(Role.JURY, email="jury@example.org")
    login(client, "jury@example.org")
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    response = client.post(
        f"{transcript}/prerequis/{prerequisite.id}",
        data={
            "csrf_token": form_token(client, transcript),
            f"p{prerequisite.id}-met_on": "2025-11-04",
        },
    )
    assert response.status_code == 422 and RECORD_KEPT in page(response)
    assert enrolment.prerequisite_records == []


def test_the_deliberation_capitalises_what_the_erased_record_had_validated(
    referentials, enrol_candidate, make_user, erase, clock, db
):
    """A decision on results obtained before the erasure: no personal data, true statistics."""
    certification = referentials[PARTICULIERS]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    validate_block(enrolment, certification.blocks[0], jury, clock())
    validated_on = clock()
    db.session.commit()
    erase(enrolment.user)
    clock.advance(days=7)
    deliberate(certification, jury, clock())
    db.session.commit()
    [validation] = db.session.execute(select(BlockValidation)).scalars()
    assert (validation.enrolment_id, validation.block.code) == (enrolment.id, "B1")
    result = services.transcript(enrolment)
    assert result.blocks[0].capitalised and result.blocks[0].validated_at == validated_on
    assert result.blocks[0].status is Status.VALIDATED


def test_the_purge_spares_a_dormant_account_registered_to_a_certification(
    referentials, enrol_candidate, make_user, clock
):
    from questionnaire.privacy.services import purge

    returning = make_user(email="retour@example.org")
    clock.advance(days=2000)
    enrol_candidate(referentials[RECEPTION], returning)
    assert purge(clock(), audit_days=365, account_days=1825).accounts_pseudonymised == 0
