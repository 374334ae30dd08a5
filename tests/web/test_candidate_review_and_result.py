"""The review before hand-in and the result after it, in plain French."""

import re

from tests.conftest import form_token
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt


def answer(client, attempt, attempt_item):
    url = f"/copies/{attempt.id}/questions/{attempt_item.position}"
    keys = sorted(attempt_item.version.correct_keys)
    client.post(url, data={"csrf_token": form_token(client, url), "answer": keys})


def answered_line(client, attempt) -> str:
    html = client.get(f"/copies/{attempt.id}/revue").get_data(as_text=True)
    (line,) = re.findall(r"<p>([^<]*répondues? sur[^<]*)</p>", html)
    return line


def test_the_count_of_answered_questions_agrees_in_number(client, make_session, db):
    session, candidate = make_session(item_count=3, blueprint={"alpha": 2, "beta": 1})
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    first, second, _third = attempt.items
    assert answered_line(client, attempt) == "Aucune question répondue sur 3."
    answer(client, attempt, first)
    assert answered_line(client, attempt) == "1 question répondue sur 3."
    answer(client, attempt, second)
    assert answered_line(client, attempt) == "2 questions répondues sur 3."


def test_the_result_says_when_the_correction_comes_after_the_close(client, make_session, db):
    session, candidate = make_session()  # closes the next day, 08 h 00 Paris time
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    url = f"/copies/{attempt.id}/revue"
    client.post(url, data={"csrf_token": form_token(client, url), "confirm": "y"})
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert (
        "Le corrigé sera consultable après la clôture de la session, prévue le 03/03/2026 "
        "à 08 h 00."
    ) in html
