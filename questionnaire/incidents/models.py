"""Extra time granted after an incident: to a session (running deadlines and later starts), or
to some candidates' copies being written (a computer that froze, a candidate taken ill)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.extensions import db

if TYPE_CHECKING:  # the attempts' services read session_extra_minutes from this module
    from questionnaire.attempts.models import Attempt

MAX_EXTRA_MINUTES = 240


class SessionTimeExtension(db.Model):
    """Minutes added to every attempt of a session, with who decided it and why."""

    __tablename__ = "session_time_extension"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_EXTRA_MINUTES}", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), index=True)
    minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    attempts_moved: Mapped[int]
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime]

    granted_by: Mapped[User] = relationship()


def session_extra_minutes(session_id: int) -> int:
    """Minutes granted so far to a session (added to the deadline of every new attempt).

    Here rather than in the services, which need the attempts: starting an attempt reads it.
    """
    return db.session.execute(
        select(func.coalesce(func.sum(SessionTimeExtension.minutes), 0)).where(
            SessionTimeExtension.session_id == session_id
        )
    ).scalar_one()


class CopyTimeExtension(db.Model):
    """Minutes added to one candidate's copy being written, with who decided it and why.

    Not counted for later starts (``session_extra_minutes``): the incident was that copy's own.
    """

    __tablename__ = "copy_time_extension"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_EXTRA_MINUTES}", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[datetime]  # the copy's deadline once extended
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime]

    attempt: Mapped[Attempt] = relationship()
    granted_by: Mapped[User] = relationship()
