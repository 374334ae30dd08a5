"""The workspace's item list: search and filters over each item's latest version."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from questionnaire.auth.models import User
from questionnaire.authoring.diff import words
from questionnaire.authoring.freshness import revalidation_queue
from questionnaire.authoring.models import EventKind, Revalidation, ReviewEvent, VersionAuthorship
from questionnaire.banks.fields import shows_nothing
from questionnaire.banks.models import Item, ItemOption, ItemVersion, VersionStatus
from questionnaire.clock import paris_day
from questionnaire.extensions import db

FLAGS = {
    "a-revalider": "à revalider",
    "renvoyee": "renvoyée à l'auteur",
    "approuvee": "approuvée, à publier",
    "sans-auteur": "importée sans auteur, à prendre en charge",
    "rechargee": "banque rechargée depuis : à comparer",
    "texte-vide": "énoncé ou option vide, à réécrire",
}
LAST_REVIEW = {
    "jamais": "jamais relu",
    "plus-d-un-an": "relu il y a plus d'un an",
    "moins-d-un-an": "relu depuis moins d'un an",
}


@dataclass
class ItemFilters:
    theme_id: int | None = None
    topic_id: int | None = None
    status: str = ""
    flag: str = ""
    author_id: int | None = None
    last_review: str = ""
    text: str = ""


@dataclass
class ItemRow:
    item: Item
    version: ItemVersion
    author: User | None
    last_review: datetime | None
    flags: list[str]

    @property
    def excerpt(self) -> str:
        text = " ".join(words(self.version.stem))
        return text if len(text) <= 90 else text[:89].rsplit(" ", 1)[0] + " …"


# typographic apostrophes and ligatures (Word, macOS) read as their plain spelling
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "œ": "oe", "æ": "ae", "\u00a0": " "})


def folded(text: str) -> str:
    """Text as a search compares it: case, accents, ligatures and curly apostrophes ignored.

    Capitals are often written without accents in French (« EPARGNE » for « épargne »).
    """
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _last_reviews() -> dict[int, datetime]:
    """When each item was last approved or re-validated."""
    approved = db.session.execute(
        select(ItemVersion.item_id, func.max(VersionAuthorship.approved_at))
        .join(VersionAuthorship, VersionAuthorship.version_id == ItemVersion.id)
        .group_by(ItemVersion.item_id)
    ).all()
    revalidated = db.session.execute(
        select(ItemVersion.item_id, func.max(Revalidation.validated_at))
        .join(Revalidation, Revalidation.version_id == ItemVersion.id)
        .group_by(ItemVersion.item_id)
    ).all()
    latest: dict[int, datetime] = {}
    for item_id, moment in [*approved, *revalidated]:
        if moment is not None and (item_id not in latest or moment > latest[item_id]):
            latest[item_id] = moment
    return latest


def _last_events() -> dict[int, EventKind]:
    """Each version's latest event other than a comment (a send-back, a bank reload…)."""
    events = db.session.execute(
        select(ReviewEvent.version_id, ReviewEvent.kind)
        .where(ReviewEvent.version_id.is_not(None), ReviewEvent.kind != EventKind.COMMENT)
        .order_by(ReviewEvent.created_at, ReviewEvent.id)
    ).all()
    return dict(events)


def _with_empty_text(versions: list[ItemVersion]) -> set[int]:
    """The versions whose stem or an option shows nothing (the linter's ``empty-text``)."""
    options = db.session.execute(
        select(ItemOption.version_id, ItemOption.text).where(
            ItemOption.version_id.in_([version.id for version in versions])
        )
    ).all()
    empty = {version_id for version_id, text in options if shows_nothing(text)}
    return empty | {version.id for version in versions if shows_nothing(version.stem)}


def search_items(filters: ItemFilters, now: datetime) -> list[ItemRow]:
    """Items matching every filter, by identifier, with their latest version."""
    query = (
        select(Item)
        .options(selectinload(Item.versions).lazyload(ItemVersion.options))
        .order_by(Item.external_id)
    )
    if filters.theme_id is not None:
        query = query.where(Item.theme_id == filters.theme_id)
    items = [i for i in db.session.execute(query).scalars() if i.versions]
    latest = {item.id: item.latest_version for item in items}
    records = {
        r.version_id: r
        for r in db.session.execute(
            select(VersionAuthorship).where(
                VersionAuthorship.version_id.in_([v.id for v in latest.values()])
            )
        ).scalars()
    }
    reviews = _last_reviews()
    due = {entry.version.item_id for entry in revalidation_queue(paris_day(now), filters.theme_id)}
    last_events = _last_events()
    empty_text = _with_empty_text(list(latest.values()))
    text = folded(" ".join(filters.text.split()))
    year_ago = now - timedelta(days=365)
    rows = []
    for item in items:
        version = latest[item.id]
        record = records.get(version.id)
        flags = []
        if item.id in due:
            flags.append("a-revalider")
        last_event = last_events.get(version.id)
        if version.status is VersionStatus.DRAFT and last_event is EventKind.SENT_BACK:
            flags.append("renvoyee")
        if version.status is VersionStatus.DRAFT and last_event is EventKind.BANK_RELOADED:
            flags.append("rechargee")
        if version.status is VersionStatus.IN_REVIEW and record and record.is_approved:
            flags.append("approuvee")
        if version.status is VersionStatus.DRAFT and record is None:
            flags.append("sans-auteur")
        if version.id in empty_text:
            flags.append("texte-vide")
        reviewed = reviews.get(item.id)
        if filters.topic_id is not None and version.topic_id != filters.topic_id:
            continue
        if filters.status and version.status.value != filters.status:
            continue
        if filters.flag and filters.flag not in flags:
            continue
        if filters.author_id is not None and (
            record is None or record.author_id != filters.author_id
        ):
            continue
        if filters.last_review == "jamais" and reviewed is not None:
            continue
        if filters.last_review == "plus-d-un-an" and (reviewed is None or reviewed >= year_ago):
            continue
        if filters.last_review == "moins-d-un-an" and (reviewed is None or reviewed < year_ago):
            continue
        if text and not any(
            text in folded(field)
            for field in (item.external_id, " ".join(words(version.stem)), version.reference)
        ):
            continue
        rows.append(ItemRow(item, version, record.author if record else None, reviewed, flags))
    return rows


def authors() -> list[User]:
    """Everyone who wrote a version in the workspace (for the author filter)."""
    return list(
        db.session.execute(
            select(User)
            .where(User.id.in_(select(VersionAuthorship.author_id)))
            .order_by(User.display_name)
        ).scalars()
    )
