"""A save the editor can no longer accept (the version went to review meanwhile, another
author took the draft over) is refused on the editor itself, with the text typed kept."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.banks.models import Item, VersionStatus
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login, page_text

URL = "/atelier/items/TST-0001/modifier"
TYPED = "Texte tapé pendant ce temps : quel plafond ?"


def _item(db) -> Item:
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    db.session.refresh(item)
    return item


def test_a_draft_sent_to_review_meanwhile_keeps_the_text_typed(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    token = form_token(client, URL)
    assert client.post(URL, data=editor_data(token)).status_code == 302
    token = form_token(client, URL)  # the editor, open on the draft
    services.submit(_item(db).latest_version, author, _item(db).created_at)  # another tab
    db.session.commit()

    response = client.post(URL, data=editor_data(token, stem=TYPED))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert TYPED in page_text(html).replace("&#39;", "'")
    assert (
        "La version 2 de cet item est en relecture : elle ne se modifie plus (son auteur peut la "
        "reprendre en brouillon). Rien n'a été enregistré."
    ) in page_text(html).replace("&#39;", "'")
    assert _item(db).latest_version.status is VersionStatus.IN_REVIEW
    assert _item(db).latest_version.stem != TYPED


def test_a_draft_taken_over_by_another_author_keeps_the_text_typed(
    client, loaded_bank, author, make_user, db, clock
):
    from questionnaire.exchange.services import import_file
    from tests.conftest import bank_yaml

    loaded_bank()
    text = bank_yaml().replace("Justification de la question 1.", "Justification revue.", 1)
    import_file(text.encode(), "fiscalite.yaml", "yaml", "fiscalite", clock())  # no author
    db.session.commit()
    login(client, author.email)
    token = form_token(client, URL)  # an ownerless draft: any author may write it
    other = make_user(Role.AUTHOR, email="autre@example.org")
    services.take_over(_item(db).latest_version, other, clock())
    db.session.commit()

    response = client.post(URL, data=editor_data(token, stem=TYPED))

    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert TYPED in text
    assert "Cet item a un brouillon d'un autre auteur : lui seul le modifie." in text
    assert _item(db).latest_version.stem != TYPED
    assert services.is_author(_item(db).latest_version, other)
