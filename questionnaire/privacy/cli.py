"""``questionnaire privacy purge``: apply the retention durations (to run from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaire.clock import current_time
from questionnaire.extensions import db

privacy_cli = AppGroup("privacy", help="Données personnelles (RGPD).")


@privacy_cli.command(
    "purge",
    help="Applique les durées de conservation : supprime les événements du journal échus et "
    "pseudonymise les comptes candidats inactifs (à lancer chaque nuit, idempotent).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Simulation : compte ce qui serait purgé, sans rien modifier.",
)
def privacy_purge(dry_run: bool) -> None:
    """Delete audit events and pseudonymise candidate accounts past their retention."""
    from questionnaire.privacy.services import purge

    config = current_app.config
    report = purge(current_time(), config["RETENTION_AUDIT_DAYS"], config["RETENTION_ACCOUNT_DAYS"])
    if dry_run:
        db.session.rollback()  # the same queries as a real run, nothing kept
    else:
        db.session.commit()
    click.echo(
        f"{'Simulation (rien n’a été modifié) : ' if dry_run else ''}"
        f"{report.audit_events_deleted} événement(s) du journal supprimé(s), "
        f"{report.accounts_pseudonymised} compte(s) pseudonymisé(s), "
        f"{report.enrolments_withdrawn} inscription(s) à des sessions pas encore closes retirée(s)."
    )
