"""A candidate's account erased (RGPD) while an accommodation is recorded on their certification
record (PostgreSQL). The erasure cleared the descriptions it read, before the accommodation was
committed: its description, possibly health data, outlived the erasure. Each now waits for the
other: the erasure clears the accommodation recorded first, and a recording that comes second
is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import services
from questionnaire.certification.models import Accommodation, Certification, CertificationEnrolment
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from questionnaire.privacy.services import ERASED_ACCOMMODATION, erase_user
from tests.conftest import PASSWORD
from tests.postgres.conftest import race
from tests.postgres.test_certification_races_candidate_record import _enrolment

pytestmark = pytest.mark.postgres

PARTICULIERS = "000_charge_clientele_particuliers.yaml"


def _actions(enrolment_id: int, admin_id: int, jury_id: int):
    def record():
        services.add_accommodation(
            db.session.get(CertificationEnrolment, enrolment_id),
            "Malvoyance : sujets en gros caractères",
            db.session.get(User, jury_id),
            now_utc(),
        )

    def erase():
        enrolment = db.session.get(CertificationEnrolment, enrolment_id)
        erase_user(
            enrolment.user, db.session.get(User, admin_id), "Demande écrite du 3 mars", now_utc()
        )

    return record, erase


def test_an_erasure_clears_the_accommodation_recorded_as_it_began(pg_app):
    record, erase = _actions(*_enrolment(PARTICULIERS))
    outcomes = race(pg_app, record, erase)
    assert outcomes == [None, None]
    descriptions = db.session.execute(sa.select(Accommodation.description)).scalars().all()
    assert descriptions == [ERASED_ACCOMMODATION]


def test_an_accommodation_recorded_as_the_erasure_runs_is_refused(pg_app):
    record, erase = _actions(*_enrolment(PARTICULIERS))
    outcomes = race(pg_app, erase, record)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == services.ERASED_CANDIDATE_RECORD
    assert db.session.execute(sa.select(sa.func.count(Accommodation.id))).scalar_one() == 0


def test_a_registration_as_the_erasure_runs_is_refused(pg_app):
    _enrolment_id, admin_id, _jury_id = _enrolment(PARTICULIERS)
    with pg_app.app_context():
        other = create_user(
            "autre@example.org", PASSWORD, "Dominique Autre", [Role.CANDIDATE], now_utc()
        )
        db.session.commit()
        other_id = other.id

    def erase():
        erase_user(
            db.session.get(User, other_id),
            db.session.get(User, admin_id),
            "Demande écrite du 3 mars",
            now_utc(),
        )

    def register():
        services.register_candidate(
            db.session.execute(sa.select(Certification)).scalar_one(),
            "autre@example.org",
            db.session.get(User, admin_id),
            now_utc(),
        )

    outcomes = race(pg_app, erase, register)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == f"autre@example.org : {services.ERASED_ACCOUNT_REGISTRATION}"
    enrolled = db.session.execute(
        sa.select(sa.func.count()).where(CertificationEnrolment.user_id == other_id)
    ).scalar_one()
    assert enrolled == 0
