"""The « Items à revoir » queue names, for each flagged item, options that are not keys
(« Distracteur D jamais choisi », « Seconde bonne réponse possible : option C ») beside the
item's bank id, which a candidate's question page also carries: a user still to sit a
certification session of the theme must not read it before their sitting."""

from __future__ import annotations

import html

from questionnaire.auth.models import Role
from tests.conftest import form_token, login, page_text
from tests.itemstats import test_views

analysed = test_views.analysed  # the fixture


def _text(response) -> str:
    return html.unescape(page_text(response.get_data(as_text=True)))


def test_the_queue_is_closed_to_a_pending_candidate_of_the_theme(
    client,
    make_user,
    make_session,
    analysed,
):
    boss = make_user(Role.ADMIN, Role.CANDIDATE, email="boss@example.org")
    make_session(theme=analysed, candidate=boss, item_count=3, blueprint={"alpha": 3})
    login(client, boss.email)

    for url in ("/statistiques/a-revoir", f"/statistiques/a-revoir?theme={analysed.slug}"):
        response = client.get(url)
        assert response.status_code == 403, url
        text = _text(response)
        assert "Vous êtes inscrit comme candidat à la session" in text
        assert "TST-0002" not in text
        assert "Distracteur D" not in text


def test_the_queue_stays_open_to_staff_who_sat_nothing(client, make_user, analysed):
    login(client, make_user(Role.ADMIN).email)
    response = client.get("/statistiques/a-revoir")
    assert response.status_code == 200
    assert "Distracteur D jamais choisi" in _text(response)


def test_a_pending_candidate_cannot_decide_on_a_flag(client, make_user, make_session, analysed):
    boss = make_user(Role.ADMIN, Role.CANDIDATE, email="boss@example.org")
    login(client, boss.email)
    token = form_token(client, "/statistiques/a-revoir")  # read before the enrolment
    make_session(theme=analysed, candidate=boss, item_count=3, blueprint={"alpha": 3})
    response = client.post(
        "/statistiques/items/TST-0002/versions/1/signalements",
        data={"csrf_token": token, "flag": "unused_distractor:D", "reason": "Voulu."},
    )
    assert response.status_code == 403
    assert "Vous êtes inscrit comme candidat à la session" in _text(response)
