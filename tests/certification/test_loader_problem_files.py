"""Every refusal of the loader names the file to correct, not the certification's slug."""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.services import record_evaluation
from tests.certification.test_loader import MINIMAL, write


def test_a_dropped_evaluated_competency_is_placed_in_its_file(
    db, clock, tmp_path, make_user, enrol_candidate
):
    folder = write(tmp_path, MINIMAL, "000_essai.yaml")
    load_referentials(folder, clock())
    db.session.commit()
    from questionnaire.certification.services import certifications

    (certification,) = certifications()
    enrolment = enrol_candidate(certification)
    record_evaluation(
        enrolment, certification.competencies[0], make_user(Role.JURY), clock(), acquired=True
    )
    db.session.commit()
    dropped = (
        MINIMAL.split("      - code: C1")[0] + "      - code: C2" + MINIMAL.split("- code: C2")[1]
    )
    write(tmp_path, dropped, "000_essai.yaml")
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.format() for p in caught.value.problems] == [
        "000_essai.yaml: C1: compétence déjà évaluée : elle ne peut pas être retirée."
    ]


def test_a_slug_described_twice_names_both_files(db, clock, tmp_path):
    folder = write(tmp_path, MINIMAL, "a.yaml")
    write(tmp_path, MINIMAL, "b.yaml")
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.message for p in caught.value.problems] == [
        "certification « essai » décrite deux fois (a.yaml, b.yaml)."
    ]
