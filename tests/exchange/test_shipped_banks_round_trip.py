"""Every shipped bank, written in each exchange format and read back, gives the same items.

The fingerprint compared is the one an import uses to find a version « identique »
(``content_hash``): text as sanitised, key, metadata. The same trip through the database
(export_theme, then import_file) was checked when this test was written: every item
« inchangé », in every format.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from questionnaire.banks.services import content_hash
from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.formats import FORMATS
from tests.exchange.conftest import TODAY

BANKS = sorted((Path(__file__).resolve().parents[2] / "question_banks").glob("*.yaml"))


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_shipped_bank_comes_back_identical(path, fmt):
    bank, _findings = parse_bank_text(path.read_text(encoding="utf-8"), path.name)
    assert bank is not None and bank.items
    result = FORMATS[fmt].parse(FORMATS[fmt].write(bank), f"{bank.theme}.{fmt}", TODAY)
    assert result.report.errors == [] and result.report.skipped == []
    # GIFT carries the topic as its category (« $CATEGORY: rgpd/principes-bases »)
    read = [
        replace(source.item, topic=source.item.topic or source.category.rsplit("/", 1)[-1])
        for source in result.items
    ]
    assert [content_hash(item, bank.theme) for item in read] == [
        content_hash(item, bank.theme) for item in bank.items
    ]
