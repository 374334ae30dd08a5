"""The exam page when things go wrong: saves in flight or offline at the deadline, two tabs,
server errors, an ended session; and what it tells the candidate (and screen readers).

Requests are held or answered with Playwright's routing and the page's clock is its fake
clock: the tests wait on conditions, never on wall-clock retries.
"""

from __future__ import annotations

import re
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.extensions import db
from tests.e2e.conftest import log_in
from tests.e2e.test_timer import attempt_status, set_deadline, start_with_75_seconds_left

expect = pytest.importorskip("playwright.sync_api").expect

SAVED = re.compile(r"^Réponse enregistrée à \d\d h \d\d\.")
CLAIMED = re.compile(r"^Réponse enregistrée à")  # whatever the time's format
SAVES = "**/api/v1/attempts/*/responses/*"


@pytest.fixture
def grace(live_app, monkeypatch):
    """The production rule: saves in flight are still taken 30 s after the deadline."""
    monkeypatch.setitem(live_app.config, "GRACE_SECONDS", 30)


def first_item(live_app, user_id: int):
    """(selected, flagged, saved_at) of the candidate's first question, as stored."""
    with live_app.app_context():
        attempt = db.session.execute(
            db.select(Attempt).where(Attempt.user_id == user_id)
        ).scalar_one()
        item = attempt.items[0]
        saved_at = item.response.saved_at if item.response is not None else None
        return item.selected, item.flagged, saved_at


def start(page, make_exam):
    exam = make_exam()
    log_in(page, exam.email)
    page.goto(f"/sessions/{exam.session_id}")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))
    return exam


def test_a_save_in_flight_at_the_deadline_is_recorded_before_the_copy_closes(
    page, make_exam, live_app, grace
):
    exam = start_with_75_seconds_left(page, make_exam, live_app)
    held = []
    page.route(SAVES, lambda route: held.append(route))
    option = page.locator('input[name="answer"]').nth(1)
    chosen = option.get_attribute("value")
    option.check()
    expect(page.locator("#save-status")).to_have_text("Enregistrement…")
    page.wait_for_function("() => true")  # lets Playwright hand the held request over
    assert held, "the save was not sent"

    set_deadline(live_app, exam.user_id, -1)
    page.clock.run_for(76_000)
    expect(page.locator("#time-up-alert")).to_contain_text("Ne fermez pas cette page")
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))  # waits for the save

    held[0].continue_()
    expect(page).to_have_title(re.compile("^Résultat"))
    # closed as the server closes a copy on time-up, not as handed in by the candidate
    expect(page.locator("main")).to_contain_text(re.compile("Le temps imparti (s'est|est) écoulé"))
    assert attempt_status(live_app, exam.user_id) is AttemptStatus.EXPIRED
    assert first_item(live_app, exam.user_id)[0] == [chosen]


def test_offline_at_the_deadline_the_page_waits_for_the_network_within_grace(
    page, context, make_exam, live_app, grace
):
    exam = start_with_75_seconds_left(page, make_exam, live_app)
    option = page.locator('input[name="answer"]').nth(2)
    chosen = option.get_attribute("value")
    context.set_offline(True)
    option.check()
    expect(page.locator("#save-status")).to_have_text(re.compile("^Connexion perdue"))

    set_deadline(live_app, exam.user_id, -1)
    page.clock.run_for(76_000)
    alert = page.locator("#time-up-alert")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("serveur est injoignable")
    expect(alert).to_contain_text("Ne fermez pas cette page")
    page.clock.run_for(5_000)
    assert page.url.startswith("http"), page.url  # never the browser's error page
    expect(page).to_have_title(re.compile("^Question 1 sur 2"))

    context.set_offline(False)
    page.clock.run_for(3_000)
    expect(page).to_have_title(re.compile("^Résultat"))
    assert attempt_status(live_app, exam.user_id) is AttemptStatus.EXPIRED
    assert first_item(live_app, exam.user_id)[0] == [chosen]


def test_two_tabs_the_latest_change_wins_and_a_late_one_is_not_claimed(
    page, context, make_exam, live_app
):
    # both tabs share the context's fake clock: a tab's change made « later » is later by whole
    # seconds, not by the milliseconds between two clicks of the test (before: under load, the
    # tab whose page took longer to run its script thought the server's clock was behind, and
    # its change, made a few milliseconds after the other tab's, was refused as older)
    context.clock.install()
    exam = start(page, make_exam)
    other = context.new_page()
    other.goto(page.url)
    keys = page.locator('input[name="answer"]').evaluate_all("inputs => inputs.map(i => i.value)")

    def choose(tab, index):
        tab.locator(f'input[name="answer"][value="{keys[index]}"]').check()

    choose(page, 0)
    expect(page.locator("#save-status")).to_have_text(CLAIMED)
    # the navigator's accessible text follows its classes
    current = page.locator('.navigator [aria-current="step"] .visually-hidden')
    expect(current).to_have_text("répondue")
    context.clock.run_for(5_000)
    choose(other, 1)  # opened before the first save: the same stored seq
    expect(other.locator("#save-status")).to_have_text(CLAIMED)
    assert first_item(live_app, exam.user_id)[0] == [keys[1]]
    context.clock.run_for(5_000)
    choose(page, 2)
    expect(page.locator("#save-status")).to_have_text(CLAIMED)
    assert first_item(live_app, exam.user_id)[0] == [keys[2]]

    # a change from the second tab reaching the server after a newer one is not claimed
    held = []
    other.route(SAVES, lambda route: held.append(route))
    choose(other, 3)
    other.wait_for_function("() => true")
    assert held
    context.clock.run_for(5_000)
    choose(page, 0)
    expect(page.locator("#save-status")).to_have_text(CLAIMED)
    held[0].continue_()
    expect(other.locator("#save-status")).to_have_text(
        re.compile("une réponse plus récente a été enregistrée depuis une autre fenêtre")
    )
    assert first_item(live_app, exam.user_id)[0] == [keys[0]]


def start_on_fake_clock(page, make_exam):
    """Start an exam whose page runs on Playwright's clock: (exam, save status, options)."""
    exam = start(page, make_exam)
    page.clock.install()
    page.reload()
    return exam, page.locator("#save-status"), page.locator('input[name="answer"]')


def test_server_errors_are_said_and_a_refusal_stops_the_saves(page, context, make_exam):
    _exam, status, options = start_on_fake_clock(page, make_exam)

    calls = []

    def unavailable(route):
        calls.append(route.request.url)
        route.fulfill(
            status=503, json={"error": {"code": "unavailable", "message": "Indisponible"}}
        )

    page.route(SAVES, unavailable)
    options.nth(0).check()
    page.clock.run_for(8_000)
    expect(status).to_have_text(re.compile(r"^Le serveur ne répond pas \(erreur 503\)"))
    assert len(calls) >= 3
    page.unroute(SAVES)
    page.clock.run_for(16_000)
    expect(status).to_have_text(SAVED)

    # a CSRF failure (here a forged token) is a refusal: its message, and no retry
    sent = []

    def forged(route):
        sent.append(route.request.url)
        route.continue_(headers={**route.request.headers, "x-csrftoken": "forged"})

    page.route(SAVES, forged)
    options.nth(1).check()
    expect(status).to_have_text(
        re.compile(r"^Jeton de sécurité \(CSRF\).*n'est pas enregistrée\.$")
    )
    page.clock.run_for(60_000)
    assert len(sent) == 1
    page.unroute(SAVES)


def test_a_cut_acknowledgement_is_sent_again_not_taken_for_a_newer_answer(
    page, make_exam, live_app
):
    """A worker killed while answering: the save was stored but its answer arrives empty.

    The page must not conclude that another window saved something newer: it sends the same
    answer again, which finds its own seq stored, and says it is saved.
    """
    exam, status, options = start_on_fake_clock(page, make_exam)
    stored = []

    def stored_then_cut(route):
        stored.append(route.fetch().status)  # the server really takes the save
        route.fulfill(status=200, content_type="application/json", body="")

    page.route(SAVES, stored_then_cut, times=1)
    options.nth(1).check()
    expect(status).to_have_text(re.compile("^Connexion perdue"))
    assert stored == [200]
    page.clock.run_for(2_000)
    expect(status).to_have_text(SAVED)
    chosen = options.nth(1).get_attribute("value")
    assert first_item(live_app, exam.user_id)[0] == [chosen]


def test_an_ended_session_is_said_with_a_way_back(page, context, make_exam):
    start(page, make_exam)
    elsewhere = context.new_page()
    elsewhere.goto("/")
    elsewhere.get_by_role("button", name="Se déconnecter").click()
    expect(elsewhere).to_have_url(re.compile("/connexion"))
    page.locator('input[name="answer"]').nth(0).check()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Votre session a pris fin")
    expect(status).to_contain_text("Votre réponse n'est pas enregistrée.")
    link = status.get_by_role("link", name="Se reconnecter")
    expect(link).to_have_attribute("href", re.compile(r"^/connexion\?next=.*questions"))


def test_a_flag_set_offline_is_sent_later_and_the_navigator_says_it(
    page, context, make_exam, live_app
):
    exam, status, options = start_on_fake_clock(page, make_exam)
    context.set_offline(True)
    options.nth(0).check()
    expect(status).to_have_text(
        "Connexion perdue : votre réponse sera enregistrée dès le retour du réseau."
    )
    # the retries (1, 2, 4, 8, then 15 s apart) do not rewrite, so do not re-announce, it
    page.evaluate(
        """() => { window.statusWrites = 0;
                   new MutationObserver(() => { window.statusWrites += 1; })
                     .observe(document.getElementById('save-status'),
                              {childList: true, characterData: true, subtree: true}); }"""
    )
    page.clock.run_for(40_000)
    assert page.evaluate("window.statusWrites") == 0
    expect(status).to_contain_text("votre réponse sera enregistrée")

    page.get_by_label("Marquer cette question pour la revoir").check()
    expect(status).to_have_text(re.compile("votre réponse et la marque seront enregistrées"))
    page.clock.run_for(20_000)  # the flag's message stays while both wait
    expect(status).to_have_text(re.compile("votre réponse et la marque seront enregistrées"))
    context.set_offline(False)
    page.clock.run_for(16_000)
    expect(status).to_have_text(
        re.compile(r"^Réponse enregistrée à .*Question marquée à revoir\.$")
    )
    selected, flagged, _saved_at = first_item(live_app, exam.user_id)
    assert flagged and selected

    current = page.locator('.navigator [aria-current="step"]')
    expect(current).to_have_class(re.compile("answered.*flagged|flagged.*answered"))
    expect(current.locator(".visually-hidden")).to_have_text("répondue, marquée à revoir")
    expect(current.locator('span[aria-hidden="true"]')).to_have_text("⚑")


def test_times_are_paris_times_and_the_time_left_is_readable_on_demand(
    browser, base_url, make_exam, live_app
):
    # a candidate's computer set to another time zone
    context = browser.new_context(base_url=base_url, locale="fr-FR", timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        exam = start(page, make_exam)
        page.clock.install()
        page.reload()
        readable = page.locator(".timer-readable")
        expect(readable).to_have_text(re.compile(r"^Temps restant : environ (29|30) min\.$"))
        assert readable.evaluate("e => e.closest('[aria-live]') === null")
        before = readable.text_content()
        page.clock.run_for(3_000)
        assert readable.text_content() == before  # not rewritten every second

        page.locator('input[name="answer"]').nth(0).check()
        expect(page.locator("#save-status")).to_have_text(SAVED)
        saved_at = first_item(live_app, exam.user_id)[2]
        if saved_at.tzinfo is None:
            saved_at = saved_at.replace(tzinfo=UTC)
        paris = saved_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H h %M")
        expect(page.locator("#save-status")).to_have_text(f"Réponse enregistrée à {paris}.")
    finally:
        context.close()
