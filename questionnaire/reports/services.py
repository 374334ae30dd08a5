"""Report services: the items of a session, neutralisation and key correction with re-grading,
exports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from questionnaire.attempts.grading import (
    RegradeReport,
    lock_scoring,
    neutralise_item,
    rekey_item,
    scoring_rules,
)
from questionnaire.attempts.models import Attempt, AttemptItem, DecisionKind, ScoringDecision
from questionnaire.auth.models import User
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.extensions import db
from questionnaire.reports.dif import eligible_groups
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.loader import FINAL_STATUSES
from questionnaire.reports.tables import Report


class ReportError(ValueError):
    """A report or a decision cannot be made as asked."""


def session_versions(session: ExamSession) -> list[ItemVersion]:
    """The item versions presented in the session's attempts, by bank id."""
    ids = select(AttemptItem.item_version_id).join(Attempt).where(Attempt.session_id == session.id)
    versions = db.session.execute(
        # sorted and labelled by their item's bank id: loaded with them, not one query each
        select(ItemVersion).where(ItemVersion.id.in_(ids)).options(joinedload(ItemVersion.item))
    ).scalars()
    return sorted(versions, key=lambda v: (v.item.external_id, v.number))


def scorable_versions(session: ExamSession) -> list[ItemVersion]:
    """The session's items that still count (not neutralised)."""
    return split_by_neutralisation(session)[0]


def split_by_neutralisation(session: ExamSession) -> tuple[list[ItemVersion], list[ItemVersion]]:
    """The session's items that still count, and those already neutralised."""
    versions = session_versions(session)
    rules = scoring_rules(versions, session.id)
    return (
        [v for v in versions if not rules[v.id].neutralised],
        [v for v in versions if rules[v.id].neutralised],
    )


def neutralised_version_ids(session: ExamSession) -> set[int]:
    """The ids of `split_by_neutralisation`'s neutralised versions, from the decisions alone:
    presented in the session and neutralised there or in every session (a re-key leaves an
    item scored). The Angoff cut asks it at every report, without loading the versions."""
    presented = (
        select(AttemptItem.item_version_id).join(Attempt).where(Attempt.session_id == session.id)
    )
    return set(
        db.session.execute(
            select(ScoringDecision.item_version_id).where(
                ScoringDecision.kind == DecisionKind.NEUTRALISE,
                or_(ScoringDecision.session_id == session.id, ScoringDecision.session_id.is_(None)),
                ScoringDecision.item_version_id.in_(presented),
            )
        ).scalars()
    )


def analysis_groups(session: ExamSession) -> list[str]:
    """The session's analysis groups that the DIF section can compare, largest first."""
    counts = db.session.execute(
        select(Enrolment.analysis_group, func.count())
        .join(Attempt, Attempt.enrolment_id == Enrolment.id)
        .where(
            Attempt.session_id == session.id,
            Attempt.status.in_(FINAL_STATUSES),
            Attempt.graded_at.is_not(None),
            Enrolment.analysis_group.is_not(None),
        )
        .group_by(Enrolment.analysis_group)
    ).all()
    ordered = sorted(((g, n) for g, n in counts if g), key=lambda x: (-x[1], x[0]))
    return eligible_groups(dict(ordered))


def neutralise_in_session(
    session: ExamSession, version_id: int, actor: User, reason: str, now: datetime
) -> RegradeReport:
    """Neutralise an item of the session (audited decision) and re-grade its attempts."""
    lock_scoring(session.id)  # a second jury member sending it too is told it is done
    version = next((v for v in scorable_versions(session) if v.id == version_id), None)
    if version is None:
        raise ReportError("Cet item n'est pas noté dans cette session (absent ou déjà neutralisé).")
    return neutralise_item(version, session, actor, reason, now)


def key_in_effect(session: ExamSession, version: ItemVersion) -> frozenset[str]:
    """The keys the session's copies are scored with: the bank's, or its latest correction."""
    return scoring_rules([version], session.id)[version.id].correct


def rekey_in_session(
    session: ExamSession,
    version_id: int,
    keys: Iterable[str],
    actor: User,
    reason: str,
    now: datetime,
) -> RegradeReport:
    """Correct the key of an item scored in the session (audited decision, this session only)
    and re-grade its attempts; the key already in effect is refused (a second tab, say)."""
    lock_scoring(session.id)  # the same correction sent at once by two: the second is refused
    versions = scorable_versions(session)
    version = next((v for v in versions if v.id == version_id), None)
    if version is None:
        raise ReportError("Cet item n'est pas noté dans cette session (absent ou neutralisé).")
    if frozenset(keys) == key_in_effect(session, version):
        raise ReportError("C'est déjà la clé en vigueur dans cette session : rien n'a été modifié.")
    return rekey_item(version, keys, actor, reason, now, session=session)


def export_bytes(report: Report, fmt: str) -> bytes:
    """The report rendered in one of the download formats (pdf, xlsx, csv)."""
    if fmt not in EXPORTS:
        raise ReportError(f"Format inconnu : {fmt} (pdf, xlsx ou csv).")
    return EXPORTS[fmt].render(report)
