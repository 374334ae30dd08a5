"""A jury member still to sit a certification session of a theme reads none of its answer keys,
on the key correction page either (``tests/reports/test_pending_candidates`` has the others)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from questionnaire.attempts.models import ScoringDecision
from questionnaire.auth.models import Role
from tests.conftest import form_token, login, page_text
from tests.reports.conftest import bank_yaml_text, sit_session  # noqa: F401 (fixtures)

BARRIER = "Vous êtes inscrit comme candidat à la session « Session test »"


def test_the_key_correction_page_answers_403_to_a_pending_candidate(
    client,
    db,
    make_session,
    make_user,
    sit_session,  # noqa: F811
):
    session, _users, attempts = sit_session()
    version = attempts[0].items[0].version
    stem = version.stem
    bruno = make_user(Role.JURY, Role.CANDIDATE, email="bruno@example.org", name="Bruno Blanc")
    make_session(theme=session.questionnaire.theme, candidate=bruno, opens_in=timedelta(days=3))
    url = f"/rapports/sessions/{session.id}/corriger-cle?item={version.id}"

    login(client, bruno.email)
    for shown in (client.get(url), client.get(url.split("?")[0])):
        text = page_text(shown.get_data(as_text=True)).replace("&#39;", "'")
        assert shown.status_code == 403
        assert BARRIER in text
        assert stem not in text and "Clé en vigueur" not in text
    posted = client.post(
        url,
        data={"csrf_token": form_token(client, "/"), "keys": ["B"], "reason": "Clé erronée"},
    )
    assert posted.status_code == 403
    assert db.session.execute(select(func.count()).select_from(ScoringDecision)).scalar() == 0

    login(client, make_user(Role.JURY, email="ada@example.org").email)  # other members: open
    opened = client.get(url)
    assert opened.status_code == 200
    assert "Clé en vigueur" in page_text(opened.get_data(as_text=True))


def test_the_neutralisation_page_answers_403_to_a_pending_candidate(
    client,
    db,
    make_session,
    make_user,
    sit_session,  # noqa: F811
):
    """A jury member with a sitting of the theme ahead decided which items of the theme count:
    a scoring decision on the bank their own copy will be drawn from and graded on."""
    session, _users, attempts = sit_session()
    version = attempts[0].items[0].version
    bruno = make_user(Role.JURY, Role.CANDIDATE, email="bruno@example.org", name="Bruno Blanc")
    make_session(theme=session.questionnaire.theme, candidate=bruno, opens_in=timedelta(days=3))
    url = f"/rapports/sessions/{session.id}/neutraliser"

    login(client, bruno.email)
    shown = client.get(url)
    assert shown.status_code == 403
    assert BARRIER in page_text(shown.get_data(as_text=True)).replace("&#39;", "'")
    posted = client.post(
        url,
        data={"csrf_token": form_token(client, "/"), "item": version.id, "reason": "Ambigu"},
    )
    assert posted.status_code == 403
    assert db.session.execute(select(func.count()).select_from(ScoringDecision)).scalar() == 0

    login(client, make_user(Role.JURY, email="ada@example.org").email)  # other members: open
    assert client.get(url).status_code == 200
