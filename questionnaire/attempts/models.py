"""Attempts (the form frozen at start), their items, responses and scoring decisions."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.banks.models import ItemVersion
from questionnaire.db import value_enum
from questionnaire.exams.models import BASIS_POINTS, Enrolment, ExamSession
from questionnaire.extensions import db


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {
            "in_progress": "en cours",
            "submitted": "remise",
            "expired": "remise automatiquement (temps écoulé)",
        }[self.value]

    @property
    def is_final(self) -> bool:
        return self is not AttemptStatus.IN_PROGRESS


class Attempt(db.Model):
    """One candidate's sitting of a session: its form, deadline and result."""

    __tablename__ = "attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[AttemptStatus] = mapped_column(value_enum(AttemptStatus), index=True)
    started_at: Mapped[datetime]
    deadline: Mapped[datetime] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]
    score: Mapped[int | None]
    max_score: Mapped[int | None]
    pass_mark_bp: Mapped[int]
    passed: Mapped[bool | None]
    graded_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()
    session: Mapped[ExamSession] = relationship(lazy="joined")
    user: Mapped[User] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def pass_mark(self) -> Fraction:
        return Fraction(self.pass_mark_bp, BASIS_POINTS)

    def closes_for_answers_at(self, grace_seconds: int) -> datetime:
        return self.deadline + timedelta(seconds=grace_seconds)

    def is_expired(self, now: datetime, grace_seconds: int) -> bool:
        """Past the deadline and its grace: no answer is accepted any more."""
        return now > self.closes_for_answers_at(grace_seconds)

    def is_time_up(self, now: datetime) -> bool:
        """At or past the deadline: no question is offered any more (grace is for saves)."""
        return now >= self.deadline

    def accepts_answers(self, now: datetime, grace_seconds: int) -> bool:
        return self.status is AttemptStatus.IN_PROGRESS and not self.is_expired(now, grace_seconds)

    def remaining_seconds(self, now: datetime) -> int:
        return max(0, int((self.deadline - now).total_seconds()))

    @property
    def ended_at(self) -> datetime | None:
        """When the candidate's time ended: an expired copy at its deadline.

        ``submitted_at`` keeps the moment an expired copy was closed (by the next request or the
        cron, possibly later) for the audit and the reports; candidates are told the deadline.
        """
        if self.status is AttemptStatus.EXPIRED:
            return self.deadline
        return self.submitted_at

    @property
    def percent(self) -> float | None:
        """The share of right answers in per cent, rounded down to the hundredth.

        Down, not to the nearest: the pass mark is set to the hundredth, so a failed copy never
        reads as reaching it (2 out of 3 under a 66,67 % mark is 66,66 %, not 66,67 %), and a
        passed one always does.
        """
        if self.score is None or not self.max_score:
            return None
        return 10_000 * self.score // self.max_score / 100


class AttemptItem(db.Model):
    """An item version at its place in an attempt, with its option order."""

    __tablename__ = "attempt_item"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "item_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    option_order: Mapped[list[str]] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(default=False)
    score: Mapped[int | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[ItemVersion] = relationship(lazy="joined")
    response: Mapped[Response | None] = relationship(
        back_populates="attempt_item", uselist=False, lazy="selectin"
    )

    @property
    def selected(self) -> list[str]:
        return list(self.response.selected) if self.response else []

    @property
    def is_answered(self) -> bool:
        return bool(self.selected)

    @property
    def seq(self) -> int:
        return self.response.seq if self.response else 0

    @property
    def external_id(self) -> str:
        return self.version.item.external_id


class Response(db.Model):
    """The latest saved selection for one attempt item, with the client's sequence number."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    attempt_item_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_item.id", ondelete="CASCADE"), unique=True
    )
    selected: Mapped[list[str]] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger)
    saved_at: Mapped[datetime]

    attempt_item: Mapped[AttemptItem] = relationship(back_populates="response")


class DecisionKind(enum.StrEnum):
    REKEY = "rekey"
    NEUTRALISE = "neutralise"

    @property
    def label(self) -> str:
        return {"rekey": "clé corrigée", "neutralise": "item neutralisé"}[self.value]


class ScoringDecision(db.Model):
    """A correction of how an item version is scored: a new key, or neutralisation."""

    __tablename__ = "scoring_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("exam_session.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(value_enum(DecisionKind))
    correct_keys: Mapped[list[str] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime]

    version: Mapped[ItemVersion] = relationship()
    decided_by: Mapped[User] = relationship()


class GradeChange(db.Model):
    """An attempt's result changed by a scoring decision: who, when, why, before and after."""

    __tablename__ = "grade_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_decision.id"))
    old_score: Mapped[int | None]
    new_score: Mapped[int]
    old_max: Mapped[int | None]
    new_max: Mapped[int]
    old_passed: Mapped[bool | None]
    new_passed: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(1000))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime]

    decision: Mapped[ScoringDecision | None] = relationship()
    changed_by: Mapped[User] = relationship()
