"""Writing to the audit log and reading it back."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import func, select

from questionnaire.audit.models import AuditEvent
from questionnaire.extensions import db

PAGE_SIZE = 50


def record(
    action: str,
    now: datetime,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    target: str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append an event; committed with the rest of the request's work.

    The client address comes from the request being served, if any (commands have none).
    """
    address = request.remote_addr if has_request_context() else None
    event = AuditEvent(
        occurred_at=now,
        action=action,
        actor_id=actor_id,
        subject_id=subject_id,
        target=target,
        address=address,
        details=details or {},
    )
    db.session.add(event)
    return event


def record_action(
    action: str,
    *,
    target: str | None = None,
    subject_id: int | None = None,
    details: dict | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an action done by the logged-in user (none for a command) at the app's time.

    For services that are not given the acting user: administrative, authoring, export actions.
    """
    from flask_login import current_user

    from questionnaire.clock import current_time

    actor = current_user if has_request_context() else None
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    return record(
        action,
        now or current_time(),
        actor_id=actor_id,
        subject_id=subject_id,
        target=target,
        details=details,
    )


def events_page(action: str | None, page: int) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, optionally for one action; and the page count."""
    query = select(AuditEvent)
    count = select(func.count(AuditEvent.id))
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    total = db.session.execute(count).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = db.session.execute(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).scalars()
    return list(events), pages


def events_about(user_id: int) -> list[AuditEvent]:
    """Every event a user did or that concerns them (for their data export)."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where((AuditEvent.actor_id == user_id) | (AuditEvent.subject_id == user_id))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        ).scalars()
    )
