"""The session report's numbers are the analytics library's on the loader's long table."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from analytics import distractor_analysis, item_stats, test_stats
from questionnaire.attempts.services import start_attempt
from questionnaire.exams.services import enrol
from questionnaire.itemstats.flags import THRESHOLDS
from questionnaire.reports.dif import NO_GROUP
from questionnaire.reports.loader import load_session, pseudonym
from questionnaire.reports.session_report import build_session_report


def _close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == pytest.approx(b, abs=1e-12)


def test_long_table_holds_every_scored_item_with_options_and_keys(sit_session):
    session, users, _ = sit_session()
    table = load_session(session).table
    assert len(table) == 40
    totals = table.groupby("attempt_id")["score"].sum().sort_values().tolist()
    assert totals == [0, 1, 1, 1, 2, 2, 3, 3, 3, 4]  # right answers per pattern, by hand
    last = table[table["attempt_id"] == pseudonym(users[9].id)]
    assert last["option"].tolist()[2:] == ["", ""]  # the two blank items
    assert set(table["key"]) == {"B", "C", "D", "A"}


def test_report_numbers_equal_the_library(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    table = load_session(session).table
    stats = test_stats(table, cut=Fraction(3, 5))
    results = report.table("resultats").rows[0]
    assert results[:5] == (stats.n_attempts, stats.max_total, stats.mean, stats.median, stats.sd)
    assert results[7] == stats.pass_rate == 0.4
    reliability = dict(zip([c.key for c in report.table("fidelite").columns],
                           report.table("fidelite").rows[0], strict=True))  # fmt: skip
    assert reliability["alpha"] == stats.alpha
    assert (reliability["alpha_low"], reliability["alpha_high"]) == stats.alpha_ci
    assert reliability["sem"] == stats.sem
    assert reliability["csem"] == stats.csem_at_cut.value
    assert reliability["consistency"] == stats.decision_consistency.p
    assert reliability["kappa"] == stats.decision_consistency.kappa
    assert report.table("distribution").rows == tuple(
        (float(b["score"]), b["count"], b["score"] >= 3) for b in stats.histogram
    )  # 60 % of 4 items = 2.4 points: 3 and 4 reach the cut
    declared = {item: list("ABCD") for item in table["item_id"].unique()}  # the test bank's
    items = item_stats(table, THRESHOLDS, options=declared)
    rows = report.table("items")
    assert rows.column("item_id") == items["item_id"].tolist()
    for key in ("facility", "r_rest", "r_total", "d27", "alpha_if_deleted"):
        assert all(_close(a, b) for a, b in zip(rows.column(key), items[key], strict=True)), key
    distractors = distractor_analysis(table, options=declared)
    shown = report.table("distracteurs")
    assert len(shown.rows) == len(distractors) == 4 * 5  # A–D and the omission, per item
    assert all(
        _close(a, b)
        for a, b in zip(shown.column("proportion"), distractors["proportion"], strict=True)
    )


def test_ten_copies_carry_a_small_sample_warning(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    (warning,) = report.warnings
    assert "10 copies seulement (moins de 30)" in warning
    assert any("Moins de 30 copies" in p for p in report.section("fidelite").paragraphs)
    assert any("Moins de 30 copies" in p for p in report.section("items").paragraphs)
    # the figures stay: only labelled as unreliable
    assert report.table("fidelite").rows[0][1] is not None


def test_pass_rate_interval_is_wilson_by_hand(sit_session, clock):
    session, _, _ = sit_session()
    row = build_session_report(session, clock()).table("resultats").rows[0]
    # 4 passes out of 10, z = 1.959964: centre 0.427751, half-width 0.259571
    assert row[6] == 4
    assert row[8] == pytest.approx(0.168180, abs=1e-6)
    assert row[9] == pytest.approx(0.687326, abs=1e-6)


def test_topics_speed_and_accommodations(sit_session, clock):
    session, _, _ = sit_session(extra={0: 33, 1: 33, 2: 50})
    report = build_session_report(session, clock())
    # alpha: items 1-2 right 7 + 5 times of 20; beta: items 3-4 right 5 + 3 times of 20
    assert report.table("sujets").rows == (
        ("Sujet alpha", 2, 10, pytest.approx(0.6)),
        ("Sujet beta", 2, 10, pytest.approx(0.4)),
    )
    speed = report.table("rapidite").rows[0]
    assert speed[:3] == (10, 3, pytest.approx(0.4))
    assert report.table("non_atteints").rows == ((0, 7), (1, 2), (2, 1))
    # every attempt used 1 minute of its allowance: 30 min, 39 min 54 s (+33 %), 45 min (+50 %)
    assert speed[3] == pytest.approx(1 / 30)
    assert report.table("amenagements").rows == (
        ("Temps supplémentaire de 33 %", 2),
        ("Temps supplémentaire de 50 %", 1),
        ("Aménagement noté dans l'inscription", 0),
    )
    assert report.section("dif").paragraphs == (NO_GROUP,)


def test_participation_counts_every_state(sit_session, make_user, db, clock):
    session, _, _ = sit_session()
    started, absent = make_user(email="encours@example.org"), make_user(email="absent@example.org")
    start_attempt(enrol(session, started, clock()), clock(), 30)
    enrol(session, absent, clock())
    db.session.commit()
    row = build_session_report(session, clock()).table("participation").rows[0]
    assert row == (12, 11, 10, 0, 1, 1)


def test_same_data_same_numbers_and_fingerprint(sit_session, clock):
    session, _, _ = sit_session()
    first = build_session_report(session, clock())
    clock.advance(hours=3)
    second = build_session_report(session, clock())
    assert first.generated_at != second.generated_at
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64
    assert first.tables == second.tables


def test_session_without_submitted_attempts_says_so(make_session, clock):
    session, _ = make_session()
    report = build_session_report(session, clock())
    assert "Aucune copie remise" in report.section("resultats").paragraphs[0]
    assert [t.name for t in report.tables] == ["participation", "amenagements", "decisions"]


def test_names_only_when_asked(sit_session, clock):
    session, users, _ = sit_session()
    cpne = build_session_report(session, clock()).table("candidats")
    admin = build_session_report(session, clock(), include_names=True).table("candidats")
    assert "name" not in [c.key for c in cpne.columns]
    assert "Nom Candidat3" in admin.column("name")
    assert sorted(cpne.column("code")) == sorted(pseudonym(u.id) for u in users)


def test_library_totals_agree_with_the_platform_grading(sit_session, clock):
    session, _, attempts = sit_session()
    table = build_session_report(session, clock()).table("candidats")
    by_code = {code: row for code, row in zip(table.column("code"), table.rows, strict=True)}
    for attempt in attempts:
        row = by_code[pseudonym(attempt.user_id)]
        assert (row[2], row[3], row[5]) == (attempt.score, attempt.max_score, attempt.passed)


def test_score_distribution_with_copies_out_of_different_maxima(
    db, clock, make_session, make_user, loaded_bank, bank_yaml_text
):
    # random forms of 2 items out of 4, one item neutralised: a copy that drew it is out of 1
    # point, the others out of 2. The distribution said « Atteint le seuil (0,9375 points) :
    # oui » for a score of 1, though 1 point out of 2 fails (8 copies passed, 14 « reached »)
    from questionnaire.attempts.grading import neutralise_item
    from questionnaire.attempts.models import Response
    from questionnaire.attempts.services import find_enrolment, submit_attempt
    from questionnaire.auth.models import Role
    from tests.reports.conftest import answer_for

    session, first = make_session(item_count=2, theme=loaded_bank(bank_yaml_text))
    users = [first] + [make_user(email=f"c{i}@example.org") for i in range(1, 16)]
    attempts = []
    for i, user in enumerate(users):
        if i:
            enrol(session, user, clock())
            db.session.flush()
        attempt, _ = start_attempt(find_enrolment(user, session.id), clock(), 30, random.Random(i))
        for position, attempt_item in enumerate(attempt.items):  # first right, second if i % 3 == 0
            keys = answer_for(attempt_item.version, position == 0 or i % 3 == 0)
            attempt_item.response = Response(
                attempt_id=attempt.id, selected=keys, seq=1, saved_at=clock()
            )
        clock.advance(minutes=1)
        submit_attempt(attempt, clock(), 30)
        attempts.append(attempt)
    jury = make_user(Role.JURY, email="jury@example.org")
    neutralise_item(attempts[0].items[1].version, session, jury, "Énoncé ambigu", clock())
    db.session.commit()
    assert {a.max_score for a in attempts} == {1, 2}
    outcomes: dict[float, set[bool]] = {}  # the platform's own grading, score by score
    for attempt in attempts:
        outcomes.setdefault(float(attempt.score), set()).add(attempt.passed)
    assert outcomes[1.0] == {True, False}  # 1 / 1 passes, 1 / 2 fails

    report = build_session_report(session, clock())
    table = report.table("distribution")
    assert table.columns[2].label == "Atteint le seuil (60\u00a0% du score maximal de la copie)"
    shown = {score: reaches for score, _, reaches in table.rows}
    for score, passed in outcomes.items():
        expected = passed.pop() if len(passed) == 1 else "selon la copie"
        assert shown[score] == expected, score
    assert sum(count for _, count, _ in table.rows) == len(attempts)
    assert report.table("resultats").rows[0][6] == sum(a.passed for a in attempts)
    assert "dépend de son score maximal" in report.section("resultats").histogram.label
