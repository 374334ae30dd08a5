"""The upload page (authors, administrators) and the export download."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring.models import EventKind, VersionAuthorship
from questionnaire.authoring.services import is_ownerless_draft, thread
from questionnaire.banks.models import Item
from tests.conftest import form_token, login
from tests.exchange.conftest import sample

URL = "/echanges/"


def _upload(client, data: bytes, name: str, fmt: str, theme: str = "fiscalite"):
    token = form_token(client, URL)
    return client.post(
        "/echanges/import",
        data={
            "csrf_token": token,
            "theme": theme,
            "format": fmt,
            "topic": "",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.REVIEWER, Role.JURY])
def test_other_roles_are_refused(client, make_user, role):
    make_user(role, email="x@example.org")
    login(client, "x@example.org")
    assert client.get(URL).status_code == 403
    assert client.get("/echanges/export?theme=fiscalite&format=csv").status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code in (302, 401)


def test_the_default_topic_is_explained_in_french(client, make_user, loaded_bank):
    """No « slug » in the authors' page: a topic is given by its title or its identifier."""
    loaded_bank()
    make_user(Role.AUTHOR, email="auteur@example.org")
    login(client, "auteur@example.org")
    page = client.get(URL).get_data(as_text=True)
    assert "slug" not in page.lower()
    assert "par son intitulé (« Assurance-vie ») ou son identifiant (« assurance-vie »)" in page


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_upload_shows_the_report(client, db, make_user, loaded_bank, role):
    loaded_bank()
    make_user(role, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, sample("moodle_examples.gift"), "moodle_examples.gift", "gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "10 item(s) importé(s) en brouillon" in html
    assert "question d&#39;appariement (matching)" in html
    assert "ligne 39" in html
    item = db.session.execute(select(Item).where(Item.external_id.like("IMP-%"))).scalars().first()
    record = db.session.execute(
        select(VersionAuthorship).where(VersionAuthorship.version_id == item.latest_version.id)
    ).scalar_one_or_none()
    event = thread(item)[-1]
    assert event.kind is EventKind.IMPORTED and event.actor.email == "a@example.org"
    if role is Role.AUTHOR:
        assert record.author.email == "a@example.org"
    else:  # an administrator who writes no items leaves the drafts for an author to take over
        assert record is None and is_ownerless_draft(item.latest_version)


def test_rejected_upload_lists_errors_and_writes_nothing(client, db, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, b"Q1 ?{=a ~b ~c}\n\nQ2 ?{=a ~b\n", "bad.gift", "gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Aucun item importé" in html and "ligne 3" in html
    assert db.session.execute(select(Item).where(Item.external_id.like("IMP-%"))).first() is None


def test_a_csv_uploaded_as_qti_is_refused_naming_the_format_to_choose(
    client, make_user, loaded_bank
):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, b"stem,option_a,option_b,correct\nQ ?,a,b,A\n", "q.csv", "qti")
    assert response.status_code == 422
    assert (
        "son extension est celle du format CSV, mais il a été lu comme IMS QTI 2.1 : "
        "vérifiez le format choisi." in response.get_data(as_text=True)
    )


def test_upload_without_file_redisplays_the_form(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    token = form_token(client, URL)
    response = client.post(
        "/echanges/import", data={"csrf_token": token, "theme": "fiscalite", "format": "gift"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Erreur : Import et export d" in html
    # announced and focused first, linked to the field, not only written under it
    summary = html.split('<div class="error-summary" role="alert" tabindex="-1" autofocus')[1]
    assert '<a href="#file">Fichier : Choisissez un fichier.</a>' in summary


def test_a_refused_export_is_announced_by_an_error_summary(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = client.get("/echanges/export?theme=fiscalite&format=pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Erreur : " in html
    summary = html.split('<div class="error-summary" role="alert" tabindex="-1" autofocus')[1]
    assert '<a href="#export-format">Format : ' in summary


def test_upload_needs_csrf(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = client.post(
        "/echanges/import",
        data={
            "theme": "fiscalite",
            "format": "gift",
            "file": (io.BytesIO(b"Q ?{=a ~b ~c}"), "q.gift"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 403)


def test_export_download(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = client.get("/echanges/export?theme=fiscalite&format=yaml&status=published")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=fiscalite.yaml"
    assert b"id: TST-0001" in response.data
    empty = client.get("/echanges/export?theme=fiscalite&format=csv&status=draft")
    assert empty.data.count(b"\n") == 1  # header only
    assert client.get("/echanges/export?theme=nope&format=csv").status_code == 400


@pytest.mark.parametrize(
    ("fmt", "name", "media_type"),
    [
        ("csv", "fiscalite.csv", "text/csv; charset=utf-8"),
        ("gift", "fiscalite.gift", "text/plain; charset=utf-8"),
        ("qti", "fiscalite-qti21.zip", "application/zip"),
        ("qti3", "fiscalite-qti30.zip", "application/zip"),
        (
            "xlsx",
            "fiscalite.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_export_has_its_own_name_and_one_charset(
    client, make_user, loaded_bank, fmt, name, media_type
):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = client.get(f"/echanges/export?theme=fiscalite&format={fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"


def test_a_file_of_which_nothing_could_be_imported_is_refused(client, db, make_user, loaded_bank):
    """A CSV read as GIFT is one « description » without a question, ignored: the import used
    to answer « 0 importé(s), 1 ignoré(s) » as a success; it is refused, the ignored part shown."""
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, b"stem;option_a;option_b;correct\nQ ?;a;b;A\n", "q.csv", "gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Aucun item importé : le fichier contient 2 erreur(s)." in html
    assert "aucun item importable dans le fichier (1 élément(s) ignoré(s), détaillés" in html
    assert "mais il a été lu comme Moodle GIFT" in html  # and the format its name suggests
    assert "<caption>Ignorés (1)</caption>" in html
    assert db.session.execute(select(Item).where(Item.external_id.like("IMP-%"))).first() is None
