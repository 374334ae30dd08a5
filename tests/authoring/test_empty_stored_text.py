"""A stem or option stored empty by an earlier import is found, and blocks the review.

The imports and the editor now refuse a text that shows nothing (a lone ``<img>``, control
characters only), but versions stored before may hold one: published, nothing pointed at them;
as a draft, it went to review without a word.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# characters that matter to the check: markup, entities, white space of every kind, controls
_TRICKY = "<>&;/ \t\n\r\x00\x01\x0b\x0c\x1c\x85\x92\xa0\u2028\u3000aé€"


@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=12) | st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_the_fast_empty_text_check_agrees_with_the_sanitiser(text):
    """A text without « < » nor « & » skips the sanitiser: it must say what the sanitiser says."""
    from questionnaire.banks.fields import shows_nothing, shows_text, without_controls

    assert shows_nothing(text) == (not shows_text(without_controls(text)))


@pytest.mark.parametrize(
    ("text", "empty"),
    [
        ("\u00a0\u3000 \n", True),  # white space of other scripts shows nothing
        ("\x01\x85", True),  # controls removed, a line-breaking one becomes a new line
        ("\x92", False),  # the Windows-1252 apostrophe an old import stored
        ("<img src=x>", True),
        ("&nbsp;", True),
        ("<b>&#160;</b>&#x3000;", True),
        ("&amp;", False),
        ("Taux ?", False),
    ],
)
def test_what_shows_nothing(text, empty):
    from questionnaire.banks.fields import shows_nothing

    assert shows_nothing(text) is empty
