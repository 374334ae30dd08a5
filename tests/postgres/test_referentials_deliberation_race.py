"""Two jury members record the deliberation of a certification at the same moment (PostgreSQL).

Both read the same blocks waiting to be capitalised and both inserted them: the second ended in
an IntegrityError, a page saying only « L'opération n'est plus possible dans l'état actuel. »;
it now waits for the first and is refused as a deliberation with nothing left to capitalise.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import deliberation as deliberations
from questionnaire.certification import loader
from questionnaire.certification.models import BlockValidation, Certification, Deliberation
from questionnaire.certification.services import register_candidate
from questionnaire.clock import now_utc, paris_day
from questionnaire.extensions import db
from tests.certification.test_deliberation import NAMES, members, validate_block
from tests.conftest import PASSWORD
from tests.postgres.conftest import race

pytestmark = pytest.mark.postgres

CQP = "cqp-charge-clientele-professionnels"


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_the_second_of_two_deliberations_at_once_is_refused_in_french(pg_app):
    now = now_utc()
    loader.load_referentials(loader.DATA_PATH / "002_cqp_charge_clientele_professionnels.yaml", now)
    admin = create_user("admin@example.org", PASSWORD, "Alix Admin", [Role.ADMIN], now)
    jury = create_user("jury@example.org", PASSWORD, "Jules Jury", [Role.JURY], now)
    create_user("cand@example.org", PASSWORD, "Camille Candidat", [Role.CANDIDATE], now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    enrolment = register_candidate(certification, "cand@example.org", admin, now)
    validate_block(enrolment, certification.blocks[0], jury, now)
    db.session.commit()
    ids = (certification.id, admin.id, jury.id)

    def record(recorder_id: int, check_first: bool):
        def action():
            certification = db.session.get(Certification, ids[0])
            recorder = db.session.get(User, recorder_id)
            entries = members(*NAMES[: len(certification.jury_seats)])
            if check_first:  # as the form does before calling the service (its validation)
                assert (
                    deliberations.composition_problems(
                        certification, paris_day(now), entries, paris_day(now), recorder
                    )
                    == []
                )
            deliberations.record_deliberation(
                certification, paris_day(now), entries, recorder, now_utc()
            )

        return action

    outcomes = race(pg_app, record(ids[1], False), record(ids[2], True))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], deliberations.DeliberationRefused), outcomes[1]
    assert [p.message for p in outcomes[1].problems] == [deliberations.NOTHING_PENDING]
    assert (_count(Deliberation), _count(BlockValidation)) == (1, 1)
