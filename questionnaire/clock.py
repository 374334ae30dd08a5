"""The one source of time: aware UTC datetimes, replaceable in tests; the day is French."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

# Certification days, check dates and deadlines are French calendar days.
PARIS = ZoneInfo("Europe/Paris")


def now_utc() -> datetime:
    """Current time, aware, in UTC."""
    return datetime.now(UTC)


def current_time() -> datetime:
    """The application's clock (``app.config['CLOCK']`` when set, for frozen tests)."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return now_utc()


def paris_day(moment: datetime) -> date:
    """The calendar day in France at ``moment`` (at 23:30 UTC on 31 December it is already
    1 January in Paris)."""
    return moment.astimezone(PARIS).date()


def today() -> date:
    """Today in France, by the application's clock."""
    return paris_day(current_time())
