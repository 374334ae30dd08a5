"""``questionnaire privacy purge``: apply the retention durations (to run from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaire.clock import current_time
from questionnaire.extensions import db

privacy_cli = AppGroup("privacy", help="Données personnelles (RGPD).")


@privacy_cli.command("purge")
def privacy_purge() -> None:
    """Delete audit events and pseudonymise candidate accounts past their retention."""
    from questionnaire.privacy.services import purge

    config = current_app.config
    report = purge(current_time(), config["RETENTION_AUDIT_DAYS"], config["RETENTION_ACCOUNT_DAYS"])
    db.session.commit()
    click.echo(
        f"{report.audit_events_deleted} événement(s) du journal supprimé(s), "
        f"{report.accounts_pseudonymised} compte(s) pseudonymisé(s)."
    )
