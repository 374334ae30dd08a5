"""The default topic of an import is named like an item's topic: by slug or by title.

The page asks for a topic in plain words; « Sujet beta » (the title an author reads everywhere)
was refused as unknown while the same words in a CSV ``topic`` column were accepted.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.banks.models import ItemVersion
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file


@pytest.mark.parametrize("typed", ["beta", "Sujet beta", "SUJET BÉTA"])
def test_default_topic_by_slug_or_title(db, clock, loaded_bank, typed):
    loaded_bank()
    report = import_file(b"Q ?{=a ~b ~c}\n", "q.gift", "gift", "fiscalite", clock(), typed)
    version = db.session.execute(
        select(ItemVersion).where(ItemVersion.status == "draft")
    ).scalar_one()
    assert version.topic.slug == "beta"
    assert "rattaché(s) au sujet « beta »" in report.warnings[-1].message


def test_unknown_default_topic_lists_the_theme_topics(db, clock, loaded_bank):
    loaded_bank()
    with pytest.raises(ImportRejected) as caught:
        import_file(b"Q ?{=a ~b ~c}\n", "q.gift", "gift", "fiscalite", clock(), "gamma")
    assert [(e.location, e.message) for e in caught.value.report.errors] == [
        ("q.gift", "sujet par défaut « gamma » inconnu dans ce thème ; sujets : alpha, beta.")
    ]
