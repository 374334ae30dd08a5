"""The retention purge at its boundaries: an event or an account exactly as old as the duration
stays, a second older goes; across the spring clock change the duration is counted in elapsed
days (the notice's « N jours »), and the dry run counts the same without changing anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from questionnaire.audit.models import AuditEvent
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.privacy.models import Erasure
from questionnaire.privacy.services import purge

# 29 March 2026, 03:00 in Paris (01:00 UTC): the clocks went forward an hour earlier
NOW = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
DAYS = 10


def test_exactly_as_old_as_the_duration_stays_a_second_older_goes(make_user, db, clock):
    limit = NOW - timedelta(days=DAYS)
    clock.now = limit - timedelta(seconds=1)
    old = make_user(email="old@example.org")
    record("auth.login", clock(), subject_id=old.id)
    clock.now = limit
    kept = make_user(email="kept@example.org")
    record("auth.login", clock(), subject_id=kept.id)
    db.session.commit()
    clock.now = NOW

    report = purge(NOW, audit_days=DAYS, account_days=DAYS)
    db.session.commit()

    assert (report.audit_events_deleted, report.accounts_pseudonymised) == (1, 1)
    assert db.session.get(User, kept.id).email == "kept@example.org"
    assert db.session.get(User, old.id).email.endswith("@efface.invalid")
    remaining = db.session.execute(
        select(AuditEvent.occurred_at).where(AuditEvent.action == "auth.login")
    ).scalars()
    assert [moment.replace(tzinfo=UTC) for moment in remaining] == [limit]


def test_the_dry_run_counts_the_same_and_changes_nothing(app, make_user, db, clock):
    app.config.update(RETENTION_AUDIT_DAYS=DAYS, RETENTION_ACCOUNT_DAYS=DAYS)
    clock.now = NOW - timedelta(days=DAYS, seconds=1)
    old = make_user(email="old@example.org")
    record("auth.login", clock(), subject_id=old.id)
    db.session.commit()
    clock.now = NOW
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "Simulation" in dry.output
    assert "1 événement(s) du journal supprimé(s), 1 compte(s) pseudonymisé(s)" in dry.output
    db.session.expire_all()
    assert db.session.get(User, old.id).email == "old@example.org"
    assert db.session.execute(select(func.count(Erasure.id))).scalar_one() == 0
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == 1
    real = runner.invoke(args=["privacy", "purge"])
    assert "1 événement(s) du journal supprimé(s), 1 compte(s) pseudonymisé(s)" in real.output
