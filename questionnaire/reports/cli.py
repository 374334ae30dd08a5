"""`questionnaire reports …`: session and period dossiers written to a file (CPNE version)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaire.cli import write_output
from questionnaire.clock import current_time
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.reports.dif import DifChoiceError
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.period_report import PeriodError, build_period_report, find_theme
from questionnaire.reports.render_html import render_report_html
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.tables import Report

FORMATS = ("html", *EXPORTS)
# Dates accepted by ``--from`` / ``--to``: ISO first, then the French way of writing them.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# The largest id an INTEGER column holds (PostgreSQL's, the stricter of the two databases).
MAX_ID = 2**31 - 1

# The two options every report command takes, declared once.
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="pdf",
    show_default=True,
    help="Format du fichier.",
)
output_option = click.option("-o", "--output", required=True, help="Fichier à écrire.")

reports_cli = AppGroup("reports", help="Rapports psychométriques (version CPNE, pseudonymisée).")


def write_report(report: Report, fmt: str, output: str) -> None:
    """Render the report in `fmt` and write it to `output`."""
    if fmt == "html":
        css = Path(current_app.static_folder, "css", "reports.css").read_text(encoding="utf-8")
        with current_app.test_request_context():
            html = render_report_html(report, "reports/report_file.html", css=css)
        content = html.encode("utf-8")
    else:
        content = EXPORTS[fmt].render(report)
    if not write_output(output, content):
        sys.exit(1)
    click.echo(
        f"{report.title} : {output} ({len(content)} octets, empreinte {report.fingerprint})."
    )


def parse_day(value: str, option: str) -> date:
    """A day given on the command line; a malformed one is a PeriodError (exit status 1)."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        f"Date invalide pour {option} : « {value} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)."
    )


@reports_cli.command("session")
@click.argument("session_id", type=int)
@format_option
@output_option
@click.option("--reference", help="Groupe de référence du DIF (défaut : le plus nombreux).")
@click.option("--focal", help="Groupe focal du DIF (défaut : le deuxième plus nombreux).")
def reports_session(
    session_id: int, fmt: str, output: str, reference: str | None, focal: str | None
) -> None:
    """Écrit le rapport d'une session (candidats pseudonymisés)."""
    # an id past the database's integers is no session (not a driver overflow)
    session = db.session.get(ExamSession, session_id) if 0 < session_id <= MAX_ID else None
    if session is None:
        click.echo(f"Session {session_id} introuvable.", err=True)
        sys.exit(1)
    if session.is_training:
        click.echo(
            f"La session {session_id} est une session d'entraînement : "
            "elle n'entre pas dans les rapports de la CPNE.",
            err=True,
        )
        sys.exit(1)
    try:
        report = build_session_report(session, current_time(), reference=reference, focal=focal)
    except DifChoiceError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    write_report(report, fmt, output)


@reports_cli.command("period")
@click.option("--theme", "slug", required=True, help="Identifiant du thème (ex. fiscalite).")
@click.option("--from", "start", required=True, help="Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA).")
@click.option("--to", "end", required=True, help="Dernier jour, inclus (AAAA-MM-JJ ou JJ/MM/AAAA).")
@format_option
@output_option
def reports_period(slug: str, start: str, end: str, fmt: str, output: str) -> None:
    """Écrit le rapport d'un thème sur une période (dates à Paris, toutes deux incluses)."""
    try:
        first, last = parse_day(start, "--from"), parse_day(end, "--to")
        theme = find_theme(slug)
        report = build_period_report(theme, first, last, current_time())
    except PeriodError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    write_report(report, fmt, output)
