"""More writes on one candidate's certification record at the same moment (PostgreSQL): each
checked what the record held before the other had committed. The second now waits for the
first, then does what it would have done one after the other (refused in French, or revising)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import observations, services
from questionnaire.certification.models import (
    Accommodation,
    Certification,
    CertificationEnrolment,
    DesignatedEvaluator,
    EvaluatorQuality,
    JuryEvaluation,
    ModalityKind,
    ObservedInterview,
    PrerequisiteRecord,
)
from questionnaire.clock import now_utc, paris_day
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.postgres.conftest import race
from tests.postgres.test_certification_races_candidate_record import _count, _enrolment

pytestmark = pytest.mark.postgres

RECEPTION = "003_cqp_charge_accueil_relation_clients.yaml"


def _get(model, id_):
    return db.session.get(model, id_)


def _b1(enrolment):
    return next(b for b in enrolment.certification.blocks if b.code == "B1")


def _interviews(enrolment_id: int, jury_id: int, channels: list[str]) -> list[int]:
    """Interviews of block 1 on the last days, one a day; their ids."""
    enrolment = _get(CertificationEnrolment, enrolment_id)
    today = paris_day(now_utc())
    ids = [
        observations.record_observation(
            enrolment,
            _b1(enrolment),
            today - timedelta(days=n),
            channel,
            False,
            "",
            _get(User, jury_id),
            now_utc(),
        ).id
        for n, channel in enumerate(channels)
    ]
    db.session.commit()
    return ids


def _evaluate_b1(enrolment_id: int, jury_id: int, acquired: bool = True):
    def action():
        enrolment = _get(CertificationEnrolment, enrolment_id)
        services.record_evaluation(
            enrolment,
            _b1(enrolment).competencies[0],
            _get(User, jury_id),
            now_utc(),
            acquired=acquired,
            comment="Vu en entretien",
        )

    return action


def _delete_interview(enrolment_id: int, observation_id: int, actor_id: int):
    def action():
        observations.delete_observation(
            _get(CertificationEnrolment, enrolment_id),
            _get(ObservedInterview, observation_id),
            _get(User, actor_id),
            now_utc(),
        )

    return action


def test_an_evaluation_sent_twice_at_once_is_one_evaluation(pg_app):
    enrolment_id, _admin_id, jury_id = _enrolment(RECEPTION, True)
    _interviews(enrolment_id, jury_id, ["telephone", "mail", "telephone"])
    outcomes = race(
        pg_app, _evaluate_b1(enrolment_id, jury_id), _evaluate_b1(enrolment_id, jury_id, False)
    )
    assert outcomes == [None, None]
    kept = db.session.execute(sa.select(JuryEvaluation)).scalars().all()
    assert [e.acquired for e in kept] == [False]  # the later word, as one after the other


def test_two_interviews_deleted_at_once_leave_the_evaluations_their_rule(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment(RECEPTION, True)
    ids = _interviews(enrolment_id, jury_id, ["telephone", "mail", "telephone", "mail"])
    with pg_app.app_context():
        _evaluate_b1(enrolment_id, jury_id)()
        db.session.commit()
    outcomes = race(
        pg_app,
        _delete_interview(enrolment_id, ids[0], jury_id),
        _delete_interview(enrolment_id, ids[1], admin_id),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert "reposent sur ces entretiens" in str(outcomes[1])
    assert _count(ObservedInterview) == 3


def test_an_evaluation_waits_for_the_deletion_of_an_interview_it_needs(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment(RECEPTION, True)
    ids = _interviews(enrolment_id, jury_id, ["telephone", "mail", "telephone"])
    outcomes = race(
        pg_app,
        _delete_interview(enrolment_id, ids[0], admin_id),
        _evaluate_b1(enrolment_id, jury_id),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]).startswith("Le référentiel demande entre 3 et 5 entretiens observés")
    assert (_count(ObservedInterview), _count(JuryEvaluation)) == (2, 0)


def test_one_interview_deleted_twice_at_once_is_refused_in_french(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment(RECEPTION, True)
    ids = _interviews(enrolment_id, jury_id, ["telephone"])
    outcomes = race(
        pg_app,
        _delete_interview(enrolment_id, ids[0], jury_id),
        _delete_interview(enrolment_id, ids[0], admin_id),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == observations.ALREADY_DELETED
    assert _count(ObservedInterview) == 0


def test_one_accommodation_deleted_twice_at_once_is_refused_in_french(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment("000_charge_clientele_particuliers.yaml")
    with pg_app.app_context():
        accommodation_id = services.add_accommodation(
            _get(CertificationEnrolment, enrolment_id),
            "Tiers temps",
            _get(User, jury_id),
            now_utc(),
        ).id
        db.session.commit()

    def delete(actor_id):
        def action():
            services.delete_accommodation(
                _get(Accommodation, accommodation_id), _get(User, actor_id), now_utc()
            )

        return action

    outcomes = race(pg_app, delete(jury_id), delete(admin_id))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == services.ACCOMMODATION_ALREADY_DELETED
    assert _count(Accommodation) == 0


def test_a_prerequisite_attested_twice_at_once_is_refused_in_french(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment("002_cqp_charge_clientele_professionnels.yaml")

    def attest(actor_id):
        def action():
            enrolment = _get(CertificationEnrolment, enrolment_id)
            services.record_prerequisite(
                enrolment,
                enrolment.certification.prerequisites[0],
                paris_day(now_utc()),
                _get(User, actor_id),
                now_utc(),
            )

        return action

    outcomes = race(pg_app, attest(jury_id), attest(admin_id))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == "Ce prérequis est déjà attesté."
    assert _count(PrerequisiteRecord) == 1


def test_two_designations_at_once_leave_the_second(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment(RECEPTION, True)
    with pg_app.app_context():
        second_id = db.session.execute(
            sa.select(User.id).where(User.email == "second@example.org")
        ).scalar_one()

    def designate(expert_id, other_id):
        def action():
            services.designate_evaluators(
                _get(CertificationEnrolment, enrolment_id),
                _get(User, expert_id),
                _get(User, other_id),
                EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE,
                _get(User, admin_id),
                now_utc(),
            )

        return action

    outcomes = race(pg_app, designate(jury_id, second_id), designate(second_id, jury_id))
    assert outcomes == [None, None]
    kept = db.session.execute(sa.select(DesignatedEvaluator)).scalars().all()
    assert sorted((d.quality, d.evaluator_id) for d in kept) == sorted(
        [
            (EvaluatorQuality.EXPERT_HABILITE, second_id),
            (EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE, jury_id),
        ]
    )


def test_a_candidate_registered_twice_at_once_is_refused_in_french(pg_app):
    _enrolment_id, admin_id, _jury_id = _enrolment("000_charge_clientele_particuliers.yaml")
    with pg_app.app_context():
        create_user("autre@example.org", PASSWORD, "Dominique Autre", [Role.CANDIDATE], now_utc())
        db.session.commit()

    def register(actor_id):
        def action():
            services.register_candidate(
                db.session.execute(sa.select(Certification)).scalar_one(),
                "autre@example.org",
                _get(User, actor_id),
                now_utc(),
            )

        return action

    outcomes = race(pg_app, register(admin_id), register(admin_id))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == "Ce candidat est déjà inscrit à cette certification."
    assert _count(CertificationEnrolment) == 2


def test_a_replacement_the_jury_evaluates_through_meanwhile_stays(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment("000_charge_clientele_particuliers.yaml")
    with pg_app.app_context():
        accommodation_id = services.add_accommodation(
            _get(CertificationEnrolment, enrolment_id),
            "Lecture des questions impossible",
            _get(User, admin_id),
            now_utc(),
            replaced_theme="reglementation",
            replacement=ModalityKind.EPREUVE_ORALE,
        ).id
        db.session.commit()

    def evaluate():
        enrolment = _get(CertificationEnrolment, enrolment_id)
        c21 = next(c for c in enrolment.certification.competencies if c.code.startswith("C21 "))
        services.record_evaluation(
            enrolment, c21, _get(User, jury_id), now_utc(), acquired=True, comment="Oral réussi"
        )

    def delete():
        services.delete_accommodation(
            _get(Accommodation, accommodation_id), _get(User, admin_id), now_utc()
        )

    outcomes = race(pg_app, evaluate, delete)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == (
        "Le jury a évalué C21 (B3.5) par la modalité de remplacement : cet aménagement ne se "
        "retire plus."
    )
    assert (_count(Accommodation), _count(JuryEvaluation)) == (1, 1)
