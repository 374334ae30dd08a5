"""Item authoring in a real browser: an author writes, a reviewer approves, the item is published."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from questionnaire.auth.models import Role
from questionnaire.banks.models import Item, VersionStatus
from questionnaire.extensions import db
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect

ITEM = "TST-0008"
NEW_STEM = "Quel taux de prélèvement forfaitaire unique s'applique aux intérêts d'un livret ?"


def test_author_writes_reviewer_approves_and_publishes(browser, base_url, make_user, live_app):
    author = make_user(Role.AUTHOR, name="Alix Auteur")
    reviewer = make_user(Role.REVIEWER, name="Rémi Relecteur")

    with _signed_in(browser, base_url, author) as page:
        page.goto(f"/atelier/items/{ITEM}/modifier")
        page.get_by_label("Énoncé").fill(NEW_STEM)
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        expect(page.locator(".flash-success")).to_contain_text("Brouillon enregistré (version 2)")
        page.goto(f"/atelier/items/{ITEM}")
        page.get_by_role("button", name="Soumettre à la relecture").click()
        expect(page.locator(".flash-success")).to_have_text("Version soumise à la relecture.")
        expect(page.get_by_role("button", name="Approuver")).to_have_count(0)

    with _signed_in(browser, base_url, reviewer) as page:
        page.goto(f"/atelier/items/{ITEM}")
        expect(page.locator("main")).to_contain_text(NEW_STEM)
        page.get_by_role("button", name="Approuver").click()
        expect(page.locator(".flash-success")).to_contain_text("Version approuvée")
        page.get_by_role("button", name="Publier cette version").click()
        expect(page.locator(".flash-success")).to_contain_text("Version publiée")

    with live_app.app_context():
        item = db.session.execute(db.select(Item).where(Item.external_id == ITEM)).scalar_one()
        statuses = {version.number: version.status for version in item.versions}
        assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.PUBLISHED}
        assert item.published_version.stem == NEW_STEM


@contextmanager
def _signed_in(browser, base_url: str, email: str):
    """A fresh browser context logged in as ``email``; closed on exit."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, email)
        expect(page).to_have_title(re.compile("^Accueil"))
        yield page
    finally:
        context.close()
