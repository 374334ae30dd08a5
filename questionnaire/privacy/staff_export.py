"""The part of a person's data export that records their work on the items (register, row 8):
the versions they wrote or approved, their review events and comments, the revalidations and
legal reference changes they recorded, the scoring decisions they took.

Items are named by their identifier and version number; their texts and keys are the
platform's, not the person's. A person still to sit a certification session gets no text they
wrote (comments, reasons, notes): one written as an author may quote a key of a bank they are
about to be examined on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from questionnaire.attempts.models import ScoringDecision
from questionnaire.auth.models import User
from questionnaire.authoring.models import (
    ReferenceChange,
    Revalidation,
    ReviewEvent,
    VersionAuthorship,
)
from questionnaire.banks.models import ItemVersion
from questionnaire.exams.services import pending_candidacy
from questionnaire.extensions import db
from questionnaire.itemstats.models import FlagReview

WITHHELD = None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _version(version: ItemVersion | None) -> dict:
    if version is None:
        return {"item": None, "version": None}
    return {"item": version.item.external_id, "version": version.number}


def _done_by(model, column, user: User) -> list:
    """The rows of ``model`` whose ``column`` names the user, in the order they were written."""
    return list(
        db.session.execute(select(model).where(column == user.id).order_by(model.id)).scalars()
    )


def item_work(user: User, now: datetime) -> dict:
    """The person's work on the items, with the texts they wrote unless a certification
    sitting of theirs is still ahead (``texts_withheld_until`` then names it, when they wrote
    any)."""
    pending = pending_candidacy(user, None, now)

    def text(value: str | None) -> str | None:
        return WITHHELD if pending is not None else value

    authorships = db.session.execute(
        select(VersionAuthorship)
        .where(
            or_(VersionAuthorship.author_id == user.id, VersionAuthorship.approved_by_id == user.id)
        )
        .order_by(VersionAuthorship.id)
    ).scalars()
    written, approved = [], []
    for link in authorships:
        if link.author_id == user.id:
            written.append({**_version(link.version), "written_at": _iso(link.version.created_at)})
        if link.approved_by_id == user.id:
            approved.append({**_version(link.version), "approved_at": _iso(link.approved_at)})
    events = _done_by(ReviewEvent, ReviewEvent.actor_id, user)
    revalidations = _done_by(Revalidation, Revalidation.validated_by_id, user)
    references = _done_by(ReferenceChange, ReferenceChange.recorded_by_id, user)
    decisions = _done_by(ScoringDecision, ScoringDecision.decided_by_id, user)
    kept = _done_by(FlagReview, FlagReview.reviewed_by_id, user)
    work = {
        "versions_written": written,
        "versions_approved": approved,
        "review_events": [
            {
                **(_version(e.version) if e.version else {"item": e.item.external_id}),
                "event": e.kind.value,
                "event_label": e.kind.label,
                "comment": text(e.comment),
                "at": _iso(e.created_at),
            }
            for e in events
        ],
        "revalidations": [
            {
                **_version(r.version),
                "valid_as_of": r.valid_as_of.isoformat(),
                "reason": text(r.reason),
                "at": _iso(r.validated_at),
            }
            for r in revalidations
        ],
        "reference_changes": [
            {
                "reference": c.reference,
                "changed_on": c.changed_on.isoformat(),
                "note": text(c.note),
                "at": _iso(c.recorded_at),
            }
            for c in references
        ],
        "scoring_decisions": [
            {
                **_version(d.version),
                "decision": d.kind.value,
                "session_id": d.session_id,
                "reason": text(d.reason),
                "at": _iso(d.decided_at),
            }
            for d in decisions
        ],
        # versions kept despite a statistics flag (the « Items à revoir » queue)
        "flags_kept": [
            {
                **_version(f.version),
                "flag": f.flag,
                "reason": text(f.reason),
                "attempts": f.attempts,
                "at": _iso(f.reviewed_at),
            }
            for f in kept
        ],
    }
    written = (
        "review_events",
        "revalidations",
        "reference_changes",
        "scoring_decisions",
        "flags_kept",
    )
    wrote = any(work[kind] for kind in written)
    # named only when texts were held back: a candidate who wrote nothing reads no session here
    withheld = pending.title if pending is not None and wrote else None
    return {"texts_withheld_until": withheld, **work}
