"""« questionnaire users »: the first administrator of a new installation, and a way back in when
no administrator can log in any more (all deactivated, the last one's role withdrawn)."""

from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from tests.conftest import PASSWORD, login

NEW = "Une phrase longue pour entrer"


def run(app, *args, typed: str | None = None):
    return app.test_cli_runner().invoke(args=["users", *args], input=typed)


def account(db, email):
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def test_the_first_administrator_is_created_with_a_password_typed_twice(app, db, client):
    result = run(
        app, "create-admin", " Ada.Admin@Banque.fr ", "--name", "Ada Admin", typed=f"{NEW}\n{NEW}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Compte administrateur créé pour ada.admin@banque.fr." in result.output
    assert NEW not in result.output  # not echoed
    user = account(db, "ada.admin@banque.fr")
    assert user.roles == {Role.ADMIN} and user.active and not user.must_change_password
    login(client, "ada.admin@banque.fr", NEW)
    assert client.get("/admin/utilisateurs").status_code == 200
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "admin.user_create")
    ).scalar_one()
    assert event.actor_id is None and event.subject_id == user.id


def test_a_refused_password_or_a_taken_address_creates_nothing(app, db, make_user):
    weak = run(app, "create-admin", "ada@banque.fr", "--name", "Ada", typed="court\ncourt\n")
    assert weak.exit_code == 1
    assert "Erreur : Le mot de passe doit contenir au moins 12 caractères." in weak.output
    assert account(db, "ada@banque.fr") is None
    make_user(email="pris@banque.fr")
    taken = run(app, "create-admin", "PRIS@banque.fr", "--name", "X", typed=f"{NEW}\n{NEW}\n")
    assert taken.exit_code == 1
    assert "Un compte existe déjà pour pris@banque.fr" in taken.output
    assert "questionnaire users grant-admin" in taken.output


def test_an_existing_account_is_made_administrator_again_and_reactivated(
    app, db, make_user, client
):
    former = make_user(Role.AUTHOR, email="bea@banque.fr", name="Béa")
    former.active = False
    db.session.commit()
    result = run(app, "grant-admin", "Bea@Banque.fr")
    assert result.exit_code == 0, result.output
    assert "Béa (bea@banque.fr) est administrateur, compte actif." in result.output
    user = account(db, "bea@banque.fr")
    assert user.roles == {Role.ADMIN, Role.AUTHOR} and user.active
    login(client, "bea@banque.fr", PASSWORD)
    assert client.get("/admin/utilisateurs").status_code == 200
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "admin.user_update")
    ).scalar_one()
    assert event.actor_id is None and event.details["active"] is True


def test_an_unknown_or_erased_account_is_not_granted(app, db, make_user, erase):
    unknown = run(app, "grant-admin", "personne@banque.fr")
    assert unknown.exit_code == 1 and "Aucun compte pour personne@banque.fr" in unknown.output
    erased = erase(make_user(email="parti@banque.fr"))
    refused = run(app, "grant-admin", erased.email)
    assert refused.exit_code == 1 and "effacé (RGPD)" in refused.output
    assert Role.ADMIN not in account(db, erased.email).roles
