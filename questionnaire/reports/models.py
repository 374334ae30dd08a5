"""Standard setting (modified Angoff): a panel on a session's items and each judge's ratings."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.exams.models import BASIS_POINTS, ExamSession
from questionnaire.extensions import db


class AngoffPanel(db.Model):
    """A standard-setting panel on the item versions of one session."""

    __tablename__ = "angoff_panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    item_version_ids: Mapped[list[int]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]

    session: Mapped[ExamSession] = relationship()
    created_by: Mapped[User] = relationship()
    ratings: Mapped[list[AngoffRating]] = relationship(
        back_populates="panel", cascade="all, delete-orphan"
    )
    #: The jury members named to judge the panel: only they estimate, each on their own first.
    judges: Mapped[list[AngoffJudge]] = relationship(
        back_populates="panel",
        cascade="all, delete-orphan",
        order_by="AngoffJudge.id",
        lazy="selectin",
    )


class AngoffJudge(db.Model):
    """A jury member named on a panel by its facilitator (who created it, or an administrator)."""

    __tablename__ = "angoff_judge"
    __table_args__ = (UniqueConstraint("panel_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("angoff_panel.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: None: named by migration 0019, from the estimates saved before panels had a list.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime]

    panel: Mapped[AngoffPanel] = relationship(back_populates="judges")
    judge: Mapped[User] = relationship(foreign_keys=[judge_id], lazy="joined")


class AngoffRating(db.Model):
    """One judge's probability that a borderline candidate answers one item correctly."""

    __tablename__ = "angoff_rating"
    __table_args__ = (
        UniqueConstraint("panel_id", "judge_id", "item_version_id"),
        CheckConstraint("value_bp >= 0 AND value_bp <= 10000", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("angoff_panel.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"))
    value_bp: Mapped[int]
    rated_at: Mapped[datetime]

    panel: Mapped[AngoffPanel] = relationship(back_populates="ratings")
    judge: Mapped[User] = relationship()

    @property
    def value(self) -> Fraction:
        return Fraction(self.value_bp, BASIS_POINTS)
