"""The period synthesis names the sessions whose pass rate differs, only when the test says so."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy.stats import chi2_contingency

from questionnaire.reports import period_synthesis as period_synthesis_module
from questionnaire.reports.period_synthesis import differing_sessions, period_synthesis


def _session(sid: int, title: str):
    return SimpleNamespace(id=sid, title=title)


def _summary(passed: int, n: int, low: float, high: float):
    # the Wilson bounds are inputs here: the synthesis compares them with the pooled rate
    return SimpleNamespace(
        passed=passed, stats=SimpleNamespace(n_attempts=n), pass_low=low, pass_high=high
    )


def test_sessions_whose_interval_misses_the_pooled_rate_are_named():
    sessions = [_session(1, "A"), _session(2, "B"), _session(3, "C")]
    summaries = {
        1: _summary(45, 50, 0.79, 0.95),  # 90 %
        2: _summary(10, 50, 0.11, 0.33),  # 20 %
        3: _summary(28, 50, 0.42, 0.69),  # 56 %, around the pooled 83 / 150 = 55,3 %
    }
    expected_p = chi2_contingency([[45, 5], [10, 40], [28, 22]]).pvalue
    p, names = differing_sessions(sessions, summaries)
    assert abs(p - expected_p) < 1e-12 and p < 0.05
    assert names == ["A", "B"]


def test_no_session_is_named_when_the_rates_do_not_differ():
    sessions = [_session(1, "A"), _session(2, "B")]
    summaries = {1: _summary(25, 50, 0.37, 0.63), 2: _summary(27, 50, 0.40, 0.67)}
    p, names = differing_sessions(sessions, summaries)
    assert p > 0.05 and names == []


def test_a_single_graded_session_has_nothing_to_compare():
    sessions = [_session(1, "A"), _session(2, "B")]
    assert differing_sessions(sessions, {1: _summary(25, 50, 0.37, 0.63)}) == (None, [])


def _graded(passed: int, n: int, alpha: float):
    summary = _summary(passed, n, 0.0, 1.0)
    summary.reliability = alpha
    return summary


def test_a_p_value_just_below_the_level_does_not_read_as_the_level(monkeypatch):
    """p = 0.049996 printed with four digits is « 0,0500 »: « p = 0,0500 : les sessions
    diffèrent plus que le hasard » contradicted the 5 % level the reader knows."""
    sessions = [
        SimpleNamespace(id=i, title=t, is_open=lambda now: False) for i, t in ((1, "A"), (2, "B"))
    ]
    summaries = {1: _graded(40, 50, 0.85), 2: _graded(30, 50, 0.86)}
    prepared = {i: SimpleNamespace(proportions=np.array([0.5, 0.7])) for i in (1, 2)}
    monkeypatch.setattr(period_synthesis_module, "differing_sessions", lambda s, m: (0.049996, []))
    section = period_synthesis(sessions, prepared, summaries, {}, None)
    text = " ".join(section.paragraphs)
    assert "p = 0,049996 (khi-deux d'homogénéité) : les sessions diffèrent" in text, text
    monkeypatch.setattr(period_synthesis_module, "differing_sessions", lambda s, m: (0.0123, []))
    text = " ".join(period_synthesis(sessions, prepared, summaries, {}, None).paragraphs)
    assert "p = 0,0123 (khi-deux" in text, text  # four digits as before when they suffice


def test_a_session_below_the_alpha_target_is_named_with_its_alpha(monkeypatch):
    """Alpha 0.7996 reads « 0,800 » in the sessions table (three digits): the synthesis named
    the session below « 0,80 » with no figure, so the two seemed to disagree; it now gives the
    alpha with the digits that set it apart, and says when it could not be computed."""
    sessions = [
        SimpleNamespace(id=i, title=t, is_open=lambda now: False)
        for i, t in ((1, "A"), (2, "B"), (3, "C"))
    ]
    summaries = {1: _graded(40, 50, 0.85), 2: _graded(30, 50, 0.7996), 3: _graded(30, 50, None)}
    prepared = {i: SimpleNamespace(proportions=np.array([0.5, 0.7])) for i in (1, 2, 3)}
    monkeypatch.setattr(period_synthesis_module, "differing_sessions", lambda s, m: (None, []))
    text = " ".join(period_synthesis(sessions, prepared, summaries, {}, None).paragraphs)
    assert (
        "fidélité insuffisante pour une décision individuelle dans 2 sessions sur 3 "
        "(B : alpha 0,7996 ; C : alpha non calculable)."
    ) in text, text


def test_a_period_whose_copies_all_lost_their_items_does_not_say_none_was_graded():
    """Ten copies graded, every item of their session neutralised: « Aucune copie notée sur la
    période » contradicted the scope's « copies remises ou échues et notées : 10 »."""
    sessions = [SimpleNamespace(id=1, title="A", is_open=lambda now: False)]
    text = " ".join(period_synthesis(sessions, {}, {}, {}, None, copies=10).paragraphs)
    assert "Aucune copie" not in text
    assert "10 copies notées, mais tous les items de leurs sessions ont été neutralisés" in text
    assert (
        "Aucune copie notée sur la période."
        in period_synthesis(sessions, {}, {}, {}, None).paragraphs
    )


def test_a_tiny_p_value_reads_below_the_smallest_shown(monkeypatch):
    """Sessions of 90 % and 20 % pass rates: p ≈ 3e-20 read « p = 0,0000 », as if the
    chi-square said the impossible; it now reads « p < 0,0001 »."""
    sessions = [
        SimpleNamespace(id=i, title=t, is_open=lambda now: False) for i, t in ((1, "A"), (2, "B"))
    ]
    summaries = {1: _graded(45, 50, 0.85), 2: _graded(10, 50, 0.86)}
    prepared = {i: SimpleNamespace(proportions=np.array([0.5, 0.7])) for i in (1, 2)}
    monkeypatch.setattr(period_synthesis_module, "differing_sessions", lambda s, m: (3e-20, []))
    text = " ".join(period_synthesis(sessions, prepared, summaries, {}, None).paragraphs)
    assert "p < 0,0001 (khi-deux d'homogénéité) : les sessions diffèrent" in text, text
