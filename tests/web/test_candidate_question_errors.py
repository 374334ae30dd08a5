"""A refused answer: said first, focused without JavaScript, linked to the options (RGAA 11.10)."""

import re
from html import unescape

from tests.conftest import form_token
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt


def refused_page(client, make_session, db) -> str:
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    url = f"/copies/{attempt.id}/questions/1"
    response = client.post(
        url,
        data={"csrf_token": form_token(client, url), "answer": ["Q"], "flagged": "y"},
    )
    assert response.status_code == 422
    return unescape(response.get_data(as_text=True))


def test_the_page_title_says_there_is_an_error(client, make_session, db):
    html = refused_page(client, make_session, db)
    assert re.search(r"<title>Erreur : Question 1 sur 2 — Session test — ", html)


def test_the_error_summary_is_focused_on_load_and_leads_to_the_options(client, make_session, db):
    html = refused_page(client, make_session, db)
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#option-1">Réponse : «\xa0Q\xa0» n\'est pas un choix valide' in summary
    # the summary comes before the question, right under the page's heading
    assert html.index("error-summary") < html.index("<fieldset")
    assert html.count("autofocus") == 1


def test_the_options_are_described_by_the_error_and_the_flag_is_kept(client, make_session, db):
    html = refused_page(client, make_session, db)
    assert '<fieldset class="question" aria-describedby="answer-errors">' in html
    assert re.search(r'id="answer-errors"[^>]*>\s*<li>«\xa0Q\xa0» n\'est pas un choix valide', html)
    assert re.search(r'<input type="checkbox" name="flagged" id="flagged" value="y" checked>', html)


def test_a_page_without_error_has_no_summary(client, make_session, db):
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    html = client.get(f"/copies/{only_attempt(db).id}/questions/1").get_data(as_text=True)
    assert "error-summary" not in html and "<title>Question 1 sur 2" in html
    assert "aria-describedby" not in html.split("<fieldset", 1)[1].split(">", 1)[0]
