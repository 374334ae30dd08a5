"""The record of each erasure: the account's stable pseudonym, when, by whom and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from questionnaire.extensions import db


class Erasure(db.Model):
    """An account whose identity was erased; its psychometric data stays under the pseudonym."""

    __tablename__ = "erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    erased_at: Mapped[datetime]
