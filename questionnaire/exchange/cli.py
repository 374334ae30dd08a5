"""``questionnaire banks import`` and ``questionnaire banks export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from questionnaire.auth.models import Role
from questionnaire.auth.services import find_user_by_email
from questionnaire.banks.models import VersionStatus
from questionnaire.cli import write_output
from questionnaire.clock import current_time
from questionnaire.exchange.formats import FORMATS, guess_format
from questionnaire.exchange.report import ImportRejected, ImportReport
from questionnaire.exchange.safety import MAX_FILE_BYTES
from questionnaire.exchange.services import ExportError, export_theme, import_file
from questionnaire.extensions import db


def report_lines(report: ImportReport) -> list[str]:
    """The report as text lines: counts first, then every entry with where it is."""
    lines = [
        f"{report.source} : {len(report.imported)} importé(s), {len(report.unchanged)} inchangé(s), "
        f"{len(report.skipped)} ignoré(s), {len(report.errors)} erreur(s), "
        f"{len(report.warnings)} avertissement(s)."
    ]
    for label, entries in (
        ("erreur", report.errors),
        ("ignoré", report.skipped),
        ("importé", report.imported),
        ("inchangé", report.unchanged),
        ("avertissement", report.warnings),
    ):
        lines += [f"[{label}] {entry.format()}" for entry in entries]
    lines += [f"[défaut] {note}" for note in report.default_notes()]
    return lines


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    help="Format (déduit de l'extension sinon).",
)
@click.option("--theme", "theme_slug", required=True, help="Slug du thème qui reçoit les items.")
@click.option(
    "--topic",
    default=None,
    help="Sujet (slug ou intitulé) des items qui n'en indiquent pas (par défaut : le premier du thème).",
)
@click.option(
    "--author",
    "author_email",
    default=None,
    help="Courriel du compte auteur à qui attribuer les brouillons dans l'atelier des questions.",
)
def import_command(
    file: Path, fmt: str | None, theme_slug: str, topic: str | None, author_email: str | None
) -> None:
    """Importe un fichier QTI, GIFT, CSV, XLSX ou YAML en brouillons, tout ou rien."""
    author = find_user_by_email(author_email) if author_email else None
    if author_email and author is None:
        click.echo(f"Aucun compte pour {author_email}.", err=True)
        sys.exit(2)
    if author is not None and not author.has_role(Role.AUTHOR):
        click.echo(
            f"{author_email} n'a pas le rôle auteur : il ne peut pas tenir ces brouillons.",
            err=True,
        )
        sys.exit(2)
    fmt = fmt or guess_format(file.name)
    if fmt is None:
        click.echo("Format inconnu : précisez --format.", err=True)
        sys.exit(2)
    if file.stat().st_size > MAX_FILE_BYTES:
        click.echo(
            f"{file.name} : fichier trop volumineux (maximum {MAX_FILE_BYTES} octets).", err=True
        )
        sys.exit(1)
    try:
        report = import_file(
            file.read_bytes(), file.name, fmt, theme_slug, current_time(), topic, author
        )
    except ImportRejected as exc:
        db.session.rollback()
        for line in report_lines(exc.report):
            click.echo(line, err=True)
        click.echo(f"Aucun item importé : {len(exc.report.errors)} erreur(s).", err=True)
        sys.exit(1)
    db.session.commit()
    for line in report_lines(report):
        click.echo(line)


@click.command("export")
@with_appcontext
@click.option("--theme", "theme_slug", required=True, help="Slug du thème à exporter.")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True, help="Format du fichier."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([status.value for status in VersionStatus]),
    help="Statut(s) des versions exportées (répétable ; tous par défaut).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Fichier à écrire.",
)
def export_command(theme_slug: str, fmt: str, statuses: tuple[str, ...], output: Path) -> None:
    """Exporte les items d'un thème : pour chacun, sa dernière version parmi les statuts choisis."""
    wanted = frozenset(VersionStatus(status) for status in statuses) or None
    try:
        data, count = export_theme(theme_slug, fmt, wanted)
    except ExportError as exc:
        click.echo(f"Export refusé : {exc}", err=True)
        sys.exit(1)
    if not write_output(output, data):
        db.session.rollback()  # no file, so no export to record
        sys.exit(1)
    db.session.commit()  # the export's audit event
    click.echo(f"{count} item(s) exporté(s) dans {output}.")
