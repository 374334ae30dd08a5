"""``questionnaire users``: the first administrator of an installation, and a way back in."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from questionnaire.clock import current_time
from questionnaire.extensions import db

users_cli = AppGroup("users", help="Comptes administrateurs : premier compte, accès retrouvé.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", required=True, help="Nom affiché du compte.")
@click.option(
    "--password",
    help="Demandé sans être affiché si l'option est omise (conseillé : l'historique du shell "
    "garderait la valeur).",
)
def create_admin(email: str, name: str, password: str | None) -> None:
    """Crée un compte administrateur (le premier d'une installation, notamment)."""
    from questionnaire.audit.services import record_action
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import AccountError, create_user, find_user_by_email

    if find_user_by_email(email) is not None:
        _fail(
            f"Un compte existe déjà pour {email.strip().lower()} : pour lui rendre le rôle "
            "d'administrateur, lancez « questionnaire users grant-admin » avec cette adresse."
        )
    if not name.strip():
        _fail("Indiquez le nom affiché (--name).")
    if password is None:  # asked once the database has answered (an operator types for nothing)
        password = click.prompt(
            "Mot de passe", hide_input=True, confirmation_prompt="Mot de passe (encore)"
        )
    try:
        # the person typing chose the password: nothing to replace at the first login
        user = create_user(email, password, name.strip(), [Role.ADMIN], current_time())
    except AccountError as exc:
        _fail(str(exc))
    db.session.flush()
    record_action(
        "admin.user_create",
        target=f"user:{user.id}",
        subject_id=user.id,
        details={"roles": [Role.ADMIN.value], "active": True, "must_change_password": False},
    )
    db.session.commit()
    click.echo(f"Compte administrateur créé pour {user.email}.")


@users_cli.command("grant-admin")
@click.argument("email")
def grant_admin(email: str) -> None:
    """Donne le rôle d'administrateur à un compte existant et le réactive (accès retrouvé)."""
    from questionnaire.admin.services import erasure_date, record_account_update
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        _fail(
            f"Aucun compte pour {email.strip().lower()} : « questionnaire users create-admin » "
            "en crée un."
        )
    if erasure_date(user) is not None:
        _fail(f"Le compte {user.email} a été effacé (RGPD) : créez-en un nouveau.")
    roles = set(user.roles) | {Role.ADMIN}
    if roles != set(user.roles) or not user.active:
        user.end_sessions()  # cookies issued under the old roles or before the deactivation
    user.set_roles(roles)
    user.active = True
    record_account_update(user, password_changed=False)
    db.session.commit()
    click.echo(f"{user.display_name} ({user.email}) est administrateur, compte actif.")
