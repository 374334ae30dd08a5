"""An imported draft with more options than a bank allows: the editor shows them all, loses none."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaire.banks.models import ItemVersion, VersionStatus
from questionnaire.exchange.services import import_file
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login

SIXTH = re.compile(r'name="options-5-text"[^>]*>\s*six</textarea>')
SIX = ["un", "deux", "trois", "quatre", "cinq", "six"]


def _six_option_draft(db, clock, loaded_bank) -> ItemVersion:
    loaded_bank()
    gift = "Combien ?{=" + " ~".join(SIX) + "}\n"
    import_file(gift.encode(), "six.gift", "gift", "fiscalite", clock())
    db.session.commit()
    return db.session.execute(
        select(ItemVersion).where(ItemVersion.status == VersionStatus.DRAFT)
    ).scalar_one()


def _texts(version: ItemVersion) -> list[str]:
    return [option.text for option in version.options]


def test_the_editor_shows_every_option_and_refuses_to_drop_one_silently(
    client, db, clock, loaded_bank, author
):
    version = _six_option_draft(db, clock, loaded_bank)
    url = f"/atelier/items/{version.item.external_id}/modifier"
    login(client, author.email)
    html = client.get(url).get_data(as_text=True)
    assert ">Option F</label>" in html and SIXTH.search(html)
    # the preview letters every option, up to the ten an import accepts
    assert '<span class="option-letter" aria-hidden="true">f.</span> six</label>' in html

    six = {f"options-{i}-text": text for i, text in enumerate(SIX)}
    response = client.post(url, data=editor_data(form_token(client, url), **six))
    html = response.get_data(as_text=True)
    assert response.status_code == 422  # the form again, with its messages
    assert "Une question a de 3 à 5 options." in html and SIXTH.search(html)
    db.session.expire_all()
    assert _texts(db.session.get(ItemVersion, version.id)) == SIX

    five = six | {"options-5-text": ""}
    response = client.post(url, data=editor_data(form_token(client, url), **five))
    assert response.status_code == 302
    db.session.expire_all()
    latest = db.session.get(ItemVersion, version.id).item.latest_version
    assert _texts(latest) == SIX[:5]
