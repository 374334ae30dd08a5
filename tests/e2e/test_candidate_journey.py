"""A candidate's exam in a real browser: keyboard alone, autosave across reloads and outages."""

from __future__ import annotations

import re

import pytest

from questionnaire.attempts.models import Attempt, AttemptItem
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect

SAVED = re.compile(r"Réponse enregistrée à")


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches ``selector``: proves it is reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def correct_key(page) -> str:
    """The right answer of the question shown (the test bank's rule: key ``ABCD[n % 4]``)."""
    save_url = page.locator("#answer-form").get_attribute("data-save-url")
    number = int(re.search(r"TST-(\d+)$", save_url).group(1))
    return "ABCD"[number % 4]


def answer_with_keyboard(page, key: str) -> None:
    """Enter the radio group with Tab, check the first option with Space, move with arrows."""
    keys = page.locator('input[name="answer"]').evaluate_all("inputs => inputs.map(i => i.value)")
    tab_to(page, 'input[name="answer"]')
    page.keyboard.press("Space")
    for _ in range(keys.index(key)):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f'input[name="answer"][value="{key}"]')).to_be_checked()


def test_candidate_completes_the_exam_with_the_keyboard_alone(page, make_exam):
    exam = make_exam(title="Session clavier")
    page.goto("/connexion")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    tab_to(page, "#email")
    page.keyboard.type(exam.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Accueil"))

    tab_to(page, "a.button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Session clavier")
    tab_to(page, "button.button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus indicator"
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    answer_with_keyboard(page, correct_key(page))
    expect(page.locator("#save-status")).to_have_text(SAVED)
    tab_to(page, 'button[value="next"]')
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Question 2 sur 2"))
    tab_to(page, 'a.skip-link[href="#navigator"]')
    page.keyboard.press("Enter")
    expect(page.locator("#navigator")).to_be_focused()
    tab_to(page, 'button[value="goto-2"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Question 2 sur 2"))
    answer_with_keyboard(page, correct_key(page))
    tab_to(page, 'button[value="review"]')
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Revue avant remise"))
    expect(page.locator("main")).to_contain_text("2 questions répondues sur 2")
    tab_to(page, 'input[type="checkbox"]')
    page.keyboard.press("Space")
    tab_to(page, 'button[type="submit"].button')
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Résultat"))
    expect(page.locator(".result-outcome")).to_have_text("Réussi")
    expect(page.locator(".result-summary")).to_contain_text("2 / 2")


def test_enter_in_an_answer_goes_forward(page, make_exam):
    """Enter in a radio button submits the form with its first button: forward, never back."""
    exam = make_exam(title="Session touche Entrée")
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    tab_to(page, "button.button")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    for following in ("^Question 2 sur 2", "^Revue avant remise"):
        tab_to(page, 'input[name="answer"]')
        page.keyboard.press("Space")
        expect(page.locator("#save-status")).to_have_text(SAVED)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page).to_have_title(re.compile(following))
    expect(page.locator("main")).to_contain_text("2 questions répondues sur 2")


def test_answer_survives_a_reload_and_a_network_outage(page, context, make_exam, live_app):
    exam = make_exam()
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))

    options = page.locator('input[name="answer"]')
    options.nth(0).check()
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.reload()
    expect(options.nth(0)).to_be_checked()
    expect(page.locator('.navigator [aria-current="step"]')).to_have_class(re.compile("answered"))

    context.set_offline(True)
    options.nth(2).check()
    expect(page.locator("#save-status")).to_have_text(re.compile("Connexion perdue"))
    context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text(SAVED)

    page.reload()
    expect(options.nth(2)).to_be_checked()
    expect(options.nth(0)).not_to_be_checked()
    chosen = options.nth(2).get_attribute("value")
    with live_app.app_context():
        attempt = db.session.execute(
            db.select(Attempt).where(Attempt.user_id == exam.user_id)
        ).scalar_one()
        first: AttemptItem = attempt.items[0]
        assert first.selected == [chosen]


def test_a_refused_answer_focuses_its_summary_without_javascript(browser, base_url, make_exam):
    context = browser.new_context(base_url=base_url, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        exam = make_exam()
        log_in(page, exam.email)
        page.goto(f"/sessions/{exam.session_id}")
        page.get_by_role("button", name="Commencer le questionnaire").click()
        page.wait_for_url("**/questions/1")

        def unknown_option(route):  # what no option of the page can send
            if route.request.method == "POST":
                body = re.sub(r"answer=[A-Z]", "answer=Q", route.request.post_data)
                route.continue_(post_data=body)
            else:
                route.continue_()

        page.route("**/questions/1", unknown_option)
        page.locator('input[name="answer"]').first.check()
        page.get_by_role("button", name="Enregistrer et passer à la suivante").click()

        expect(page).to_have_title(re.compile("^Erreur : Question 1 sur 2"))
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        summary.get_by_role("link", name=re.compile("^Réponse : ")).click()
        expect(page.locator("#option-1")).to_be_focused()
    finally:
        context.close()
