"""The candidate's path in HTML, without JavaScript: plain forms, save and next."""

import re
from datetime import timedelta

import pytest

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.exams.models import ReleasePolicy
from tests.conftest import PASSWORD, form_token


def html_login(client, email):
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return response


def start_attempt(client, session):
    token = form_token(client, f"/sessions/{session.id}")
    response = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def only_attempt(db):
    return db.session.execute(db.select(Attempt)).scalar_one()


def test_login_page_is_french_and_labelled(client):
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'href="#contenu"' in html


def test_wrong_password_redisplays_the_form_with_a_message(client, make_user):
    make_user(email="cand@example.org")
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion", data={"email": "cand@example.org", "password": "nope", "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "mot de passe incorrect" in html and 'value="cand@example.org"' in html
    assert 'aria-invalid="true"' in html


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user(email="cand@example.org")
    response = client.post(
        "/connexion?next=/mes-donnees",
        data={"email": "cand@example.org", "password": PASSWORD},
    )
    assert response.status_code == 303  # back to the form, not logged in
    assert response.headers["Location"] == "/connexion?next=/mes-donnees"
    assert client.get("/api/v1/auth/me").status_code == 401
    page = client.get("/connexion").get_data(as_text=True)
    assert "Le formulaire de connexion avait expiré" in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "/%09/evil.example/",  # a tab, which browsers drop: "//evil.example/"
        "/%0a/evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_parameter_cannot_redirect_off_site(client, make_user, target):
    make_user(email="cand@example.org")
    token = form_token(client, "/connexion")
    response = client.post(
        f"/connexion?next={target}",
        data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_leads_to_a_page_of_the_site(client, make_user):
    make_user(email="cand@example.org")
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion?next=/mes-donnees",
        data={"email": "cand@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/mes-donnees"


def test_dashboard_lists_open_sessions(client, make_session):
    session, candidate = make_session()
    html_login(client, candidate.email)
    html = client.get("/").get_data(as_text=True)
    assert "Session test" in html and f"/sessions/{session.id}" in html


def test_question_page_is_semantic_and_hides_the_key(client, make_session, db):
    session, candidate = make_session(release=ReleasePolicy.IMMEDIATE)
    html_login(client, candidate.email)
    location = start_attempt(client, session)
    assert location.endswith("/questions/1")
    html = client.get(location).get_data(as_text=True)
    assert "<fieldset" in html and "<legend>" in html
    # each question is a heading under the session's h1, inside its legend (the group's name)
    total = len(only_attempt(db).items)
    heading = rf'<legend>\s*<h2 class="question-number">Question 1 sur {total}</h2>'
    assert re.search(heading, html) and re.findall(r"<h1[ >]", html) == ["<h1 "]
    inputs = re.findall(r'<input type="(?:radio|checkbox)" name="answer" id="(option-\d)"', html)
    assert inputs and all(f'<label for="{i}">' in html for i in inputs)
    assert 'id="flagged"' in html and '<label for="flagged">' in html
    assert "correct" not in html.lower().replace("incorrect", "")
    assert "Justification" not in html


def test_save_and_next_then_flag_review_and_submit(client, make_session, db):
    session, candidate = make_session(release=ReleasePolicy.IMMEDIATE)
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    first, second = attempt.items
    token = form_token(client, f"/copies/{attempt.id}/questions/1")
    good = sorted(first.version.correct_keys)
    response = client.post(
        f"/copies/{attempt.id}/questions/1",
        data={"csrf_token": token, "answer": good, "action": "next"},
    )
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/questions/2")
    response = client.post(
        f"/copies/{attempt.id}/questions/2",
        data={"csrf_token": token, "flagged": "y", "action": "review"},
    )
    assert response.headers["Location"].endswith(f"/copies/{attempt.id}/revue")
    db.session.expire_all()
    assert first.selected == good and second.flagged and not second.is_answered
    review = client.get(f"/copies/{attempt.id}/revue").get_data(as_text=True)
    assert "Questions sans réponse (1)" in review and "Questions marquées à revoir (1)" in review
    # submission needs the confirmation box
    refused = client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token})
    assert refused.status_code == 422 and "Cochez la case" in refused.get_data(as_text=True)
    done = client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token, "confirm": "y"})
    assert done.headers["Location"].endswith(f"/copies/{attempt.id}/resultat")
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 / 2" in result and "Non réussi" in result and "Sujet alpha" in result
    db.session.expire_all()
    assert only_attempt(db).status is AttemptStatus.SUBMITTED


def test_invalid_answer_redisplays_with_an_error(client, make_session, db):
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    token = form_token(client, f"/copies/{attempt.id}/questions/1")
    response = client.post(
        f"/copies/{attempt.id}/questions/1", data={"csrf_token": token, "answer": ["Q"]}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)


def test_result_hides_the_correction_until_release(client, make_session, db, clock):
    session, candidate = make_session(release=ReleasePolicy.AFTER_CLOSE)
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    token = form_token(client, f"/copies/{attempt.id}/revue")
    client.post(f"/copies/{attempt.id}/revue", data={"csrf_token": token, "confirm": "y"})
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "0 / 2" in html and "Justification" not in html and "après la clôture" in html
    clock.now = session.closes_at + timedelta(minutes=1)
    html = client.get(f"/copies/{attempt.id}/resultat").get_data(as_text=True)
    assert "Justification de la question" in html and "bonne réponse" in html


def test_expired_attempt_leads_to_the_result_with_a_reason(client, make_session, db, clock):
    session, candidate = make_session(duration=5)
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.advance(minutes=6)
    response = client.get(f"/copies/{attempt.id}/questions/1")
    assert response.headers["Location"].endswith("/resultat")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "temps imparti" in html.lower()


def test_other_candidate_pages_are_404(client, make_session, make_user, db):
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    client.post("/deconnexion", data={"csrf_token": form_token(client, "/")})
    html_login(client, make_user().email)
    for url in (
        f"/copies/{attempt.id}/questions/1",
        f"/copies/{attempt.id}/revue",
        f"/copies/{attempt.id}/resultat",
        f"/sessions/{session.id}",
    ):
        assert client.get(url).status_code == 404, url
    # nor can the intruder answer, flag, submit or start in the other's place
    token = form_token(client, "/")
    for url, data in (
        (f"/copies/{attempt.id}/questions/1", {"answer": "A", "action": "next"}),
        (f"/copies/{attempt.id}/revue", {}),
        (f"/sessions/{session.id}", {}),
    ):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    db.session.expire_all()
    untouched = only_attempt(db)
    assert untouched.status.value == "in_progress"
    assert all(item.response is None for item in untouched.items)


def test_security_headers(client):
    response = client.get("/connexion")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_enter_in_an_answer_moves_forward_never_back(client, make_session):
    """Enter in a radio button submits with the form's first submit button (HTML's implicit
    submission): it must be « suivante » (« revue » on the last question), never « précédente »."""
    session, candidate = make_session(item_count=3, blueprint={"alpha": 2, "beta": 1})
    html_login(client, candidate.email)
    first_question = start_attempt(client, session)
    attempt_id = re.search(r"/copies/(\d+)/", first_question).group(1)
    for position, expected in ((1, "next"), (2, "next"), (3, "review")):
        html = client.get(f"/copies/{attempt_id}/questions/{position}").get_data(as_text=True)
        start = html.index('id="answer-form"')
        form = html[start : html.index("</form>", start)]
        default_button = re.search(r'<button type="submit" name="action" value="([^"]+)"', form)
        assert default_button.group(1) == expected, position


def test_an_answer_arriving_as_another_tab_hands_the_copy_in_is_said_not_saved(
    client, make_session, db, clock, monkeypatch
):
    """The copy is handed in from another tab between the page's check and the save: the save
    sees it closed (it shares the attempt's row, then reads it again) and says so, not that the
    time is up."""
    from sqlalchemy import update

    from questionnaire.attempts import services

    session, candidate = make_session()
    html_login(client, candidate.email)
    url = start_attempt(client, session)
    token = form_token(client, url)
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="answer" id="option-1" value="([A-E])"', page)[1]
    original = services.save_response

    def handed_in_meanwhile(attempt, *args):
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt.id)
            .values(
                status=AttemptStatus.SUBMITTED,
                submitted_at=clock(),
                graded_at=clock(),
                score=0,
                max_score=2,
                passed=False,
            )
        )  # as a submission in another request, which this one's loaded copy does not see
        return original(attempt, *args)

    monkeypatch.setattr(services, "save_response", handed_in_meanwhile)
    sent = client.post(url, data={"csrf_token": token, "answer": key, "action": "next"})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/resultat")
    monkeypatch.undo()
    db.session.expire_all()
    assert only_attempt(db).items[0].response is None
    shown = client.get(sent.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "la réponse que vous venez d&#39;envoyer n&#39;a pas été enregistrée" in shown
    assert "Le temps imparti est écoulé" not in shown


def test_an_answer_posted_to_a_copy_already_handed_in_is_said_not_saved(client, make_session, db):
    """A question page left open (another tab, the back button) after the hand-in: its answer
    leads to the result, which says it was not saved (it said nothing)."""
    session, candidate = make_session()
    html_login(client, candidate.email)
    url = start_attempt(client, session)
    token = form_token(client, url)
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="answer" id="option-1" value="([A-E])"', page)[1]
    review = url.rsplit("/questions/", 1)[0] + "/revue"
    client.post(review, data={"csrf_token": token, "confirm": "y"})

    sent = client.post(url, data={"csrf_token": token, "answer": key, "action": "next"})

    assert sent.status_code == 302 and sent.headers["Location"].endswith("/resultat")
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "la réponse que vous venez d&#39;envoyer n&#39;a pas été enregistrée" in shown
    db.session.expire_all()
    assert only_attempt(db).items[0].response is None
