"""The workspace's item list reads the flags of the page it shows, not of every item; a filter
on a flag still looks through every item.

At 1,600 items the list asked the revalidation queue about every published version and checked
8,000 texts for emptiness before showing 50 rows (397 ms in ``benchmarks/pages.py``).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from questionnaire.authoring import freshness, search
from questionnaire.banks.models import Item
from tests.conftest import bank_yaml, login, page_text

SIXTY = bank_yaml(topics={"alpha": 30, "beta": 30})  # TST-0001 … TST-0060, « Art. n CGI »


def _shown(page: str) -> list[str]:
    """The identifiers of the page's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/atelier/items/([^"]+)"', page)


def _record_calls(monkeypatch, module, name: str) -> list[tuple]:
    """Arguments of every call to ``module.name`` (which still runs)."""
    calls: list[tuple] = []
    original = getattr(module, name)

    def recording(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return calls


@pytest.fixture
def sixty_items(client, loaded_bank, author):
    loaded_bank(SIXTY)
    login(client, author.email)


def test_flags_are_computed_for_the_items_of_the_page_only(client, clock, sixty_items, monkeypatch):
    clock.advance(days=3650)  # every published item is due again
    examined = _record_calls(monkeypatch, freshness, "due_reasons")  # one per published version
    checked = _record_calls(monkeypatch, search, "shows_nothing")  # one per stem and option
    first = client.get("/atelier/").get_data(as_text=True)
    assert "60 item(s) — page 1 sur 2" in page_text(first)
    rows = _shown(first)
    assert rows[0] == "TST-0001" and len(rows) < 60
    assert first.count("tag-a-revalider") == len(rows)
    # the queue examined the versions shown, the emptiness check their texts, nothing else
    assert sorted(reference for _, reference, *_ in examined) == sorted(
        f"Art. {int(external_id[4:])} CGI" for external_id in rows
    )
    assert len(checked) == 5 * len(rows)  # a stem and four options each
    examined.clear()
    second = client.get("/atelier/?page=2").get_data(as_text=True)
    assert _shown(second)[-1] == "TST-0060"
    assert len(examined) == len(_shown(second)) == 60 - len(rows)


def test_a_flag_filter_finds_the_flagged_items_of_every_page(
    client, db, clock, sixty_items, author
):
    first_page = _shown(client.get("/atelier/").get_data(as_text=True))
    assert "TST-0003" in first_page and "TST-0057" not in first_page
    for reference in ("Art. 3 CGI", "Art. 57 CGI"):
        freshness.record_reference_change(reference, clock().date(), "", author, clock())
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0058")).scalar_one()
    item.latest_version.option("B").text = "\x02"  # stored by an import before it was refused
    db.session.commit()
    due = client.get("/atelier/?flag=a-revalider").get_data(as_text=True)
    assert _shown(due) == ["TST-0003", "TST-0057"]
    assert "2 item(s)" in page_text(due) and due.count("tag-a-revalider") == 2
    empty = client.get("/atelier/?flag=texte-vide").get_data(as_text=True)
    assert _shown(empty) == ["TST-0058"]
    # combined with the other filters, and unknown flags find nothing, as before
    assert _shown(client.get("/atelier/?flag=a-revalider&q=art.+57").get_data(as_text=True)) == [
        "TST-0057"
    ]
    assert _shown(client.get("/atelier/?flag=inconnu").get_data(as_text=True)) == []
    # unfiltered, each page shows the flags of its own rows
    second = client.get("/atelier/?page=2").get_data(as_text=True)
    assert second.count("tag-a-revalider") == 1 and second.count("tag-texte-vide") == 1
