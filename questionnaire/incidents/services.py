"""Granting extra time after an incident: to a whole session, or to some candidates' copies."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.incidents.models import (
    MAX_EXTRA_MINUTES,
    CopyTimeExtension,
    SessionTimeExtension,
)
from questionnaire.incidents.models import session_extra_minutes as session_extra_minutes


class IncidentError(ValueError):
    """The extra time cannot be granted as asked."""


class GrantedMeanwhile(IncidentError):
    """Time was granted since the form was shown: the same form sent twice adds nothing."""


class CopyRefused(IncidentError):
    """A copy chosen cannot be extended (handed in, past its time, of another session)."""


GRANTED_MEANWHILE = (
    "Du temps supplémentaire a été accordé à cette session depuis l'affichage de ce formulaire "
    "(formulaire envoyé deux fois ?) : rien n'a été ajouté. Vérifiez le tableau « Temps déjà "
    "accordé » ; si un nouveau délai est vraiment nécessaire, renvoyez le formulaire."
)


def grant_count(session_id: int) -> int:
    """How many grants a session has received."""
    return db.session.execute(
        select(func.count(SessionTimeExtension.id)).where(
            SessionTimeExtension.session_id == session_id
        )
    ).scalar_one()


def extensions_for(session_id: int) -> list[SessionTimeExtension]:
    return list(
        db.session.execute(
            select(SessionTimeExtension)
            .where(SessionTimeExtension.session_id == session_id)
            .order_by(SessionTimeExtension.granted_at, SessionTimeExtension.id)
        ).scalars()
    )


#: How long after its closing a session may still receive extra time (attempts started just
#: before the closing run past it).
INCIDENT_WINDOW = timedelta(days=1)


def can_extend(session: ExamSession, now: datetime) -> bool:
    """Open, or closed for less than a day (a session not open yet has had no incident)."""
    return session.opens_at <= now and session.closes_at > now - INCIDENT_WINDOW


NOT_OPEN_YET = (
    "Cette session n'est pas encore ouverte : aucun incident n'a pu la toucher, et du temps "
    "accordé maintenant s'ajouterait à chacune de ses copies sans pouvoir être repris. Si sa "
    "durée doit changer, modifiez le questionnaire avant l'ouverture."
)


def _check_grant(session: ExamSession, minutes: int, reason: str, now: datetime) -> None:
    if session.opens_at > now:
        raise IncidentError(NOT_OPEN_YET)
    if not can_extend(session, now):
        raise IncidentError(
            "Cette session est close depuis plus d'un jour : "
            "le temps supplémentaire ne peut plus être accordé."
        )
    if not 0 < minutes <= MAX_EXTRA_MINUTES:
        raise IncidentError(f"Entre 1 et {MAX_EXTRA_MINUTES} minutes.")
    if not reason.strip():
        raise IncidentError("Indiquez le motif (l'incident).")


def _lock_session(session: ExamSession) -> None:
    """The session's row locked (PostgreSQL): grants to the session or to its copies, and starts
    (which share the row, see start_attempt), happen one after the other."""
    db.session.execute(select(ExamSession.id).where(ExamSession.id == session.id).with_for_update())


def grant_extra_time(
    session: ExamSession,
    minutes: int,
    reason: str,
    actor: User,
    now: datetime,
    grace_seconds: int = 0,
    grants_seen: int | None = None,
) -> SessionTimeExtension:
    """Move the deadline of every attempt still in progress and record the grant for later starts.

    Attempts already submitted or finalised stay closed: they are not reopened, nor are
    attempts past their deadline and its grace that the cron has not finalised yet (whether
    a copy reopens must not depend on when the cron last ran).

    `grants_seen`: the number of grants the administrator saw when filling the form; when
    another grant has been recorded since (the same form sent twice), nothing is added.
    """
    _check_grant(session, minutes, reason, now)
    # a second sending waits for the first to commit, then counts its grant; a start in progress
    # commits first, so that its copy is among those extended below
    _lock_session(session)
    if grants_seen is not None and grant_count(session.id) != grants_seen:
        raise GrantedMeanwhile(GRANTED_MEANWHILE)
    running = db.session.execute(
        select(Attempt)
        .where(Attempt.session_id == session.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .order_by(Attempt.id)
        # OF attempt: the copy's session is joined (eagerly loaded), and PostgreSQL refuses to
        # lock the nullable side of that outer join: without it every grant failed there
        .with_for_update(of=Attempt)
    ).scalars()
    moved = 0
    for attempt in running:
        if attempt.is_expired(now, grace_seconds):
            continue
        attempt.deadline = attempt.deadline + timedelta(minutes=minutes)
        moved += 1
    extension = SessionTimeExtension(
        session_id=session.id,
        minutes=minutes,
        reason=reason.strip(),
        attempts_moved=moved,
        granted_by_id=actor.id,
        granted_at=now,
    )
    db.session.add(extension)
    record(
        "session.extra_time",
        now,
        actor_id=actor.id,
        target=f"session:{session.id}",
        # the reason stays with the grant (SessionTimeExtension), not in the journal, which is
        # never rewritten: one naming a candidate (« Poste de … figé ») is replaced there when
        # the person is erased, as a copy grant's is
        details={"minutes": minutes, "attempts_moved": moved},
    )
    return extension


def sessions_for_incidents(now: datetime) -> list[ExamSession]:
    """Sessions an administrator may still extend: open, or closed for less than a day."""
    return list(
        db.session.execute(
            select(ExamSession)
            .where(ExamSession.opens_at <= now, ExamSession.closes_at > now - INCIDENT_WINDOW)
            .order_by(ExamSession.opens_at)
        ).scalars()
    )


# ---------------------------------------------------------------- some candidates' copies


def running_copies(session: ExamSession, now: datetime, grace_seconds: int) -> list[Attempt]:
    """The session's copies still being written (deadline and grace not past), by candidate."""
    attempts = db.session.execute(
        select(Attempt)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.session_id == session.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .order_by(User.sort_name, User.email, Attempt.id)
    ).scalars()
    return [attempt for attempt in attempts if not attempt.is_expired(now, grace_seconds)]


def copy_extensions_for(session_id: int) -> list[CopyTimeExtension]:
    return list(
        db.session.execute(
            select(CopyTimeExtension)
            .join(Attempt, Attempt.id == CopyTimeExtension.attempt_id)
            .where(Attempt.session_id == session_id)
            .order_by(CopyTimeExtension.granted_at, CopyTimeExtension.id)
        ).scalars()
    )


def copy_grant_count(session_id: int) -> int:
    """How many copy grants a session's copies have received."""
    return db.session.execute(
        select(func.count(CopyTimeExtension.id))
        .join(Attempt, Attempt.id == CopyTimeExtension.attempt_id)
        .where(Attempt.session_id == session_id)
    ).scalar_one()


def grant_copies_extra_time(
    session: ExamSession,
    attempt_ids: list[int],
    minutes: int,
    reason: str,
    actor: User,
    now: datetime,
    grace_seconds: int = 0,
    grants_seen: int | None = None,
) -> list[CopyTimeExtension]:
    """Move the deadline of the chosen copies only, after an incident that touched them alone.

    All or nothing: a copy already handed in, or past its deadline and grace, is not reopened
    (as for a session's grant), and then no copy is extended. Later starts get nothing.
    `grants_seen`: the copy grants the form showed; one recorded since (the same form sent
    twice) makes it add nothing.
    """
    _check_grant(session, minutes, reason, now)
    if not attempt_ids:
        raise CopyRefused("Choisissez au moins une copie à prolonger.")
    _lock_session(session)
    if grants_seen is not None and copy_grant_count(session.id) != grants_seen:
        raise GrantedMeanwhile(GRANTED_MEANWHILE)
    attempts = {
        attempt.id: attempt
        for attempt in db.session.execute(
            select(Attempt)
            .where(Attempt.id.in_(set(attempt_ids)), Attempt.session_id == session.id)
            .with_for_update(of=Attempt)  # not the eagerly joined session (see above)
        ).scalars()
    }
    refusals = []
    for attempt_id in dict.fromkeys(attempt_ids):
        attempt = attempts.get(attempt_id)
        if attempt is None:
            refusals.append("Une des copies choisies n'est pas une copie de cette session.")
        elif attempt.status is not AttemptStatus.IN_PROGRESS:
            refusals.append(
                f"La copie de {attempt.user.display_name} est déjà remise : "
                "elle n'est pas rouverte."
            )
        elif attempt.is_expired(now, grace_seconds):
            refusals.append(
                f"Le temps de la copie de {attempt.user.display_name} est écoulé (échéance et "
                "délai de grâce passés) : elle n'est pas rouverte."
            )
    if refusals:
        raise CopyRefused(" ".join(dict.fromkeys(refusals)) + " Aucune copie n'a été prolongée.")
    extensions = []
    for attempt_id in dict.fromkeys(attempt_ids):
        attempt = attempts[attempt_id]
        attempt.deadline = attempt.deadline + timedelta(minutes=minutes)
        extension = CopyTimeExtension(
            attempt_id=attempt.id,
            minutes=minutes,
            reason=reason.strip(),
            deadline=attempt.deadline,
            granted_by_id=actor.id,
            granted_at=now,
        )
        db.session.add(extension)
        extensions.append(extension)
        record(
            "attempt.extra_time",
            now,
            actor_id=actor.id,
            subject_id=attempt.user_id,
            target=f"attempt:{attempt.id}",
            # the copy's new deadline and the reason are kept with the grant (CopyTimeExtension),
            # not in the journal, which is never rewritten: a reason about one candidate
            # (« malaise de … ») is replaced there when the person is erased, as an
            # accommodation's description is
            details={"session_id": session.id, "minutes": minutes},
        )
    return extensions
