"""Extra time granted to a session: moves running deadlines and applies to later starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.extensions import db

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
