"""The loader's long table and fingerprint against independent computations from the ORM.

The loader reads column rows into arrays and writes the fingerprint's CSV itself (for speed at
100,000 attempt items); these tests rebuild both the slow, obvious way: one ORM attempt at a
time, and pandas' ``to_csv`` as docs/reports.md defines the fingerprint.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from questionnaire.attempts.grading import neutralise_item
from questionnaire.attempts.models import Attempt, Response
from questionnaire.auth.models import Role
from questionnaire.reports.loader import (
    FINAL_STATUSES,
    TABLE_COLUMNS,
    fingerprint,
    item_label,
    load_attempts,
    load_session,
    pseudonym,
)


def documented_fingerprint(table: pd.DataFrame) -> str:
    """docs/reports.md's definition, written with pandas: the sorted table's CSV, hashed."""
    canonical = table.loc[:, list(TABLE_COLUMNS)].astype(
        {"attempt_id": str, "item_id": str, "option": str, "key": str, "group": str}
    )
    canonical = canonical.sort_values(["attempt_id", "item_id"], kind="stable")
    text = canonical.to_csv(index=False, lineterminator="\n", float_format="%.17g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def test_fingerprint_is_the_documented_csv_hash_on_awkward_tables():
    plain = _table(
        [
            ("S2-C-B", "ÉCO-1 v1", 1.0, 1.0, "A;C", "A;C", ""),
            ("S2-C-A", "ZED-2 v3", 0.1, 1.0, "", "B", "Particuliers"),
            ("S10-C-A", "eco-1 v1", 1 / 3, 1.0, "D", "B", "Pros"),
            ("S2-C-A", "ABC-9 v2", -0.0, 2.5, "B", "B", ""),
            ("S2-C-B", "ABC-9 v2", 2.5e-17, 2.5, "A", "B", ""),
            ("S1-C-Z", "ABC-9 v2", 0.30000000000000004, 2.5, "é", "B", "Groupe é"),
        ]
    )
    # each character the CSV quotes, alone in a table (comma, quote, line breaks)
    quoted = [
        plain.assign(group=[text, "", "", "", "", ""]) for text in ("A, B", 'A "B"', "A\nB", "A\rB")
    ]
    missing_score = plain.assign(score=[1.0, np.nan, 0.0, 0.0, 1.0, 0.0])
    integer_scores = plain.assign(score=[1, 0, 1, 0, 1, 0], max_score=[1, 1, 1, 1, 1, 1])
    empty = _table([])
    reordered = plain.iloc[::-1].reset_index(drop=True)
    for table in (plain, *quoted, missing_score, integer_scores, empty, reordered):
        assert fingerprint(table) == documented_fingerprint(table)
    assert fingerprint(reordered) == fingerprint(plain)  # rows sorted before hashing
    assert fingerprint(plain.assign(score=[1.0, 0.1, 1 / 3, 0.0, 0.0, 0.3])) != fingerprint(plain)


def _expected(attempts, prefix_session: bool):
    """Rows, not-reached counts, exposures and neutralised labels, one ORM attempt at a time."""
    from questionnaire.attempts.grading import scoring_rules

    rows, not_reached, exposure, neutralised = [], {}, {}, set()
    for attempt in attempts:
        code = pseudonym(attempt.user_id)
        attempt_id = f"S{attempt.session_id}-{code}" if prefix_session else code
        rules = scoring_rules([ai.version for ai in attempt.items], attempt.session_id)
        answered = []
        for attempt_item in sorted(attempt.items, key=lambda ai: ai.position):
            version = attempt_item.version
            label = item_label(version.item.external_id, version.number)
            exposure[label] = exposure.get(label, 0) + 1
            selected = attempt_item.response.selected if attempt_item.response else None
            answered.append(bool(selected))
            if rules[version.id].neutralised or attempt_item.score is None:
                neutralised.add(label)
                continue
            rows.append(
                (attempt_id, label, float(attempt_item.score), 1.0, ";".join(sorted(selected or [])),
                 ";".join(sorted(rules[version.id].correct)),
                 attempt.enrolment.analysis_group or "")
            )  # fmt: skip
        trailing = len(answered) - max((i + 1 for i, a in enumerate(answered) if a), default=0)
        not_reached[attempt_id] = trailing
    return rows, not_reached, exposure, sorted(neutralised)


def _final_attempts(db, session_ids):
    return (
        db.session.execute(
            select(Attempt)
            .where(
                Attempt.session_id.in_(session_ids),
                Attempt.status.in_(FINAL_STATUSES),
                Attempt.graded_at.is_not(None),
            )
            .order_by(Attempt.session_id, Attempt.id)
        )
        .scalars()
        .all()
    )


@pytest.mark.parametrize("prefix_session", [False, True])
def test_loader_rows_equal_the_attempts_read_one_by_one(
    sit_session, db, clock, make_user, prefix_session
):
    first, _, first_attempts = sit_session()
    second, _, second_attempts = sit_session(leave_open=1)  # one attempt still running
    # a multiple selection saved out of order, an explicit empty one, groups on some enrolments
    target = next(ai for ai in second_attempts[0].items if ai.position == 2)
    target.response.selected = ["D", "A"]
    blank = next(ai for ai in second_attempts[1].items if ai.position == 1)
    blank.response.selected = []
    second_attempts[2].enrolment.analysis_group = "Professionnels"
    first_attempts[3].enrolment.analysis_group = "Particuliers"
    db.session.commit()
    jury = make_user(Role.JURY, email="jury-loader@example.org", name="Membre Jury")
    version = next(ai.version for ai in second_attempts[0].items if ai.position == 3)
    neutralise_item(version, second, jury, "Énoncé ambigu", clock())
    db.session.commit()

    loaded = load_attempts([first.id, second.id], prefix_session=prefix_session)

    attempts = _final_attempts(db, [first.id, second.id])
    rows, not_reached, exposure, neutralised = _expected(attempts, prefix_session)
    assert list(loaded.table.itertuples(index=False, name=None)) == rows
    assert loaded.table.columns.tolist() == list(TABLE_COLUMNS)
    assert [a.attempt_id for a in loaded.attempts] == list(not_reached)
    assert {a.attempt_id: a.not_reached for a in loaded.attempts} == not_reached
    assert any(not_reached.values())  # the blank patterns end unanswered
    assert loaded.exposure == exposure
    assert list(loaded.neutralised) == neutralised == [item_label("TST-0003", 1)]
    assert fingerprint(loaded.table) == documented_fingerprint(loaded.table)


def test_a_session_without_final_attempts_gives_an_empty_table(sit_session):
    session, _, _ = sit_session(patterns=[], leave_open=2)
    data = load_session(session)
    assert data.table.empty and data.table.columns.tolist() == list(TABLE_COLUMNS)
    assert data.attempts == () and data.neutralised == ()
    assert fingerprint(data.table) == documented_fingerprint(data.table)


def test_responses_stored_as_json_null_count_as_unanswered(sit_session, db):
    session, users, attempts = sit_session()
    attempt_item = next(ai for ai in attempts[0].items if ai.position == 4)
    db.session.execute(
        Response.__table__.update()
        .where(Response.attempt_item_id == attempt_item.id)
        .values(selected=None)
    )
    db.session.commit()
    data = load_session(session)
    info = next(a for a in data.attempts if a.user_id == users[0].id)
    assert info.not_reached == 1
    row = data.table[(data.table["attempt_id"] == info.attempt_id)].iloc[3]
    assert row["option"] == ""


def test_neutralised_ids_are_those_of_the_versions_split_out(
    sit_session, db, clock, make_user, loaded_bank
):
    """The Angoff cut reads the neutralised items from the decisions; the neutralisation page
    splits the loaded versions: both must name the same items, whatever the decisions."""
    from questionnaire.attempts.models import DecisionKind, ScoringDecision
    from questionnaire.banks.models import ItemVersion
    from questionnaire.reports.services import neutralised_version_ids, split_by_neutralisation
    from tests.conftest import bank_yaml

    session, _, attempts = sit_session()
    other, _, _ = sit_session()
    jury = make_user(Role.JURY, email="jury-split@example.org", name="Membre Jury")
    by_position = {ai.position: ai.version for ai in attempts[0].items}
    presented = {v.id for v in by_position.values()}
    loaded_bank(bank_yaml("risques", prefix="RSK"), theme="risques")  # never presented here
    unseen = db.session.execute(
        select(ItemVersion).where(ItemVersion.id.not_in(presented)).limit(1)
    ).scalar_one()

    def decide(version, kind, session_id, keys=None):
        db.session.add(
            ScoringDecision(
                item_version_id=version.id, session_id=session_id, kind=kind, correct_keys=keys,
                reason="test", decided_by_id=jury.id, decided_at=clock(),
            )
        )  # fmt: skip
        db.session.commit()

    def both():
        return neutralised_version_ids(session), {v.id for v in split_by_neutralisation(session)[1]}

    assert both() == (set(), set())
    decide(by_position[1], DecisionKind.REKEY, session.id, ["A", "B"])  # still scored
    decide(by_position[2], DecisionKind.NEUTRALISE, other.id)  # another session's decision
    decide(unseen, DecisionKind.NEUTRALISE, None)  # everywhere, but not presented here
    assert both() == (set(), set())
    decide(by_position[3], DecisionKind.NEUTRALISE, session.id)
    decide(by_position[4], DecisionKind.NEUTRALISE, None)  # in every session
    decide(by_position[1], DecisionKind.NEUTRALISE, session.id)  # after its re-key
    found, split = both()
    assert found == split == {by_position[i].id for i in (1, 3, 4)}


def test_the_garbage_collector_is_left_as_it_was_found(sit_session):
    """The loader pauses Python's cyclic collector for its bulk read, and only that long."""
    import gc

    session, _, _ = sit_session()
    assert gc.isenabled()
    load_session(session)
    assert gc.isenabled()
    gc.disable()
    try:
        load_session(session)
        assert not gc.isenabled()  # off before: not switched on behind the caller's back
    finally:
        gc.enable()
