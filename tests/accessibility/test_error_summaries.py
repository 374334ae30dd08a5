"""A failed submission is announced (role="alert"), not only marked beside each field.

The summary comes first in the page, is focused on load without a script (``autofocus`` is a
global attribute: any focusable element, here ``tabindex="-1"``) and links each error to its
control; the page title starts with « Erreur : ».
"""

from __future__ import annotations

import re

from questionnaire.auth.models import Role
from tests.conftest import form_token, login

SUMMARY = re.compile(r'<div class="error-summary" role="alert"[^>]*>')
FOCUSED_SUMMARY = re.compile(
    r'<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="([^"]+)">'
)


def summary_links(html: str) -> list[str]:
    """The targets of the summary's links, each checked to name an element of the page."""
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    for target in targets:
        assert f'id="{target}"' in html, target
    return targets


def test_the_review_announces_a_missing_confirmation(client, make_session):
    session, candidate = make_session()
    login(client, candidate.email)
    token = form_token(client, f"/sessions/{session.id}")
    question = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    review = question.headers["Location"].split("/questions/")[0] + "/revue"
    assert not SUMMARY.search(client.get(review).get_data(as_text=True))
    response = client.post(review, data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert SUMMARY.search(html) and 'aria-invalid="true"' in html


def test_the_review_error_is_titled_first_focused_and_linked_to_the_checkbox(client, make_session):
    session, candidate = make_session()
    login(client, candidate.email)
    token = form_token(client, f"/sessions/{session.id}")
    question = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    review = question.headers["Location"].split("/questions/")[0] + "/revue"
    assert "<title>Revue avant remise" in client.get(review).get_data(as_text=True)

    html = client.post(review, data={"csrf_token": token}).get_data(as_text=True)
    assert "<title>Erreur : Revue avant remise" in html
    summary = FOCUSED_SUMMARY.search(html)
    assert summary and f'id="{summary.group(1)}"' in html
    assert html.count("autofocus") == 1
    # first in the main content: right after the heading, before the table of 20 rows
    main = html[html.index('<main id="contenu"') :]
    assert main.index('class="error-summary"') < main.index("<table")
    assert main.index("</h1>") < main.index('class="error-summary"')
    assert summary_links(html) == ["confirm"]
    assert "Cochez la case pour confirmer la remise de votre copie." in html


def test_administration_forms_announce_their_errors(client, make_session, make_user):
    session, _candidate = make_session()
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    for url in (
        "/admin/utilisateurs/nouveau",
        "/admin/sessions/nouvelle",
        "/admin/rgpd/effacement",
        f"/admin/incidents/sessions/{session.id}",
    ):
        token = form_token(client, url)
        blank = client.get(url).get_data(as_text=True)
        assert not SUMMARY.search(blank) and "<title>Erreur" not in blank, url
        html = client.post(url, data={"csrf_token": token}).get_data(as_text=True)
        assert FOCUSED_SUMMARY.search(html), url
        assert summary_links(html), url
        assert "<title>Erreur : " in html, url  # the first thing a screen reader says
    enrol = client.post(
        f"/admin/sessions/{session.id}/inscriptions",
        data={"csrf_token": token, "email": "", "extra_time_percent": "0"},
    )
    assert SUMMARY.search(enrol.get_data(as_text=True))
    assert "<title>Erreur : " in enrol.get_data(as_text=True)


def test_a_refused_login_is_titled_as_an_error(client, make_user):
    make_user(Role.CANDIDATE, email="c@example.org")
    token = form_token(client, "/connexion")
    assert "<title>Erreur" not in client.get("/connexion").get_data(as_text=True)
    html = client.post(
        "/connexion", data={"csrf_token": token, "email": "c@example.org", "password": "faux"}
    ).get_data(as_text=True)
    assert SUMMARY.search(html) and "<title>Erreur : Connexion" in html
