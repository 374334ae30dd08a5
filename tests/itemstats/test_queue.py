"""The « Items à revoir » queue: flagged published versions, most severe first."""

from sqlalchemy import select

from questionnaire.banks.models import Item, VersionStatus
from questionnaire.itemstats.models import ItemStatistics
from questionnaire.itemstats.services import review_queue
from tests.conftest import bank_yaml


def _add(db, clock, version, flags, r_rest=0.3, session_id=None):
    db.session.add(
        ItemStatistics(
            item_version_id=version.id,
            session_id=session_id,
            n=120,
            facility=0.5,
            r_rest=r_rest,
            flags=flags,
            options=[{"option": "C", "is_key": False, "proportion": 0.0}],
            computed_at=clock(),
        )
    )


def test_queue_orders_by_severity_then_discrimination(db, clock, loaded_bank, make_session):
    theme = loaded_bank(bank_yaml(topics={"alpha": 8}))
    versions = {
        item.external_id: item.latest_version for item in db.session.execute(select(Item)).scalars()
    }
    _add(db, clock, versions["TST-0001"], ["unused_distractor:C"])
    _add(db, clock, versions["TST-0002"], ["low_discrimination"], r_rest=0.1)
    _add(db, clock, versions["TST-0003"], ["too_easy"], r_rest=0.25)
    _add(db, clock, versions["TST-0004"], ["possible_second_key:C"], r_rest=0.15)
    _add(db, clock, versions["TST-0005"], ["negative_discrimination"], r_rest=-0.2)
    _add(db, clock, versions["TST-0006"], [])  # nothing to review
    _add(db, clock, versions["TST-0007"], ["too_hard"], r_rest=0.05)
    versions["TST-0008"].status = VersionStatus.RETIRED  # retired: not worth reviewing
    _add(db, clock, versions["TST-0008"], ["negative_discrimination"], r_rest=-0.5)
    session, _ = make_session(theme=theme, blueprint={"alpha": 2})
    _add(db, clock, versions["TST-0006"], ["too_hard"], session_id=session.id)  # one session only
    db.session.commit()

    queue = review_queue()

    assert [(e.version.item.external_id, e.severity) for e in queue] == [
        ("TST-0005", 1),
        ("TST-0004", 1),
        ("TST-0007", 2),
        ("TST-0003", 2),
        ("TST-0002", 3),
        ("TST-0001", 4),
    ]
    assert queue[-1].flags[0].action == "Réécrire le distracteur C, jamais choisi."
    assert review_queue(versions["TST-0001"].item.theme)[0].version.item.external_id == "TST-0005"
    urgent = review_queue(up_to=2)
    assert [e.version.item.external_id for e in urgent] == [
        "TST-0005",
        "TST-0004",
        "TST-0007",
        "TST-0003",
    ]


def test_few_copies_come_after_the_entries_with_enough_copies(db, clock, loaded_bank):
    """Twelve copies make r_rest swing widely: such an entry is to confirm, not the most urgent."""
    loaded_bank(bank_yaml(topics={"alpha": 3}))
    versions = {
        item.external_id: item.latest_version for item in db.session.execute(select(Item)).scalars()
    }
    _add(db, clock, versions["TST-0001"], ["negative_discrimination"], r_rest=-0.6)
    _add(db, clock, versions["TST-0002"], ["unused_distractor:C"], r_rest=0.4)
    _add(db, clock, versions["TST-0003"], ["negative_discrimination"], r_rest=-0.1)
    db.session.flush()
    for row in db.session.execute(select(ItemStatistics)).scalars():
        if row.item_version_id == versions["TST-0001"].id:
            row.n = 12
    db.session.commit()

    assert [e.version.item.external_id for e in review_queue()] == [
        "TST-0003",
        "TST-0002",
        "TST-0001",
    ]
