"""GIFT metadata comments written with a capital (« // @Topic: », « // @REFERENCE: »).

They were taken for ordinary comments and dropped without a word: the item went to the
default topic, its reference was reported missing, and nothing said why.
"""

from __future__ import annotations

from questionnaire.exchange.gift import parse_gift
from tests.exchange.conftest import TODAY


def test_metadata_names_are_read_whatever_their_case():
    text = "// @Topic: beta\n// @REFERENCE: Art. 1\n::Q:: Plafond du PEA ? {=150 000 € ~1 € ~2 €}\n"
    result = parse_gift(text.encode(), "q.gift", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert (source.item.topic, source.item.reference) == ("beta", "Art. 1")


def test_a_comment_that_looks_like_metadata_but_is_unknown_is_still_reported():
    text = "// @Auteur: Alix\n::Q:: Plafond du PEA ? {=150 000 € ~1 € ~2 €}\n"
    result = parse_gift(text.encode(), "q.gift", TODAY)
    assert next((e.location, e.message) for e in result.report.warnings) == (
        "ligne 1",
        "métadonnée inconnue « auteur » ignorée.",
    )
