"""Themes, topics, items and their immutable versions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaire.db import value_enum
from questionnaire.extensions import db


class ItemType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"


class VersionStatus(enum.StrEnum):
    """Life cycle of an item version (brouillon → en relecture → publiée → retirée)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {
            "draft": "brouillon",
            "in_review": "en relecture",
            "published": "publiée",
            "superseded": "remplacée",
            "retired": "retirée",
        }[self.value]


class CognitiveLevel(enum.StrEnum):
    CONNAISSANCE = "connaissance"
    APPLICATION = "application"
    ANALYSE = "analyse"


class Difficulty(enum.StrEnum):
    FACILE = "facile"
    MOYEN = "moyen"
    DIFFICILE = "difficile"


class Volatility(enum.StrEnum):
    STABLE = "stable"
    ANNUELLE = "annuelle"
    RECENTE = "recente"

    @property
    def label(self) -> str:
        return {"stable": "stable", "annuelle": "annuelle", "recente": "récente"}[self.value]


# Bounds of a form, shared by bank files, the questionnaire form and the exams service: a
# form of more than 200 items or an exam of more than ten hours is a typing mistake.
FORM_ITEMS_MAX = 200
DURATION_MINUTES_MAX = 600


class Theme(db.Model):
    """One of the four thematic questionnaires' subjects."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    competencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    # the bank file's ``blueprint.duration_minutes``: what a new questionnaire's form proposes
    default_duration_minutes: Mapped[int] = mapped_column(default=30, server_default="30")

    topics: Mapped[list[Topic]] = relationship(
        back_populates="theme", order_by="Topic.position", lazy="selectin"
    )

    @property
    def form_items(self) -> int:
        """Items of a form drawn by the theme's default blueprint (its topics' draws)."""
        return sum(topic.default_draw for topic in self.topics)


class Topic(db.Model):
    """A subject inside a theme; blueprints draw items per topic."""

    __tablename__ = "topic"
    __table_args__ = (UniqueConstraint("theme_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"))
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    default_draw: Mapped[int] = mapped_column(default=0)

    theme: Mapped[Theme] = relationship(back_populates="topics")


class Item(db.Model):
    """A question, identified by its stable bank id; its content lives in versions."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(40), unique=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    created_at: Mapped[datetime]

    theme: Mapped[Theme] = relationship()
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.number", foreign_keys="ItemVersion.item_id"
    )

    @property
    def latest_version(self) -> ItemVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def published_version(self) -> ItemVersion | None:
        for version in reversed(self.versions):
            if version.status is VersionStatus.PUBLISHED:
                return version
        return None


class ItemVersion(db.Model):
    """The content of an item at one point in time; frozen once a candidate has seen it."""

    __tablename__ = "item_version"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(value_enum(VersionStatus), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    competency: Mapped[str] = mapped_column(String(20))
    item_type: Mapped[ItemType] = mapped_column(value_enum(ItemType))
    stem: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(Text)
    cognitive_level: Mapped[CognitiveLevel] = mapped_column(value_enum(CognitiveLevel))
    difficulty: Mapped[Difficulty] = mapped_column(value_enum(Difficulty))
    valid_as_of: Mapped[date]
    volatility: Mapped[Volatility] = mapped_column(value_enum(Volatility))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    first_used_at: Mapped[datetime | None]

    item: Mapped[Item] = relationship(back_populates="versions", foreign_keys=[item_id])
    topic: Mapped[Topic] = relationship(lazy="joined")
    options: Mapped[list[ItemOption]] = relationship(
        back_populates="version",
        order_by="ItemOption.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def is_multiple(self) -> bool:
        return self.item_type is ItemType.MULTIPLE

    @property
    def is_frozen(self) -> bool:
        return self.first_used_at is not None

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(option.key for option in self.options if option.is_correct)

    @property
    def option_keys(self) -> frozenset[str]:
        return frozenset(option.key for option in self.options)

    def option(self, key: str) -> ItemOption | None:
        return next((option for option in self.options if option.key == key), None)


class ItemOption(db.Model):
    """One answer choice of an item version."""

    __tablename__ = "item_option"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[ItemVersion] = relationship(back_populates="options")


class FrozenVersionError(RuntimeError):
    """A version that a candidate has seen cannot change; make a new version instead."""


_FROZEN_COLUMNS = (
    "stem",
    "rationale",
    "reference",
    "item_type",
    "topic_id",
    "competency",
    "content_hash",
    "cognitive_level",
    "difficulty",
    "valid_as_of",
    "volatility",
    "number",
    "item_id",
)


@event.listens_for(ItemVersion, "before_update")
def _refuse_frozen_version_change(mapper, connection, target: ItemVersion) -> None:
    state = db.inspect(target)
    was_frozen = state.attrs.first_used_at.history.deleted or (
        target.first_used_at is not None and not state.attrs.first_used_at.history.added
    )
    if not was_frozen:
        return
    for name in _FROZEN_COLUMNS:
        if state.attrs[name].history.has_changes():
            raise FrozenVersionError(
                f"La version {target.number} de l'item {target.item_id} a déjà été présentée "
                f"à un candidat : « {name} » ne peut plus changer."
            )


def _frozen_options_error(version: ItemVersion) -> FrozenVersionError:
    return FrozenVersionError(
        f"Les options de la version {version.number} de l'item {version.item_id} "
        "ont déjà été présentées à un candidat."
    )


@event.listens_for(ItemOption, "before_update")
def _refuse_frozen_option_update(mapper, connection, target: ItemOption) -> None:
    version = target.version
    if version is None or version.first_used_at is None:
        return
    state = db.inspect(target)
    if any(state.attrs[name].history.has_changes() for name in ("key", "text", "is_correct")):
        raise _frozen_options_error(version)


@event.listens_for(ItemOption, "before_delete")
def _refuse_frozen_option_delete(mapper, connection, target: ItemOption) -> None:
    version = target.version
    if version is not None and version.first_used_at is not None:
        raise _frozen_options_error(version)
