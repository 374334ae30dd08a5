"""The validation rules, as pure functions over plain data, with hand-computed answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from questionnaire.certification.rules import (
    BlockSpec,
    CompetencySpec,
    Evaluation,
    ReferentialSpec,
    Sitting,
    Status,
    as_seen_by_candidate,
    block_status,
    competency_status,
    decide,
    questionnaire_outcomes,
    title_status,
    weighted_score,
)

T = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def at(days: int) -> datetime:
    return T + timedelta(days=days)


def ev(code: str, evaluator: int, day: int = 0, acquired=None, score=None) -> Evaluation:
    return Evaluation(code, evaluator, at(day), acquired=acquired, score=score)


# --- jury decisions ---------------------------------------------------------------------------


def test_without_evaluation_the_decision_is_pending():
    assert decide([], None, 1).status is Status.PENDING


def test_one_evaluator_suffices_when_the_referential_does_not_require_two():
    decision = decide([ev("C1", 7, 2, acquired=True)], None, 1)
    assert decision.status is Status.VALIDATED
    assert decision.decided_at == at(2)


def test_two_evaluator_rule_one_evaluation_is_not_final():
    decision = decide([ev("C1", 7, acquired=True)], None, 2)
    assert decision.status is Status.PENDING
    assert decision.evaluators == 1


def test_the_same_member_twice_is_not_two_evaluators():
    evaluations = [ev("C1", 7, 0, acquired=True), ev("C1", 7, 1, acquired=True)]
    assert decide(evaluations, None, 2).status is Status.PENDING


def test_two_concurring_evaluators_make_the_decision_final_at_the_second_date():
    evaluations = [ev("C1", 7, 1, acquired=True), ev("C1", 8, 3, acquired=True)]
    decision = decide(evaluations, None, 2)
    assert decision.status is Status.VALIDATED
    assert decision.decided_at == at(3)


def test_two_concurring_negative_evaluations_are_a_final_refusal():
    evaluations = [ev("C1", 7, acquired=False), ev("C1", 8, acquired=False)]
    assert decide(evaluations, None, 2).status is Status.NOT_VALIDATED


def test_disagreement_is_flagged_and_blocks_the_decision():
    evaluations = [ev("C1", 7, acquired=True), ev("C1", 8, acquired=False)]
    decision = decide(evaluations, None, 2)
    assert decision.status is Status.DISAGREEMENT
    assert decision.decided_at is None


def test_a_revised_evaluation_resolves_the_disagreement():
    evaluations = [
        ev("C1", 7, 0, acquired=True),
        ev("C1", 8, 1, acquired=False),
        ev("C1", 8, 2, acquired=True),
    ]
    assert decide(evaluations, None, 2).status is Status.VALIDATED


def test_disagreement_between_members_is_flagged_even_with_one_required_evaluator():
    evaluations = [ev("C1", 7, acquired=True), ev("C1", 8, acquired=False)]
    assert decide(evaluations, None, 1).status is Status.DISAGREEMENT


def test_grid_scores_are_compared_with_the_threshold():
    assert decide([ev("C1", 7, score=2)], 2, 1).status is Status.VALIDATED
    assert decide([ev("C1", 7, score=1)], 2, 1).status is Status.NOT_VALIDATED
    assert decide([ev("C1", 7, score=4)], 2, 1).score == 4


def test_grid_evaluators_concur_on_the_outcome_and_their_scores_are_averaged():
    decision = decide([ev("C1", 7, score=2), ev("C1", 8, score=3)], 2, 2)
    assert decision.status is Status.VALIDATED
    assert decision.score == Fraction(5, 2)
    assert decide([ev("C1", 7, score=1), ev("C1", 8, score=3)], 2, 2).status is (
        Status.DISAGREEMENT
    )


# --- competencies -----------------------------------------------------------------------------

C9 = CompetencySpec("C9 (B2.3)", themes=("fiscalite",))
C21 = CompetencySpec("C21 (B3.5)", themes=("reglementation",), jury_evaluated=False)


def test_jury_positive_but_questionnaire_not_passed_is_pending():
    result = competency_status(C9, [ev("C9 (B2.3)", 7, acquired=True)], {}, None, 1)
    assert result.status is Status.PENDING
    assert result.missing_themes == ("fiscalite",)


def test_questionnaire_passed_but_jury_not_yet_is_pending():
    result = competency_status(C9, [], {"fiscalite": at(1)}, None, 1)
    assert result.status is Status.PENDING
    assert result.passed_themes == ("fiscalite",)


def test_competency_validated_when_all_modalities_are_dated_by_the_last():
    result = competency_status(
        C9, [ev("C9 (B2.3)", 7, 5, acquired=True)], {"fiscalite": at(2)}, None, 1
    )
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(5)


def test_questionnaire_only_competency_is_validated_by_the_pass():
    result = competency_status(C21, [], {"reglementation": at(4)}, None, 1)
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(4)
    assert result.decision is None


def test_a_negative_jury_decision_is_not_undone_by_a_pass():
    result = competency_status(
        C9, [ev("C9 (B2.3)", 7, acquired=False)], {"fiscalite": at(1)}, None, 1
    )
    assert result.status is Status.NOT_VALIDATED


# --- blocks and title -------------------------------------------------------------------------

B3 = BlockSpec(
    "B3",
    "Risques",
    (
        CompetencySpec("C19", themes=("risques",)),
        CompetencySpec("C20", themes=("risques",)),
        CompetencySpec("C21", themes=("reglementation",), jury_evaluated=False),
    ),
)
ALL_B3 = [ev("C19", 7, 1, acquired=True), ev("C20", 7, 2, acquired=True)]


def test_one_competency_missing_blocks_the_block():
    result = block_status(B3, ALL_B3, {"risques": at(3)}, None, 1)
    assert result.status is Status.PENDING
    assert [c.status for c in result.competencies] == [
        Status.VALIDATED,
        Status.VALIDATED,
        Status.PENDING,
    ]
    assert result.validated_at is None


def test_a_later_pass_completes_the_block_at_its_date():
    result = block_status(B3, ALL_B3, {"risques": at(3), "reglementation": at(9)}, None, 1)
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(9)


def test_a_disagreement_blocks_the_block():
    evaluations = [*ALL_B3, ev("C20", 8, 2, acquired=False)]
    result = block_status(B3, evaluations, {"risques": at(3), "reglementation": at(4)}, None, 1)
    assert result.status is Status.DISAGREEMENT


def test_a_refused_competency_makes_the_block_not_validated():
    evaluations = [ev("C19", 7, acquired=True), ev("C20", 7, acquired=False)]
    result = block_status(B3, evaluations, {"risques": at(3), "reglementation": at(4)}, None, 1)
    assert result.status is Status.NOT_VALIDATED


REFERENTIAL = ReferentialSpec(
    (
        BlockSpec("B1", "Un", (CompetencySpec("C1"),)),
        BlockSpec("B2", "Deux", (CompetencySpec("C2"),)),
    )
)


def test_partial_certification_is_the_set_of_validated_blocks_with_dates():
    result = title_status(REFERENTIAL, [ev("C1", 7, 3, acquired=True)], {})
    assert result.status is Status.PENDING
    assert result.validated_at is None
    assert [(b.code, b.validated_at) for b in result.validated_blocks] == [("B1", at(3))]


def test_title_when_all_blocks_are_validated_dated_by_the_last_block():
    evaluations = [ev("C1", 7, 3, acquired=True), ev("C2", 7, 6, acquired=True)]
    result = title_status(REFERENTIAL, evaluations, {})
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(6)
    assert len(result.validated_blocks) == 2


def test_title_lists_the_competencies_in_disagreement():
    evaluations = [ev("C1", 7, acquired=True), ev("C1", 8, acquired=False)]
    assert title_status(REFERENTIAL, evaluations, {}).disagreements == ("C1",)


def test_the_candidate_sees_a_disagreement_as_a_pending_decision():
    evaluations = [
        ev("C1", 7, acquired=True),
        ev("C1", 8, acquired=False),
        ev("C2", 7, 2, acquired=True),
    ]
    jury_view = title_status(REFERENTIAL, evaluations, {})
    seen = as_seen_by_candidate(jury_view)
    first, second = seen.blocks
    assert jury_view.blocks[0].status is Status.DISAGREEMENT  # unchanged for the jury
    assert first.status is Status.PENDING
    assert first.competencies[0].status is Status.PENDING
    assert first.competencies[0].decision.status is Status.PENDING
    assert seen.status is Status.PENDING and seen.disagreements == ()
    assert second == jury_view.blocks[1]  # a settled block is shown as it is


# --- weighted modalities (seed 001: oral 80 %, written 20 %) ----------------------------------

WEIGHTED = BlockSpec(
    "B1",
    "Pondéré",
    (
        CompetencySpec("1a.1", weighted_modality="epreuve_orale", weight=80),
        CompetencySpec("1a.2", weighted_modality="epreuve_orale", weight=80),
        CompetencySpec("1b.1", weighted_modality="epreuve_ecrite", weight=20),
    ),
)


def test_weighted_score_is_the_weighted_mean_of_the_modalities_mean_scores():
    # oral = mean(4, 2) = 3, written = 1 → 0.8 × 3 + 0.2 × 1 = 2.6
    scores = {"1a.1": Fraction(4), "1a.2": Fraction(2), "1b.1": Fraction(1)}
    assert weighted_score(WEIGHTED.competencies, scores) == Fraction(13, 5)


def test_weighted_score_waits_for_every_weighted_competency():
    assert weighted_score(WEIGHTED.competencies, {"1a.1": Fraction(4), "1a.2": None}) is None
    assert weighted_score((CompetencySpec("C1"),), {"C1": Fraction(3)}) is None


def test_weights_never_compensate_a_competency_below_the_threshold():
    evaluations = [ev("1a.1", 7, score=4), ev("1a.2", 7, score=4), ev("1b.1", 7, score=1)]
    result = block_status(WEIGHTED, evaluations, {}, 2, 1)
    # 0.8 × 4 + 0.2 × 1 = 3.4 ≥ 2, yet 1b.1 is not acquired: the block is not validated.
    assert result.weighted_score == Fraction(17, 5)
    assert result.status is Status.NOT_VALIDATED


def test_weighted_block_validated_when_every_competency_reaches_the_threshold():
    evaluations = [ev("1a.1", 7, score=2), ev("1a.2", 7, score=3), ev("1b.1", 7, 4, score=2)]
    result = block_status(WEIGHTED, evaluations, {}, 2, 1)
    # oral mean 2.5, written 2 → 0.8 × 2.5 + 0.2 × 2 = 2.4
    assert result.weighted_score == Fraction(12, 5)
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(4)


# --- prerequisites (seed 002: AMF certification) ----------------------------------------------

WITH_AMF = ReferentialSpec(REFERENTIAL.blocks, prerequisites=("amf",))
BOTH_BLOCKS = [ev("C1", 7, 3, acquired=True), ev("C2", 7, 6, acquired=True)]


def test_title_waits_for_its_prerequisite_but_blocks_stay_validated():
    result = title_status(WITH_AMF, BOTH_BLOCKS, {})
    assert result.status is Status.PENDING
    assert result.missing_prerequisites == ("amf",)
    assert [b.code for b in result.validated_blocks] == ["B1", "B2"]


def test_title_awarded_when_the_prerequisite_is_attested_at_the_latest_date():
    result = title_status(WITH_AMF, BOTH_BLOCKS, {}, {"amf": at(10)})
    assert result.status is Status.VALIDATED
    assert result.validated_at == at(10)
    assert title_status(WITH_AMF, BOTH_BLOCKS, {}, {"amf": at(1)}).validated_at == at(6)


# --- capitalisation ---------------------------------------------------------------------------


def test_a_capitalised_block_stays_validated_at_its_recorded_date():
    revised = [ev("C1", 7, 3, acquired=True), ev("C1", 7, 8, acquired=False)]
    assert title_status(REFERENTIAL, revised, {}).blocks[0].status is Status.NOT_VALIDATED
    result = title_status(REFERENTIAL, revised, {}, capitalised={"B1": at(3)})
    assert result.blocks[0].status is Status.VALIDATED
    assert result.blocks[0].capitalised is True
    assert [(b.code, b.validated_at) for b in result.validated_blocks] == [("B1", at(3))]


# --- questionnaires at the referential's 60 % (seed 000) --------------------------------------


def test_a_sitting_qualifies_at_60_percent_exactly():
    """Seed 000: « 60 % de bonnes réponses au questionnaire »."""
    assert Sitting("rgpd", T, 3, 5).qualifies and Sitting("rgpd", T, 12, 20).qualifies
    assert not Sitting("rgpd", T, 59, 100).qualifies
    assert not Sitting("rgpd", T, 11, 20).qualifies and not Sitting("rgpd", T, 1, 2).qualifies
    assert not Sitting("rgpd", T, 0, 0).qualifies


def test_a_copy_whose_every_question_was_neutralised_is_no_failure():
    """0 / 0 (every question neutralised) measured nothing: the theme stays to be passed, never
    « questionnaire échoué le … », and a real failure keeps its own date."""
    passes, failures = questionnaire_outcomes([Sitting("rgpd", at(3), 0, 0)])
    assert passes == {} and failures == {}
    passes, failures = questionnaire_outcomes(
        [Sitting("rgpd", at(1), 1, 5), Sitting("rgpd", at(3), 0, 0)]
    )
    assert passes == {} and failures == {"rgpd": at(1)}
    spec = CompetencySpec("C22", themes=("rgpd",), jury_evaluated=False)
    passes, failures = questionnaire_outcomes([Sitting("rgpd", at(3), 0, 0)])
    result = competency_status(spec, [], passes, None, 1, failures)
    assert result.status is Status.PENDING and result.failed_themes == ()


def test_the_first_pass_dates_a_theme_and_a_later_failure_does_not_erase_it():
    passes, failures = questionnaire_outcomes(
        [
            Sitting("rgpd", at(5), 5, 5),
            Sitting("rgpd", at(1), 3, 5),
            Sitting("rgpd", at(8), 0, 5),
            Sitting("risques", at(2), 2, 5),
            Sitting("risques", at(4), 1, 5),
        ]
    )
    assert passes == {"rgpd": at(1)}
    assert failures == {"risques": at(4)}


def test_a_failed_questionnaire_is_not_acquired_until_a_retake_passes():
    spec = CompetencySpec("C21", themes=("reglementation",), jury_evaluated=False)
    failed = competency_status(spec, [], {}, None, 1, {"reglementation": at(2)})
    assert failed.status is Status.NOT_VALIDATED
    assert failed.failed_at("reglementation") == at(2)
    never_sat = competency_status(spec, [], {}, None, 1, {})
    assert never_sat.status is Status.PENDING and never_sat.failed_themes == ()
    passes, failures = questionnaire_outcomes(
        [Sitting("reglementation", at(2), 2, 5), Sitting("reglementation", at(9), 3, 5)]
    )
    retaken = competency_status(spec, [], passes, None, 1, failures)
    assert (retaken.status, retaken.validated_at) == (Status.VALIDATED, at(9))


def test_a_failed_questionnaire_makes_the_block_not_validated():
    block = BlockSpec("B3", "t", (CompetencySpec("C20"), CompetencySpec("C21", ("rgpd",))))
    evaluations = [ev("C20", 1, 0, acquired=True), ev("C21", 1, 0, acquired=True)]
    result = block_status(block, evaluations, {}, None, 1, {"rgpd": at(3)})
    assert result.status is Status.NOT_VALIDATED


def test_the_dates_of_blocks_and_title_stay_the_latest_of_their_parts():
    spec = ReferentialSpec(
        (
            BlockSpec("B1", "t", (CompetencySpec("C1", ("rgpd",)),)),
            BlockSpec("B2", "t", (CompetencySpec("C2"),)),
        )
    )
    passes, failures = questionnaire_outcomes(
        [Sitting("rgpd", at(10), 5, 5), Sitting("rgpd", at(40), 5, 5)]
    )
    result = title_status(
        spec,
        [ev("C1", 1, 3, acquired=True), ev("C2", 1, 20, acquired=True)],
        passes,
        {},
        {},
        failures,
    )
    assert [b.validated_at for b in result.blocks] == [at(10), at(20)]
    assert result.validated_at == at(20)


# --- deliberation, weighted score, incomplete referentials ------------------------------------


def test_a_computed_title_is_awarded_only_once_every_block_is_capitalised():
    spec = ReferentialSpec((BlockSpec("B1", "t", (CompetencySpec("C1"),)),))
    evaluations = [ev("C1", 1, 1, acquired=True)]
    computed = title_status(spec, evaluations, {})
    assert computed.status is Status.VALIDATED and not computed.is_awarded
    assert [b.code for b in computed.provisional_blocks] == ["B1"]
    assert computed.capitalised_blocks == ()
    deliberated = title_status(spec, evaluations, {}, {}, {"B1": at(1)})
    assert deliberated.is_awarded and [b.code for b in deliberated.capitalised_blocks] == ["B1"]


def test_the_weighted_score_ignores_pending_and_disputed_scores():
    """Seed 001: oral 80 %, written 20 %; a score is a note only once the decision is final."""
    block = BlockSpec(
        "B1",
        "t",
        (
            CompetencySpec("o1", weighted_modality="epreuve_orale", weight=80),
            CompetencySpec("w1", weighted_modality="epreuve_ecrite", weight=20),
        ),
    )
    final = [ev("o1", 1, 0, score=4), ev("o1", 2, 0, score=4), ev("w1", 1, 0, score=2)]
    final.append(ev("w1", 2, 0, score=2))
    assert block_status(block, final, {}, 2, 2).weighted_score == Fraction(18, 5)
    # one evaluator of two: pending
    pending = [ev("o1", 1, 0, score=4), ev("w1", 1, 0, score=2), ev("w1", 2, 0, score=2)]
    assert block_status(block, pending, {}, 2, 2).weighted_score is None
    # 3 and 1 around the threshold 2: disputed
    disputed = [ev("o1", 1, 0, score=3), ev("o1", 2, 0, score=1), ev("w1", 1, 0, score=2)]
    assert block_status(block, disputed, {}, 2, 1).weighted_score is None


def test_an_incomplete_referential_awards_no_title_nor_its_incomplete_blocks():
    spec = ReferentialSpec(
        (
            BlockSpec("B1", "t", (CompetencySpec("C1"),), incomplete=True),
            BlockSpec("B2", "t", (CompetencySpec("C2"),)),
        ),
        incomplete="extrait",
    )
    evaluations = [ev("C1", 1, 1, acquired=True), ev("C2", 1, 1, acquired=True)]
    result = title_status(spec, evaluations, {})
    assert (result.status, result.validated_at, result.incomplete) == (
        Status.INCOMPLETE,
        None,
        "extrait",
    )
    assert [b.status for b in result.blocks] == [Status.INCOMPLETE, Status.VALIDATED]
    assert [b.code for b in result.validated_blocks] == ["B2"]
