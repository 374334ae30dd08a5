"""The workspace's item list: search and filters over each item's latest version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from questionnaire.auth.models import User
from questionnaire.authoring.diff import words
from questionnaire.authoring.freshness import revalidation_queue
from questionnaire.authoring.models import EventKind, Revalidation, ReviewEvent, VersionAuthorship
from questionnaire.banks.fields import shows_nothing
from questionnaire.banks.models import Item, ItemOption, ItemVersion, VersionStatus
from questionnaire.clock import paris_day
from questionnaire.extensions import db
from questionnaire.folding import folded
from questionnaire.paging import Page, nearest_page, page_count

FLAGS = {
    "a-revalider": "à revalider",
    "renvoyee": "renvoyée à l'auteur",
    "approuvee": "approuvée, à publier",
    "sans-auteur": "importée sans auteur, à prendre en charge",
    "rechargee": "banque rechargée depuis : à comparer",
    "texte-vide": "énoncé ou option vide, à réécrire",
}
#: items per page of the list
PAGE_SIZE = 50
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


def _last_reviews(item_ids: list[int] | None = None) -> dict[int, datetime]:
    """When each item (of ``item_ids``, or every one) was last approved or re-validated."""
    approved = (
        select(ItemVersion.item_id, func.max(VersionAuthorship.approved_at))
        .join(VersionAuthorship, VersionAuthorship.version_id == ItemVersion.id)
        .group_by(ItemVersion.item_id)
    )
    revalidated = (
        select(ItemVersion.item_id, func.max(Revalidation.validated_at))
        .join(Revalidation, Revalidation.version_id == ItemVersion.id)
        .group_by(ItemVersion.item_id)
    )
    if item_ids is not None:
        approved = approved.where(ItemVersion.item_id.in_(item_ids))
        revalidated = revalidated.where(ItemVersion.item_id.in_(item_ids))
    latest: dict[int, datetime] = {}
    for item_id, moment in [*db.session.execute(approved), *db.session.execute(revalidated)]:
        if moment is not None and (item_id not in latest or moment > latest[item_id]):
            latest[item_id] = moment
    return latest


def _last_events(version_ids: list[int]) -> dict[int, EventKind]:
    """Each version's latest event other than a comment (a send-back, a bank reload…)."""
    if not version_ids:
        return {}
    events = db.session.execute(
        select(ReviewEvent.version_id, ReviewEvent.kind)
        .where(ReviewEvent.version_id.in_(version_ids), ReviewEvent.kind != EventKind.COMMENT)
        .order_by(ReviewEvent.created_at, ReviewEvent.id)
    ).all()
    return dict(events)


def _with_empty_text(version_ids: list[int]) -> set[int]:
    """The versions whose stem or an option shows nothing (the linter's ``empty-text``)."""
    if not version_ids:
        return set()
    stems = db.session.execute(
        select(ItemVersion.id, ItemVersion.stem).where(ItemVersion.id.in_(version_ids))
    ).all()
    options = db.session.execute(
        select(ItemOption.version_id, ItemOption.text).where(ItemOption.version_id.in_(version_ids))
    ).all()
    return {version_id for version_id, text in [*stems, *options] if shows_nothing(text)}


@dataclass(frozen=True)
class _Listed:
    """What the filters read of an item and its latest version: one row, no ORM object."""

    item_id: int
    external_id: str
    version_id: int
    status: VersionStatus
    topic_id: int
    has_record: bool  # written in the workspace (a ``VersionAuthorship``)
    author_id: int | None
    is_approved: bool


def _flags(listed: list[_Listed], today: date, only: str = "") -> dict[int, list[str]]:
    """The flags of each listed item, by item id; with ``only``, that flag alone is computed.

    Each flag asks the database about the listed items only: the list computes every flag for
    the page it shows, and one flag for all the items when it is filtered on.
    """

    def wanted(flag: str) -> bool:
        return not only or flag == only

    if not listed:
        return {}
    due = set()
    if wanted("a-revalider"):
        item_ids = [row.item_id for row in listed]
        due = {entry.version.item_id for entry in revalidation_queue(today, item_ids=item_ids)}
    drafts = [row.version_id for row in listed if row.status is VersionStatus.DRAFT]
    last_events = _last_events(drafts) if wanted("renvoyee") or wanted("rechargee") else {}
    empty_text = set()
    if wanted("texte-vide"):
        empty_text = _with_empty_text([row.version_id for row in listed])
    flags = {}
    for row in listed:
        found = []
        if row.item_id in due:
            found.append("a-revalider")
        last_event = last_events.get(row.version_id)
        if row.status is VersionStatus.DRAFT and last_event is EventKind.SENT_BACK:
            found.append("renvoyee")
        if row.status is VersionStatus.DRAFT and last_event is EventKind.BANK_RELOADED:
            found.append("rechargee")
        if row.status is VersionStatus.IN_REVIEW and row.is_approved:
            found.append("approuvee")
        if row.status is VersionStatus.DRAFT and not row.has_record:
            found.append("sans-auteur")
        if row.version_id in empty_text:
            found.append("texte-vide")
        flags[row.item_id] = [flag for flag in found if wanted(flag)]
    return flags


def _matching(filters: ItemFilters, now: datetime) -> list[_Listed]:
    """The items matching every filter, by identifier, read as plain rows.

    A flag filter computes that flag only, for the items the other filters kept.
    """
    latest_number = (
        select(ItemVersion.item_id, func.max(ItemVersion.number).label("number"))
        .group_by(ItemVersion.item_id)
        .subquery()
    )
    query = (
        select(
            Item.id,
            Item.external_id,
            ItemVersion.id,
            ItemVersion.status,
            ItemVersion.topic_id,
            VersionAuthorship.id.is_not(None),
            VersionAuthorship.author_id,
            VersionAuthorship.approved_by_id.is_not(None),
        )
        .join(latest_number, latest_number.c.item_id == Item.id)
        .join(
            ItemVersion,
            (ItemVersion.item_id == Item.id) & (ItemVersion.number == latest_number.c.number),
        )
        .outerjoin(VersionAuthorship, VersionAuthorship.version_id == ItemVersion.id)
        .order_by(Item.external_id)
    )
    if filters.theme_id is not None:
        query = query.where(Item.theme_id == filters.theme_id)
    text = folded(" ".join(filters.text.split()))
    if text:
        query = query.add_columns(ItemVersion.stem, ItemVersion.reference)
    listed = []
    for row in db.session.execute(query):
        entry = _Listed(*row[:8])
        if filters.topic_id is not None and entry.topic_id != filters.topic_id:
            continue
        if filters.status and entry.status.value != filters.status:
            continue
        if filters.author_id is not None and entry.author_id != filters.author_id:
            continue
        if text and not any(
            text in folded(field)
            for field in (entry.external_id, " ".join(words(row.stem)), row.reference)
        ):
            continue
        listed.append(entry)
    if filters.last_review:
        reviews = _last_reviews()
        year_ago = now - timedelta(days=365)
        kept = {
            "jamais": lambda reviewed: reviewed is None,
            "plus-d-un-an": lambda reviewed: reviewed is not None and reviewed < year_ago,
            "moins-d-un-an": lambda reviewed: reviewed is not None and reviewed >= year_ago,
        }.get(filters.last_review, lambda reviewed: True)
        listed = [entry for entry in listed if kept(reviews.get(entry.item_id))]
    if filters.flag:
        flags = _flags(listed, paris_day(now), only=filters.flag)
        listed = [entry for entry in listed if flags[entry.item_id]]
    return listed


def _rows(listed: list[_Listed], now: datetime) -> list[ItemRow]:
    """The listed items as the list shows them: versions, authors, last review and flags."""
    if not listed:
        return []
    version_ids = [entry.version_id for entry in listed]
    versions = {
        version.id: version
        for version in db.session.execute(
            select(ItemVersion)
            .where(ItemVersion.id.in_(version_ids))
            .options(joinedload(ItemVersion.item), lazyload(ItemVersion.options))
        ).scalars()
    }
    authors = {
        record.version_id: record.author
        for record in db.session.execute(
            select(VersionAuthorship).where(VersionAuthorship.version_id.in_(version_ids))
        ).scalars()
    }
    reviews = _last_reviews([entry.item_id for entry in listed])
    flags = _flags(listed, paris_day(now))
    rows = []
    for entry in listed:
        version = versions[entry.version_id]
        rows.append(
            ItemRow(
                version.item,
                version,
                authors.get(entry.version_id),
                reviews.get(entry.item_id),
                flags[entry.item_id],
            )
        )
    return rows


def search_items(filters: ItemFilters, now: datetime) -> list[ItemRow]:
    """Items matching every filter, by identifier, with their latest version."""
    return _rows(_matching(filters, now), now)


def items_page(filters: ItemFilters, now: datetime, page: int | None) -> Page[ItemRow]:
    """One page of the items matching every filter: flags and authors read for that page only."""
    listed = _matching(filters, now)
    pages = page_count(len(listed), PAGE_SIZE)
    page = nearest_page(page, pages)
    shown = listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return Page(_rows(shown, now), page, pages, len(listed))


def authors() -> list[User]:
    """Everyone who wrote a version in the workspace (for the author filter)."""
    return list(
        db.session.execute(
            select(User)
            .where(User.id.in_(select(VersionAuthorship.author_id)))
            .order_by(User.sort_name, User.email)
        ).scalars()
    )
