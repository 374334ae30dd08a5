"""Computing, storing and reading item statistics of closed sessions."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from markupsafe import Markup
from sqlalchemy import BigInteger, cast, delete, func, or_, select
from sqlalchemy.orm import joinedload

from analytics import AnalyticsInputError, distractor_analysis, item_stats
from questionnaire.attempts.models import Attempt
from questionnaire.banks.models import Item, ItemVersion, Theme, VersionStatus
from questionnaire.exams.models import ExamSession, Questionnaire, SessionPurpose
from questionnaire.extensions import db
from questionnaire.itemstats.charts import option_chart, trend_chart
from questionnaire.itemstats.flags import FEW_ATTEMPTS, THRESHOLDS, FlagExplanation, explain_all
from questionnaire.itemstats.loader import (
    LoadedResponses,
    combine,
    load_session_responses,
)
from questionnaire.itemstats.models import FlagReview, ItemStatistics, SessionStatistics
from questionnaire.paging import Page, nearest_page, page_count
from questionnaire.roles import Role
from questionnaire.web import paris_time

STAT_COLUMNS = ("facility", "sd", "r_total", "r_rest", "d27", "alpha_if_deleted")
OPTION_COLUMNS = ("proportion", "p_upper", "p_lower")

log = logging.getLogger(__name__)


#: Training copies are left out of the statistics that judge items: a correction shown at
#: submission exposes the keys to the next candidates, and nothing is at stake.
TRAINING_EXCLUDED = (
    "Les sessions d'entraînement n'entrent pas dans les statistiques d'items : leur correction "
    "peut être montrée dès la remise et leurs copies ne sont pas passées dans les conditions "
    "de l'examen."
)


class StatisticsError(ValueError):
    """Statistics cannot be computed as asked."""


@dataclass(frozen=True)
class RefreshReport:
    sessions: int
    versions: int


def _number(value) -> float | None:
    """A float for the database; NaN (not computable, e.g. a single attempt) becomes None."""
    value = float(value)
    return None if math.isnan(value) else value


def analyse(loaded: LoadedResponses) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Item statistics and distractor table of a long table (empty frames when it is empty)."""
    if loaded.is_empty:
        return pd.DataFrame(), pd.DataFrame()
    try:
        stats = item_stats(loaded.table, THRESHOLDS, options=loaded.options)
        options = distractor_analysis(loaded.table, options=loaded.options)
    except AnalyticsInputError as exc:  # the loader builds valid tables: this is a bug
        raise StatisticsError(f"Table de réponses invalide : {exc}") from exc
    return stats, options


def _statistics_rows(
    loaded: LoadedResponses, session_id: int | None, now: datetime
) -> list[ItemStatistics]:
    stats, options = analyse(loaded)
    if stats.empty:
        return []
    by_item: dict[str, list[dict]] = {}
    for row in options.itertuples(index=False):
        by_item.setdefault(str(row.item_id), []).append(
            {
                "option": str(row.option),
                "is_key": bool(row.is_key),
                **{name: _number(getattr(row, name)) for name in OPTION_COLUMNS},
            }
        )
    return [
        ItemStatistics(
            item_version_id=int(row.item_id),
            session_id=session_id,
            n=int(row.n),
            **{name: _number(getattr(row, name)) for name in STAT_COLUMNS},
            flags=[flag for flag in str(row.flags).split(";") if flag],
            options=by_item.get(str(row.item_id), []),
            computed_at=now,
        )
        for row in stats.itertuples(index=False)
    ]


def _store_session(session: ExamSession, now: datetime) -> LoadedResponses:
    """Replace the session's per-version statistics and record the computation."""
    loaded = load_session_responses(session)
    rows = _statistics_rows(loaded, session.id, now)  # computed before anything is written
    db.session.execute(delete(ItemStatistics).where(ItemStatistics.session_id == session.id))
    record = db.session.execute(
        select(SessionStatistics).where(SessionStatistics.session_id == session.id)
    ).scalar_one_or_none()
    if record is None:
        record = SessionStatistics(session_id=session.id, attempts=0, computed_at=now)
        db.session.add(record)
    record.attempts, record.computed_at = (0 if loaded.is_empty else loaded.n_attempts), now
    db.session.add_all(rows)
    return loaded


#: First half of the advisory lock key of a theme's cumulated statistics (PostgreSQL), the
#: theme's id being the second: a number no other lock of the application uses.
CUMULATED_LOCK = 0x57A_0000


def _lock_cumulated(theme_id: int) -> None:
    """Hold the theme's cumulated statistics until the commit (PostgreSQL advisory lock).

    Their rows have no session, which the unique constraint does not cover (NULLs are
    distinct): two computations at once (two sessions of the theme closed together, a close
    during the cron's refresh) each deleted what was committed and inserted theirs, leaving
    every version twice. The second now waits, then replaces the first's rows. SQLite lets one
    writer at a time.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    key = cast((CUMULATED_LOCK << 32) | theme_id, BigInteger)
    db.session.execute(select(func.pg_advisory_xact_lock(key)))


def _store_cumulated(
    theme_id: int, now: datetime, cache: dict[int, LoadedResponses] | None = None
) -> int:
    """Replace the cumulated statistics of a theme's versions from all its computed sessions."""
    _lock_cumulated(theme_id)
    cache = cache or {}
    sessions = db.session.execute(
        select(ExamSession)
        .join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id)
        .join(SessionStatistics, SessionStatistics.session_id == ExamSession.id)
        .where(
            Questionnaire.theme_id == theme_id,
            ExamSession.purpose == SessionPurpose.CERTIFICATION,
        )
        .order_by(ExamSession.closes_at, ExamSession.id)
    ).scalars()
    loaded = combine([cache.get(s.id) or load_session_responses(s) for s in sessions])
    rows = _statistics_rows(loaded, None, now)
    theme_versions = select(ItemVersion.id).join(Item).where(Item.theme_id == theme_id)
    db.session.execute(
        delete(ItemStatistics).where(
            ItemStatistics.session_id.is_(None),
            ItemStatistics.item_version_id.in_(theme_versions),
        )
    )
    db.session.add_all(rows)
    return len(rows)


def refresh_session_statistics(session: ExamSession, now: datetime) -> int:
    """Compute a closed session's statistics and its theme's cumulated ones; returns #versions.

    Call it when a session closes; ``refresh_statistics`` catches up on any it missed.
    """
    if session.is_training:
        raise StatisticsError(TRAINING_EXCLUDED)
    if not session.is_closed(now):
        raise StatisticsError(
            "Les statistiques d'une session ne sont calculées qu'après sa clôture."
        )
    loaded = _store_session(session, now)
    db.session.flush()
    return _store_cumulated(session.questionnaire.theme_id, now, {session.id: loaded})


def statistics_on_close(session: ExamSession, now: datetime) -> bool:
    """Compute the statistics of a session an administrator just closed; never blocks closing.

    A failure is logged and the session stays pending, so ``questionnaire analytics refresh``
    computes it later. Attempts still running keep their own deadline: their grading makes the
    session pending again, and the next refresh folds them in. A training session has none.
    """
    if session.is_training:
        return False
    try:
        refresh_session_statistics(session, now)
    except StatisticsError:
        log.exception(
            "Statistiques d'items non calculées à la clôture de la session %s", session.id
        )
        db.session.execute(  # keep the session pending for the next refresh
            delete(SessionStatistics).where(SessionStatistics.session_id == session.id)
        )
        return False
    return True


def pending_sessions(now: datetime) -> list[ExamSession]:
    """Closed sessions never computed, or with an attempt (re)graded since the computation."""
    last_graded = (
        select(Attempt.session_id, func.max(Attempt.graded_at).label("graded_at"))
        .group_by(Attempt.session_id)
        .subquery()
    )
    return list(
        db.session.execute(
            select(ExamSession)
            .outerjoin(SessionStatistics, SessionStatistics.session_id == ExamSession.id)
            .outerjoin(last_graded, last_graded.c.session_id == ExamSession.id)
            .where(
                ExamSession.closes_at <= now,
                ExamSession.purpose == SessionPurpose.CERTIFICATION,
                or_(
                    SessionStatistics.id.is_(None),
                    last_graded.c.graded_at > SessionStatistics.computed_at,
                ),
            )
            .order_by(ExamSession.closes_at, ExamSession.id)
        ).scalars()
    )


def refresh_statistics(now: datetime) -> RefreshReport:
    """Compute every closed session not computed yet (or re-graded since); idempotent, cron-safe."""
    sessions = pending_sessions(now)
    cache = {session.id: _store_session(session, now) for session in sessions}
    db.session.flush()
    themes = sorted({session.questionnaire.theme_id for session in sessions})
    versions = sum(_store_cumulated(theme_id, now, cache) for theme_id in themes)
    return RefreshReport(sessions=len(sessions), versions=versions)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    session: ExamSession
    statistics: ItemStatistics

    @property
    def flags(self) -> list[FlagExplanation]:
        """The flags this session's copies alone raised, most severe first."""
        return explain_all(self.statistics)


@dataclass(frozen=True)
class VersionReport:
    """What the author's item page shows about one version."""

    version: ItemVersion
    cumulated: ItemStatistics | None
    sessions: list[SessionRow]
    flags: list[FlagExplanation]
    #: the item's other versions with statistics, newest first, and their number of attempts
    other_versions: list[tuple[ItemVersion, int]] = ()
    #: flags a reviewer decided to keep the version despite, with their decision
    kept: list[tuple[FlagExplanation, FlagReview]] = ()

    @property
    def has_statistics(self) -> bool:
        return self.cumulated is not None

    @property
    def option_chart(self) -> Markup | None:
        if self.cumulated is None or not self.cumulated.options:
            return None
        return option_chart(
            self.cumulated.options,
            f"options-v{self.version.id}",
            f"Choix des options, version {self.version.number}, toutes sessions closes",
        )

    @property
    def trend_chart(self) -> Markup | None:
        if len(self.sessions) < 2:
            return None
        points = [
            (
                paris_time(row.session.closes_at, "%d/%m/%Y"),
                row.statistics.facility,
                row.statistics.r_rest,
            )
            for row in self.sessions
        ]
        return trend_chart(points, f"trend-v{self.version.id}")


def version_report(version: ItemVersion) -> VersionReport:
    """The version's cumulated statistics, its per-session trend and its explained flags."""
    rows = db.session.execute(
        select(ItemStatistics)
        .outerjoin(ExamSession, ExamSession.id == ItemStatistics.session_id)
        .where(ItemStatistics.item_version_id == version.id)
        .order_by(ExamSession.closes_at, ItemStatistics.id)
    ).scalars()
    cumulated, sessions = None, []
    for row in rows:
        if row.is_cumulated:
            cumulated = row
        else:
            sessions.append(SessionRow(row.session, row))
    flags = explain_all(cumulated) if cumulated is not None else []
    reviews = flag_reviews([version.id]).get(version.id, {})
    attempts = attempts_by_version(version.item)
    others = [
        (other, attempts[other.id])
        for other in reversed(version.item.versions)
        if other.id != version.id and other.id in attempts
    ]
    return VersionReport(
        version,
        cumulated,
        sessions,
        [flag for flag in flags if flag_name(flag) not in reviews],
        others,
        [(flag, reviews[flag_name(flag)]) for flag in flags if flag_name(flag) in reviews],
    )


def flag_name(flag: FlagExplanation) -> str:
    """The stored form of an explained flag: 'unused_distractor:D', 'too_easy'."""
    return flag.code if flag.option is None else f"{flag.code}:{flag.option}"


def flag_reviews(version_ids: list[int]) -> dict[int, dict[str, FlagReview]]:
    """The reviewers' decisions on the versions' flags, by version id then flag."""
    found: dict[int, dict[str, FlagReview]] = {}
    if not version_ids:
        return found
    for review in db.session.execute(
        select(FlagReview).where(FlagReview.item_version_id.in_(version_ids))
    ).scalars():
        found.setdefault(review.item_version_id, {})[review.flag] = review
    return found


def can_decide_flags(version: ItemVersion, user) -> bool:
    """Four eyes: a reviewer or an administrator who neither wrote nor took over the version,
    which is published (the queue's versions)."""
    from questionnaire.authoring.services import contributors  # authoring imports this module

    return (
        version.status is VersionStatus.PUBLISHED
        and user.has_any_role((Role.REVIEWER, Role.ADMIN))
        and user.id not in contributors(version)
    )


class FlagReviewRefused(ValueError):
    """The decision on a flag cannot be recorded (the message says why, in French)."""


def keep_despite_flag(
    version: ItemVersion, flag: str, reason: str, reviewer, now: datetime
) -> FlagReview:
    """Record that ``reviewer`` keeps ``version`` as it is despite ``flag``, and why.

    The flag must be one of the version's current cumulated flags, not decided yet.
    """
    if version.status is not VersionStatus.PUBLISHED:  # out of the queue already
        raise FlagReviewRefused(
            "Seule une version publiée se conserve malgré un signalement : la version "
            f"{version.number} est {version.status.label}."
        )
    reason = reason.strip()
    if not reason:
        raise FlagReviewRefused("Donnez le motif : pourquoi la version peut rester telle quelle.")
    cumulated = db.session.execute(
        select(ItemStatistics).where(
            ItemStatistics.item_version_id == version.id, ItemStatistics.session_id.is_(None)
        )
    ).scalar_one_or_none()
    if cumulated is None or flag not in cumulated.flags:
        raise FlagReviewRefused(
            "Ce signalement ne figure plus dans les statistiques de cette version : rechargez la "
            "page."
        )
    if flag in flag_reviews([version.id]).get(version.id, {}):
        raise FlagReviewRefused("Ce signalement a déjà été examiné : rechargez la page.")
    review = FlagReview(
        item_version_id=version.id,
        flag=flag,
        reason=reason,
        attempts=cumulated.n,
        reviewed_by=reviewer,
        reviewed_at=now,
    )
    db.session.add(review)
    return review


def attempts_by_version(item: Item) -> dict[int, int]:
    """Number of attempts behind each version's cumulated statistics."""
    return dict(
        db.session.execute(
            select(ItemStatistics.item_version_id, ItemStatistics.n)
            .join(ItemVersion, ItemVersion.id == ItemStatistics.item_version_id)
            .where(ItemVersion.item_id == item.id, ItemStatistics.session_id.is_(None))
        ).all()
    )


@dataclass(frozen=True)
class QueueEntry:
    """A flagged published version in the « Items à revoir » queue."""

    version: ItemVersion
    statistics: ItemStatistics
    flags: list[FlagExplanation]
    severity: int

    @property
    def newer_version(self) -> ItemVersion | None:
        """A later version already being written or reviewed, which will replace this one."""
        latest = self.version.item.latest_version
        return latest if latest is not None and latest.number > self.version.number else None


def review_queue(
    theme: Theme | None = None, up_to: int | None = None, author_id: int | None = None
) -> list[QueueEntry]:
    """Published versions with flags on their cumulated statistics, most severe first.

    ``author_id`` keeps the versions that user wrote (their authorship record).

    Entries on fewer than ``FEW_ATTEMPTS`` copies come after all the others, to be confirmed.

    ``up_to`` keeps the entries of that priority or a more urgent one (1 = most urgent).
    """
    query = (
        select(ItemStatistics)
        .options(joinedload(ItemStatistics.version).joinedload(ItemVersion.item))
        .join(ItemVersion, ItemVersion.id == ItemStatistics.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(
            ItemStatistics.session_id.is_(None),
            ItemVersion.status == VersionStatus.PUBLISHED,
        )
    )
    if theme is not None:
        query = query.where(Item.theme_id == theme.id)
    if author_id is not None:
        from questionnaire.authoring.models import VersionAuthorship

        query = query.where(
            ItemVersion.id.in_(
                select(VersionAuthorship.version_id).where(VersionAuthorship.author_id == author_id)
            )
        )
    entries = []
    rows = db.session.execute(query).scalars().all()
    reviews = flag_reviews([stats.item_version_id for stats in rows if stats.flags])
    for stats in rows:
        kept = reviews.get(stats.item_version_id, {})
        flags = [flag for flag in explain_all(stats) if flag_name(flag) not in kept]
        rank = min((flag.severity for flag in flags), default=None)
        if rank is not None and (up_to is None or rank <= up_to):
            entries.append(QueueEntry(stats.version, stats, flags, rank))
    return sorted(
        entries,
        key=lambda e: (
            e.statistics.n < FEW_ATTEMPTS,  # a few copies make the figures swing: to confirm
            e.severity,
            math.inf if e.statistics.r_rest is None else e.statistics.r_rest,
            e.version.item.external_id,
        ),
    )


#: entries per page of the « Items à revoir » queue
QUEUE_PAGE_SIZE = 50


def review_queue_page(
    theme: Theme | None, up_to: int | None, page: int | None, author_id: int | None = None
) -> Page[QueueEntry]:
    """One page of the review queue (the nearest page when ``page`` is out of range)."""
    entries = review_queue(theme, up_to, author_id)
    pages = page_count(len(entries), QUEUE_PAGE_SIZE)
    page = nearest_page(page, pages)
    shown = entries[(page - 1) * QUEUE_PAGE_SIZE : page * QUEUE_PAGE_SIZE]
    return Page(shown, page, pages, len(entries))
