"""Granting a session extra time after an incident."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.incidents.models import MAX_EXTRA_MINUTES, SessionTimeExtension
from questionnaire.incidents.models import session_extra_minutes as session_extra_minutes


class IncidentError(ValueError):
    """The extra time cannot be granted as asked."""


class GrantedMeanwhile(IncidentError):
    """Time was granted since the form was shown: the same form sent twice adds nothing."""


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
    """Open, or closed for less than a day."""
    return session.closes_at > now - INCIDENT_WINDOW


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
    if not can_extend(session, now):
        raise IncidentError(
            "Cette session est close depuis plus d'un jour : "
            "le temps supplémentaire ne peut plus être accordé."
        )
    if not 0 < minutes <= MAX_EXTRA_MINUTES:
        raise IncidentError(f"Entre 1 et {MAX_EXTRA_MINUTES} minutes.")
    if not reason.strip():
        raise IncidentError("Indiquez le motif (l'incident).")
    # the session's row locked (PostgreSQL): a second sending waits for the first to commit, then
    # counts its grant; a start in progress (which shares the row, see start_attempt) commits
    # first, so that its copy is among those extended below
    db.session.execute(select(ExamSession.id).where(ExamSession.id == session.id).with_for_update())
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
        details={"minutes": minutes, "attempts_moved": moved, "reason": reason.strip()},
    )
    return extension


def sessions_for_incidents(now: datetime) -> list[ExamSession]:
    """Sessions an administrator may still extend: not closed for more than a day."""
    return list(
        db.session.execute(
            select(ExamSession)
            .where(ExamSession.closes_at > now - INCIDENT_WINDOW)
            .order_by(ExamSession.opens_at)
        ).scalars()
    )
