"""The one source of time: aware UTC datetimes, replaceable in tests."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


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
