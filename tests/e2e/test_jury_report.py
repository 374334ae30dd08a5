"""A jury member opens a session's psychometric report in a real browser."""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect


def test_jury_member_opens_a_session_report(page, make_user, make_exam):
    make_exam(title="Session du rapport jury", certification=True)  # training is not reported
    jury = make_user(Role.JURY, name="Jules Jury")
    log_in(page, jury)

    page.get_by_role("navigation").get_by_role("link", name="Rapports", exact=True).click()
    page.get_by_role("link", name="Session du rapport jury").click()

    expect(page).to_have_url(re.compile(r"/rapports/sessions/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session du rapport jury")
