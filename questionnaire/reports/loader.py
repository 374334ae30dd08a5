"""The loader: database rows of a session's finalised attempts → the analytics long table."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from questionnaire.attempts.grading import scoring_rules
from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.extensions import db

#: Columns of the long table, in the canonical order used for the fingerprint.
TABLE_COLUMNS = ("attempt_id", "item_id", "score", "max_score", "option", "key")
FINAL_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)


def pseudonym(user_id: int) -> str:
    """Stable candidate code: HMAC-SHA256 of the user id keyed with the SECRET_KEY, shortened."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"candidate:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"C-{digest[:10].upper()}"


def item_label(external_id: str, number: int) -> str:
    """The id of an item version in reports: bank id and version number."""
    return f"{external_id} v{number}"


def fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of the canonical long table (fixed columns, sorted rows, exact floats)."""
    canonical = table.loc[:, list(TABLE_COLUMNS)].astype(
        {"attempt_id": str, "item_id": str, "option": str, "key": str}
    )
    canonical = canonical.sort_values(["attempt_id", "item_id"], kind="stable")
    text = canonical.to_csv(index=False, lineterminator="\n", float_format="%.17g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ItemInfo:
    """An item version presented in the scope."""

    item_id: str
    version_id: int
    external_id: str
    topic: str
    status: str


@dataclass(frozen=True)
class AttemptInfo:
    """A finalised attempt, with what the speededness and candidate tables need."""

    attempt_id: str
    session_id: int
    user_id: int
    code: str
    name: str
    status: AttemptStatus
    started_at: datetime
    submitted_at: datetime
    score: int
    max_score: int
    passed: bool
    not_reached: int
    time_ratio: float


@dataclass(frozen=True)
class SessionData:
    """Everything a session report is computed from."""

    table: pd.DataFrame
    items: dict[str, ItemInfo]
    attempts: tuple[AttemptInfo, ...]
    neutralised: tuple[str, ...]
    enrolled: int
    status_counts: dict[str, int]
    extra_time: dict[int, int]
    accommodation_notes: int


def trailing_unanswered(answered: list[bool]) -> int:
    """Items not reached: the unanswered items after the last answered one."""
    count = 0
    for is_answered in reversed(answered):
        if is_answered:
            break
        count += 1
    return count


def time_ratio(started_at: datetime, submitted_at: datetime, deadline: datetime) -> float:
    """Time used over time allowed (capped at 1: an expired attempt used all of it)."""
    allowed = (deadline - started_at).total_seconds()
    used = (submitted_at - started_at).total_seconds()
    return min(max(used / allowed, 0.0), 1.0) if allowed > 0 else 1.0


def final_attempts(session_ids: list[int]) -> list[Attempt]:
    """Graded attempts of the sessions, with items, versions and responses loaded."""
    return list(
        db.session.execute(
            select(Attempt)
            .where(
                Attempt.session_id.in_(session_ids),
                Attempt.status.in_(FINAL_STATUSES),
                Attempt.graded_at.is_not(None),
            )
            .options(
                selectinload(Attempt.items).selectinload(AttemptItem.response),
                selectinload(Attempt.user),
            )
            .order_by(Attempt.session_id, Attempt.id)
        )
        .scalars()
        .unique()
    )


def attempts_table(
    attempts: list[Attempt], *, prefix_session: bool = False
) -> tuple[pd.DataFrame, dict[str, ItemInfo], tuple[AttemptInfo, ...], tuple[str, ...]]:
    """Long table (one row per scored item) plus item and attempt descriptions."""
    rows: list[tuple] = []
    items: dict[str, ItemInfo] = {}
    infos: list[AttemptInfo] = []
    neutralised: set[str] = set()
    rules_by_session: dict[int, dict] = {}
    for attempt in attempts:
        if attempt.session_id not in rules_by_session:
            versions = {
                ai.version.id: ai.version for a in attempts if a.session_id == attempt.session_id
                for ai in a.items
            }  # fmt: skip
            rules_by_session[attempt.session_id] = scoring_rules(
                versions.values(), attempt.session_id
            )
        rules = rules_by_session[attempt.session_id]
        code = pseudonym(attempt.user_id)
        attempt_id = f"S{attempt.session_id}-{code}" if prefix_session else code
        for attempt_item in attempt.items:
            version = attempt_item.version
            label = item_label(attempt_item.external_id, version.number)
            items.setdefault(
                label,
                ItemInfo(label, version.id, attempt_item.external_id, version.topic.title,
                         version.status.value),
            )  # fmt: skip
            rule = rules[version.id]
            if rule.neutralised or attempt_item.score is None:
                neutralised.add(label)
                continue
            rows.append(
                (
                    attempt_id,
                    label,
                    float(attempt_item.score),
                    1.0,
                    ";".join(sorted(attempt_item.selected)),
                    ";".join(sorted(rule.correct)),
                )
            )
        infos.append(
            AttemptInfo(
                attempt_id=attempt_id,
                session_id=attempt.session_id,
                user_id=attempt.user_id,
                code=code,
                name=attempt.user.display_name,
                status=attempt.status,
                started_at=attempt.started_at,
                submitted_at=attempt.submitted_at or attempt.deadline,
                score=attempt.score or 0,
                max_score=attempt.max_score or 0,
                passed=bool(attempt.passed),
                not_reached=trailing_unanswered([ai.is_answered for ai in attempt.items]),
                time_ratio=time_ratio(
                    attempt.started_at, attempt.submitted_at or attempt.deadline, attempt.deadline
                ),
            )
        )
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return table, items, tuple(infos), tuple(sorted(neutralised))


def load_session(session: ExamSession) -> SessionData:
    """Read a session's enrolments and finalised attempts into a `SessionData`."""
    table, items, attempts, neutralised = attempts_table(final_attempts([session.id]))
    enrolments = list(
        db.session.execute(select(Enrolment).where(Enrolment.session_id == session.id)).scalars()
    )
    status_counts = {
        status.value: count
        for status, count in db.session.execute(
            select(Attempt.status, func.count())
            .where(Attempt.session_id == session.id)
            .group_by(Attempt.status)
        )
    }
    extra = Counter(e.extra_time_percent for e in enrolments if e.extra_time_percent)
    return SessionData(
        table=table,
        items=items,
        attempts=attempts,
        neutralised=neutralised,
        enrolled=len(enrolments),
        status_counts=status_counts,
        extra_time=dict(sorted(extra.items())),
        accommodation_notes=sum(1 for e in enrolments if e.accommodation_note),
    )
