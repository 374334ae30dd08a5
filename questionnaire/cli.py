"""The ``questionnaire`` command: Flask's CLI plus the platform's own commands."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import IO, Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, with_appcontext
from flask.helpers import get_debug_flag
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from questionnaire import create_app
from questionnaire.banks.findings import Severity, has_errors
from questionnaire.banks.services import BankLoadError, load_banks, validate_banks
from questionnaire.cli_help import FrenchContext, describe_in_french
from questionnaire.clock import current_time, today
from questionnaire.config import ConfigurationError
from questionnaire.extensions import db

# Exit statuses of the ``questionnaire`` command besides 0 (success) and 1 (the command failed).
EXIT_CONFIGURATION = 2
# sysexits' EX_TEMPFAIL: the database could not be reached, the same command may succeed later
EXIT_UNAVAILABLE = 75

banks_cli = AppGroup("banks", help="Banques de questions : validation et chargement.")
attempts_cli = AppGroup("attempts", help="Copies des candidats.")


@banks_cli.command("validate")
@click.argument("path", required=False)
@click.option("--errors-only", is_flag=True, help="N'afficher que les erreurs.")
def banks_validate(path: str | None, errors_only: bool) -> None:
    """Vérifie les fichiers de banques (structure, règles de rédaction) ; code 1 si erreur."""
    path = path or current_app.config["QUESTION_BANKS_PATH"]
    banks, findings = validate_banks(path, today())
    for finding in findings:
        if not errors_only or finding.severity is Severity.ERROR:
            click.echo(finding.format())
    n_errors = sum(f.severity is Severity.ERROR for f in findings)
    n_items = sum(len(bank.items) for bank in banks)
    click.echo(
        f"{len(banks)} banque(s), {n_items} item(s) : {n_errors} erreur(s), "
        f"{len(findings) - n_errors} avertissement(s)."
    )
    if has_errors(findings):
        sys.exit(1)


@banks_cli.command("load")
@click.argument("path", required=False)
def banks_load(path: str | None) -> None:
    """Charge les banques en base, tout ou rien ; un item inchangé reste tel quel."""
    path = path or current_app.config["QUESTION_BANKS_PATH"]
    try:
        report = load_banks(path, current_time())
    except BankLoadError as exc:
        db.session.rollback()
        for finding in exc.findings:
            click.echo(finding.format(), err=True)
        click.echo(f"Aucun item chargé : {len(exc.findings)} erreur(s).", err=True)
        sys.exit(1)
    db.session.commit()
    themes = sorted(set(report.created) | set(report.new_versions) | set(report.unchanged))
    for theme in themes:
        click.echo(
            f"{theme} : {report.created[theme]} nouveau(x), {report.new_versions[theme]} nouvelle(s) "
            f"version(s), {report.unchanged[theme]} inchangé(s)."
        )


@attempts_cli.command("finalize-expired")
def attempts_finalize_expired() -> None:
    """Remet les copies échues (échéance et délai de grâce passés) ; à lancer par cron."""
    from questionnaire.attempts.services import finalise_expired

    count = finalise_expired(current_time(), current_app.config["GRACE_SECONDS"])
    db.session.commit()
    click.echo(f"{count} copie(s) finalisée(s).")


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute."
)
@click.option("--no-serve", is_flag=True, help="Préparer les données sans lancer le serveur.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Prépare les données de démonstration (idempotent) et sert l'application."""
    from questionnaire.demo import DEMO_PASSWORD, listen_problem, prepare_demo

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["ENV_NAME"] == "production":
        click.echo("La démonstration est refusée avec la configuration de production.", err=True)
        sys.exit(2)
    problem = None if no_serve else listen_problem(host, port)
    if problem:
        click.echo(problem, err=True)
        sys.exit(1)
    summary = prepare_demo(current_time())
    click.echo(summary)
    click.echo(f"Mot de passe des comptes de démonstration : {DEMO_PASSWORD}")
    if not no_serve:
        click.echo(f"Ouvrez http://{host}:{port}/ dans un navigateur.")
        from werkzeug.serving import run_simple

        run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


def register_commands(app: Flask) -> None:
    from questionnaire.admin.cli import users_cli
    from questionnaire.certification.cli import referentials_cli
    from questionnaire.exchange.cli import export_command, import_command
    from questionnaire.itemstats.cli import analytics_cli
    from questionnaire.privacy.cli import privacy_cli
    from questionnaire.reports.cli import reports_cli

    app.cli.add_command(privacy_cli)
    app.cli.add_command(reports_cli)
    banks_cli.add_command(import_command)
    banks_cli.add_command(export_command)
    app.cli.add_command(banks_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(analytics_cli)
    app.cli.add_command(referentials_cli)
    app.cli.add_command(users_cli)


def write_output(path: str | Path, content: bytes) -> bool:
    """Write a command's output file; False, after one French line, if the path is unwritable.

    The content goes to a temporary file beside the target, renamed over it once complete: an
    interrupted or failed write leaves no half file (nor a truncated previous one).
    """
    target = Path(path)
    temporary = None
    try:
        if target.is_dir():  # before naming the temporary file: "" or "." have no name
            raise IsADirectoryError(path)
        temporary = target.with_name(f".{target.name}.partiel")
        temporary.write_bytes(content)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        reason = {
            FileNotFoundError: "le dossier n'existe pas",
            PermissionError: "permission refusée",
            IsADirectoryError: "c'est un dossier",
        }.get(type(exc), f"erreur du système ({exc.strerror})")
        click.echo(f"Impossible d'écrire {path} : {reason}.", err=True)
        return False
    return True


def load_app() -> Flask:
    """Build the application for a command: a configuration error is one line, not a traceback."""
    try:
        app = create_app()
    except ConfigurationError as exc:
        # SystemExit, not click's Exit: FlaskGroup.list_commands prints any Exception it catches.
        click.echo(f"Configuration invalide : {exc}", err=True)
        sys.exit(EXIT_CONFIGURATION)
    # --debug / FLASK_DEBUG count in development only (the group never sets the flag itself).
    if app.config["ENV_NAME"] == "development":
        app.debug = get_debug_flag()
    return app


def is_schema_behind(exc: DBAPIError) -> bool:
    """Whether a database error means the schema was never created, or lacks a migration the
    code needs: a missing table or column (SQLite, or PostgreSQL's 42P01 and 42703)."""
    message = str(exc.orig)
    return (
        "no such table" in message
        or "no such column" in message
        or getattr(exc.orig, "sqlstate", None) in {"42P01", "42703"}
    )


# click's usage errors (it words them in English) and their French; the first that matches.
USAGE_ERRORS = (
    (r"Missing option (.+)\.", r"option obligatoire manquante : \1."),
    (r"Missing argument (.+)\.", r"argument obligatoire manquant : \1."),
    (r"No such option:? '?([^' ]+)'?\.? Did you mean (.+)\?", r"option inconnue : '\1' (voulez-vous dire \2 ?)"),
    (r"No such option:? '?([^' ]+)'?\.?", r"option inconnue : '\1'."),
    (r"No such command '(.+)'\.", r"commande inconnue : « \1 »."),
    (r"Got unexpected extra arguments? \((.+)\)", r"argument(s) en trop : \1."),
    (r"Option '(.+)' requires an argument\.", r"l'option \1 demande une valeur."),
    (r"Invalid value for (.+?): (.+)", r"valeur invalide pour \1 : \2"),
)  # fmt: skip
INVALID_VALUES = (
    (r"'(.*)' is not a valid integer\.", r"« \1 » n'est pas un nombre entier."),
    (r"'(.*)' is not a valid float\.", r"« \1 » n'est pas un nombre."),
    (r"'(.*)' is not one of (.+)\.", r"« \1 » n'est pas parmi \2."),
    (r"(.+) is not in the range (.+)\.", r"\1 est hors de l'intervalle \2."),
    (r"(?:File|Directory|Path) '(.*)' does not exist\.", r"« \1 » n'existe pas."),
    (r"File '(.*)' is a directory\.", r"« \1 » est un dossier."),
    (r"(?:File|Path) '(.*)' is not readable\.", r"« \1 » n'est pas lisible (permission refusée)."),
)  # fmt: skip


def in_french(message: str, translations: tuple[tuple[str, str], ...] = USAGE_ERRORS) -> str:
    """click's English usage error in French (an unknown wording is left as it is)."""
    for english, french in translations:
        translated, count = re.subn(f"^{english}$", french, message, flags=re.DOTALL)
        if count:
            if translations is USAGE_ERRORS and english.startswith("Invalid value"):
                head, _, value = translated.partition(" : ")
                return f"{head} : {in_french(value, INVALID_VALUES)}"
            return translated
    return message


class FrenchUsageError(click.UsageError):
    """A usage error shown in French: the usage line, where to find help, what is wrong."""

    def show(self, file: IO[Any] | None = None) -> None:
        lines = []
        if self.ctx is not None:
            usage = self.ctx.get_usage().replace("Usage:", "Usage :", 1)
            lines += [usage, f"Aide : {self.ctx.command_path} --help"]
        lines.append(f"Erreur : {self.format_message()}")
        click.echo("\n".join(lines), file=file or sys.stderr)


class QuestionnaireGroup(FlaskGroup):
    """Flask's group, safe in production: no debugger, no development server, no tracebacks."""

    context_class = FrenchContext

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:  # the platform's, Flask-Migrate's, Flask-Limiter's (a plugin)
            describe_in_french(command)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # the group's own options: ``questionnaire --bogus``
            raise FrenchUsageError(in_french(exc.format_message()), exc.ctx or ctx) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        app = ctx.ensure_object(ScriptInfo).load_app() if name == "run" else None
        if app is not None and app.config["ENV_NAME"] == "production":
            click.echo(
                "Le serveur de développement est refusé avec la configuration de production : "
                "servez l'application avec gunicorn (voir docs/production.md).",
                err=True,
            )
            sys.exit(EXIT_CONFIGURATION)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            env_name = ctx.ensure_object(ScriptInfo).load_app().config["ENV_NAME"]
            if is_schema_behind(exc):
                click.echo(
                    f"Base non initialisée ou pas à jour (configuration {env_name}) : lancez "
                    "« questionnaire db upgrade », ou vérifiez les variables d'environnement "
                    "(QUESTIONNAIRE_CONFIG, QUESTIONNAIRE_DATABASE_URL).",
                    err=True,
                )
                sys.exit(1)
            if not isinstance(exc, OperationalError):
                self.internal_error(ctx, exc)
            # the server down or unreachable, a file that cannot be opened: one line for the
            # cron mail, not a traceback, and an exit status that says "try again later"
            reason = (str(exc.orig).strip().splitlines() or [""])[0]
            click.echo(
                f"Base de données injoignable (configuration {env_name}) : {reason}. "
                "Vérifiez QUESTIONNAIRE_DATABASE_URL et que le serveur répond, puis relancez "
                "la commande.",
                err=True,
            )
            sys.exit(EXIT_UNAVAILABLE)
        except click.UsageError as exc:  # a missing option, a value of the wrong type…
            raise FrenchUsageError(in_french(exc.format_message()), exc.ctx) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own: a usage error (2), --help, Ctrl-C
        except Exception as exc:
            self.internal_error(ctx, exc)

    @staticmethod
    def internal_error(ctx: click.Context, exc: Exception) -> NoReturn:
        """A defect, not bad input: one line naming it (the traceback in debug mode only)."""
        if ctx.ensure_object(ScriptInfo).load_app().debug:
            raise exc
        detail = (str(exc).strip().splitlines() or [""])[0]
        click.echo(
            f"Erreur interne ({type(exc).__name__}) : {detail}. La commande a échoué sans "
            "terminer ; signalez-la (en développement, FLASK_DEBUG=1 affiche la trace).",
            err=True,
        )
        sys.exit(1)


cli = QuestionnaireGroup(
    create_app=load_app,
    set_debug_flag=False,
    help="Plateforme des questionnaires thématiques.",
)
describe_in_french(cli)  # Flask's own options and commands (run, shell, routes)


def main() -> None:
    """Entry point of the ``questionnaire`` console script."""
    cli.main(prog_name="questionnaire")
