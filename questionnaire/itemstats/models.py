"""Stored item statistics, per item version and session or cumulated over closed sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db


class SessionStatistics(db.Model):
    """When a closed session's item statistics were computed, and on how many final attempts."""

    __tablename__ = "session_statistics"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), unique=True)
    attempts: Mapped[int]
    computed_at: Mapped[datetime]

    session: Mapped[ExamSession] = relationship()


class ItemStatistics(db.Model):
    """Classical statistics of one item version: in one session, or cumulated (no session)."""

    __tablename__ = "item_statistics"
    __table_args__ = (UniqueConstraint("item_version_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("exam_session.id"), index=True)
    n: Mapped[int]
    facility: Mapped[float | None]
    sd: Mapped[float | None]
    r_total: Mapped[float | None]
    r_rest: Mapped[float | None]
    d27: Mapped[float | None]
    alpha_if_deleted: Mapped[float | None]
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # one entry per option and "(omit)": option, is_key, proportion, p_upper, p_lower
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime]

    version: Mapped[ItemVersion] = relationship()
    session: Mapped[ExamSession | None] = relationship()

    @property
    def is_cumulated(self) -> bool:
        return self.session_id is None


class FlagReview(db.Model):
    """A reviewer's decision to keep a version as it is despite one of its statistics flags.

    The flag (``unused_distractor:D``…) leaves the « Items à revoir » queue for that version only:
    a new version starts from zero. The item page keeps showing it, with who decided and why.
    """

    __tablename__ = "flag_review"
    __table_args__ = (UniqueConstraint("item_version_id", "flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    flag: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(1000))
    #: copies behind the cumulated statistics the reviewer read
    attempts: Mapped[int]
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime]

    version: Mapped[ItemVersion] = relationship()
    reviewed_by: Mapped[User] = relationship()
