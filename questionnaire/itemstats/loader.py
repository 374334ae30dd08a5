"""The thin loader: database rows of final attempts → the analytics library's long table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from questionnaire.attempts.grading import scoring_rules
from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db

COLUMNS = ("attempt_id", "item_id", "score", "option", "key")
FINAL_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)


@dataclass(frozen=True)
class LoadedResponses:
    """A long table (item_id = item version id) and each version's option keys."""

    table: pd.DataFrame
    options: dict[str, list[str]]

    @property
    def n_attempts(self) -> int:
        return int(self.table["attempt_id"].nunique())

    @property
    def is_empty(self) -> bool:
        return self.table.empty


def join_keys(keys: Iterable[str]) -> str:
    """Option keys as the library writes them: sorted, ';'-joined ('' when unanswered)."""
    return ";".join(sorted(keys))


def load_session_responses(session: ExamSession) -> LoadedResponses:
    """One row per scored item of the session's final attempts, with chosen keys and key in force.

    Neutralised items (score None) are left out; the key is the version's, or the re-key
    decision in force for the session.
    """
    rows = db.session.execute(
        select(
            AttemptItem.attempt_id,
            AttemptItem.item_version_id,
            AttemptItem.score,
            Response.selected,
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(
            Attempt.session_id == session.id,
            Attempt.status.in_(FINAL_STATUSES),
            AttemptItem.score.is_not(None),
        )
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()
    version_ids = {row.item_version_id for row in rows}
    versions = db.session.execute(
        select(ItemVersion).where(ItemVersion.id.in_(version_ids))
    ).scalars()
    versions = list(versions)
    rules = scoring_rules(versions, session.id)
    rows = [row for row in rows if not rules[row.item_version_id].neutralised]
    keys = {version_id: join_keys(rule.correct) for version_id, rule in rules.items()}
    table = pd.DataFrame(
        {
            "attempt_id": [str(row.attempt_id) for row in rows],
            "item_id": [str(row.item_version_id) for row in rows],
            "score": [float(row.score) for row in rows],
            "option": [join_keys(row.selected or ()) for row in rows],
            "key": [keys[row.item_version_id] for row in rows],
        },
        columns=list(COLUMNS),
    )
    options = {str(v.id): sorted(v.option_keys) for v in versions}
    return LoadedResponses(table, options)


def combine(parts: list[LoadedResponses]) -> LoadedResponses:
    """Pool several sessions' tables; a version re-keyed in one session takes its latest key."""
    parts = [part for part in parts if not part.is_empty]
    if not parts:
        return LoadedResponses(pd.DataFrame(columns=list(COLUMNS)), {})
    table = pd.concat([part.table for part in parts], ignore_index=True)
    table["key"] = table.groupby("item_id", sort=False)["key"].transform("last")
    options: dict[str, list[str]] = {}
    for part in parts:
        options.update(part.options)
    return LoadedResponses(table, options)
