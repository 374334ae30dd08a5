"""Database-level guards on PostgreSQL: the audit log is append-only except for the purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from questionnaire.audit.services import record
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from questionnaire.privacy.services import purge

pytestmark = pytest.mark.postgres


def test_raw_sql_cannot_change_the_audit_log_but_the_purge_can_delete_old_events(pg_app):
    now = now_utc()
    record("auth.login", now - timedelta(days=400))
    record("auth.login", now)
    db.session.commit()
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    report = purge(now, audit_days=365, account_days=10_000)
    db.session.commit()
    assert report.audit_events_deleted == 1
    actions = db.session.execute(sa.text("SELECT action FROM audit_event ORDER BY id")).scalars()
    assert list(actions) == ["auth.login", "privacy.purge"]
    # the purge's permission ended with its transaction
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_event"))
    db.session.rollback()
