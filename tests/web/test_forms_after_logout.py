"""A form sent once its login has ended, although its CSRF token is still valid: a logout in
another tab of the same browser, or sessions ended from another browser (a password change).
The candidate is told that the answer was not saved, and led back to the page after logging in.
"""

import re

from tests.conftest import PASSWORD, form_token, login, page_text, post_from_page
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt

NOT_SAVED = "Votre session a pris fin : ce que vous venez d'envoyer n'a pas été enregistré."


def _question_page(client, make_session):
    session, candidate = make_session()
    html_login(client, candidate.email)
    url = start_attempt(client, session)
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="answer" id="option-1" value="([A-E])"', page)[1]
    return candidate, url, form_token(client, url), key


def test_an_answer_sent_after_a_logout_in_another_tab_is_said_not_saved(client, make_session, db):
    candidate, url, token, key = _question_page(client, make_session)
    client.post("/deconnexion", data={"csrf_token": token})  # the other tab
    sent = post_from_page(client, url, {"csrf_token": token, "answer": key, "action": "next"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/connexion?next={url}"
    assert NOT_SAVED in page_text(client.get("/connexion").get_data(as_text=True))
    assert only_attempt(db).items[0].response is None
    back = client.post(
        f"/connexion?next={url}",
        data={
            "email": candidate.email,
            "password": PASSWORD,
            "csrf_token": form_token(client, "/connexion"),
        },
    )
    assert back.headers["Location"] == url


def test_an_answer_sent_after_a_password_change_elsewhere_is_said_not_saved(
    app, client, make_session, db
):
    candidate, url, token, key = _question_page(client, make_session)
    elsewhere = app.test_client()
    login(elsewhere, candidate.email)
    changed = elsewhere.post(
        "/mot-de-passe",
        data={
            "csrf_token": form_token(elsewhere, "/mot-de-passe"),
            "current_password": PASSWORD,
            "new_password": "un tout autre mot de passe",
            "confirmation": "un tout autre mot de passe",
        },
    )
    assert changed.status_code == 302
    sent = post_from_page(client, url, {"csrf_token": token, "answer": key, "action": "next"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/connexion?next={url}"
    assert NOT_SAVED in page_text(client.get("/connexion").get_data(as_text=True))


def test_a_logout_sent_twice_just_leads_to_the_login(client, make_session):
    _candidate, _url, token, _key = _question_page(client, make_session)
    client.post("/deconnexion", data={"csrf_token": token})
    again = client.post("/deconnexion", data={"csrf_token": token})
    assert again.headers["Location"].startswith("/connexion")
    assert NOT_SAVED not in page_text(client.get("/connexion").get_data(as_text=True))


def test_an_answer_sent_with_a_token_renewed_by_a_login_in_another_tab_leads_back(
    client, make_session, db
):
    """Logged out and in again in another tab: the page's token is no longer the session's.
    The answer leads back to its question, told it was not saved; it led to a 400 page whose
    advice, « rechargez la page », sent the same stale form again."""
    candidate, url, token, key = _question_page(client, make_session)
    client.post("/deconnexion", data={"csrf_token": token})  # the other tab
    login(client, candidate.email)  # a new token in the session
    sent = post_from_page(client, url, {"csrf_token": token, "answer": key, "action": "next"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == url
    page = page_text(client.get(url).get_data(as_text=True))
    assert "ce que vous venez d'envoyer n'a pas été enregistré" in page
    assert only_attempt(db).items[0].response is None


def test_a_stale_token_without_a_page_of_ours_behind_it_is_still_a_400(client, make_session):
    candidate, url, token, key = _question_page(client, make_session)
    login(client, candidate.email)
    sent = post_from_page(
        client, url, {"csrf_token": token, "answer": key}, referer="https://example.net/x"
    )
    assert sent.status_code == 400
    # a referrer of our host whose path reads as another host (« //evil.example/x ») is not
    # followed either: a browser would take the redirect to that other site
    for path in ("//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x"):
        sent = post_from_page(
            client, url, {"csrf_token": token, "answer": key}, referer=f"http://localhost{path}"
        )
        assert sent.status_code == 400, path
    # after the login too, the « next » stays off other sites
    client.post("/deconnexion", data={"csrf_token": form_token(client, url)})
    sent = post_from_page(
        client,
        url,
        {"csrf_token": token, "answer": key},
        referer="http://localhost//evil.example/x",
    )
    assert "evil.example" not in sent.headers["Location"]
