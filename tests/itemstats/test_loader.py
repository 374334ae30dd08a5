"""The loader turns final attempts of a session into the library's long table."""

from questionnaire.attempts.grading import neutralise_item, rekey_item
from questionnaire.auth.models import Role
from questionnaire.itemstats.loader import combine, load_session_responses
from tests.conftest import bank_yaml

# TST-0001 key B, TST-0002 key C, TST-0003 multiple (A and D), TST-0004 key A
BANK = bank_yaml(topics={"alpha": 4}, multiple_every=3)


def test_long_table_of_a_hand_made_session(
    db, clock, loaded_bank, make_session, make_user, sit, version_of
):
    session, first = make_session(
        theme=loaded_bank(BANK), item_count=4, blueprint={"alpha": 4}, shuffle=False
    )
    sit(session, {"TST-0001": ["B"], "TST-0002": ["A"], "TST-0003": ["A", "D"]}, user=first)
    sit(session, {"TST-0001": ["C"], "TST-0002": ["C"], "TST-0004": ["A"]})
    sit(session, {"TST-0001": ["B"]}, submit=False)  # still in progress: not in the table
    admin = make_user(Role.ADMIN)
    neutralise_item(version_of("TST-0004"), session, admin, "Énoncé ambigu", clock())
    rekey_item(version_of("TST-0002"), ["A"], admin, "Clé erronée", clock(), session=session)
    db.session.commit()

    loaded = load_session_responses(session)

    ids = {version_of(f"TST-000{n}").id: f"TST-000{n}" for n in range(1, 5)}
    rows = [
        (ids[int(item)], score, option, key)
        for item, score, option, key in loaded.table[
            ["item_id", "score", "option", "key"]
        ].itertuples(index=False)
    ]
    assert rows == [
        ("TST-0001", 1.0, "B", "B"),
        ("TST-0002", 1.0, "A", "A"),
        ("TST-0003", 1.0, "A;D", "A;D"),
        ("TST-0001", 0.0, "C", "B"),
        ("TST-0002", 0.0, "C", "A"),
        ("TST-0003", 0.0, "", "A;D"),
    ]
    assert loaded.n_attempts == 2
    assert loaded.table["attempt_id"].nunique() == 2
    assert loaded.options[str(version_of("TST-0003").id)] == ["A", "B", "C", "D"]


def test_other_sessions_are_not_loaded_and_combine_pools_them(
    db, clock, loaded_bank, make_session, make_user, sit, version_of
):
    theme = loaded_bank(BANK)
    first, _ = make_session(theme=theme, item_count=4, blueprint={"alpha": 4}, shuffle=False)
    second, _ = make_session(theme=theme, item_count=4, blueprint={"alpha": 4}, shuffle=False)
    sit(first, {"TST-0002": ["C"]})
    sit(second, {"TST-0002": ["A"]})
    rekey_item(version_of("TST-0002"), ["A"], make_user(Role.ADMIN), "Clé", clock(), session=second)
    db.session.commit()

    one = load_session_responses(first)
    two = load_session_responses(second)
    assert len(one.table) == len(two.table) == 4
    pooled = combine([one, two])
    assert len(pooled.table) == 8
    assert pooled.table["attempt_id"].nunique() == 2
    # the pooled table needs one key per item: the latest session's
    version_id = str(version_of("TST-0002").id)
    assert set(pooled.table.loc[pooled.table["item_id"] == version_id, "key"]) == {"A"}
    assert combine([]).is_empty
