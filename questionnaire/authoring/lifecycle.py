"""The life cycle of an item version: brouillon → en relecture → publiée → retirée."""

from __future__ import annotations

from questionnaire.banks.models import ItemVersion, VersionStatus

ALLOWED_TRANSITIONS: dict[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.IN_REVIEW}),
    # back to draft when the reviewer sends it back or the author withdraws it
    VersionStatus.IN_REVIEW: frozenset({VersionStatus.DRAFT, VersionStatus.PUBLISHED}),
    VersionStatus.PUBLISHED: frozenset({VersionStatus.SUPERSEDED, VersionStatus.RETIRED}),
    VersionStatus.SUPERSEDED: frozenset(),
    VersionStatus.RETIRED: frozenset(),
}


class TransitionError(ValueError):
    """A move the life cycle does not allow (e.g. a draft published without review)."""


def can_transition(current: VersionStatus, target: VersionStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def transition(version: ItemVersion, target: VersionStatus) -> None:
    """Move ``version`` to ``target`` or raise TransitionError; the only way statuses change here."""
    if not can_transition(version.status, target):
        raise TransitionError(
            f"Passage impossible de « {version.status.label} » à « {target.label} »."
        )
    version.status = target
