"""What a candidate may see of a finalised attempt: score, topics, and the correction once released."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from questionnaire.attempts.grading import scoring_rules
from questionnaire.attempts.models import Attempt
from questionnaire.exams.models import ExamSession
from questionnaire.exams.services import (
    certification_sittings_ahead,
    correction_released,
    correction_released_but_for_copies,
)


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
    # key, text, correct, selected, in the bank's key order: rationales cite options by key
    options: list[tuple[str, str, bool, bool]]
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
    topics: list[TopicResult]  # empty while the correction is withheld
    correction_released: bool
    corrections: list[ItemCorrection] | None
    # the candidate's certification sessions of the same theme still to sit, which hold the
    # correction back although the session's policy would show it
    withheld_for: list[ExamSession] = field(default_factory=list)
    # the session is closed and its policy would show the correction, but other copies can
    # still take answers (extra time, an incident extension): the keys wait for them
    others_still_answering: bool = False


def _topic_results(attempt: Attempt) -> list[TopicResult]:
    """Right answers per topic, topics in the order of their first question."""
    topics: dict[str, list[int]] = {}
    for attempt_item in attempt.items:
        if attempt_item.score is None:
            continue
        counts = topics.setdefault(attempt_item.version.topic.title, [0, 0])
        counts[0] += attempt_item.score
        counts[1] += 1
    return [TopicResult(title, correct, total) for title, (correct, total) in topics.items()]


def attempt_result(attempt: Attempt, now: datetime, grace_seconds: int) -> AttemptResult | None:
    """The result of a graded attempt (None while in progress).

    While the correction is withheld, so is the per-topic breakdown: a topic drawn once would
    tell whether that one answer was right. It is withheld by the session's policy, and from a
    candidate who still has a certification sitting of the same theme ahead (same bank). ``grace_seconds``: the
    application's, during which other copies of the session may still take answers.
    """
    if attempt.graded_at is None or attempt.score is None or attempt.max_score is None:
        return None
    released = correction_released(attempt.session, now, grace_seconds)
    others_still_answering = (
        not released
        and attempt.session.is_closed(now)
        and correction_released_but_for_copies(attempt.session, now)
    )
    withheld_for = (
        certification_sittings_ahead(attempt.session, attempt.user_id, now, grace_seconds)
        if released
        else []
    )
    released = released and not withheld_for
    corrections = None
    if released:
        rules = scoring_rules((ai.version for ai in attempt.items), attempt.session_id)
        corrections = []
        for attempt_item in attempt.items:
            version, rule = attempt_item.version, rules[attempt_item.item_version_id]
            selected = set(attempt_item.selected)
            options = [
                (option.key, option.text, option.key in rule.correct, option.key in selected)
                for option in version.options
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
        topics=_topic_results(attempt) if released else [],
        correction_released=released,
        corrections=corrections,
        withheld_for=withheld_for,
        others_still_answering=others_still_answering,
    )
