"""The period report validates its table once and takes each session's rows from it: the same
report as preparing each session's rows alone."""

from __future__ import annotations

from datetime import date

import analytics.io
from analytics import prepare
from questionnaire.reports import period_report
from questionnaire.reports.period_report import build_period_report
from tests.reports.test_period_report import PATTERNS_LATER


def _period(sit_session, clock):
    early, _, _ = sit_session()
    clock.advance(days=20)
    sit_session(PATTERNS_LATER)
    return early.questionnaire.theme


def _build(theme, clock):
    return build_period_report(theme, date(2026, 3, 1), date(2026, 3, 31), clock())


def _count_validations(monkeypatch) -> list[int]:
    calls = []
    validate = analytics.io.validate_responses

    def counted(table):
        calls.append(len(table))
        return validate(table)

    monkeypatch.setattr(analytics.io, "validate_responses", counted)
    return calls


def test_the_period_table_is_validated_once(sit_session, clock, monkeypatch):
    theme = _period(sit_session, clock)
    calls = _count_validations(monkeypatch)
    report = _build(theme, clock)
    assert len(report.table("sessions").rows) == 2
    assert len(calls) == 1  # the period's table; not each session's rows again


def test_the_same_report_as_each_session_prepared_alone(sit_session, clock, monkeypatch):
    theme = _period(sit_session, clock)
    derived = _build(theme, clock)

    loaded = []
    load_attempts = period_report.load_attempts

    def kept(*args, **kwargs):
        loaded.append(load_attempts(*args, **kwargs))
        return loaded[-1]

    def alone(whole, rows):  # the session's raw rows, validated on their own
        return prepare(loaded[-1].table[rows].reset_index(drop=True))

    monkeypatch.setattr(period_report, "load_attempts", kept)
    monkeypatch.setattr(period_report, "select_rows", alone)
    calls = _count_validations(monkeypatch)
    plain = _build(theme, clock)
    assert len(calls) == 3  # the plain way: the period, then each of its 2 sessions
    assert repr(derived) == repr(plain)


def test_period_days_are_paris_days_across_a_clock_change():
    """29 March 2026, the spring change in Paris: the day runs from 23:00 UTC the day before
    (UTC+1) to 22:00 UTC (UTC+2), 23 hours; 25 October, the autumn one, 25 hours."""
    from datetime import UTC, date, datetime

    from questionnaire.reports.period_report import local_bounds

    assert local_bounds(date(2026, 3, 29), date(2026, 3, 29)) == (
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
    )
    first, last = local_bounds(date(2026, 10, 25), date(2026, 10, 25))
    assert (first, last) == (
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
    )
    assert (last - first).total_seconds() == 25 * 3600


def test_a_period_day_holds_the_sessions_opened_that_day_in_paris(make_session, clock):
    """Opened at 00:30 in Paris on 29 March (23:30 UTC the day before): in the period of the
    29th; opened at 00:30 in Paris on the 30th (22:30 UTC on the 29th): not in it; a training
    session that day: never in a CPNE report."""
    from datetime import UTC, datetime

    from questionnaire.exams.models import SessionPurpose
    from questionnaire.reports.period_report import local_bounds, period_sessions

    def opening_at(moment, **kwargs):
        session, _ = make_session(opens_in=moment - clock(), **kwargs)
        return session

    inside = opening_at(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    theme = inside.questionnaire.theme
    opening_at(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), theme=theme)
    opening_at(
        datetime(2026, 3, 29, 12, 0, tzinfo=UTC), theme=theme, purpose=SessionPurpose.TRAINING
    )
    found = period_sessions(theme, *local_bounds(date(2026, 3, 29), date(2026, 3, 29)))
    assert found == [inside]
