"""A jury member rates a panel's items in a real browser, with the keyboard only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.extensions import db
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def certification_session(live_app):
    """A certification session (training ones stay out of the reports) before any copy."""
    from questionnaire.banks.models import Theme
    from questionnaire.clock import now_utc
    from questionnaire.exams.services import create_questionnaire, create_session

    now = now_utc()
    with live_app.app_context():
        theme = db.session.execute(select(Theme)).scalar_one()
        questionnaire = create_questionnaire(
            theme, "Questionnaire Angoff", 2, 30, now, blueprint={"alpha": 1, "beta": 1}
        )
        session = create_session(
            questionnaire, "Session du panel", now, now + timedelta(days=1), now
        )
        db.session.commit()
        return session.id


def _ratings(live_app, email: str) -> list[int]:
    from questionnaire.auth.models import User
    from questionnaire.reports.models import AngoffRating

    with live_app.app_context():
        judge = db.session.execute(select(User).where(User.email == email)).scalar_one()
        rows = db.session.execute(select(AngoffRating).where(AngoffRating.judge_id == judge.id))
        return sorted(rating.value_bp for rating in rows.scalars())


def test_a_judge_types_french_decimals_and_keeps_them_after_a_wrong_one(
    page, live_app, make_user, certification_session
):
    """Before: the estimates were number boxes. Chromium sent « 0,65 » as « 065 », blanked a
    re-displayed « 0,5 », and sent « abc » as an empty field, which erased a saved estimate."""
    judge = make_user(Role.JURY, name="Juliette Juge")
    log_in(page, judge)
    page.goto(f"/rapports/sessions/{certification_session}/angoff")
    page.get_by_label("Intitulé du panel").fill("Panel navigateur")
    judges = page.get_by_role("group", name=re.compile("Juges du panel"))
    judges.get_by_role("checkbox", name=re.compile("Juliette Juge")).check()
    page.get_by_role("button", name="Créer le panel").click()
    page.get_by_role("link", name="Saisir mes estimations").first.click()
    rating_url = page.url

    boxes = page.get_by_role("group", name="Probabilité de réussite").get_by_role("textbox")
    count = boxes.count()
    assert count >= 2
    boxes.first.focus()
    page.keyboard.type("0,65")
    page.keyboard.press("Tab")
    page.keyboard.type("abc")
    page.keyboard.press("Enter")  # submits the form from the keyboard

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Indiquez un nombre entre 0 et 1 (par exemple 0,65).")
    assert page.title().startswith("Erreur : ")
    expect(boxes.nth(0)).to_have_value("0,65")  # the other value entered is still there
    expect(boxes.nth(1)).to_have_value("abc")
    assert _ratings(live_app, judge) == []  # nothing saved while one estimate is wrong

    boxes.nth(1).fill("0,4")
    boxes.nth(1).press("Enter")
    saved = re.compile("Estimations enregistrées|Vos estimations sont complètes")
    expect(page.locator(".flash").first).to_contain_text(saved)
    assert _ratings(live_app, judge) == [4000, 6500]
    page.goto(rating_url)
    expect(boxes.nth(0)).to_have_value("0,65")
    expect(boxes.nth(1)).to_have_value("0,4")
