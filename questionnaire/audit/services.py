"""Writing to the audit log and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import has_request_context, request
from sqlalchemy import bindparam, or_, select

from questionnaire.audit.models import AuditEvent
from questionnaire.clock import PARIS
from questionnaire.extensions import db
from questionnaire.folding import folded
from questionnaire.paging import paged

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


#: How the person sought took part in an event (the journal filter's choices).
INVOLVEMENTS = {
    "actor": "auteur de l'action",
    "subject": "personne concernée",
    "either": "auteur ou personne concernée",
}


@dataclass(frozen=True)
class JournalFilters:
    """What the administrator asked the journal for; every part optional, all combined."""

    action: str | None = None
    #: part of a display name or e-mail address (case, accents and ligatures ignored)
    person: str | None = None
    involvement: str = "actor"
    #: Paris calendar days, both inclusive
    start: date | None = None
    end: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as URL parameters, for the pages' links (empty ones left out)."""
        args = {"action": self.action, "person": self.person}
        if self.person:
            args["involvement"] = self.involvement
        args["start"] = self.start.isoformat() if self.start else None
        args["end"] = self.end.isoformat() if self.end else None
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str
    email: str


@dataclass(frozen=True)
class JournalPage:
    events: list[AuditEvent]
    page: int
    pages: int
    total: int
    #: the accounts the person filter matched (None: no person asked for)
    people: list[Person] | None = None


def matching_people(text: str) -> list[Person]:
    """Accounts whose display name or e-mail address contains ``text``, accents and case
    ignored; only that account when ``text`` is a whole address.

    Compared in Python: SQLite's ``lower`` knows ASCII only and PostgreSQL needs an extension
    to drop accents. One read of the accounts' names, for an administrator's search.
    """
    from questionnaire.auth.models import User  # the auth package imports this module

    sought = folded(" ".join(text.split()))
    if not sought:
        return []
    rows = db.session.execute(
        select(User.id, User.display_name, User.email).order_by(User.sort_name, User.id)
    ).all()
    people = [Person(row.id, row.display_name, row.email) for row in rows]
    exact = [p for p in people if folded(p.email) == sought]
    if exact:
        return exact
    return [p for p in people if sought in folded(p.display_name) or sought in folded(p.email)]


def _paris_midnight(day: date) -> datetime:
    """The instant a Paris calendar day begins (23:00 or 22:00 UTC the day before)."""
    return datetime.combine(day, time(), PARIS).astimezone(UTC)


def _conditions(filters: JournalFilters, people: list[Person] | None) -> list:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if people is not None:
        # integers read from the database, inlined: a broad search may name thousands of
        # accounts, beyond the bound parameters SQLite accepts
        ids = [person.id for person in people]

        def among(column):
            return column.in_(bindparam(column.key, ids, expanding=True, literal_execute=True))

        by_role = {
            "actor": among(AuditEvent.actor_id),
            "subject": among(AuditEvent.subject_id),
        }
        if filters.involvement in by_role:
            conditions.append(by_role[filters.involvement])
        else:
            conditions.append(or_(*by_role.values()))
    if filters.start:
        conditions.append(AuditEvent.occurred_at >= _paris_midnight(filters.start))
    if filters.end:
        conditions.append(AuditEvent.occurred_at < _paris_midnight(filters.end + timedelta(days=1)))
    return conditions


def selected_events(filters: JournalFilters, people: list[Person] | None):
    """The events that match every filter (``people``: those the person filter found), newest
    first."""
    return (
        select(AuditEvent)
        .where(*_conditions(filters, people))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )


def events_page(filters: JournalFilters, page: int | None) -> JournalPage:
    """One page of the events that match every filter, newest first, and the page count."""
    people = matching_people(filters.person) if filters.person else None
    shown = paged(selected_events(filters, people), page, PAGE_SIZE)
    return JournalPage(shown.rows, shown.page, shown.pages, shown.total, people)


def events_about(user_id: int) -> list[AuditEvent]:
    """Every event a user did or that concerns them (for their data export)."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where((AuditEvent.actor_id == user_id) | (AuditEvent.subject_id == user_id))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        ).scalars()
    )
