"""Candidate tables that may be wider than a 320 px screen scroll in their own region (1.4.10).

The region is named (by the table's caption), focusable so that the keyboard can scroll it, and
the page around it keeps the width of the screen (checked in a browser by tests/e2e).
"""

import re

from questionnaire.exams.models import ReleasePolicy
from tests.conftest import form_token
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt

REGION = re.compile(
    r'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="([^"]+)">\s*<table[ >]'
)


def assert_caption_in_a_region(html: str, caption_id: str) -> None:
    """The table whose caption's id starts with ``caption_id`` is in a region it names."""
    assert re.search(
        r'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="'
        rf'({re.escape(caption_id)}[^"]*)">\s*<table[^>]*>\s*<caption[^>]* id="\1">\S',
        html,
    ), f"the table captioned #{caption_id}… is not in a named scrolling region"


def assert_table_in_a_named_region(html: str) -> None:
    region = REGION.search(html)
    assert region, "the table is not wrapped in a scrolling region"
    caption = re.search(rf'<caption[^>]* id="{region.group(1)}">([^<]+)</caption>', html)
    assert caption and caption.group(1).strip()
    assert html.count("<table") == html.count('class="table-scroll"')


def test_review_and_result_tables_scroll_in_a_named_region(client, make_session, db):
    session, candidate = make_session(release=ReleasePolicy.IMMEDIATE)
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    review = client.get(f"/copies/{attempt.id}/revue").get_data(as_text=True)
    assert_table_in_a_named_region(review)

    token = form_token(client, f"/copies/{attempt.id}/revue")
    done = client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token, "confirm": "y"})
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Bonnes réponses par sujet" in result
    assert_table_in_a_named_region(result)


def test_dashboard_declaration_and_privacy_tables_scroll_in_a_named_region(
    client, make_session, db
):
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    token = form_token(client, f"/copies/{attempt.id}/revue")
    client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token, "confirm": "y"})
    dashboard = client.get("/").get_data(as_text=True)
    assert "Résultats de vos questionnaires" in dashboard
    assert_table_in_a_named_region(dashboard)
    for url in ("/accessibilite", "/confidentialite"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_table_in_a_named_region(page.get_data(as_text=True))


def test_the_enrolment_table_of_a_session_scrolls_in_a_named_region(
    client, make_session, make_user
):
    from questionnaire.auth.models import Role
    from tests.conftest import login

    session, _ = make_session()
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    html = client.get(f"/admin/sessions/{session.id}").get_data(as_text=True)
    assert 'aria-labelledby="enrolments-caption"' in html
    assert_table_in_a_named_region(html[html.index('id="enrolled-title"') :])


def test_the_sessions_overview_scrolls_in_a_named_region(client, make_session, make_user):
    """Nine columns: wider than a 320 px screen, the table scrolls instead of the page."""
    from questionnaire.auth.models import Role
    from tests.conftest import login

    make_session()
    login(client, make_user(Role.JURY).email)
    html = client.get("/gestion/sessions").get_data(as_text=True)
    assert_table_in_a_named_region(html)


def test_staff_tables_scroll_in_named_regions(client, loaded_bank, make_user, db):
    """Journal, workspace, revalidation queue, sessions: wider than a 320 px screen with the
    larger-text preference, each scrolls in its own region instead of widening the page."""
    from datetime import date

    from sqlalchemy import update

    from questionnaire.auth.models import Role
    from questionnaire.banks.models import ItemVersion
    from tests.conftest import login

    loaded_bank()
    db.session.execute(
        update(ItemVersion).where(ItemVersion.item_id == 1).values(valid_as_of=date(2020, 1, 1))
    )
    db.session.commit()
    login(client, make_user(Role.ADMIN, Role.AUTHOR).email)
    for url, caption in (
        ("/admin/journal", "journal-caption"),
        ("/admin/sessions", "sessions-caption"),
        ("/atelier/", "items-caption"),
        ("/atelier/a-revalider", "revalidation-caption"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_caption_in_a_region(response.get_data(as_text=True), caption)


def test_each_session_of_the_overview_leads_to_its_report(client, make_session, make_user):
    from questionnaire.auth.models import Role
    from tests.conftest import login

    session, _ = make_session()
    login(client, make_user(Role.JURY).email)
    html = client.get("/gestion/sessions").get_data(as_text=True)
    assert (
        f'<th scope="row"><a href="/rapports/sessions/{session.id}">{session.title}</a></th>'
        in html
    )
    assert client.get(f"/rapports/sessions/{session.id}").status_code == 200


def test_a_training_session_of_the_overview_links_to_no_report(client, make_session, make_user):
    """Training copies stay out of the CPNE's reports: its report answers 404, so no link."""
    from questionnaire.auth.models import Role
    from questionnaire.exams.models import SessionPurpose
    from tests.conftest import login

    training, _ = make_session(purpose=SessionPurpose.TRAINING, release=ReleasePolicy.IMMEDIATE)
    login(client, make_user(Role.JURY).email)
    html = client.get("/gestion/sessions").get_data(as_text=True)
    assert f'<th scope="row">{training.title}</th>' in html
    assert f'href="/rapports/sessions/{training.id}"' not in html
    assert client.get(f"/rapports/sessions/{training.id}").status_code == 404
