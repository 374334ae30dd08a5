"""A topic taken out of a bank's plan stops being drawn once the bank is reloaded.

``banks load`` updates each topic the file declares, but a topic the file no longer declares
(renamed, merged into another) kept its old ``draw``: new questionnaires still drew from it and
the theme's form length counted it (21 items for a plan of 20).
"""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.banks.models import Theme
from questionnaire.exams.services import default_blueprint
from tests.conftest import bank_yaml

BEFORE = bank_yaml(topics={"alpha": 4, "beta": 4})
#: the same items, the topic « beta » renamed « gamma » (its items move with it)
AFTER = bank_yaml(topics={"alpha": 4, "gamma": 4})


def test_a_topic_dropped_from_the_file_is_no_longer_drawn(db, loaded_bank):
    loaded_bank(BEFORE)
    loaded_bank(AFTER)
    db.session.expire_all()
    theme = db.session.execute(select(Theme).where(Theme.slug == "fiscalite")).scalar_one()
    assert default_blueprint(theme) == {"alpha": 1, "gamma": 1}
    assert theme.form_items == 2
