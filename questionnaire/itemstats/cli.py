"""``questionnaire analytics …``: item statistics of closed sessions."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from questionnaire.clock import current_time
from questionnaire.extensions import db

analytics_cli = AppGroup("analytics", help="Statistiques d'items des sessions closes.")


@analytics_cli.command(
    "refresh",
    help="Calcule les statistiques d'items des sessions closes pas encore analysées ou "
    "re-notées depuis (à lancer par cron, idempotent).",
)
def analytics_refresh() -> None:
    """Compute the statistics of every closed session not computed yet (safe to run from cron)."""
    from questionnaire.itemstats.services import refresh_statistics

    try:
        report = refresh_statistics(current_time())
        db.session.commit()
    except IntegrityError:  # another run stored the same session first
        db.session.rollback()
        click.echo("Un autre calcul est en cours : relancez la commande plus tard.", err=True)
        sys.exit(1)
    click.echo(
        f"{report.sessions} session(s) close(s) analysée(s), "
        f"{report.versions} version(s) d'item mise(s) à jour."
    )
