"""The audit journal's person filter on a large register (PostgreSQL).

The filter matches accounts in Python, then selects the events of those accounts. Bound one by
one, the ids of a broad search (« agent », five years of candidates) pass the 65,535 parameters
PostgreSQL takes in one statement, a server error; they are written into the statement instead
(``audit.services._conditions``), as the accounts list does since 7274ae8. The SQLite side is
tested in tests/audit/test_journal_filters.py, with SQLite's limit lowered.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.conftest import PASSWORD, login
from tests.postgres.conftest import insert_agents

pytestmark = pytest.mark.postgres


def test_the_journal_and_its_export_filter_by_a_person_matching_70000_accounts(pg_app):
    now = now_utc()
    insert_agents(now)
    first, second = db.session.execute(sa.select(User.id).order_by(User.id).limit(2)).scalars()
    # the first agent logged in; an administrator unlocked the second
    db.session.execute(
        sa.insert(AuditEvent),
        [
            {"occurred_at": now, "action": "auth.login", "actor_id": first, "details": {}},
            {"occurred_at": now, "action": "auth.unlock", "subject_id": second, "details": {}},
        ],
    )
    create_user("admin@example.org", PASSWORD, "Ada Admin", [Role.ADMIN], now)
    db.session.commit()
    client = pg_app.test_client()
    login(client, "admin@example.org")
    for involvement, events in (("actor", 1), ("subject", 1), ("either", 2)):
        page = client.get(f"/admin/journal?person=agent&involvement={involvement}")
        assert page.status_code == 200, involvement
        text = page.get_data(as_text=True)
        assert "70000 comptes correspondent à « agent »" in text
        assert f"page 1 sur 1, {events} au total" in text
        export = client.get(f"/admin/journal/export.csv?person=agent&involvement={involvement}")
        assert export.status_code == 200, involvement
        assert len(export.get_data(as_text=True).splitlines()) == 1 + events
