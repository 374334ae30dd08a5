"""The ``questionnaire referentials`` commands."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from questionnaire.certification.loader import (
    DATA_PATH,
    ReferentialLoadError,
    load_referentials,
    validate_referentials,
)
from questionnaire.clock import current_time
from questionnaire.extensions import db

referentials_cli = AppGroup("referentials", help="Référentiels de certification.")


@referentials_cli.command("validate")
@click.argument("path", required=False)
def referentials_validate(path: str | None) -> None:
    """Vérifie les fichiers de référentiels ; code 1 au moindre problème."""
    parsed, problems = validate_referentials(path or DATA_PATH)
    for problem in problems:
        click.echo(problem.format(), err=True)
    click.echo(f"{len(parsed)} référentiel(s) valide(s), {len(problems)} problème(s).")
    if problems:
        sys.exit(1)


@referentials_cli.command("load")
@click.argument("path", required=False)
def referentials_load(path: str | None) -> None:
    """Charge les référentiels (par défaut, ceux livrés), tout ou rien ; idempotent."""
    try:
        report = load_referentials(path or DATA_PATH, current_time())
    except ReferentialLoadError as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"Aucun référentiel chargé : {len(exc.problems)} problème(s).", err=True)
        sys.exit(1)
    db.session.commit()
    for label, slugs in (
        ("créé", report.created),
        ("mis à jour", report.updated),
        ("inchangé", report.unchanged),
    ):
        for slug in slugs:
            click.echo(f"{slug} : {label}.")
