"""The journal as a CSV file: the events the filters select, as the viewer reads them.

For a spreadsheet (semicolon, UTF-8 with a BOM, like the platform's other exports) and for
evidence (the stored codes beside the French reading). Every text cell is kept from running as
a formula: names, reasons and file names are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import func, select

from questionnaire.audit.display import describe_events
from questionnaire.audit.models import AuditEvent
from questionnaire.audit.services import JournalFilters, matching_people, selected_events
from questionnaire.csvfiles import neutralise_formula
from questionnaire.extensions import db
from questionnaire.web import paris_time

HEADER = (
    "Date (heure de Paris)",
    "Action",
    "Code de l'action",
    "Auteur",
    "Personne concernée",
    "Objet",
    "Code de l'objet",
    "Adresse",
    "Détails",
)
#: Events described together (one lookup of the names they refer to per batch).
BATCH = 500


def _person(user, user_id: int | None) -> str:
    return f"{user.display_name} (compte n° {user_id})" if user is not None else ""


def _line(cells: tuple[object, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(
        neutralise_formula(str(cell)) for cell in cells
    )
    return buffer.getvalue()


def count_selected(filters: JournalFilters) -> tuple[int, int | None]:
    """How many events the filters select, and how many accounts the person filter matched."""
    people = matching_people(filters.person) if filters.person else None
    query = selected_events(filters, people)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    return total, None if people is None else len(people)


def journal_csv(filters: JournalFilters) -> Iterator[str]:
    """The CSV text, line by line (newest event first, as the viewer); needs a request context."""
    yield "\ufeff" + _line(HEADER)
    people = matching_people(filters.person) if filters.person else None
    query = selected_events(filters, people).execution_options(yield_per=BATCH)
    for partition in db.session.execute(query).scalars().partitions():
        for row in describe_events(list(partition)):
            event: AuditEvent = row.event
            yield _line(
                (
                    paris_time(event.occurred_at, "%d/%m/%Y %H:%M:%S"),
                    event.label,
                    event.action,
                    _person(event.actor, event.actor_id),
                    _person(event.subject, event.subject_id),
                    row.target.text if row.target else "",
                    event.target or "",
                    event.address or "",
                    " ; ".join(f"{label} : {value.text}" for label, value in row.details),
                )
            )
