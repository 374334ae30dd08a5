"""Every refused form puts its errors first to the keyboard: the summary takes focus on load.

Without a script, a refused form comes back as a new page; its error summary carries
``tabindex="-1" autofocus`` so that focus (and a screen reader) lands on it instead of the top of
the page, and each error links to the control to correct (checked in a browser by tests/e2e).
"""

import io
import re

from tests.conftest import form_token

FOCUSED_SUMMARY = re.compile(r'class="error-summary"[^>]*\btabindex="-1" autofocus\b')


def test_a_refused_login_focuses_its_summary_with_links_to_the_fields(client, make_user):
    make_user(email="camille@example.org")
    token = form_token(client, "/connexion")
    wrong = client.post(
        "/connexion",
        data={"csrf_token": token, "email": "camille@example.org", "password": "mauvais"},
    ).get_data(as_text=True)
    assert FOCUSED_SUMMARY.search(wrong)
    assert '<a href="#password">Adresse électronique ou mot de passe incorrect.</a>' in wrong
    assert "corrigez les champs signalés" not in wrong
    blank = client.post("/connexion", data={"csrf_token": token}).get_data(as_text=True)
    assert FOCUSED_SUMMARY.search(blank)
    assert '<a href="#email">Saisissez votre adresse électronique.</a>' in blank
    assert '<a href="#password">Saisissez votre mot de passe.</a>' in blank
    assert "autofocus" not in client.get("/connexion").get_data(as_text=True)


def test_a_refused_enrolment_file_focuses_its_errors(client, admin, make_session):
    """The file's errors are far down the session page: focus goes to them, not to the top."""
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    assert "autofocus" not in client.get(url).get_data(as_text=True)
    refused = client.post(
        f"{url}/inscriptions/csv",
        data={
            "csrf_token": form_token(client, url),
            "file": (io.BytesIO(b"inconnu@example.org;0\n"), "inscrits.csv"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    summary = FOCUSED_SUMMARY.search(refused)
    assert summary and 'id="import-errors"' in refused[summary.start() : summary.start() + 120]
    assert refused.count("autofocus") == 1


def test_a_refused_accommodation_focuses_its_summary(client, admin, make_session):
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    enrolment = session.enrolments[0]
    refused = client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": form_token(client, url), "extra_time_percent": "301"},
    ).get_data(as_text=True)
    summary = FOCUSED_SUMMARY.search(refused)
    assert summary and "n'a pas été enregistré" in refused[summary.start() : summary.start() + 300]
    assert refused.count("autofocus") == 1


def test_an_enrolment_sent_after_the_close_focuses_the_refusal(client, admin, make_session, clock):
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    clock.advance(minutes=10)
    client.post(f"{url}/cloturer", data={"csrf_token": token})
    refused = client.post(
        f"{url}/inscriptions",
        data={"csrf_token": token, "email": "late@example.org", "extra_time_percent": "0"},
    ).get_data(as_text=True)
    assert re.search(
        r'class="error-summary" tabindex="-1" autofocus role="alert">La session est close', refused
    )
