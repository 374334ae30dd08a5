"""Legal freshness: which published items must be checked again, why, and re-validation.

Re-validation is recorded, not versioned: a published version never changes (candidates may
have seen it), so confirming that it is still right adds a ``Revalidation`` row (who, when, new
validity date). Changing the content goes through a new draft and the review instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, lazyload

from questionnaire.auth.models import Role, User
from questionnaire.authoring.models import EventKind, ReferenceChange, Revalidation, ReviewEvent
from questionnaire.banks.lint import RECENT_REVIEW_DAYS, STABLE_REVIEW_YEARS, years_before
from questionnaire.banks.models import Item, ItemVersion, VersionStatus, Volatility
from questionnaire.clock import paris_day
from questionnaire.extensions import db


class FreshnessError(ValueError):
    """A re-validation or reference change refused."""


@dataclass(frozen=True)
class DueItem:
    """A published version whose legal content must be checked, with the reasons."""

    version: ItemVersion
    valid_as_of: date
    reasons: tuple[str, ...]


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def cites(reference_text: str, reference: str) -> bool:
    """Whether an item's reference cites ``reference`` (whole words, case and spaces ignored)."""
    wanted = r"\s+".join(re.escape(part) for part in reference.split())
    return bool(wanted) and re.search(rf"(?<!\w){wanted}(?!\w)", reference_text, re.I) is not None


def due_reasons(
    volatility: Volatility,
    reference: str,
    valid_as_of: date,
    today: date,
    changes: list[ReferenceChange],
    checked_at: datetime | None = None,
) -> list[str]:
    """Why content checked on ``valid_as_of`` must be checked again today (empty if it need not).

    A text that changed on the very day the content was checked counts unless the check
    (``checked_at``: the version written or last re-validated) came after the change was recorded.
    """
    reasons = []
    checked = _fr(valid_as_of)
    if volatility is Volatility.ANNUELLE and valid_as_of < date(today.year, 1, 1):
        reasons.append(f"chiffre annuel vérifié le {checked}, avant le 1er janvier {today.year}")
    elif volatility is Volatility.RECENTE and valid_as_of < today - timedelta(
        days=RECENT_REVIEW_DAYS
    ):
        reasons.append(f"fait récent vérifié le {checked}, il y a plus de six mois")
    elif volatility is Volatility.STABLE and valid_as_of < years_before(today, STABLE_REVIEW_YEARS):
        reasons.append(f"vérifié le {checked}, il y a plus de {STABLE_REVIEW_YEARS} ans")
    for change in changes:
        same_day_before = valid_as_of == change.changed_on and (
            checked_at is None or checked_at < change.recorded_at
        )
        if (
            change.changed_on <= today
            and (valid_as_of < change.changed_on or same_day_before)
            and cites(reference, change.reference)
        ):
            reasons.append(
                f"la référence « {change.reference} » a changé le {_fr(change.changed_on)} "
                f"(item vérifié le {checked})"
            )
    return reasons


def latest_revalidations(version_ids: list[int]) -> dict[int, Revalidation]:
    """The most recent re-validation of each version."""
    latest: dict[int, Revalidation] = {}
    if not version_ids:
        return latest
    rows = db.session.execute(
        select(Revalidation)
        .where(Revalidation.version_id.in_(version_ids))
        .order_by(Revalidation.validated_at, Revalidation.id)
    ).scalars()
    for row in rows:
        latest[row.version_id] = row
    return latest


def effective_validity(version: ItemVersion, revalidation: Revalidation | None) -> date:
    """The date the content was last confirmed: written with the version or re-validated."""
    if revalidation is not None and revalidation.valid_as_of > version.valid_as_of:
        return revalidation.valid_as_of
    return version.valid_as_of


def last_checked(version: ItemVersion, revalidation: Revalidation | None) -> datetime:
    """When the content was last confirmed: written, or re-validated since."""
    if revalidation is not None and revalidation.validated_at > version.created_at:
        return revalidation.validated_at
    return version.created_at


def reference_changes() -> list[ReferenceChange]:
    return list(
        db.session.execute(
            select(ReferenceChange).order_by(ReferenceChange.changed_on.desc())
        ).scalars()
    )


def revalidation_queue(
    today: date, theme_id: int | None = None, item_ids: Collection[int] | None = None
) -> list[DueItem]:
    """Every published version due for a legal check (of the theme, of those items, when
    given), oldest validity first."""
    query = (
        select(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(ItemVersion.status == VersionStatus.PUBLISHED)
        .order_by(Item.external_id)
        # each entry names its item: loaded by the join, not one query per due version; the
        # options of every published version are not needed to decide what is due
        .options(contains_eager(ItemVersion.item), lazyload(ItemVersion.options))
    )
    if theme_id is not None:
        query = query.where(Item.theme_id == theme_id)
    if item_ids is not None:
        query = query.where(Item.id.in_(item_ids))
    versions = list(db.session.execute(query).scalars())
    revalidations = latest_revalidations([v.id for v in versions])
    changes = reference_changes()
    due = []
    for version in versions:
        revalidation = revalidations.get(version.id)
        valid = effective_validity(version, revalidation)
        checked = last_checked(version, revalidation)
        reasons = due_reasons(version.volatility, version.reference, valid, today, changes, checked)
        if reasons:
            due.append(DueItem(version, valid, tuple(reasons)))
    return sorted(due, key=lambda d: d.valid_as_of)


def due_item(version: ItemVersion, today: date) -> DueItem | None:
    """The version's entry in the queue, if it is due."""
    if version.status is not VersionStatus.PUBLISHED:
        return None
    revalidation = latest_revalidations([version.id]).get(version.id)
    valid = effective_validity(version, revalidation)
    checked = last_checked(version, revalidation)
    reasons = due_reasons(
        version.volatility, version.reference, valid, today, reference_changes(), checked
    )
    return DueItem(version, valid, tuple(reasons)) if reasons else None


def revalidate(version: ItemVersion, user: User, now: datetime) -> Revalidation:
    """Record that ``user`` checked the published version today and it is still right."""
    if not user.has_any_role((Role.AUTHOR, Role.REVIEWER)):
        raise FreshnessError("Seuls les auteurs et relecteurs revalident un item.")
    if version.status is not VersionStatus.PUBLISHED:
        raise FreshnessError("Seule la version publiée d'un item se revalide.")
    today = paris_day(now)
    entry = due_item(version, today)
    reason = "; ".join(entry.reasons) if entry else "revalidation sans échéance"
    record = Revalidation(
        version=version,
        valid_as_of=today,
        reason=reason,
        validated_by_id=user.id,
        validated_at=now,
    )
    db.session.add(record)
    db.session.add(
        ReviewEvent(
            item_id=version.item_id,
            version=version,
            actor_id=user.id,
            kind=EventKind.REVALIDATED,
            comment=f"Motif : {reason}. Valide au {_fr(today)}.",
            created_at=now,
        )
    )
    return record


def record_reference_change(
    reference: str, changed_on: date, note: str, user: User, now: datetime
) -> ReferenceChange:
    """Mark a legal reference text as changed: every item citing it becomes due."""
    reference = " ".join(reference.split())
    if len(reference) < 3:
        raise FreshnessError("Indiquez la référence modifiée (par exemple « Art. 197 CGI »).")
    change = ReferenceChange(
        reference=reference,
        changed_on=changed_on,
        note=note.strip(),
        recorded_by_id=user.id,
        recorded_at=now,
    )
    db.session.add(change)
    return change


def citing_count(change: ReferenceChange) -> int:
    """How many published versions cite the changed reference."""
    references = db.session.execute(
        select(ItemVersion.reference).where(ItemVersion.status == VersionStatus.PUBLISHED)
    ).scalars()
    return sum(cites(text, change.reference) for text in references)
