"""A stem or option stored empty by an earlier import is found, and blocks the review.

The imports and the editor now refuse a text that shows nothing (a lone ``<img>``, control
characters only), but versions stored before may hold one: published, nothing pointed at them;
as a draft, it went to review without a word.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from questionnaire.authoring import services
from questionnaire.authoring.search import ItemFilters, search_items
from questionnaire.banks.findings import Severity
from questionnaire.banks.lint import lint_item, rule_empty_text
from questionnaire.banks.models import Item
from tests.authoring.test_lifecycle import parsed
from tests.conftest import login
from tests.exchange.conftest import reference_bank


def _stored_as_before(db, external_id: str, stem: str | None = None, option_b: str | None = None):
    """Texts written as an import did before it refused them (the checks are bypassed)."""
    item = db.session.execute(select(Item).where(Item.external_id == external_id)).scalar_one()
    version = item.latest_version
    if stem is not None:
        version.stem = stem
    if option_b is not None:
        version.option("B").text = option_b
    db.session.commit()
    return item, version


def test_the_linter_names_each_empty_text():
    bank = reference_bank()
    item = bank.items[0]
    assert rule_empty_text(bank, item) == []
    item.stem = '<img src="graphique.png">'
    item.options[1].text = "\x01\x1f"
    item.options[2].text = " "
    findings = [f for f in lint_item(bank, item, date(2026, 3, 2)) if f.rule == "empty-text"]
    assert [f.message.split(" :")[0] for f in findings] == [
        "énoncé vide",
        "option B vide",
        "option C vide",
    ]
    assert {f.severity for f in findings} == {Severity.ERROR}


def test_the_workspace_list_flags_published_items_with_an_empty_text(
    client, db, clock, loaded_bank, author
):
    loaded_bank()
    _stored_as_before(db, "TST-0002", option_b="\x02")
    _stored_as_before(db, "TST-0005", stem="<script>alert(1)</script>")
    rows = search_items(ItemFilters(flag="texte-vide"), clock())
    assert [row.item.external_id for row in rows] == ["TST-0002", "TST-0005"]
    login(client, author.email)
    page = client.get("/atelier/?flag=texte-vide").get_data(as_text=True)
    assert "TST-0002" in page and "TST-0005" in page and "TST-0001" not in page
    assert "énoncé ou option vide, à réécrire" in page


def test_a_draft_with_an_empty_option_cannot_go_to_review(db, clock, loaded_bank, author):
    theme = loaded_bank()
    version = services.save_item(None, theme, parsed(), author, clock())
    db.session.commit()
    _stored_as_before(db, version.item.external_id, option_b="\x0b")
    findings = services.lint(theme, services.parsed_from_version(version), date(2026, 3, 2))
    assert [f.message for f in findings if f.rule == "empty-text"] == [
        "option B vide : aucun texte ne s'affiche une fois retirés la mise en forme non permise "
        "et les caractères de contrôle ; à réécrire dans l'éditeur."
    ]
    with pytest.raises(services.AuthoringError, match="option B vide"):
        services.submit(version, author, clock())
