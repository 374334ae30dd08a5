"""Two writes on the same candidate's certification record at the same moment (PostgreSQL).

Both read the record before either had committed: two replacements of the same questionnaire
were both saved, and two interviews recorded at once passed the rule's maximum for the block (the
grid then refused until one was deleted). The second now waits for the first and is refused in
French, as it would have been one after the other.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import loader, observations, services
from questionnaire.certification.models import (
    Accommodation,
    Certification,
    CertificationEnrolment,
    EvaluatorQuality,
    ModalityKind,
    ObservedInterview,
)
from questionnaire.clock import now_utc, paris_day
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.postgres.conftest import race

pytestmark = pytest.mark.postgres


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _enrolment(seed: str, designate: bool = False) -> tuple[int, int, int]:
    """Load the referential ``seed``, enrol a candidate; the enrolment's, an administrator's
    and a jury member's ids (with ``designate``, the jury member and a second one are the
    candidate's designated evaluators)."""
    now = now_utc()
    loader.load_referentials(loader.DATA_PATH / seed, now)
    admin = create_user("admin@example.org", PASSWORD, "Alix Admin", [Role.ADMIN], now)
    jury = create_user("jury@example.org", PASSWORD, "Jules Jury", [Role.JURY], now)
    second = create_user("second@example.org", PASSWORD, "Sacha Second", [Role.JURY], now)
    create_user("cand@example.org", PASSWORD, "Camille Candidat", [Role.CANDIDATE], now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    enrolment = services.register_candidate(certification, "cand@example.org", admin, now)
    if designate:
        services.designate_evaluators(
            enrolment, jury, second, EvaluatorQuality.EXPERT_INTERNE, admin, now
        )
    db.session.commit()
    return enrolment.id, admin.id, jury.id


def test_the_second_of_two_replacements_of_one_questionnaire_is_refused(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment("000_charge_clientele_particuliers.yaml")

    def replace(recorder_id: int, description: str):
        def action():
            services.add_accommodation(
                db.session.get(CertificationEnrolment, enrolment_id),
                description,
                db.session.get(User, recorder_id),
                now_utc(),
                replaced_theme="rgpd",
                replacement=ModalityKind.EPREUVE_ORALE,
            )

        return action

    outcomes = race(pg_app, replace(admin_id, "Oral"), replace(jury_id, "Oral, tiers temps"))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == "Le questionnaire « RGPD » est déjà remplacé."
    kept = db.session.execute(sa.select(Accommodation)).scalars().all()
    assert [(a.description, a.replaced_theme) for a in kept] == [("Oral", "rgpd")]


def test_the_interview_past_the_rules_maximum_waits_and_is_refused(pg_app):
    enrolment_id, admin_id, jury_id = _enrolment(
        "003_cqp_charge_accueil_relation_clients.yaml", True
    )
    today = paris_day(now_utc())
    with pg_app.app_context():
        enrolment = db.session.get(CertificationEnrolment, enrolment_id)
        b1 = next(b for b in enrolment.certification.blocks if b.code == "B1")
        jury = db.session.get(User, jury_id)
        # four of the five the rule of block 1 allows (seed 003, l. 29)
        for days_ago, channel in ((3, "telephone"), (2, "mail"), (1, "telephone"), (1, "mail")):
            observations.record_observation(
                enrolment, b1, today - timedelta(days=days_ago), channel, False, "", jury, now_utc()
            )
        db.session.commit()
        b1_id = b1.id

    def interview(recorder_id: int):
        def action():
            enrolment = db.session.get(CertificationEnrolment, enrolment_id)
            block = next(b for b in enrolment.certification.blocks if b.id == b1_id)
            observations.record_observation(
                enrolment,
                block,
                today,
                "telephone",
                False,
                "",
                db.session.get(User, recorder_id),
                now_utc(),
            )

        return action

    outcomes = race(pg_app, interview(jury_id), interview(admin_id))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.CertificationError), outcomes[1]
    assert str(outcomes[1]) == (
        "Le référentiel prévoit 5 entretiens observés au plus (référentiel, ligne 29) : "
        "supprimez-en un avant d'en enregistrer un autre."
    )
    assert _count(ObservedInterview) == 5
