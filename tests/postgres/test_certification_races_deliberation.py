"""A jury member revises an evaluation while another records the deliberation (PostgreSQL).

The deliberation read the evaluations before the revision was committed: it capitalised a block
on an « acquis » the record no longer held, and a capitalised block no longer changes. It now
waits for the revision, then reads the record again: the block no longer waits to be
capitalised, and the deliberation is refused with the reason.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import deliberation as deliberations
from questionnaire.certification import loader, services
from questionnaire.certification.composition import NOTHING_CHANGED, correct_composition
from questionnaire.certification.models import (
    BlockValidation,
    Certification,
    CertificationEnrolment,
    Deliberation,
    DeliberationMember,
    JuryEvaluation,
)
from questionnaire.clock import now_utc, paris_day
from questionnaire.extensions import db
from tests.certification.test_deliberation import NAMES, members, validate_block
from tests.conftest import PASSWORD
from tests.postgres.conftest import race

pytestmark = pytest.mark.postgres


def test_a_deliberation_waits_for_an_evaluation_being_revised(pg_app):
    now = now_utc()
    loader.load_referentials(loader.DATA_PATH / "002_cqp_charge_clientele_professionnels.yaml", now)
    admin = create_user("admin@example.org", PASSWORD, "Alix Admin", [Role.ADMIN], now)
    jury = create_user("jury@example.org", PASSWORD, "Jules Jury", [Role.JURY], now)
    create_user("cand@example.org", PASSWORD, "Camille Candidat", [Role.CANDIDATE], now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    enrolment = services.register_candidate(certification, "cand@example.org", admin, now)
    block = certification.blocks[0]
    validate_block(enrolment, block, jury, now)
    revised = next(c for c in block.competencies if c.is_jury_evaluated)
    db.session.commit()
    ids = (certification.id, enrolment.id, revised.id, admin.id, jury.id)

    def revise():
        enrolment = db.session.get(CertificationEnrolment, ids[1])
        competency = next(c for c in enrolment.certification.competencies if c.id == ids[2])
        services.record_evaluation(
            enrolment, competency, db.session.get(User, ids[4]), now_utc(), acquired=False
        )

    def deliberate():
        certification = db.session.get(Certification, ids[0])
        deliberations.record_deliberation(
            certification,
            paris_day(now),
            members(*NAMES[: len(certification.jury_seats)]),
            db.session.get(User, ids[3]),
            now_utc(),
        )

    outcomes = race(pg_app, revise, deliberate)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], deliberations.DeliberationRefused), outcomes[1]
    assert [p.message for p in outcomes[1].problems] == [deliberations.NOTHING_PENDING]
    assert _count(BlockValidation) == 0
    assert (
        db.session.execute(
            sa.select(JuryEvaluation.acquired).where(JuryEvaluation.competency_id == ids[2])
        ).scalar_one()
        is False
    )


def _count(model, *where) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(*where)
    ).scalar_one()


def test_one_correction_of_a_composition_sent_twice_is_refused_the_second_time(pg_app):
    now = now_utc()
    loader.load_referentials(loader.DATA_PATH / "002_cqp_charge_clientele_professionnels.yaml", now)
    admin = create_user("admin@example.org", PASSWORD, "Alix Admin", [Role.ADMIN], now)
    jury = create_user("jury@example.org", PASSWORD, "Jules Jury", [Role.JURY], now)
    create_user("cand@example.org", PASSWORD, "Camille Candidat", [Role.CANDIDATE], now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    enrolment = services.register_candidate(certification, "cand@example.org", admin, now)
    validate_block(enrolment, certification.blocks[0], jury, now)
    recorded = deliberations.record_deliberation(
        certification, paris_day(now), members(*NAMES), admin, now
    )
    db.session.commit()
    ids = (recorded.id, admin.id)
    corrected = ["Sophie Salariée-Martin", *NAMES[1:]]

    def correct():
        correct_composition(
            db.session.get(Deliberation, ids[0]),
            members(*corrected),
            db.session.get(User, ids[1]),
            now_utc(),
        )

    outcomes = race(pg_app, correct, correct)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], deliberations.DeliberationRefused), outcomes[1]
    assert [p.message for p in outcomes[1].problems] == [NOTHING_CHANGED]
    names = db.session.execute(
        sa.select(DeliberationMember.name).order_by(DeliberationMember.position)
    ).scalars()
    assert list(names) == corrected
    assert _count(AuditEvent, AuditEvent.action == "certification.deliberation_composition") == 1
