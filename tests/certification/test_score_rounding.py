"""Grid scores are shown rounded half up on their exact value, as the spreadsheet shows them."""

from __future__ import annotations

from fractions import Fraction

from questionnaire.auth.models import Role
from questionnaire.certification import exports, services


def test_a_score_is_rounded_half_up_on_its_exact_value():
    # 81/40 = 2.025 exactly (the float 2.02499… printed « 2,02 »); 17/8 = 2.125 (« 2,12 »,
    # the float's half-to-even); a spreadsheet's « 0.00 » shows 2,03 and 2,13
    assert exports.format_score(Fraction(81, 40)) == "2,03 / 4"
    assert exports.format_score(Fraction(17, 8)) == "2,13 / 4"
    assert exports.format_score(Fraction(5, 2)) == "2,5 / 4"
    assert exports.format_score(Fraction(2)) == "2 / 4"
    assert exports.format_score(Fraction(1, 3)) == "0,33 / 4"
    assert exports.format_score(Fraction(0)) == "0 / 4"
    assert exports.format_score(None) == ""


def test_the_weighted_score_of_the_transcript_and_csv_is_the_exact_one_rounded(
    referentials, enrol_candidate, make_user, clock, db
):
    """Seed 001, block 1: oral (80 %) 2, 2, 2; written (20 %) 2, 2, 2 and 2.5 (two members, 2
    and 3): 0.8 × 2 + 0.2 × 8.5 / 4 = 2.025, shown « 2,03 / 4 » (the XLSX cell's display)."""
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification)
    first, second = make_user(Role.JURY), make_user(Role.JURY)
    for competency in certification.blocks[0].competencies:
        services.record_evaluation(enrolment, competency, first, clock(), grid_score=2)
    last = certification.blocks[0].competencies[-1]
    assert last.code == "1b.4"
    services.record_evaluation(enrolment, last, second, clock(), grid_score=3)
    db.session.commit()
    block = services.transcript(enrolment).blocks[0]
    assert block.weighted_score == Fraction(81, 40)
    results = services.results_for(certification, [enrolment])
    header, row = exports.deliberation_table(certification, results)
    assert row[header.index("B1 : note pondérée")] == "2,03 / 4"
