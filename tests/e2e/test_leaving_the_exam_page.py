"""Leaving an exam page while a change of answer waits to be sent: the browser asks first,
except through the page's own buttons, which post the answer with the form."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_exam_resilience import SAVES, first_item, start

expect = pytest.importorskip("playwright.sync_api").expect


def _change_behind_a_save_in_flight(page) -> tuple[str, list]:
    """One answer's save held in flight, then another answer chosen: the second waits.
    Returns the second answer's key and the held requests."""
    held = []

    def hold_the_first(route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(SAVES, hold_the_first)
    options = page.locator('input[name="answer"]')
    options.nth(0).check()
    page.wait_for_function("() => true")  # lets Playwright hand the held request over
    assert held, "the save was not sent"
    options.nth(1).check()
    return options.nth(1).get_attribute("value"), held


def test_a_link_followed_with_a_change_not_sent_asks_first(page, make_exam, live_app):
    exam = start(page, make_exam)
    chosen, held = _change_behind_a_save_in_flight(page)
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.wait_for_function("() => true")
    assert dialogs == ["beforeunload"]
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))  # stayed: the change goes

    held[0].continue_()  # the save in flight arrives, then the waiting change is sent
    expect(page.locator("#save-status")).to_have_text(re.compile("^Réponse enregistrée à"))
    assert first_item(live_app, exam.user_id)[0] == [chosen]

    page.get_by_role("link", name="Accueil", exact=True).click()  # nothing waits: no question
    expect(page).to_have_title(re.compile("^Accueil"))


def test_the_pages_buttons_leave_without_asking_and_post_the_change(page, make_exam, live_app):
    exam = start(page, make_exam)
    chosen, _held = _change_behind_a_save_in_flight(page)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("button", name="Enregistrer et passer à la suivante").click()
    expect(page).to_have_title(re.compile("^Question 2 sur 2"))
    assert dialogs == []
    assert first_item(live_app, exam.user_id)[0] == [chosen]
