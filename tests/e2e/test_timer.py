"""The countdown in a real browser: polite warnings at thresholds, then expiry and finalisation.

The page's clock is Playwright's fake clock and the attempt's deadline is set in the database,
so the test waits on conditions, never on wall-clock minutes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect


def set_deadline(live_app, user_id: int, seconds_from_now: int) -> None:
    with live_app.app_context():
        attempt = db.session.execute(
            db.select(Attempt).where(Attempt.user_id == user_id)
        ).scalar_one()
        attempt.deadline = now_utc() + timedelta(seconds=seconds_from_now)
        db.session.commit()


def attempt_status(live_app, user_id: int) -> AttemptStatus:
    with live_app.app_context():
        return db.session.execute(
            db.select(Attempt.status).where(Attempt.user_id == user_id)
        ).scalar_one()


def start_with_75_seconds_left(page, make_exam, live_app):
    """The candidate starts; the deadline is set 75 s ahead and the page's clock made fake."""
    exam = make_exam()
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    set_deadline(live_app, exam.user_id, 75)
    page.clock.install()
    page.reload()
    return exam


def test_countdown_warns_politely_then_expiry_finalises_the_attempt(page, make_exam, live_app):
    exam = start_with_75_seconds_left(page, make_exam, live_app)
    announcer = page.locator("#timer-announcer")
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^1 min \d\d s$"))
    expect(page.locator(".timer-live > span")).to_have_attribute("aria-hidden", "true")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_be_empty()

    page.locator('input[name="answer"]').first.check()
    expect(page.locator("#save-status")).to_have_text(re.compile("Réponse enregistrée"))
    page.clock.run_for(2_000)
    expect(announcer).to_be_empty()  # no announcement every second
    page.clock.run_for(15_000)
    expect(announcer).to_have_text("Il reste 1 minute.")
    expect(page.locator("#timer")).to_have_class(re.compile("timer-warning"))

    set_deadline(live_app, exam.user_id, -1)
    page.clock.run_for(70_000)

    expect(page).to_have_title(re.compile("^Résultat"))
    expect(page.locator(".notice")).to_have_text(re.compile("Le temps imparti s'est écoulé"))
    assert attempt_status(live_app, exam.user_id) is AttemptStatus.EXPIRED
    expect(page.locator(".result-summary")).to_contain_text("/ 2")


def test_extra_time_granted_while_the_page_is_open_moves_its_countdown(page, make_exam, live_app):
    """An incident's extra time reaches a page loaded before it: no submission at the old end."""
    exam = start_with_75_seconds_left(page, make_exam, live_app)
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^1 min \d\d s$"))

    set_deadline(live_app, exam.user_id, 600)  # ten minutes granted after the page loaded
    # to the old end and one second past it: the page asks the server before submitting
    page.clock.run_for(76_000)

    announcer = page.locator("#timer-announcer")
    expect(announcer).to_have_text(re.compile("^Temps supplémentaire accordé : fin de l'épreuve à"))
    # the page's clock ran 76 s ahead of the server's: about 524 s are left on its countdown
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^8 min \d\d s$"))
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    assert attempt_status(live_app, exam.user_id) is AttemptStatus.IN_PROGRESS


def start_with_seconds_left(page, make_exam, live_app, seconds: int):
    """Like ``start_with_75_seconds_left``, and every text of the announcer recorded."""
    exam = make_exam()
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    set_deadline(live_app, exam.user_id, seconds)
    page.add_init_script(
        """window.addEventListener("DOMContentLoaded", () => {
             window.said = [];
             const announcer = document.getElementById("timer-announcer");
             new MutationObserver(() => window.said.push(announcer.textContent))
               .observe(announcer, {childList: true, characterData: true, subtree: true});
           });"""
    )
    page.clock.install()
    page.reload()
    return exam


def test_extra_time_granted_long_before_the_end_reaches_the_open_page(page, make_exam, live_app):
    """Twenty minutes left, ten more granted: the page learns it within minutes, not at 5 min."""
    exam = start_with_seconds_left(page, make_exam, live_app, 20 * 60)
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^(20 min 00|19 min 5\d) s$"))

    set_deadline(live_app, exam.user_id, 30 * 60)
    page.clock.run_for(4 * 60_000)

    expect(page.locator("#timer-announcer")).to_have_text(
        re.compile("^Temps supplémentaire accordé : fin de l'épreuve à")
    )
    # 30 min on the server's clock, 4 of them run on the page's: about 26 min left
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^2[56] min \d\d s$"))


def test_a_threshold_the_extra_time_pushed_back_is_not_announced(page, make_exam, live_app):
    """Granted just before the old 5-minute mark: « Il reste 5 minutes » is never said."""
    exam = start_with_seconds_left(page, make_exam, live_app, 5 * 60 + 20)
    set_deadline(live_app, exam.user_id, 15 * 60 + 20)  # ten minutes granted
    # just past the old 5-minute mark: the page asks the server (which answers in real time,
    # while the fake clock stands still) before saying anything
    page.clock.run_for(21_000)

    expect(page.locator("#timer-announcer")).to_have_text(
        re.compile("^Temps supplémentaire accordé : fin de l'épreuve à")
    )
    assert "Il reste 5 minutes." not in page.evaluate("window.said")
    expect(page.locator("#timer")).not_to_have_class(re.compile("timer-warning"))


def test_extra_time_granted_as_the_copy_is_handed_in_offers_the_questions_again(
    page, make_exam, live_app
):
    """The countdown reached zero, the server did not move the end, and the page hands the copy
    in; the grant lands then: the page loads again with the new end instead of waiting, the
    questions closed, for the new deadline to hand the copy in."""
    # 30 s left: both warnings are past, so the page asks for its deadline only at zero
    exam = start_with_seconds_left(page, make_exam, live_app, 30)
    asked: list[str] = []

    def grant_as_the_copy_is_handed_in(route):
        asked.append(route.request.url)
        if len(asked) == 2:  # the end found unchanged at zero, now the copy is handed in
            set_deadline(live_app, exam.user_id, 600)  # ten minutes granted meanwhile
        route.continue_()

    page.route("**/deadline", grant_as_the_copy_is_handed_in)
    page.clock.run_for(31_000)
    expect(page.locator("#time-up-alert")).to_contain_text("Temps écoulé")
    page.clock.run_for(5_000)  # the last saves answered, the page hands the copy in

    # loaded again: ten minutes left by the server's clock, the questions offered
    expect(page.locator(".timer-value")).to_have_text(re.compile(r"^(10 min 00|9 min \d\d) s$"))
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    expect(page.locator('input[name="answer"]').first).to_be_enabled()
    assert len(asked) == 2
    assert attempt_status(live_app, exam.user_id) is AttemptStatus.IN_PROGRESS
