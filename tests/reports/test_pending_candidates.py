"""A staff member still to sit a certification session of a theme reads none of its item texts:
they are not named judge of its Angoff panels, and the staff pages quoting its items answer 403.
"""

from __future__ import annotations

import html
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment, SessionPurpose
from questionnaire.exams.services import pending_candidacy
from questionnaire.reports import angoff
from questionnaire.reports.angoff_judges import name_judges
from questionnaire.reports.models import AngoffPanel
from questionnaire.reports.services import ReportError
from tests.conftest import bank_yaml, form_token, login, page_text
from tests.reports.test_angoff import _rate

REFUSED = (
    "Bruno Blanc est inscrit comme candidat à la session « Session test » de ce thème : il ne "
    "peut pas juger ses items avant de l'avoir passée."
)


def _text(response) -> str:
    return html.unescape(page_text(response.get_data(as_text=True)))


@pytest.fixture
def sat(sit_session):
    """A sat (closed-copies) certification session and its theme."""
    session, _, _ = sit_session()
    return session, session.questionnaire.theme


@pytest.fixture
def jury(make_user):
    ada = make_user(Role.JURY, email="ada@example.org", name="Ada Arnaud")
    bruno = make_user(Role.JURY, Role.CANDIDATE, email="bruno@example.org", name="Bruno Blanc")
    return ada, bruno


def test_a_candidacy_is_pending_until_the_copy_is_finished(
    sat, make_session, make_user, loaded_bank, clock, db
):
    _session, theme = sat
    user = make_user(Role.JURY, Role.CANDIDATE)
    assert pending_candidacy(user, theme, clock()) is None
    ahead, _ = make_session(theme=theme, candidate=user, opens_in=timedelta(days=3))
    assert pending_candidacy(user, theme, clock()) == ahead  # not open yet
    clock.advance(days=3, minutes=1)
    assert pending_candidacy(user, theme, clock()) == ahead  # open, not started
    attempt, _ = start_attempt(find_enrolment(user, ahead.id), clock(), 30, random.Random(1))
    db.session.commit()
    clock.advance(days=1)  # past the close, the copy still in progress (extra time, incident)
    assert ahead.is_closed(clock()) and pending_candidacy(user, theme, clock()) == ahead
    submit_attempt(attempt, clock(), 3600 * 48)
    db.session.commit()
    assert pending_candidacy(user, theme, clock()) is None

    missed, _ = make_session(theme=theme, candidate=user)
    clock.advance(days=2)  # closed without a copy: nothing left to sit there
    assert missed.is_closed(clock()) and pending_candidacy(user, theme, clock()) is None

    make_session(theme=theme, candidate=user, purpose=SessionPurpose.TRAINING)
    assert pending_candidacy(user, theme, clock()) is None  # training never counts
    other = loaded_bank(bank_yaml(theme="credit", prefix="CRE"), theme="credit")
    make_session(theme=other, candidate=user)
    assert pending_candidacy(user, theme, clock()) is None  # another theme, another bank
    assert pending_candidacy(user, other, clock()) is not None


def test_a_pending_candidate_is_not_named_judge_when_the_panel_is_created(
    client, sat, jury, make_session, db
):
    session, theme = sat
    ada, bruno = jury
    make_session(theme=theme, candidate=bruno, opens_in=timedelta(days=3))
    login(client, ada.email)
    url = f"/rapports/sessions/{session.id}/angoff"
    data = {"csrf_token": form_token(client, url), "title": "Panel", "judges": [ada.id, bruno.id]}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert REFUSED in _text(response) and 'value="Panel"' in response.get_data(as_text=True)
    assert db.session.execute(select(AngoffPanel)).first() is None


def test_a_pending_candidate_is_not_named_judge_of_an_existing_panel(
    client, sat, jury, make_session, db, clock
):
    session, theme = sat
    ada, bruno = jury
    panel = angoff.create_panel(session, "Panel", [ada], ada, clock())
    db.session.commit()
    make_session(theme=theme, candidate=bruno, opens_in=timedelta(days=3))
    login(client, ada.email)
    summary_url = f"/rapports/angoff/{panel.id}"
    token = form_token(client, summary_url)
    response = client.post(f"{summary_url}/juges", data={"csrf_token": token, "judges": [bruno.id]})
    assert response.status_code == 422 and REFUSED in _text(response)
    db.session.expire_all()
    assert [j.judge_id for j in panel.judges] == [ada.id]
    with pytest.raises(ReportError, match="inscrit comme candidat"):
        name_judges(panel, [bruno], ada, clock())


def test_a_candidate_who_has_sat_the_session_may_judge(client, sat, jury, make_session, db, clock):
    session, theme = sat
    ada, bruno = jury
    ahead, _ = make_session(theme=theme, candidate=bruno)
    attempt, _ = start_attempt(find_enrolment(bruno, ahead.id), clock(), 30, random.Random(2))
    submit_attempt(attempt, clock(), 30)
    db.session.commit()
    panel = angoff.create_panel(session, "Panel", [ada, bruno], ada, clock())
    assert [j.judge_id for j in panel.judges] == [ada.id, bruno.id]


def _enrol_directly(db, clock, session, user):
    """An enrolment made before the rule (the enrolment service now refuses a judge)."""
    db.session.add(Enrolment(session=session, user=user, created_at=clock()))
    db.session.commit()


def test_item_texts_of_the_theme_answer_403_to_a_pending_candidate(
    client, sat, jury, make_session, make_user, db, clock
):
    session, theme = sat
    ada, bruno = jury
    panel = angoff.create_panel(session, "Panel", [ada, bruno], ada, clock())
    db.session.commit()
    ahead, _ = make_session(theme=theme, opens_in=timedelta(days=3))
    _enrol_directly(db, clock, ahead, bruno)
    reviewer = make_user(Role.REVIEWER, Role.CANDIDATE, email="rev@example.org", name="Rita")
    _enrol_directly(db, clock, ahead, reviewer)
    admin = make_user(Role.ADMIN, Role.CANDIDATE, email="boss@example.org", name="Bea Boss")
    _enrol_directly(db, clock, ahead, admin)

    guarded = [
        f"/rapports/angoff/{panel.id}/estimations",  # the stems to estimate
        f"/rapports/sessions/{session.id}",  # « Items à revoir » quotes each question
        f"/rapports/sessions/{session.id}/export/xlsx",
        f"/rapports/sessions/{session.id}/export/csv",
    ]
    for user, urls in (
        (bruno, guarded),
        (admin, [*guarded[1:], "/banques/items/TST-0001", "/statistiques/items/TST-0001"]),
        (reviewer, ["/banques/items/TST-0001", "/statistiques/items/TST-0001"]),
    ):
        login(client, user.email)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (user.email, url)
            text = _text(response)
            assert "Vous êtes inscrit comme candidat à la session « Session test »" in text, url
            assert "TST-0001" not in text or "banques" in url or "statistiques" in url
        summary = client.get(f"/rapports/angoff/{panel.id}") if user is bruno else None
        assert summary is None or summary.status_code == 200  # no item text there
    login(client, bruno.email)
    item = f"item_{panel.item_version_ids[0]}"
    posted = client.post(
        f"/rapports/angoff/{panel.id}/estimations",
        data={"csrf_token": form_token(client, "/"), item: "0,5"},
    )
    assert posted.status_code == 403 and panel.ratings == []

    login(client, ada.email)  # the other readers are untouched
    for url in guarded[:2]:
        assert client.get(url).status_code == 200, url
    login(client, make_user(Role.ADMIN, email="other-admin@example.org").email)
    for url in [*guarded[1:], "/banques/items/TST-0001", "/statistiques/items/TST-0001"]:
        assert client.get(url).status_code == 200, url


def test_the_rating_page_opens_once_the_judge_has_sat(client, sat, jury, make_session, db, clock):
    session, theme = sat
    ada, bruno = jury
    panel = angoff.create_panel(session, "Panel", [ada, bruno], ada, clock())
    db.session.commit()
    ahead, _ = make_session(theme=theme)
    _enrol_directly(db, clock, ahead, bruno)
    login(client, bruno.email)
    assert client.get(f"/rapports/angoff/{panel.id}/estimations").status_code == 403
    attempt, _ = start_attempt(find_enrolment(bruno, ahead.id), clock(), 30, random.Random(3))
    submit_attempt(attempt, clock(), 30)
    db.session.commit()
    response, _ = _rate(client, panel.id, ["0,5", "0,6", "0,7", "0,8"])
    assert response.status_code == 302
