"""A competency the jury has evaluated keeps a modality the jury evaluates.

A file that left it only platform questionnaires loaded, and the jury's evaluations, still
stored, were no longer read: a « non acquis » decision vanished and the competency read as
validated by the questionnaire alone (or the other way round), silently.
"""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.services import certifications, record_evaluation
from tests.certification.test_loader import MINIMAL, write

QUESTIONNAIRE_ONLY = MINIMAL.replace(
    "modalities: [soutenance]", "modalities: [{kind: questionnaire, theme: fiscalite}]"
)


def _loaded(db, clock, tmp_path):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    return folder, certifications()[0]


def test_an_evaluated_competency_cannot_lose_its_jury_modalities(
    db, clock, tmp_path, make_user, enrol_candidate
):
    folder, certification = _loaded(db, clock, tmp_path)
    competency = certification.competencies[0]
    record_evaluation(
        enrol_candidate(certification), competency, make_user(Role.JURY), clock(), acquired=False
    )
    db.session.commit()
    write(tmp_path, QUESTIONNAIRE_ONLY)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    db.session.rollback()
    assert [p.format() for p in caught.value.problems] == [
        "essai.yaml: C1: compétence déjà évaluée par le jury : elle garde une modalité que le "
        "jury évalue (ses évaluations ne compteraient plus)."
    ]
    assert competency.is_jury_evaluated


def test_a_competency_nobody_evaluated_may_become_questionnaire_only(db, clock, tmp_path):
    folder, certification = _loaded(db, clock, tmp_path)
    write(tmp_path, QUESTIONNAIRE_ONLY)
    assert load_referentials(folder, clock()).updated == ["essai"]
    db.session.commit()
    assert not certification.competencies[0].is_jury_evaluated
