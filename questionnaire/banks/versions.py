"""Version operations shared by the authoring workspace and the exchange formats.

A published version never changes: new content always goes into a new draft version, written
here from a ``ParsedItem`` so that every entry point stores text the same way (sanitised, hashed).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from questionnaire.auth.models import User
from questionnaire.banks.models import Item, ItemOption, ItemVersion, Theme, VersionStatus
from questionnaire.banks.services import content_hash
from questionnaire.banks.validation import ParsedItem
from questionnaire.extensions import db
from questionnaire.richtext import sanitise

OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
_EXTERNAL_ID = re.compile(r"^([A-Z]+)-(\d+)$")


class DraftError(ValueError):
    """A draft cannot be written as asked (item in review, unknown topic, other theme…)."""


def next_external_id(theme: Theme) -> str:
    """The next free identifier in the theme's numbering (FISC-0087 after FISC-0086)."""
    ids = db.session.execute(select(Item.external_id).where(Item.theme_id == theme.id)).scalars()
    prefixes: dict[str, int] = {}
    for external_id in ids:
        match = _EXTERNAL_ID.match(external_id)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            prefixes[prefix] = max(prefixes.get(prefix, 0), number)
    if prefixes:
        prefix = max(prefixes, key=lambda p: prefixes[p])
        number = prefixes[prefix] + 1
    else:
        prefix, number = re.sub(r"[^A-Z]", "", theme.slug.upper())[:4] or "ITEM", 1
    candidate = f"{prefix}-{number:04d}"
    while db.session.execute(select(Item.id).where(Item.external_id == candidate)).first():
        number += 1
        candidate = f"{prefix}-{number:04d}"
    return candidate


def open_version(item: Item) -> ItemVersion | None:
    """The item's draft or version in review, if any (there is at most one)."""
    latest = item.latest_version
    return latest if latest is not None and latest.status in OPEN_STATUSES else None


def write_content(version: ItemVersion, parsed: ParsedItem, theme: Theme) -> None:
    """Copy parsed content into a version that no candidate has seen (a draft)."""
    if version.is_frozen or version.status is not VersionStatus.DRAFT:
        raise DraftError("Seul un brouillon peut être modifié ; créez une nouvelle version.")
    topic = next((t for t in theme.topics if t.slug == parsed.topic), None)
    if topic is None:
        raise DraftError(f"Sujet « {parsed.topic} » inconnu dans le thème {theme.title}.")
    version.topic = topic
    version.competency = parsed.competency
    version.item_type = parsed.type
    version.stem = sanitise(parsed.stem)
    version.rationale = sanitise(parsed.rationale)
    version.reference = parsed.reference
    version.cognitive_level = parsed.cognitive_level
    version.difficulty = parsed.difficulty
    version.valid_as_of = parsed.valid_as_of
    version.volatility = parsed.volatility
    version.content_hash = content_hash(parsed, theme.slug)
    # update options in place by key: replacing them would insert before deleting (unique key)
    existing = {option.key: option for option in version.options}
    wanted = {o.key for o in parsed.options}
    for key, option in existing.items():
        if key not in wanted:
            version.options.remove(option)
    for position, parsed_option in enumerate(parsed.options):
        option = existing.get(parsed_option.key)
        if option is None:
            option = ItemOption(key=parsed_option.key)
            version.options.append(option)
        option.text = sanitise(parsed_option.text)
        option.is_correct = parsed_option.correct
        option.position = position


def create_draft_from_parsed(
    parsed: ParsedItem, theme: Theme, author: User, now: datetime
) -> ItemVersion:
    """A new draft version of item ``parsed.id`` (created in ``theme`` if unknown or empty id).

    Refused while the item already has a draft or a version in review.
    """
    from questionnaire.authoring.models import EventKind, ReviewEvent, VersionAuthorship

    item = None
    if parsed.id:
        item = db.session.execute(
            select(Item).where(Item.external_id == parsed.id)
        ).scalar_one_or_none()
    if item is None:
        item = Item(external_id=parsed.id or next_external_id(theme), theme=theme, created_at=now)
        db.session.add(item)
    elif item.theme_id != theme.id:
        raise DraftError(f"L'item {item.external_id} appartient à un autre thème.")
    elif open_version(item) is not None:
        raise DraftError(
            f"L'item {item.external_id} a déjà une version en cours "
            f"({open_version(item).status.label})."
        )
    number = (item.latest_version.number if item.latest_version else 0) + 1
    version = ItemVersion(item=item, number=number, status=VersionStatus.DRAFT, created_at=now)
    write_content(version, parsed, theme)
    db.session.add(version)
    db.session.add(VersionAuthorship(version=version, author_id=author.id))
    db.session.add(
        ReviewEvent(
            item=item, version=version, actor_id=author.id, kind=EventKind.CREATED, created_at=now
        )
    )
    db.session.flush()
    return version
