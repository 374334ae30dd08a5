"""Grading with exact arithmetic, scoring decisions (re-key, neutralise) and re-grading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import BigInteger, cast, func, or_, select

from questionnaire.attempts.models import (
    Attempt,
    AttemptItem,
    DecisionKind,
    GradeChange,
    ScoringDecision,
)
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db


class GradingError(ValueError):
    """A scoring decision is not valid for the item."""


#: First half of the advisory lock key of a session's scoring (PostgreSQL), the session's id
#: being the second: a number no other lock of the application uses.
SCORING_LOCK = 0x5C0_0000


def _scoring_lock(session_id: int, shared: bool) -> None:
    """PostgreSQL's advisory lock of the session's scoring, held until the commit.

    Not the session's row: a hand-in may already share its copy's row (an autosave that finds
    the copy expired), and an incident's grant, which locks the session's row and then the
    running copies, would deadlock with it. SQLite, which lets one writer at a time, has none.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    take = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    db.session.execute(select(take(cast((SCORING_LOCK << 32) | session_id, BigInteger))))


def lock_scoring(session_id: int) -> None:
    """Hold the session's scoring until the commit (exclusive).

    Taken by a key correction or a neutralisation before its checks: a second decision waits,
    then decides on what the first did; hand-ins (``share_scoring``) wait too, so that every
    copy is graded either before the correction, and re-graded by it, or after it, with the
    new key.
    """
    _scoring_lock(session_id, shared=False)


def share_scoring(session_id: int) -> None:
    """Grade a copy under the session's scoring as it stands: copies handed in at once share
    the lock; a correction in progress is waited for."""
    _scoring_lock(session_id, shared=True)


def item_score(selected: Iterable[str], correct: frozenset[str]) -> int:
    """1 only for exactly the right set of keys; unanswered or partial counts 0."""
    chosen = frozenset(selected)
    return 1 if chosen and chosen == correct else 0


def passes(score: int, max_score: int, pass_mark: Fraction) -> bool:
    """score / max_score ≥ pass mark, compared exactly (12/20 passes at 60 %)."""
    if max_score <= 0:
        return False
    return Fraction(score, max_score) >= pass_mark


@dataclass(frozen=True)
class ItemRule:
    """How a version is scored in a session: its keys, or neutralised."""

    correct: frozenset[str]
    neutralised: bool = False


def scoring_rules(versions: Iterable[ItemVersion], session_id: int) -> dict[int, ItemRule]:
    """Effective rule per version: the bank's keys, overridden by the latest decisions."""
    return scoring_rules_by_session({session_id: list(versions)})[session_id]


def scoring_rules_by_session(
    presented: dict[int, list[ItemVersion]],
) -> dict[int, dict[int, ItemRule]]:
    """``scoring_rules`` of several sessions (session id → its versions) in one query."""
    rules = {
        session_id: {v.id: ItemRule(v.correct_keys) for v in versions}
        for session_id, versions in presented.items()
    }
    version_ids = {version_id for session in rules.values() for version_id in session}
    if not version_ids:
        return rules
    decisions = db.session.execute(
        select(ScoringDecision)
        .where(
            ScoringDecision.item_version_id.in_(sorted(version_ids)),
            or_(
                ScoringDecision.session_id.is_(None),
                ScoringDecision.session_id.in_(sorted(rules)),
            ),
        )
        .order_by(ScoringDecision.decided_at, ScoringDecision.id)
    ).scalars()
    for decision in decisions:
        sessions = [decision.session_id] if decision.session_id is not None else list(rules)
        for session_id in sessions:
            current = rules[session_id].get(decision.item_version_id)
            if current is None:  # a version this session did not present
                continue
            if decision.kind is DecisionKind.REKEY:
                rules[session_id][decision.item_version_id] = ItemRule(
                    frozenset(decision.correct_keys or ()), current.neutralised
                )
            else:
                rules[session_id][decision.item_version_id] = ItemRule(current.correct, True)
    return rules


def grade_attempt(attempt: Attempt, now: datetime) -> Attempt:
    """Score every item and store score, maximum, pass mark in force and outcome."""
    rules = scoring_rules((ai.version for ai in attempt.items), attempt.session_id)
    score = max_score = 0
    for attempt_item in attempt.items:
        rule = rules[attempt_item.item_version_id]
        if rule.neutralised:
            attempt_item.score = None
            continue
        attempt_item.score = item_score(attempt_item.selected, rule.correct)
        score += attempt_item.score
        max_score += 1
    attempt.score, attempt.max_score = score, max_score
    attempt.passed = passes(score, max_score, attempt.pass_mark)
    attempt.graded_at = now
    return attempt


@dataclass
class RegradeReport:
    decision: ScoringDecision
    attempts_regraded: int = 0
    changes: list[GradeChange] = field(default_factory=list)


def _validate_keys(version: ItemVersion, keys: Iterable[str]) -> list[str]:
    keys = sorted(set(keys))
    unknown = set(keys) - version.option_keys
    if not keys or unknown:
        raise GradingError("Clé corrigée invalide : choisissez une ou plusieurs options de l'item.")
    if not version.is_multiple and len(keys) != 1:
        raise GradingError("Un item à réponse unique n'a qu'une bonne réponse.")
    return keys


def _regrade(decision: ScoringDecision, actor: User, reason: str, now: datetime) -> RegradeReport:
    query = (
        select(Attempt)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(
            AttemptItem.item_version_id == decision.item_version_id, Attempt.graded_at.is_not(None)
        )
    )
    if decision.session_id is not None:
        query = query.where(Attempt.session_id == decision.session_id)
    report = RegradeReport(decision)
    record(
        f"scoring.{decision.kind.value}",
        now,
        actor_id=actor.id,
        target=f"item_version:{decision.item_version_id}",
        details={
            "session_id": decision.session_id,
            "correct_keys": decision.correct_keys,
            "reason": reason,
        },
    )
    for attempt in db.session.execute(query.order_by(Attempt.id)).scalars().unique():
        before = (attempt.score, attempt.max_score, attempt.passed)
        grade_attempt(attempt, now)
        report.attempts_regraded += 1
        if before != (attempt.score, attempt.max_score, attempt.passed):
            change = GradeChange(
                attempt_id=attempt.id,
                decision=decision,
                old_score=before[0],
                new_score=attempt.score,
                old_max=before[1],
                new_max=attempt.max_score,
                old_passed=before[2],
                new_passed=attempt.passed,
                reason=reason,
                changed_by=actor,
                changed_at=now,
            )
            db.session.add(change)
            report.changes.append(change)
            record(
                "grade.change",
                now,
                actor_id=actor.id,
                subject_id=attempt.user_id,
                target=f"attempt:{attempt.id}",
                details={
                    "before": f"{before[0]}/{before[1]}",
                    "after": f"{attempt.score}/{attempt.max_score}",
                    "reason": reason,
                },
            )
    return report


def rekey_item(
    version: ItemVersion,
    correct_keys: Iterable[str],
    actor: User,
    reason: str,
    now: datetime,
    session: ExamSession | None = None,
) -> RegradeReport:
    """Correct an item's key (everywhere, or in one session) and re-grade the attempts concerned.

    The caller holds ``lock_scoring`` from before its own checks (``rekey_in_session``)."""
    if not reason.strip():
        raise GradingError("Indiquez le motif de la correction.")
    keys = _validate_keys(version, correct_keys)
    decision = ScoringDecision(
        version=version,
        session_id=session.id if session else None,
        kind=DecisionKind.REKEY,
        correct_keys=keys,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    return _regrade(decision, actor, reason.strip(), now)


def neutralise_item(
    version: ItemVersion, session: ExamSession, actor: User, reason: str, now: datetime
) -> RegradeReport:
    """Remove an item from scoring for one session and re-grade that session's attempts.

    The caller holds ``lock_scoring`` from before its own checks (``neutralise_in_session``)."""
    if not reason.strip():
        raise GradingError("Indiquez le motif de la neutralisation.")
    decision = ScoringDecision(
        version=version,
        session_id=session.id,
        kind=DecisionKind.NEUTRALISE,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    return _regrade(decision, actor, reason.strip(), now)
