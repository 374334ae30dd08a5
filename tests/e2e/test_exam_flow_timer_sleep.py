"""The countdown after the computer slept: one warning, the one that holds."""

from __future__ import annotations

import pytest

from tests.e2e.test_timer import start_with_seconds_left

expect = pytest.importorskip("playwright.sync_api").expect


def test_both_marks_passed_while_asleep_say_only_the_last_minute(page, make_exam, live_app):
    """Six minutes left, then the laptop's lid closed for five minutes and forty seconds: on
    waking, 20 s are left, and « Il reste 5 minutes. » would be false."""
    start_with_seconds_left(page, make_exam, live_app, 6 * 60)
    expect(page.locator(".timer-value")).to_have_text("6 min 00 s")

    page.clock.fast_forward(5 * 60_000 + 40_000)  # asleep: the page's timers fire once, late

    expect(page.locator("#timer-announcer")).to_have_text("Il reste 1 minute.")
    page.clock.run_for(2_000)  # both warnings' deadline checks answered
    assert page.evaluate("window.said") == ["Il reste 1 minute."]
