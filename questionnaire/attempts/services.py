"""The candidate's path: start (form frozen), save, flag, submit, finalise on expiry."""

from __future__ import annotations

import logging
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload

from questionnaire.attempts.grading import grade_attempt, share_scoring
from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.banks.models import Item, ItemType, ItemVersion, Topic, VersionStatus
from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire
from questionnaire.extensions import db
from questionnaire.incidents.models import CopyTimeExtension, session_extra_minutes

MAX_SEQ = 2**53

logger = logging.getLogger(__name__)


class AttemptError(Exception):
    """Base of the candidate-path errors; ``code`` is the API error code."""

    code = "attempt_error"
    status = 409


class AttemptNotFound(AttemptError):
    code, status = "not_found", 404


class NotEnrolled(AttemptError):
    code, status = "not_enrolled", 404


ENROLMENT_REMOVED = (
    "Vous n'êtes plus inscrit à cette session : votre inscription vient d'être retirée par "
    "l'administration, la copie n'a pas été commencée. Adressez-vous au surveillant ou à "
    "l'administrateur de la session."
)


class SessionNotOpen(AttemptError):
    code, status = "session_not_open", 409


class AttemptClosed(AttemptError):
    code, status = "attempt_closed", 409


class InvalidSelection(AttemptError):
    code, status = "invalid_selection", 422


class InvalidSeq(InvalidSelection):
    code = "invalid_seq"


class UnknownItem(AttemptError):
    code, status = "unknown_item", 404


class FormUnavailable(AttemptError):
    """The bank no longer allows the draw; said in the candidate's words (the detail is logged)."""

    code, status = "form_unavailable", 409

    def __init__(self, detail: str) -> None:
        self.detail = detail  # what is missing, for the log and those who can fix it
        super().__init__(
            "Ce questionnaire ne peut pas être commencé pour le moment : ses questions ne sont "
            "pas disponibles. Prévenez le responsable de la session ; votre temps n'a pas "
            "commencé."
        )


@dataclass(frozen=True)
class SaveResult:
    seq: int
    saved_at: datetime
    applied: bool


def allowed_seconds(duration_minutes: int, extra_time_percent: int) -> int:
    """duration × (1 + extra %) in whole seconds: what the deadline enforces and pages state."""
    return duration_minutes * 60 * (100 + extra_time_percent) // 100


def deadline_for(started_at: datetime, duration_minutes: int, extra_time_percent: int) -> datetime:
    """start + duration × (1 + extra %), to the second."""
    return started_at + timedelta(seconds=allowed_seconds(duration_minutes, extra_time_percent))


@dataclass(frozen=True)
class TimeAllowed:
    """The time a copy started now gets, and why: what the deadline enforces and pages state."""

    duration_minutes: int
    extra_time_percent: int
    incident_minutes: int  # granted to the whole session after an incident

    @property
    def seconds(self) -> int:
        return (
            allowed_seconds(self.duration_minutes, self.extra_time_percent)
            + 60 * self.incident_minutes
        )


def time_allowed(enrolment: Enrolment) -> TimeAllowed:
    """The questionnaire's duration, the candidate's extra time and the session's incidents."""
    session = enrolment.session
    return TimeAllowed(
        duration_minutes=session.questionnaire.duration_minutes,
        extra_time_percent=enrolment.extra_time_percent,
        incident_minutes=session_extra_minutes(session.id),
    )


@dataclass(frozen=True)
class CopyTimeAllowed(TimeAllowed):
    """The time a copy already started got: its deadline less its start, whatever the settings
    say now (a lowered extra time keeps the copy's deadline, see ``follow_extra_time``)."""

    total_seconds: int

    @property
    def seconds(self) -> int:
        return self.total_seconds


def copy_time_allowed(attempt: Attempt) -> CopyTimeAllowed:
    """The time the copy was given and why: its extra time is read back from its deadline.

    An in-progress copy got every incident's minutes (granted before its start, or moving it
    since); its extra time is what remains. When the deadline cannot be explained so (a finished
    copy that later grants did not move), only the duration and the total are stated.
    """
    duration = attempt.session.questionnaire.duration_minutes
    total = int((attempt.deadline - attempt.started_at).total_seconds())
    incident = session_extra_minutes(attempt.session_id) + _copy_extra_minutes(attempt)
    extra_seconds = total - 60 * incident - 60 * duration
    percent = -(-100 * extra_seconds // (60 * duration)) if extra_seconds > 0 else 0
    if extra_seconds < 0 or allowed_seconds(duration, percent) != 60 * duration + extra_seconds:
        return CopyTimeAllowed(duration, 0, 0, total)
    return CopyTimeAllowed(duration, percent, incident, total)


@dataclass(frozen=True)
class RunningCopyChange:
    """What a change of a candidate's extra time did to the copy they are writing."""

    added: timedelta  # zero when the copy kept its deadline
    deadline: datetime  # the copy's deadline afterwards


def follow_extra_time(
    enrolment: Enrolment, now: datetime, grace_seconds: int
) -> RunningCopyChange | None:
    """Give the copy being written the extra time the candidate has just been given.

    A tiers temps forgotten at the enrolment and entered once the candidate has started moves
    the deadline of their copy to where it would be had it been entered before the start
    (incidents' minutes kept), never earlier than it is; a copy past
    its deadline and grace is not reopened (as for an incident's grant), and a decrease does
    not shorten a copy already started (the candidate was told the time when they began).
    None when the candidate has no copy still being written. The caller records the change
    (``admin.enrolment_update`` names the seconds added).
    """
    attempt = db.session.execute(
        select(Attempt)
        .where(Attempt.enrolment_id == enrolment.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .with_for_update(of=Attempt)  # not the eagerly joined session (see grant_extra_time)
    ).scalar_one_or_none()
    if attempt is None or attempt.is_expired(now, grace_seconds):
        return None
    # the deadline the new extra time gives, from the start, with every incident's minutes:
    # not the current one plus the difference, which a decrease kept and a raise would add
    # again (33 % lowered to 0 by a slip, then put back, gave the third twice)
    owed = deadline_for(
        attempt.started_at,
        enrolment.session.questionnaire.duration_minutes,
        enrolment.extra_time_percent,
    ) + timedelta(minutes=session_extra_minutes(attempt.session_id) + _copy_extra_minutes(attempt))
    if owed <= attempt.deadline:
        return RunningCopyChange(timedelta(0), attempt.deadline)
    added = owed - attempt.deadline
    attempt.deadline = owed
    return RunningCopyChange(added, attempt.deadline)


def _copy_extra_minutes(attempt: Attempt) -> int:
    """Minutes granted to this copy alone after an incident (``CopyTimeExtension``)."""
    return db.session.execute(
        select(func.coalesce(func.sum(CopyTimeExtension.minutes), 0)).where(
            CopyTimeExtension.attempt_id == attempt.id
        )
    ).scalar_one()


def find_enrolment(user: User, session_id: int) -> Enrolment:
    enrolment = db.session.execute(
        select(Enrolment).where(Enrolment.session_id == session_id, Enrolment.user_id == user.id)
    ).scalar_one_or_none()
    if enrolment is None:
        raise NotEnrolled("Vous n'êtes pas inscrit à cette session.")
    return enrolment


def attempt_for_enrolment(enrolment: Enrolment) -> Attempt | None:
    return db.session.execute(
        select(Attempt).where(Attempt.enrolment_id == enrolment.id)
    ).scalar_one_or_none()


def draw_form(
    questionnaire: Questionnaire, rng: random.Random
) -> list[tuple[ItemVersion, list[str]]]:
    """Pick published versions per the blueprint and order items and options.

    The draw runs on light rows (id, topic, bank id); only the chosen versions are loaded with
    their options: a start on a 100-item bank builds 20 versions, not 100 with 400 options.
    """
    rows = db.session.execute(
        select(ItemVersion.id, Item.external_id, Topic.slug, Topic.position)
        .join(Item, Item.id == ItemVersion.item_id)
        .join(Topic, Topic.id == ItemVersion.topic_id)
        .where(
            Item.theme_id == questionnaire.theme_id,
            ItemVersion.status == VersionStatus.PUBLISHED,
        )
        .order_by(Item.external_id)
    ).all()
    by_topic: dict[str, list] = defaultdict(list)
    for row in rows:
        by_topic[row.slug].append(row)
    chosen: list = []
    if questionnaire.blueprint:
        for slug, count in questionnaire.blueprint.items():
            pool = by_topic.get(slug, [])
            if len(pool) < count:
                raise FormUnavailable(
                    f"le plan de tirage demande {count} item(s) publié(s) du sujet {slug}, "
                    f"la banque en a {len(pool)}"
                )
            chosen.extend(rng.sample(pool, count))
    else:
        if len(rows) < questionnaire.item_count:
            raise FormUnavailable(
                f"le questionnaire tire {questionnaire.item_count} item(s) publié(s), "
                f"la banque en a {len(rows)}"
            )
        chosen = rng.sample(rows, questionnaire.item_count)
    if questionnaire.shuffle_items:
        rng.shuffle(chosen)
    else:
        chosen.sort(key=lambda row: (row.position, row.external_id))
    versions = {
        version.id: version
        for version in db.session.execute(
            select(ItemVersion)
            .where(ItemVersion.id.in_([row.id for row in chosen]))
            .options(joinedload(ItemVersion.item))
        ).scalars()
    }
    form = []
    for row in chosen:
        version = versions[row.id]
        keys = [option.key for option in version.options]
        if questionnaire.shuffle_options:
            rng.shuffle(keys)
        form.append((version, keys))
    return form


def start_attempt(
    enrolment: Enrolment, now: datetime, grace_seconds: int, rng: random.Random | None = None
) -> tuple[Attempt, bool]:
    """Start (True) or resume (False) the enrolment's single attempt."""
    existing = attempt_for_enrolment(enrolment)
    if existing is not None:
        finalise_if_expired(existing, now, grace_seconds)
        return existing, False
    session = enrolment.session
    if not session.is_open(now):
        raise SessionNotOpen("La session n'est pas ouverte.")
    questionnaire = session.questionnaire
    try:
        form = draw_form(questionnaire, rng or random.Random(secrets.randbits(64)))
    except FormUnavailable as exc:
        logger.warning(
            "Session %s (questionnaire %s) : copie impossible à tirer, %s.",
            session.id,
            questionnaire.id,
            exc.detail,
        )
        raise
    # the session's row shared before its incident minutes are read (PostgreSQL; FOR KEY SHARE,
    # which the attempt's foreign key takes anyway, and which starts do not contend for): a
    # grant, which locks it for update, waits for this start to commit and then extends its
    # copy, or this start waits for the grant and counts its minutes; without it a grant landing
    # between the read and the commit missed the copy
    db.session.execute(
        select(ExamSession.id)
        .where(ExamSession.id == session.id)
        .with_for_update(read=True, key_share=True)
    )
    attempt = Attempt(
        enrolment_id=enrolment.id,
        session_id=session.id,
        user_id=enrolment.user_id,
        status=AttemptStatus.IN_PROGRESS,
        started_at=now,
        deadline=now + timedelta(seconds=time_allowed(enrolment).seconds),
        pass_mark_bp=questionnaire.pass_mark_bp,
        items=[
            # the version itself and response=None: showing the new attempt reads nothing back
            AttemptItem(position=i, version=version, option_order=keys, response=None)
            for i, (version, keys) in enumerate(form, start=1)
        ],
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # a simultaneous start won the race: resume its attempt
        existing = attempt_for_enrolment(enrolment)
        if existing is not None:
            return existing, False
        # or an administrator removed the enrolment after it was read: the copy's foreign key
        # broke (checked here only, the start itself reads nothing more)
        if (
            db.session.execute(select(Enrolment.id).where(Enrolment.id == enrolment.id)).first()
            is None
        ):
            raise NotEnrolled(ENROLMENT_REMOVED) from None
        raise
    first_uses = [version.id for version, _ in form if version.first_used_at is None]
    if first_uses:  # only the first starts write (and lock) item versions
        db.session.execute(
            update(ItemVersion)
            .where(ItemVersion.id.in_(first_uses), ItemVersion.first_used_at.is_(None))
            .values(first_used_at=now)
            .execution_options(synchronize_session=False)
        )
    record(
        "attempt.start",
        now,
        actor_id=attempt.user_id,
        subject_id=attempt.user_id,
        target=f"attempt:{attempt.id}",
    )
    return attempt, True


def resume_position(attempt: Attempt) -> int | None:
    """Where a resumed copy picks up: its first question without an answer (None: all answered)."""
    return next((ai.position for ai in attempt.items if not ai.is_answered), None)


def _finalise(
    attempt: Attempt, status: AttemptStatus, now: datetime, overdue: ColumnElement | None = None
) -> bool:
    """Move an in-progress attempt to a final status once, even under concurrency.

    ``overdue``: for an expiry, the deadline test again on the row as stored at the update: the
    attempt was read earlier, and extra time granted meanwhile (an incident) has moved its
    deadline, so the copy must stay open.
    """
    # graded under the session's scoring as it stands: a key correction in progress is waited
    # for, then applied (without it the copy kept the old key: the correction's re-grading had
    # listed the graded copies before this one committed)
    share_scoring(attempt.session_id)
    conditions = [Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS]
    if overdue is not None:
        conditions.append(overdue)
    claimed = db.session.execute(
        update(Attempt)
        .where(*conditions)
        .values(status=status, submitted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if not claimed:
        return False
    db.session.expire(attempt, ["items"])
    grade_attempt(attempt, now)
    submitted = status is AttemptStatus.SUBMITTED
    record(
        "attempt.submit" if submitted else "attempt.expire",
        now,
        actor_id=attempt.user_id if submitted else None,
        subject_id=attempt.user_id,
        target=f"attempt:{attempt.id}",
        details={"score": attempt.score, "max_score": attempt.max_score, "passed": attempt.passed},
    )
    return True


def _past_grace(now: datetime, grace_seconds: int) -> ColumnElement:
    """``Attempt.is_expired`` in SQL: past the deadline and its grace."""
    return Attempt.deadline < now - timedelta(seconds=grace_seconds)


def finalise_if_expired(attempt: Attempt, now: datetime, grace_seconds: int) -> bool:
    """Finalise with what was saved when past the deadline and grace; True if it did."""
    if attempt.status is AttemptStatus.IN_PROGRESS and attempt.is_expired(now, grace_seconds):
        return _finalise(attempt, AttemptStatus.EXPIRED, now, _past_grace(now, grace_seconds))
    return False


def close_if_time_up(attempt: Attempt, now: datetime) -> bool:
    """Finalise as expired from the deadline on, without grace; True if it did.

    Grace is for answers already in flight: a page asked for after the deadline offers nothing
    more to answer, and an answer saved within grace is the copy's last one.
    """
    if attempt.status is AttemptStatus.IN_PROGRESS and attempt.is_time_up(now):
        return _finalise(attempt, AttemptStatus.EXPIRED, now, Attempt.deadline <= now)
    return False


def finalise_expired(now: datetime, grace_seconds: int) -> int:
    """Finalise every overdue attempt (cron-safe, idempotent); returns how many."""
    past_grace = _past_grace(now, grace_seconds)
    overdue = db.session.execute(
        select(Attempt).where(Attempt.status == AttemptStatus.IN_PROGRESS, past_grace)
    ).scalars()
    return sum(
        _finalise(attempt, AttemptStatus.EXPIRED, now, past_grace) for attempt in list(overdue)
    )


def submit_attempt(attempt: Attempt, now: datetime, grace_seconds: int) -> Attempt:
    """Submit and grade; submitting again returns the same result."""
    # an expiry read from a deadline that extra time has moved since leaves the copy open: it is
    # then submitted
    if attempt.status is AttemptStatus.IN_PROGRESS and not finalise_if_expired(
        attempt, now, grace_seconds
    ):
        _finalise(attempt, AttemptStatus.SUBMITTED, now)
    return attempt


def _closed(attempt: Attempt) -> AttemptClosed:
    return AttemptClosed(
        "Le temps imparti est écoulé : la copie a été remise automatiquement."
        if attempt.status is AttemptStatus.EXPIRED
        else "La copie a déjà été remise."
    )


def _check_open(attempt: Attempt, now: datetime, grace_seconds: int) -> None:
    if finalise_if_expired(attempt, now, grace_seconds) or attempt.status.is_final:
        raise _closed(attempt)


def _hold_open(attempt: Attempt, now: datetime, grace_seconds: int) -> None:
    """Share the attempt's row until the commit, then check again that it takes answers.

    As the autosave's check does: a finalisation (a submission from another tab, the cron at
    the end of the grace period) claims the row by an update, so it waits for this save's
    commit and grades the answer, or this save waits for it and sees the copy closed. Without
    it, an answer written while a submission graded the copy was acknowledged and never
    counted. After ``_check_open``, which may itself finalise an expired copy.
    """
    db.session.refresh(attempt, ["status", "deadline"], with_for_update={"read": True})
    if not attempt.accepts_answers(now, grace_seconds):
        raise _closed(attempt)


def attempt_item_for(attempt: Attempt, external_id: str) -> AttemptItem:
    """The attempt's item with this id, by one query (an autosave must not load the whole form)."""
    attempt_item = db.session.execute(
        select(AttemptItem)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(AttemptItem.attempt_id == attempt.id, Item.external_id == external_id)
        .options(lazyload(AttemptItem.response))
    ).scalar_one_or_none()
    if attempt_item is None:
        raise UnknownItem(f"La question {_shown(external_id)} ne fait pas partie de cette copie.")
    return attempt_item


def _shown(text: str) -> str:
    """A value sent by the client as an error names it: 40 characters at most (a bank id's
    length), not the 16 Kio a body may hold, which the exam page would read out."""
    return text if len(text) <= 40 else f"{text[:40]}…"


def normalise_selection(attempt_item: AttemptItem, selected: list[str]) -> list[str]:
    """Check the keys against the item: unknown keys and several on a single-answer item refused."""
    return _checked_keys(attempt_item.option_order, attempt_item.version.is_multiple, selected)


def _checked_keys(option_keys: list[str], multiple: bool, selected: list[str]) -> list[str]:
    keys = sorted(set(selected))
    unknown = [key for key in keys if key not in option_keys]
    if unknown:
        named = ", ".join(_shown(key) for key in unknown[:5])
        more = f" et {len(unknown) - 5} autre(s)" if len(unknown) > 5 else ""
        raise InvalidSelection(f"Option(s) inconnue(s) : {named}{more}.")
    if not multiple and len(keys) > 1:
        raise InvalidSelection("Une seule réponse est attendue pour cette question.")
    return keys


def save_response(
    attempt: Attempt,
    attempt_item: AttemptItem,
    selected: list[str],
    seq: int | None,
    now: datetime,
    grace_seconds: int,
) -> SaveResult:
    """Save a selection unless a newer one (higher seq) is already stored.

    ``seq=None`` (plain HTML form) means "after whatever is stored", and no lower than the
    server's clock in milliseconds, which the exam page's autosaves number by: an autosave of a
    selection made before the post, still in flight (a save can take seconds on an exam
    morning), arrives after it and must not overwrite it.
    """
    _check_open(attempt, now, grace_seconds)
    keys = normalise_selection(attempt_item, selected)
    _hold_open(attempt, now, grace_seconds)
    if seq is None:
        seq = max(attempt_item.seq + 1, int(now.timestamp() * 1000))
    if not 0 <= seq < MAX_SEQ:
        raise InvalidSeq("Numéro de séquence invalide.")
    if _upsert_response(attempt.id, attempt_item, keys, seq, now):
        return SaveResult(seq=seq, saved_at=now, applied=True)
    stored = _stored_response(attempt_item)
    return SaveResult(seq=stored.seq, saved_at=stored.saved_at, applied=False)


def autosave(
    user: User,
    attempt_id: int,
    external_id: str,
    selected: list[str],
    seq: int,
    now: datetime,
    grace_seconds: int,
) -> SaveResult:
    """The API autosave in two statements: one authorisation check, one upsert.

    The check reads the attempt (the user's own, still open) and the item (in its form) in one
    query, sharing a lock on the attempt row: a finalisation waits for this save to commit, so
    an acknowledged save is always graded. Anything unusual goes through the full path.
    """
    row = (
        db.session.connection()
        .execute(
            _SAVE_CHECK, {"attempt_id": attempt_id, "user_id": user.id, "external_id": external_id}
        )
        .first()
    )
    closes_at = row and row.deadline + timedelta(seconds=grace_seconds)
    if row is None or row.status is not AttemptStatus.IN_PROGRESS or now > closes_at:
        loaded = attempt_for_user(attempt_id, user)
        if loaded is None:
            raise AttemptNotFound("Copie introuvable.")
        attempt_item = attempt_item_for(loaded, external_id)
        return save_response(loaded, attempt_item, selected, seq, now, grace_seconds)
    keys = _checked_keys(row.option_order, row.item_type is ItemType.MULTIPLE, selected)
    if not 0 <= seq < MAX_SEQ:
        raise InvalidSeq("Numéro de séquence invalide.")
    if _upsert(attempt_id, row.id, keys, seq, now):
        return SaveResult(seq=seq, saved_at=now, applied=True)
    stored = db.session.execute(
        select(Response.seq, Response.saved_at).where(Response.attempt_item_id == row.id)
    ).one()
    return SaveResult(seq=stored.seq, saved_at=stored.saved_at, applied=False)


def _save_check():
    """The autosave's authorisation check, on plain tables (built once, compiled once)."""
    attempt, item, version, bank_item = (
        Attempt.__table__,
        AttemptItem.__table__,
        ItemVersion.__table__,
        Item.__table__,
    )
    return (
        select(attempt.c.status, attempt.c.deadline, item.c.id, item.c.option_order)
        .add_columns(version.c.item_type)
        .select_from(attempt)
        .join(item, item.c.attempt_id == attempt.c.id)
        .join(version, version.c.id == item.c.item_version_id)
        .join(bank_item, bank_item.c.id == version.c.item_id)
        .where(attempt.c.id == bindparam("attempt_id"), attempt.c.user_id == bindparam("user_id"))
        .where(bank_item.c.external_id == bindparam("external_id"))
        .with_for_update(read=True, of=attempt)
    )


_SAVE_CHECK = _save_check()
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@cache
def _upsert_statement(dialect: str):
    """``INSERT … ON CONFLICT DO UPDATE … WHERE seq < excluded.seq RETURNING``, built once.

    On the table, not the entity: a plain statement skips the ORM's bulk-insert machinery.
    """
    table = Response.__table__
    statement = _INSERTS[dialect](table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.attempt_item_id],
        set_={
            "selected": statement.excluded.selected,
            "seq": statement.excluded.seq,
            "saved_at": statement.excluded.saved_at,
        },
        where=table.c.seq < statement.excluded.seq,
    ).returning(table.c.id)


def _upsert(
    attempt_id: int, attempt_item_id: int, keys: list[str], seq: int, now: datetime
) -> bool:
    """Insert the response, or overwrite an older one, in one atomic statement.

    False when a response with a higher (or equal) sequence number is already stored.
    """
    connection = db.session.connection()
    values = {
        "attempt_id": attempt_id,
        "attempt_item_id": attempt_item_id,
        "selected": keys,
        "seq": seq,
        "saved_at": now,
    }
    statement = _upsert_statement(connection.dialect.name)
    return connection.execute(statement, values).first() is not None


def _upsert_response(
    attempt_id: int, attempt_item: AttemptItem, keys: list[str], seq: int, now: datetime
) -> bool:
    """``_upsert`` for a loaded attempt item, whose loaded response it then expires."""
    applied = _upsert(attempt_id, attempt_item.id, keys, seq, now)
    if applied:
        # a copy already loaded in this session is now stale
        loaded = attempt_item.__dict__.get("response")
        if loaded is not None:
            db.session.expire(loaded)
        db.session.expire(attempt_item, ["response"])
    return applied


def _stored_response(attempt_item: AttemptItem) -> Response:
    return db.session.execute(
        select(Response)
        .where(Response.attempt_item_id == attempt_item.id)
        .execution_options(populate_existing=True)
    ).scalar_one()


def set_flag(
    attempt: Attempt, attempt_item: AttemptItem, flagged: bool, now: datetime, grace_seconds: int
) -> None:
    """Mark a question for review (or unmark it)."""
    _check_open(attempt, now, grace_seconds)
    attempt_item.flagged = flagged


def attempt_for_user(attempt_id: int, user: User) -> Attempt | None:
    """The attempt if it belongs to ``user`` (others answer 404, not 403).

    The session is loaded only if used: an autosave needs the attempt's status and deadline.
    """
    return db.session.execute(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user.id)
        .options(lazyload(Attempt.session))
    ).scalar_one_or_none()


def sessions_state(
    user: User, now: datetime
) -> list[tuple[ExamSession, Enrolment, Attempt | None]]:
    """Each enrolment's session with the attempt, if any.

    A copy whose time is up is finalised first, as its own pages would (the cron job may not
    have run yet): it is listed among the results, not offered to resume. The caller commits.
    """
    enrolments = db.session.execute(
        select(Enrolment)
        .join(ExamSession)
        .where(Enrolment.user_id == user.id)
        .order_by(ExamSession.opens_at)
    ).scalars()
    attempts = {
        a.enrolment_id: a
        for a in db.session.execute(select(Attempt).where(Attempt.user_id == user.id)).scalars()
    }
    for attempt in attempts.values():
        close_if_time_up(attempt, now)
    return [(e.session, e, attempts.get(e.id)) for e in enrolments]
