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

from questionnaire.attempts.grading import scoring_rules_by_session
from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
from questionnaire.auth.models import User
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.extensions import db

#: Columns of the long table, in the canonical order used for the fingerprint; `group` is the
#: enrolment's analysis group ("" when none), used by the DIF section.
TABLE_COLUMNS = ("attempt_id", "item_id", "score", "max_score", "option", "key", "group")
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
        {"attempt_id": str, "item_id": str, "option": str, "key": str, "group": str}
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
    options: tuple[str, ...] = ()  # the version's declared option keys
    stem: str = ""  # the question text, for the items-to-review table


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
    group: str = ""


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


def _final(query):
    return query.where(Attempt.status.in_(FINAL_STATUSES), Attempt.graded_at.is_not(None))


@dataclass(frozen=True)
class Loaded:
    """The finalised attempts of some sessions, read with column queries (no ORM objects)."""

    table: pd.DataFrame
    items: dict[str, ItemInfo]
    attempts: tuple[AttemptInfo, ...]
    neutralised: tuple[str, ...]
    exposure: dict[str, int]  # presentations of each item version, neutralised ones included
    versions: dict[int, ItemVersion]


def load_attempts(session_ids: list[int], *, prefix_session: bool = False) -> Loaded:
    """Long table (one row per scored item) plus item and attempt descriptions.

    Column queries rather than ORM objects: thousands of attempts load in about a second.
    """
    attempt_rows = db.session.execute(
        _final(
            select(
                Attempt.id, Attempt.session_id, Attempt.user_id, Attempt.status,
                Attempt.started_at, Attempt.submitted_at, Attempt.deadline, Attempt.score,
                Attempt.max_score, Attempt.passed, Enrolment.analysis_group, User.display_name,
            )
            .join(Enrolment, Enrolment.id == Attempt.enrolment_id)
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.session_id.in_(session_ids))
        ).order_by(Attempt.session_id, Attempt.id)
    ).all()  # fmt: skip
    item_rows = db.session.execute(
        _final(
            select(AttemptItem.attempt_id, AttemptItem.item_version_id, AttemptItem.score,
                   Response.selected)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
            .where(Attempt.session_id.in_(session_ids))
        ).order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()  # fmt: skip
    versions = {
        v.id: v
        for v in db.session.execute(
            select(ItemVersion)
            .where(ItemVersion.id.in_(sorted({row.item_version_id for row in item_rows})))
            .options(selectinload(ItemVersion.item), selectinload(ItemVersion.topic))
        ).scalars()
    }
    session_of = {row.id: row.session_id for row in attempt_rows}
    presented: dict[int, set[int]] = {}
    by_attempt: dict[int, list] = {}
    for row in item_rows:
        presented.setdefault(session_of[row.attempt_id], set()).add(row.item_version_id)
        by_attempt.setdefault(row.attempt_id, []).append(row)
    rules = scoring_rules_by_session(
        {session_id: [versions[i] for i in ids] for session_id, ids in presented.items()}
    )
    labels = {i: item_label(v.item.external_id, v.number) for i, v in versions.items()}
    items = {
        labels[i]: ItemInfo(
            labels[i],
            i,
            v.item.external_id,
            v.topic.title,
            v.status.value,
            tuple(sorted(v.option_keys)),
            v.stem or "",
        )
        for i, v in versions.items()
    }
    rows: list[tuple] = []
    infos: list[AttemptInfo] = []
    neutralised: set[str] = set()
    exposure: Counter[str] = Counter()
    for attempt in attempt_rows:
        code = pseudonym(attempt.user_id)
        attempt_id = f"S{attempt.session_id}-{code}" if prefix_session else code
        group = attempt.analysis_group or ""
        session_rules = rules.get(attempt.session_id, {})
        answered = []
        for item in by_attempt.get(attempt.id, []):
            label = labels[item.item_version_id]
            exposure[label] += 1
            selected = item.selected or []
            answered.append(bool(selected))
            rule = session_rules[item.item_version_id]
            if rule.neutralised or item.score is None:
                neutralised.add(label)
                continue
            rows.append(
                (attempt_id, label, float(item.score), 1.0, ";".join(sorted(selected)),
                 ";".join(sorted(rule.correct)), group)
            )  # fmt: skip
        submitted_at = attempt.submitted_at or attempt.deadline
        infos.append(
            AttemptInfo(
                attempt_id=attempt_id,
                session_id=attempt.session_id,
                user_id=attempt.user_id,
                code=code,
                name=attempt.display_name,
                status=attempt.status,
                started_at=attempt.started_at,
                submitted_at=submitted_at,
                score=attempt.score or 0,
                max_score=attempt.max_score or 0,
                passed=bool(attempt.passed),
                not_reached=trailing_unanswered(answered),
                time_ratio=time_ratio(attempt.started_at, submitted_at, attempt.deadline),
                group=group,
            )
        )
    return Loaded(
        table=pd.DataFrame(rows, columns=list(TABLE_COLUMNS)),
        items=items,
        attempts=tuple(infos),
        neutralised=tuple(sorted(neutralised)),
        exposure=dict(exposure),
        versions=versions,
    )


def load_session(session: ExamSession) -> SessionData:
    """Read a session's enrolments and finalised attempts into a `SessionData`."""
    loaded = load_attempts([session.id])
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
        table=loaded.table,
        items=loaded.items,
        attempts=loaded.attempts,
        neutralised=loaded.neutralised,
        enrolled=len(enrolments),
        status_counts=status_counts,
        extra_time=dict(sorted(extra.items())),
        accommodation_notes=sum(1 for e in enrolments if e.accommodation_note),
    )
