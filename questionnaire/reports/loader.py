"""The loader: database rows of a session's finalised attempts → the analytics long table."""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import Text, cast, func, select
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
    """SHA-256 of the canonical long table (fixed columns, sorted rows, exact floats).

    The hashed text is ``DataFrame.to_csv(index=False, lineterminator="\\n",
    float_format="%.17g")`` of the table's columns in `TABLE_COLUMNS` order, rows sorted by
    attempt then item. That text is written here without pandas' per-cell formatting (most of
    a second at 100,000 rows): each distinct score formatted once, the rows joined with
    commas; a table with a cell the CSV would quote (a comma, a quote, a line break) or a
    missing text goes through ``to_csv`` itself. Either way the same bytes are hashed.
    """
    canonical = table.loc[:, list(TABLE_COLUMNS)].astype(
        {"attempt_id": str, "item_id": str, "option": str, "key": str, "group": str}
    )
    texts = [c for c in TABLE_COLUMNS if c not in ("score", "max_score")]
    if canonical[["score", "max_score"]].dtypes.ne(np.float64).any() or (
        canonical[texts].isna().any().any()
    ):
        return _fingerprint_of_csv(canonical)
    written = "".join(["".join(canonical[c].tolist()) for c in texts])
    if any(mark in written for mark in ',"\r\n'):
        return _fingerprint_of_csv(canonical)
    order = np.lexsort(
        [pd.factorize(canonical[c].to_numpy(), sort=True)[0] for c in ("item_id", "attempt_id")]
    )
    cells = [
        _float_cells(canonical[c].to_numpy()[order])
        if c in ("score", "max_score")
        else canonical[c].to_numpy(dtype=object)[order]
        for c in TABLE_COLUMNS
    ]
    lines = [",".join(TABLE_COLUMNS), *map(",".join, zip(*cells, strict=True)), ""]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _float_cells(values: np.ndarray) -> np.ndarray:
    """Floats as to_csv writes them with "%.17g" ("" for NaN), each distinct value once."""
    bits, position = np.unique(values.view(np.int64), return_inverse=True)  # keeps -0.0
    return np.array(
        ["" if v != v else f"{v:.17g}" for v in bits.view(np.float64).tolist()], dtype=object
    )[position.reshape(-1)]


def _fingerprint_of_csv(canonical: pd.DataFrame) -> str:
    """The fingerprint through pandas' CSV writer (a table whose scores are not floats)."""
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


def _selection(text: str | None) -> tuple[str, bool]:
    """A response's JSON selection as the table's option cell, and whether it answers."""
    selected = (json.loads(text) if text is not None else None) or []
    return ";".join(sorted(selected)), bool(selected)


@dataclass(frozen=True)
class _ItemRows:
    """The attempt items of the loaded attempts as arrays, in the attempts' order, each
    attempt's items in their position order."""

    attempt: np.ndarray  # position of the row's attempt in the list of attempts
    version: np.ndarray  # index of the row's item version in ``versions``
    versions: np.ndarray  # the distinct item version ids, ascending
    score: np.ndarray  # NaN when not graded
    selection: np.ndarray  # index of the row's selection in ``options``
    options: np.ndarray  # each distinct selection's option cell ("A;C", "" when none)
    answered: np.ndarray

    @classmethod
    def read(cls, rows: list, attempt_ids: list[int]) -> _ItemRows:
        """From (attempt id, version id, score, selection as JSON text) rows."""
        # a list per column (zip(*rows) took ten times as long on 100,000 rows)
        attempt_col, version_col, score_col, text_col = ([row[i] for row in rows] for i in range(4))
        position = pd.Index(attempt_ids).get_indexer(np.array(attempt_col, dtype=np.int64))
        order = np.argsort(position, kind="stable")
        versions, version = np.unique(
            np.array(version_col, dtype=np.int64)[order], return_inverse=True
        )
        text_codes, texts = pd.factorize(np.array(text_col, dtype=object)[order])
        decoded = [_selection(text) for text in texts] + [_selection(None)]
        selection = np.where(text_codes < 0, len(texts), text_codes)
        return cls(
            attempt=position[order],
            version=version.reshape(-1),
            versions=versions,
            score=np.array(score_col, dtype=np.float64)[order],
            selection=selection,
            options=np.array([cell for cell, _ in decoded], dtype=object),
            answered=np.array([answered for _, answered in decoded], dtype=bool)[selection],
        )

    def not_reached(self, n_attempts: int) -> np.ndarray:
        """Per attempt, its unanswered items after the last answered one (items not reached)."""
        count = np.bincount(self.attempt, minlength=n_attempts)
        rank = np.arange(len(self.attempt)) - (np.cumsum(count) - count)[self.attempt]
        last = np.full(n_attempts, -1, dtype=np.int64)
        np.maximum.at(last, self.attempt[self.answered], rank[self.answered])
        return count - (last + 1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk read, back on after (unless it was off).

    Reading 100,000 rows creates 200,000 short-lived tracked objects (the driver's tuples and
    SQLAlchemy's rows), then thousands of ORM objects and attempt descriptions: they started
    collections, and a full one walks every object of the process (0.3 s of a period report
    went to them). The rows, freed by their reference counts before the collector is back,
    are never walked; they hold no cycle. Off for the time of one read (well under a second);
    another thread of the worker meanwhile only has its collections put off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def load_attempts(session_ids: list[int], *, prefix_session: bool = False) -> Loaded:
    """Long table (one row per scored item) plus item and attempt descriptions.

    Column queries rather than ORM objects, and no Python work per attempt item: the
    selections are read as JSON text and each distinct text decoded once (a period of 100,000
    attempt items has a few dozen), the rows are then placed with numpy.
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
    # Core rows (no ORM row processing), the selection as text (psycopg would decode every
    # JSON value); the rows are freed, turned into arrays, before the collector is back
    item_rows = db.session.connection().execute(
        _final(
            select(AttemptItem.attempt_id, AttemptItem.item_version_id, AttemptItem.score,
                   cast(Response.selected, Text))
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
            .where(Attempt.session_id.in_(session_ids))
        ).order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()  # fmt: skip
    rows = _ItemRows.read(item_rows, [row.id for row in attempt_rows])
    del item_rows
    versions = {
        v.id: v
        for v in db.session.execute(
            select(ItemVersion)
            .where(ItemVersion.id.in_(rows.versions.tolist()))
            .options(selectinload(ItemVersion.item), selectinload(ItemVersion.topic))
        ).scalars()
    }
    session_of_attempt = np.array([row.session_id for row in attempt_rows], dtype=np.int64)
    row_session = session_of_attempt[rows.attempt]
    # each (session, version) presented, and the pair of each row: its scoring rule
    span = int(rows.versions.max(initial=0)) + 1
    pair_keys, pair_of_row = np.unique(
        row_session * span + rows.versions[rows.version], return_inverse=True
    )
    pairs = [divmod(key, span) for key in pair_keys.tolist()]
    presented: dict[int, list[ItemVersion]] = {}
    for session_id, version_id in pairs:
        presented.setdefault(session_id, []).append(versions[version_id])
    rules = scoring_rules_by_session(presented)
    pair_rules = [rules[session_id][version_id] for session_id, version_id in pairs]
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
    keys = np.array([";".join(sorted(rule.correct)) for rule in pair_rules], dtype=object)
    pair_labels = _pair_labels(pairs, pair_rules, keys, versions, labels, items)
    codes: dict[int, str] = {}
    attempt_ids, groups, infos = [], [], []
    not_reached = rows.not_reached(len(attempt_rows))
    for position, attempt in enumerate(attempt_rows):
        code = codes.get(attempt.user_id) or codes.setdefault(
            attempt.user_id, pseudonym(attempt.user_id)
        )
        attempt_id = f"S{attempt.session_id}-{code}" if prefix_session else code
        group = attempt.analysis_group or ""
        attempt_ids.append(attempt_id)
        groups.append(group)
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
                not_reached=int(not_reached[position]),
                time_ratio=time_ratio(attempt.started_at, submitted_at, attempt.deadline),
                group=group,
            )
        )
    # a neutralised item, or one left ungraded, is presented but not scored
    skipped = np.array([rule.neutralised for rule in pair_rules], dtype=bool)[pair_of_row]
    skipped |= np.isnan(rows.score)
    kept = ~skipped
    shown = np.bincount(pair_of_row, minlength=len(pairs))
    table = pd.DataFrame([], columns=list(TABLE_COLUMNS))
    if kept.any():
        table = pd.DataFrame(
            {
                "attempt_id": np.array(attempt_ids, dtype=object)[rows.attempt[kept]],
                "item_id": pair_labels[pair_of_row[kept]],
                "score": rows.score[kept],
                "max_score": np.ones(int(kept.sum())),
                "option": rows.options[rows.selection[kept]],
                "key": keys[pair_of_row[kept]],
                "group": np.array(groups, dtype=object)[rows.attempt[kept]],
            }
        )
    return Loaded(
        table=table,
        items=items,
        attempts=tuple(infos),
        neutralised=tuple(sorted(set(pair_labels[pair_of_row[skipped]].tolist()))),
        exposure=_exposure(pairs, pair_labels, shown),
        versions=versions,
    )


def _pair_labels(
    pairs: list[tuple[int, int]],
    pair_rules: list,
    keys: np.ndarray,
    versions: dict[int, ItemVersion],
    labels: dict[int, str],
    items: dict[str, ItemInfo],
) -> np.ndarray:
    """The item id of each (session, version) presented: the version's label, except where the
    jury corrected its key for some sessions of the scope only.

    Scored against different keys, those sessions' answers are not the same item's: pooled
    together they would mix two scoring rules (and the table's one-key-per-item check refuses
    them). The sessions scored against another key than the version's own get an item of
    their own, « ID vN (clé B;C) », added to ``items``; a scope of one session, or where a
    correction applies to every session, keeps the labels as they are.
    """
    scored_keys: dict[int, set[str]] = {}
    for (_session_id, version_id), rule, key in zip(pairs, pair_rules, keys, strict=True):
        if not rule.neutralised:
            scored_keys.setdefault(version_id, set()).add(key)
    pair_labels = np.array([labels[version_id] for _session_id, version_id in pairs], dtype=object)
    for position, ((_session_id, version_id), key) in enumerate(zip(pairs, keys, strict=True)):
        if len(scored_keys.get(version_id, ())) < 2:
            continue
        if key != ";".join(sorted(versions[version_id].correct_keys)):
            label = f"{labels[version_id]} (clé {key})"
            pair_labels[position] = label
            items.setdefault(label, replace(items[labels[version_id]], item_id=label))
    return pair_labels


def _exposure(
    pairs: list[tuple[int, int]], pair_labels: np.ndarray, shown: np.ndarray
) -> dict[str, int]:
    """How many copies presented each item id (a version's sessions added together), in the
    order of the version ids."""
    exposure: dict[str, int] = {}
    by_version = sorted(range(len(pairs)), key=lambda position: pairs[position][::-1])
    for position in by_version:
        if shown[position]:
            label = pair_labels[position]
            exposure[label] = exposure.get(label, 0) + int(shown[position])
    return exposure


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
