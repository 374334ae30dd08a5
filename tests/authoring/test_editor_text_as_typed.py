"""The editor's text areas show a saved text as its author typed it, not the sanitiser's
entities: « Impôts & taxes » came back as « Impôts &amp; taxes »."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaire.banks.models import Item
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login

URL = "/atelier/items/TST-0001/modifier"


def _textarea(html: str, field_id: str) -> str:
    """The text area's content as the HTML source has it (the browser decodes it once)."""
    found = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', html, re.S)
    return found.group(1).removeprefix("\r\n")  # the line break WTForms writes first


def test_characters_typed_come_back_as_typed(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    typed = {
        "stem": "Impôts & taxes : un revenu < 10 000 € est-il imposable ?",
        "options-0-text": "PEA & PEA-PME",
        "rationale": "Le seuil est de 10 000 €, soit 30\u00a0% du plafond.",
    }
    assert client.post(URL, data=editor_data(form_token(client, URL), **typed)).status_code == 302
    html = client.get(URL).get_data(as_text=True)
    # once decoded by the browser: exactly what was typed, no « &amp; » nor « &lt; »
    assert _textarea(html, "stem") == (
        "Impôts &amp; taxes : un revenu &lt; 10 000 € est-il imposable ?"
    )
    assert _textarea(html, "options-0-text") == "PEA &amp; PEA-PME"
    assert _textarea(html, "rationale") == "Le seuil est de 10 000 €, soit 30\u00a0% du plafond."
    # the candidate's page, the stored text and its fingerprint are what they were
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    draft = item.latest_version
    assert draft.stem == "Impôts &amp; taxes : un revenu &lt; 10 000 € est-il imposable ?"
    saved_hash = draft.content_hash
    resent = client.post(
        URL, data=editor_data(form_token(client, URL), **typed, base=_base(client))
    )
    assert resent.status_code == 302
    db.session.refresh(draft)
    assert draft.content_hash == saved_hash


def test_a_tag_written_to_be_shown_stays_text(client, loaded_bank, author, db):
    """« &lt;em&gt; » typed to show the tag itself: shown as typed, so that the next save does
    not turn it into emphasis."""
    loaded_bank()
    login(client, author.email)
    stem = "Que signifie la balise &lt;em&gt; dans un énoncé ?"
    assert client.post(URL, data=editor_data(form_token(client, URL), stem=stem)).status_code == 302
    html = client.get(URL).get_data(as_text=True)
    assert _textarea(html, "stem") == "Que signifie la balise &amp;lt;em&amp;gt; dans un énoncé ?"


def _base(client) -> str:
    html = client.get(URL).get_data(as_text=True)
    return re.search(r'name="base" type="hidden" value="([^"]*)"', html).group(1)
