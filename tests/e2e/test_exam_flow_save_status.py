"""What the save status region says for a quick save: the outcome once, not « Enregistrement… »
before it: a screen reader user choosing by the arrow keys selects each option in turn."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_exam_resilience import SAVED, SAVES, start

expect = pytest.importorskip("playwright.sync_api").expect

RECORD = """window.addEventListener("DOMContentLoaded", () => {
  window.said = [];
  const status = document.getElementById("save-status");
  if (status) {
    new MutationObserver(() => window.said.push(status.textContent))
      .observe(status, {childList: true, characterData: true, subtree: true});
  }
});"""


def test_each_quick_save_is_said_once_by_its_outcome(page, make_exam):
    page.add_init_script(RECORD)
    start(page, make_exam)
    options = page.locator('input[name="answer"]')
    status = page.locator("#save-status")

    options.nth(0).check()
    expect(status).to_have_text(SAVED)
    options.nth(1).check()  # the next option, in the same minute: said again, once
    page.wait_for_function("() => window.said.length >= 2")
    expect(status).to_have_text(SAVED)
    said = page.evaluate("window.said")
    assert len(said) == 2 and all(SAVED.match(text) for text in said), said


def test_a_slow_save_still_says_it_is_under_way(page, make_exam):
    start(page, make_exam)
    held = []
    page.route(SAVES, lambda route: held.append(route))
    page.locator('input[name="answer"]').first.check()
    expect(page.locator("#save-status")).to_have_text("Enregistrement…")
    page.wait_for_function("() => true")
    held[0].continue_()
    expect(page.locator("#save-status")).to_have_text(re.compile("^Réponse enregistrée"))
