"""Freshness on 29 February: « three years ago » is 28 February of a common year.

``date.replace(year=…)`` raised on 29 February 2028, so every stable item broke the
workspace list, the « À revalider » queue, item pages and the linter of imports that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from questionnaire.authoring import freshness
from questionnaire.banks.lint import years_before
from questionnaire.banks.models import Item, ItemVersion, Volatility
from questionnaire.exchange.services import import_file
from tests.conftest import login

LEAP_DAY = date(2028, 2, 29)


def test_years_before_a_leap_day():
    assert years_before(LEAP_DAY, 3) == date(2025, 2, 28)
    assert years_before(LEAP_DAY, 4) == date(2024, 2, 29)
    assert years_before(date(2026, 3, 2), 3) == date(2023, 3, 2)


def _checked_on(db, external_id: str, day: date) -> None:
    version_id = db.session.execute(
        select(ItemVersion.id).join(Item).where(Item.external_id == external_id)
    ).scalar_one()
    db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.id == version_id)
        .values(valid_as_of=day, volatility=Volatility.STABLE)
    )
    db.session.commit()


def test_stable_items_on_a_leap_day(db, loaded_bank):
    loaded_bank()  # every item checked on 2026-01-15, stable
    _checked_on(db, "TST-0001", date(2025, 2, 27))  # more than three years before
    _checked_on(db, "TST-0002", date(2025, 2, 28))  # exactly three years before: not yet due
    queue = freshness.revalidation_queue(LEAP_DAY)
    assert {entry.version.item.external_id: list(entry.reasons) for entry in queue} == {
        "TST-0001": ["vérifié le 27/02/2025, il y a plus de 3 ans"]
    }


def test_workspace_pages_and_imports_on_a_leap_day(client, db, clock, loaded_bank, author):
    loaded_bank()
    clock.now = datetime(2028, 2, 29, 9, 0, tzinfo=UTC)
    login(client, author.email)
    for url in ("/atelier/", "/atelier/a-revalider", "/atelier/items/TST-0001"):
        assert client.get(url).status_code == 200, url
    report = import_file(b"Q ?{=a ~b ~c}\n", "q.gift", "gift", "fiscalite", clock())
    assert len(report.imported) == 1
