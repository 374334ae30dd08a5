"""The workspace search reads French as authors type it: accents, capitals, curly apostrophes.

« EPARGNE » (capitals are often written without accents), « prelevements » or « l’impôt » (the
apostrophe that Word and macOS type) found nothing in a bank that says « épargne »,
« prélèvements » and « l'impôt ».
"""

from __future__ import annotations

import pytest

from questionnaire.authoring.search import ItemFilters, folded, search_items
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login

STEM = "Quel est le plafond de l'épargne réglementée « cœur » soumise aux prélèvements ?"


@pytest.mark.parametrize(
    "typed",
    ["épargne", "EPARGNE", "Epargne", "prelevements", "PRÉLÈVEMENTS", "de l’épargne", "coeur"],
)
def test_search_ignores_accents_case_and_typographic_apostrophes(
    client, db, clock, loaded_bank, author, typed
):
    loaded_bank()
    login(client, author.email)
    url = "/atelier/items/nouveau?theme=fiscalite"
    client.post(url, data=editor_data(form_token(client, url), stem=STEM))
    rows = search_items(ItemFilters(text=typed), clock())
    assert [row.item.external_id for row in rows] == ["TST-0009"]
    page = client.get("/atelier/", query_string={"q": typed}).get_data(as_text=True)
    assert "1 item(s)" in page and "TST-0009" in page


def test_search_still_tells_words_apart(db, clock, loaded_bank):
    loaded_bank()
    # the test bank's stems say « quelle réponse ? » and its references « Art. n CGI »
    assert len(search_items(ItemFilters(text="REPONSE"), clock())) == 8
    assert search_items(ItemFilters(text="réponses"), clock()) == []
    assert [r.item.external_id for r in search_items(ItemFilters(text="art. 3 cgi"), clock())] == [
        "TST-0003"
    ]


def test_folded():
    assert folded("L’Œuvre d’ÉTÉ\u00a0: ça") == "l'oeuvre d'ete : ca"
