"""In a real browser: error summaries focused without JavaScript, reflow at 320 px, the navigator.

What the test client cannot see: where focus lands on load, what overflows at 320 CSS pixels
(WCAG 1.4.10), whether the ⚑ of a flagged question stays inside its button, and whether the
focus ring of the current question's button shows (WCAG 2.4.7).
"""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect

NARROW = {"width": 320, "height": 640}
FOCUS_YELLOW = "rgb(255, 191, 71)"
PAGE_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def no_script_page(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="fr-FR", java_script_enabled=False)
    yield context.new_page()
    context.close()


def start(page, exam) -> str:
    """Log in, start the exam; returns the copy's address (``/copies/<id>``)."""
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    page.wait_for_url("**/questions/1")
    return re.sub(r"^https?://[^/]+|/questions/1$", "", page.url)


def test_a_refused_submission_focuses_its_summary_without_javascript(no_script_page, make_exam):
    page = no_script_page
    copy = start(page, make_exam())
    page.goto(f"{copy}/revue")
    page.get_by_role("button", name="Remettre ma copie").click()

    expect(page).to_have_title(re.compile("^Erreur : Revue avant remise"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Cochez la case pour confirmer la remise").click()
    expect(page.locator("#confirm")).to_be_focused()


def test_a_refused_save_in_the_editor_focuses_its_summary(no_script_page, make_user):
    page = no_script_page
    log_in(page, make_user(Role.AUTHOR))
    page.goto("/atelier/items/nouveau?theme=fiscalite")
    page.get_by_label("Énoncé").fill("Quel est le taux ?")
    for key, text in (("A", "10 %"), ("C", "20 %"), ("D", "30 %")):
        page.get_by_label(f"Option {key}", exact=True).fill(text)
    page.get_by_label("A est une bonne réponse").check()
    page.get_by_label("Justification").fill("Parce que.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page).to_have_title(re.compile("^Erreur : Nouvel item"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_count(2)
    summary.get_by_role("link", name=re.compile("^Options : Remplissez")).click()
    expect(page.get_by_label("Option B", exact=True)).to_be_focused()
    expect(page.get_by_label("Option C", exact=True)).to_have_value("20 %")


def test_candidate_pages_reflow_at_320_pixels(browser, base_url, make_exam):
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=NARROW)
    try:
        page = context.new_page()
        copy = start(page, make_exam(title="Session de démonstration — Fiscalité patrimoniale"))
        page.goto(f"{copy}/revue")
        assert page.evaluate(PAGE_OVERFLOW) == 0, "revue"
        page.get_by_label("Je confirme").check()
        page.get_by_role("button", name="Remettre ma copie").click()
        expect(page).to_have_title(re.compile("^Résultat"))
        assert page.evaluate(PAGE_OVERFLOW) == 0, "résultat"
        region = page.get_by_role("region", name="Bonnes réponses par sujet")
        expect(region).to_have_attribute("tabindex", "0")
        page.goto("/")
        expect(page.locator("table")).to_be_visible()
        assert page.evaluate(PAGE_OVERFLOW) == 0, "accueil"
        for url in ("/accessibilite", "/confidentialite"):  # wide tables, in their region
            page.goto(url)
            assert page.evaluate(PAGE_OVERFLOW) == 0, url
    finally:
        context.close()


FITS = """button => [button.scrollWidth <= button.clientWidth,
                    button.scrollHeight <= button.clientHeight]"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_flag_stays_inside_its_navigator_button(browser, base_url, make_exam, width):
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": width, "height": 800}
    )
    try:
        page = context.new_page()
        start(page, make_exam())
        page.get_by_label("Marquer cette question pour la revoir").check()
        page.get_by_role("button", name="Enregistrer et passer à la suivante").click()
        page.wait_for_url("**/questions/2")
        flagged = page.locator(".nav-item.flagged")
        expect(flagged).to_have_count(1)
        assert flagged.evaluate(FITS) == [True, True]
        # a two-digit number (question 20 of a long paper) fits as well
        flagged.evaluate("button => { button.firstChild.textContent = '20 '; }")
        assert flagged.evaluate(FITS) == [True, True]
    finally:
        context.close()


def test_the_current_question_button_shows_the_focus_ring(page, make_exam):
    start(page, make_exam())
    current = page.locator(".nav-item[aria-current]")
    expect(current).to_have_attribute("data-position", "1")
    ring = "b => [getComputedStyle(b).outlineStyle, getComputedStyle(b).outlineColor]"
    unfocused = current.evaluate(ring)
    # reach it with the keyboard (Shift+Tab from the next button): :focus-visible applies
    page.locator(".nav-item[data-position='2']").focus()
    page.keyboard.press("Shift+Tab")
    expect(current).to_be_focused()
    assert current.evaluate(ring) == ["solid", FOCUS_YELLOW]
    assert unfocused[0] == "none"
    assert "rgb(27, 27, 27)" in current.evaluate("b => getComputedStyle(b).boxShadow")


def test_staff_pages_reflow_at_320_pixels(browser, base_url, make_user, make_exam):
    """A long name in the header, the journal's filter list and the sessions' overview."""
    make_exam(title="Session de démonstration — Analyse et traitement des risques")
    email = make_user(Role.ADMIN, Role.JURY, name="Ada Administratrice")
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=NARROW)
    try:
        page = context.new_page()
        log_in(page, email)
        for url in ("/", "/admin/journal", "/gestion/sessions"):
            page.goto(url)
            assert page.evaluate(PAGE_OVERFLOW) == 0, url
        region = page.get_by_role("region", name="Sessions et participation")
        expect(region).to_have_attribute("tabindex", "0")
    finally:
        context.close()


def test_pages_reflow_at_320_pixels_with_the_larger_text_preference(
    browser, base_url, make_user, make_exam
):
    """Text 25 % larger: the cards' columns, the editor's fields and the staff tables still fit."""
    candidate = make_exam().email
    staff = make_user(Role.ADMIN, Role.AUTHOR, name="Ada Administratrice")
    pages = {
        candidate: ("/",),
        staff: ("/admin/", "/atelier/", "/atelier/items/nouveau?theme=fiscalite", "/admin/journal"),
    }
    for email, urls in pages.items():
        context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=NARROW)
        try:
            page = context.new_page()
            log_in(page, email)
            page.goto("/preferences-affichage")
            page.get_by_label("Agrandir le texte").check()
            page.get_by_role("button", name="Enregistrer mes préférences").click()
            expect(page.locator("body")).to_have_class(re.compile("pref-large-text"))
            for url in urls:
                page.goto(url)
                assert page.evaluate(PAGE_OVERFLOW) == 0, url
        finally:
            context.close()
