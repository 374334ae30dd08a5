"""The candidate reads a disputed (or not yet final) grid decision as pending, without a score.

The jury's view keeps the mean of the members' scores beside « désaccord des évaluateurs »; the
candidate's view turned the status into « en attente » but kept that mean (« en attente (2,5 /
4) »), a score no decision gave, which tells the dispute it is meant to hide.
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.rules import (
    BlockSpec,
    CompetencySpec,
    Evaluation,
    ReferentialSpec,
    Status,
    as_seen_by_candidate,
    title_status,
)
from tests.conftest import login

T = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
GRID = ReferentialSpec((BlockSpec("B1", "Bloc", (CompetencySpec("C1"), CompetencySpec("C2"))),), 2)


def test_the_candidate_sees_no_score_for_a_disputed_decision():
    evaluations = [
        Evaluation("C1", 7, T, score=1),
        Evaluation("C1", 8, T, score=4),
        Evaluation("C2", 7, T, score=3),
    ]
    jury_view = title_status(GRID, evaluations, {})
    disputed = jury_view.blocks[0].competencies[0]
    assert (disputed.decision.status, disputed.decision.score) == (
        Status.DISAGREEMENT,
        Fraction(5, 2),
    )
    seen_disputed, seen_settled = as_seen_by_candidate(jury_view).blocks[0].competencies
    assert (seen_disputed.decision.status, seen_disputed.decision.score) == (Status.PENDING, None)
    assert seen_settled.decision.score == 3


def test_the_candidate_sees_no_score_before_the_second_evaluator():
    two = ReferentialSpec(GRID.blocks, 2, required_evaluators=2)
    seen = as_seen_by_candidate(title_status(two, [Evaluation("C1", 7, T, score=3)], {}))
    decision = seen.blocks[0].competencies[0].decision
    assert (decision.status, decision.score) == (Status.PENDING, None)


def test_the_transcript_page_shows_the_candidate_no_disputed_score(
    client, db, clock, referentials, enrol_candidate, make_user
):
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="c@example.org"))
    competency = next(c for c in certification.competencies if enrolment.jury_evaluates(c))
    for email, score in (("j1@example.org", 1), ("j2@example.org", 4)):
        services.record_evaluation(
            enrolment, competency, make_user(Role.JURY, email=email), clock(), grid_score=score
        )
    db.session.commit()
    login(client, "j1@example.org")
    staff_page = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert "désaccord des évaluateurs (2,5 / 4)" in staff_page
    login(client, "c@example.org")
    page = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert "2,5 / 4" not in page
    assert "désaccord" not in page
