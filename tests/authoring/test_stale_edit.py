"""Two editor pages on one item: a save from the page that is behind never undoes the other."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.banks.models import Item, VersionStatus
from tests.authoring.conftest import editor_data
from tests.conftest import login, page_text

URL = "/atelier/items/TST-0001/modifier"


def open_editor(client) -> dict:
    """The editor as a browser tab loads it: its token and the hidden fields of its form."""
    html = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    base = re.search(r'<input id="base" name="base" type="hidden" value="([^"]*)">', html)
    assert base is not None and base.group(1), "the editor carries what it was filled from"
    return {"csrf_token": token, "base": base.group(1)}


def save(client, tab: dict, **overrides):
    return client.post(
        URL, data={**editor_data(tab["csrf_token"]), "base": tab["base"], **overrides}
    )


def item(db) -> Item:
    found = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    db.session.refresh(found)
    return found


def test_a_draft_saved_in_another_tab_is_not_overwritten(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    first, second = open_editor(client), open_editor(client)
    assert save(client, first, stem="Texte de l'onglet un : quel plafond ?").status_code == 302

    response = save(client, second, stem="Texte de l'onglet deux : quel plafond ?")

    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert (
        "L'item TST-0001 a changé depuis l'ouverture de cette page : la version 2 (brouillon) a "
        "été enregistrée entre-temps" in text
    )
    assert "Rien n'a été enregistré ; votre saisie est conservée ci-dessous." in text
    assert "Texte de l&#39;onglet deux : quel plafond ?" in response.get_data(as_text=True)
    versions = item(db).versions
    assert [(v.number, v.status) for v in versions] == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]
    assert versions[1].stem == "Texte de l'onglet un : quel plafond ?"


def test_saving_again_after_the_warning_goes_through(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    first, second = open_editor(client), open_editor(client)
    save(client, first, stem="Texte de l'onglet un : quel plafond ?")
    html = save(client, second, stem="Texte de l'onglet deux : quel plafond ?").get_data(
        as_text=True
    )
    # the refused page now carries the version it warned about: a second save is deliberate
    warned = re.search(r'name="base" type="hidden" value="([^"]*)"', html).group(1)
    assert warned == services.edit_base(item(db))

    again = save(client, {**second, "base": warned}, stem="Texte de l'onglet deux : quel plafond ?")

    assert again.status_code == 302
    assert item(db).latest_version.stem == "Texte de l'onglet deux : quel plafond ?"


def test_a_version_published_since_the_page_opened_is_not_undone(
    client, loaded_bank, make_user, author, reviewer, db, clock
):
    """Another author's version, published while this page showed version 1: saving the
    page's content would have started a draft from version 1, reverting theirs unseen."""
    loaded_bank()
    other = make_user(Role.AUTHOR, email="autre@example.org", name="Ode Autre")
    login(client, author.email)
    stale = open_editor(client)
    draft = services.save_item(
        item(db),
        item(db).theme,
        _parsed(db, "Nouveau texte publié : quel plafond ?"),
        other,
        clock(),
    )
    services.submit(draft, other, clock())
    services.approve(draft, reviewer, clock())
    services.publish(draft, reviewer, clock())
    db.session.commit()

    response = save(client, stale)

    assert response.status_code == 422
    assert "la version 2 (publiée) a été enregistrée entre-temps" in page_text(
        response.get_data(as_text=True)
    )
    assert [v.number for v in item(db).versions] == [1, 2]


def test_a_save_without_change_elsewhere_goes_through(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    tab = open_editor(client)
    assert save(client, tab).status_code == 302
    # the page reloaded after the save carries the draft it shows
    assert (
        save(client, open_editor(client), stem="Deuxième texte : quel plafond ?").status_code == 302
    )
    assert item(db).latest_version.stem == "Deuxième texte : quel plafond ?"


def _parsed(db, stem: str):
    parsed = services.parsed_from_version(item(db).latest_version)
    parsed.stem = stem
    return parsed
