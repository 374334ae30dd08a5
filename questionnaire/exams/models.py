"""Questionnaires (what is asked), exam sessions (when) and enrolments (who)."""

from __future__ import annotations

import enum
from datetime import datetime
from fractions import Fraction

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.banks.models import Theme
from questionnaire.db import value_enum
from questionnaire.extensions import db

BASIS_POINTS = 10_000


class ReleasePolicy(enum.StrEnum):
    """When candidates may see the corrected answers (their score is shown at submission)."""

    IMMEDIATE = "immediate"
    AFTER_CLOSE = "after_close"
    MANUAL = "manual"

    @property
    def label(self) -> str:
        return {
            "immediate": "dès la remise",
            "after_close": "après la clôture de la session",
            "manual": "sur décision de l'administrateur",
        }[self.value]


class SessionPurpose(enum.StrEnum):
    """Whether a session's copies count toward the certification or only train the candidate."""

    CERTIFICATION = "certification"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return {"certification": "certification", "training": "entraînement"}[self.value]


class Questionnaire(db.Model):
    """A form specification: theme, length, duration, pass mark, blueprint, shuffling."""

    __tablename__ = "questionnaire"
    __table_args__ = (
        CheckConstraint("item_count > 0", name="item_count_positive"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("pass_mark_bp > 0 AND pass_mark_bp <= 10000", name="pass_mark_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    item_count: Mapped[int]
    duration_minutes: Mapped[int]
    pass_mark_bp: Mapped[int] = mapped_column(default=6000)
    blueprint: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    shuffle_items: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    theme: Mapped[Theme] = relationship(lazy="joined")

    @property
    def pass_mark(self) -> Fraction:
        """The pass mark as an exact fraction (0.60 → 3/5)."""
        return Fraction(self.pass_mark_bp, BASIS_POINTS)


class ExamSession(db.Model):
    """A questionnaire opened to enrolled candidates during a window."""

    __tablename__ = "exam_session"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    release_policy: Mapped[ReleasePolicy] = mapped_column(
        value_enum(ReleasePolicy),
        default=ReleasePolicy.AFTER_CLOSE,
    )
    #: Training copies never count toward a certification nor feed the CPNE's statistics.
    purpose: Mapped[SessionPurpose] = mapped_column(
        value_enum(SessionPurpose),
        default=SessionPurpose.CERTIFICATION,
        server_default=SessionPurpose.CERTIFICATION.value,
    )
    released_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    questionnaire: Mapped[Questionnaire] = relationship(lazy="joined")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="session")

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime) -> bool:
        return now >= self.closes_at

    @property
    def is_training(self) -> bool:
        return self.purpose is SessionPurpose.TRAINING

    @property
    def effective_release_policy(self) -> ReleasePolicy:
        """The policy that applies: « dès la remise » only ever holds for a training session.

        A certification session configured so before training sessions existed (migration 0014
        made every session a certification one) publishes its correction after the close.
        """
        if self.release_policy is ReleasePolicy.IMMEDIATE and not self.is_training:
            return ReleasePolicy.AFTER_CLOSE
        return self.release_policy

    @property
    def has_legacy_immediate_release(self) -> bool:
        """A certification session still configured « dès la remise », which no longer applies."""
        return self.release_policy is not self.effective_release_policy


class Enrolment(db.Model):
    """A candidate admitted to a session, with an extra-time accommodation if any."""

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(
            "extra_time_percent >= 0 AND extra_time_percent <= 300", name="extra_time_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    extra_time_percent: Mapped[int] = mapped_column(default=0)
    accommodation_note: Mapped[str | None] = mapped_column(String(500))
    #: Optional coarse group for DIF in the CPNE reports (network, job profile); never sensitive.
    analysis_group: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime]

    session: Mapped[ExamSession] = relationship(back_populates="enrolments", lazy="joined")
    user: Mapped[User] = relationship()
