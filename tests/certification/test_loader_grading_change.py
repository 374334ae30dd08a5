"""The jury's evaluations are recorded in the certification's grading: it cannot change after.

A binary evaluation holds « acquis » and no score, a grid one a score and no « acquis »: read
under the other grading, every recorded evaluation would count as « non acquis ».
"""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.models import Grading
from questionnaire.certification.services import certifications, record_evaluation
from tests.certification.test_loader import MINIMAL, write

GRID = MINIMAL.replace("grading: binary", "grading: grid\ngrid_threshold: 2")


def test_the_grading_of_an_evaluated_certification_cannot_change(
    db, clock, tmp_path, make_user, enrol_candidate
):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    (certification,) = certifications()
    enrolment = enrol_candidate(certification)
    record_evaluation(
        enrolment, certification.competencies[0], make_user(Role.JURY), clock(), acquired=True
    )
    db.session.commit()
    write(tmp_path, GRID)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    db.session.rollback()
    assert [p.format() for p in caught.value.problems] == [
        "essai.yaml: certification: « grading » ne peut plus changer (binary → grid) : le jury "
        "a déjà évalué des compétences dans l'ancienne notation."
    ]
    assert certification.grading is Grading.BINARY


def test_the_grading_changes_while_nobody_is_evaluated(db, clock, tmp_path):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    write(tmp_path, GRID)
    assert load_referentials(folder, clock()).updated == ["essai"]
    db.session.commit()
    assert certifications()[0].grading is Grading.GRID
