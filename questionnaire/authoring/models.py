"""Who wrote and approved each version, the review thread, legal references and re-validations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.banks.models import Item, ItemVersion
from questionnaire.db import value_enum
from questionnaire.extensions import db


class VersionAuthorship(db.Model):
    """The author of a version written in the workspace, and the reviewer who approved it."""

    __tablename__ = "version_authorship"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("item_version.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]

    version: Mapped[ItemVersion] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")

    @property
    def is_approved(self) -> bool:
        return self.approved_by_id is not None


class EventKind(enum.StrEnum):
    """What happened on an item, as shown in its thread."""

    CREATED = "created"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    APPROVED = "approved"
    SENT_BACK = "sent_back"
    PUBLISHED = "published"
    RETIRED = "retired"
    COMMENT = "comment"
    REVALIDATED = "revalidated"
    IMPORTED = "imported"
    TAKEN_OVER = "taken_over"
    BANK_RELOADED = "bank_reloaded"

    @property
    def label(self) -> str:
        return {
            "created": "brouillon créé",
            "submitted": "soumise à la relecture",
            "withdrawn": "retirée de la relecture par son auteur",
            "approved": "approuvée",
            "sent_back": "renvoyée à l'auteur",
            "published": "publiée",
            "retired": "retirée",
            "comment": "commentaire",
            "revalidated": "revalidée",
            "imported": "brouillon importé d'un fichier",
            "taken_over": "brouillon pris en charge",
            "bank_reloaded": "banque rechargée pendant que cette version était ouverte",
        }[self.value]


# events that write a version's content: whoever caused one may not approve that version
CONTENT_EVENTS = frozenset({EventKind.CREATED, EventKind.IMPORTED, EventKind.TAKEN_OVER})


class ReviewEvent(db.Model):
    """One entry of an item's thread: a transition or a comment, by whom and when.

    ``actor`` is empty for what a command did without a person (an import without ``--author``,
    a bank reload).
    """

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("item_version.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[EventKind] = mapped_column(value_enum(EventKind, length=30))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    item: Mapped[Item] = relationship()
    version: Mapped[ItemVersion | None] = relationship()
    actor: Mapped[User | None] = relationship(lazy="joined")


class ReferenceChange(db.Model):
    """A legal reference text that changed on a date: every item citing it is due for review."""

    __tablename__ = "reference_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(200))
    changed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]

    recorded_by: Mapped[User] = relationship(lazy="joined")


class Revalidation(db.Model):
    """A published version checked again against the law: its content stays, its validity moves."""

    __tablename__ = "revalidation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("item_version.id", ondelete="CASCADE"), index=True
    )
    valid_as_of: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    validated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    validated_at: Mapped[datetime]

    version: Mapped[ItemVersion] = relationship()
    validated_by: Mapped[User] = relationship(lazy="joined")
