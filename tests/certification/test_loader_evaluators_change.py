"""The two-evaluator rule of a certification the jury has evaluated cannot change.

Turned on, it left every recorded evaluation uncounted (none by designated evaluators yet):
every candidate's jury decisions went back to « en attente »; turned off, the evaluations of
replaced evaluators, kept but set aside, counted again and could reopen settled decisions.
"""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.rules import Status
from questionnaire.certification.services import certifications, record_evaluation, transcript
from tests.certification.test_loader import MINIMAL, write

TWO = MINIMAL.replace("grading: binary", "grading: binary\ntwo_evaluators: true")


def test_the_rule_of_an_evaluated_certification_cannot_change(
    db, clock, tmp_path, make_user, enrol_candidate
):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    (certification,) = certifications()
    enrolment = enrol_candidate(certification)
    competency = certification.competencies[0]
    record_evaluation(enrolment, competency, make_user(Role.JURY), clock(), acquired=True)
    db.session.commit()
    assert transcript(enrolment).blocks[0].competencies[0].status is Status.VALIDATED
    write(tmp_path, TWO)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    db.session.rollback()
    assert [p.format() for p in caught.value.problems] == [
        "essai.yaml: certification: « two_evaluators » ne peut plus changer (false → true) : le "
        "jury a déjà évalué des compétences selon l'ancienne règle."
    ]
    assert not certification.two_evaluators
    assert transcript(enrolment).blocks[0].competencies[0].status is Status.VALIDATED


def test_the_rule_changes_while_nobody_is_evaluated(db, clock, tmp_path):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    write(tmp_path, TWO)
    assert load_referentials(folder, clock()).updated == ["essai"]
    db.session.commit()
    assert certifications()[0].two_evaluators
