"""What a candidate may see of a finalised attempt: score, topics, and the correction once released."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from questionnaire.attempts.grading import scoring_rules
from questionnaire.attempts.models import Attempt


@dataclass(frozen=True)
class TopicResult:
    title: str
    correct: int
    total: int


@dataclass(frozen=True)
class ItemCorrection:
    position: int
    external_id: str
    stem: str
    multiple: bool
    options: list[tuple[str, str, bool, bool]]  # key, text, correct, selected (display order)
    score: int | None
    rationale: str
    reference: str
    neutralised: bool


@dataclass(frozen=True)
class AttemptResult:
    score: int
    max_score: int
    percent: float
    passed: bool
    pass_mark: float
    topics: list[TopicResult]
    correction_released: bool
    corrections: list[ItemCorrection] | None


def attempt_result(attempt: Attempt, now: datetime) -> AttemptResult | None:
    """The result of a graded attempt (None while in progress)."""
    if attempt.graded_at is None or attempt.score is None or attempt.max_score is None:
        return None
    released = attempt.session.correction_released(now)
    topics: dict[str, list[int]] = {}
    order: list[str] = []
    for attempt_item in attempt.items:
        if attempt_item.score is None:
            continue
        title = attempt_item.version.topic.title
        if title not in topics:
            topics[title] = [0, 0]
            order.append(title)
        topics[title][0] += attempt_item.score
        topics[title][1] += 1
    corrections = None
    if released:
        rules = scoring_rules((ai.version for ai in attempt.items), attempt.session_id)
        corrections = []
        for attempt_item in attempt.items:
            version, rule = attempt_item.version, rules[attempt_item.item_version_id]
            selected = set(attempt_item.selected)
            options = [
                (key, version.option(key).text, key in rule.correct, key in selected)
                for key in attempt_item.option_order
            ]
            corrections.append(
                ItemCorrection(
                    position=attempt_item.position,
                    external_id=attempt_item.external_id,
                    stem=version.stem,
                    multiple=version.is_multiple,
                    options=options,
                    score=attempt_item.score,
                    rationale=version.rationale,
                    reference=version.reference,
                    neutralised=rule.neutralised,
                )
            )
    return AttemptResult(
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent or 0.0,
        passed=bool(attempt.passed),
        pass_mark=float(attempt.pass_mark),
        topics=[TopicResult(title, *topics[title]) for title in order],
        correction_released=released,
        corrections=corrections,
    )
