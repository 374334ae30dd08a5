"""A bank reload while a version is open in the workspace: the open version stays on top.

The shipped YAML is the source of truth, so a changed item is published by the reload. A draft
(or a version in review) written meanwhile must not be stranded below it: it keeps being the
item's latest version, renumbered above the reloaded one, and its thread says what happened so
that its author compares both before going on. A version in review goes back to draft (what a
reviewer approved was written against the previous content).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from questionnaire.authoring.lifecycle import transition
from questionnaire.authoring.models import EventKind, ReviewEvent, VersionAuthorship
from questionnaire.banks.models import Item, VersionStatus
from questionnaire.extensions import db


def make_room_below_open_version(item: Item, now: datetime) -> int | None:
    """Move the item's open version up one number and return the number it frees, if any."""
    from questionnaire.banks.versions import open_version

    opened = open_version(item)
    if opened is None:
        return None
    freed = opened.number
    opened.number = freed + 1
    note = (
        f"La banque livrée a été rechargée : sa version {freed} est publiée. Cette version "
        f"devient la n° {freed + 1} ; comparez-la avec la n° {freed} avant de continuer."
    )
    if opened.status is VersionStatus.IN_REVIEW:
        transition(opened, VersionStatus.DRAFT)
        record = db.session.execute(
            select(VersionAuthorship).where(VersionAuthorship.version_id == opened.id)
        ).scalar_one_or_none()
        if record is not None:
            record.approved_by_id, record.approved_at = None, None
        note += " Elle revient en brouillon : elle devra être soumise de nouveau."
    db.session.add(
        ReviewEvent(
            item_id=item.id,
            version=opened,
            actor_id=None,
            kind=EventKind.BANK_RELOADED,
            comment=note,
            created_at=now,
        )
    )
    db.session.flush()
    return freed
