"""An item found « identique » to a retired version says that it stays retired.

Re-importing a bank whose item had been retired answered « identique à la version 1 », and
nothing was created: the author believed the item back in the forms, where it no longer goes.
"""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring.services import retire
from questionnaire.banks.models import Item
from questionnaire.exchange.services import export_theme, import_file


def test_an_identical_retired_version_is_said_retired(db, clock, loaded_bank, make_user):
    loaded_bank()
    data, _ = export_theme("fiscalite", "yaml")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    retire(item.latest_version, reviewer, "Règle abrogée.", clock())
    db.session.commit()
    report = import_file(data, "fiscalite.yaml", "yaml", "fiscalite", clock())
    messages = [entry.message for entry in report.unchanged]
    assert len(messages) == 8 and report.imported == []
    assert messages[0] == (
        "TST-0001 : identique à la version 1, retirée : l'import ne la remet pas en service."
    )
    assert messages[1] == "TST-0002 : identique à la version 1."
