"""Extra time for some candidates' copies only, after an incident that touched them alone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.exams.services import enrol
from questionnaire.incidents.models import CopyTimeExtension
from questionnaire.incidents.services import CopyRefused, grant_copies_extra_time
from tests.conftest import form_token, login, page_text


@pytest.fixture
def sitting(make_session, make_user, db, clock):
    """A 30-minute session: Bruno and Camille writing, Alice handed in, Denis not started."""
    session, alice = make_session(duration=30, candidate=make_user(name="Alice Remise"))
    bruno, camille, denis = (
        make_user(name="Bruno Bloqué"),
        make_user(name="Camille Calme"),
        make_user(name="Denis Tardif"),
    )
    for user in (bruno, camille, denis):
        enrol(session, user, clock())
    copies = {}
    for user in (alice, bruno, camille):
        copies[user.display_name], _ = start_attempt(find_enrolment(user, session.id), clock(), 30)
    submit_attempt(copies["Alice Remise"], clock(), 30)
    db.session.commit()
    clock.advance(minutes=10)
    return session, copies, denis


def test_only_the_copies_chosen_get_the_time_and_later_starts_do_not(sitting, make_user, db, clock):
    session, copies, denis = sitting
    bruno, camille = copies["Bruno Bloqué"], copies["Camille Calme"]
    admin = make_user(Role.ADMIN)
    granted = grant_copies_extra_time(session, [bruno.id], 12, " Poste figé ", admin, clock(), 30)
    db.session.commit()

    start = bruno.started_at
    assert bruno.deadline == start + timedelta(minutes=30 + 12)
    assert camille.deadline == start + timedelta(minutes=30)
    late, _ = start_attempt(find_enrolment(denis, session.id), clock(), 30)
    assert late.deadline == clock() + timedelta(minutes=30)
    assert [(g.attempt_id, g.minutes, g.reason, g.deadline) for g in granted] == [
        (bruno.id, 12, "Poste figé", start + timedelta(minutes=42))
    ]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "attempt.extra_time")
    ).scalar_one()
    assert (event.actor_id, event.subject_id, event.target) == (
        admin.id,
        bruno.user_id,
        f"attempt:{bruno.id}",
    )
    # the reason, which may describe the candidate, stays with the grant (erased with them)
    assert event.details == {"session_id": session.id, "minutes": 12}


def test_a_handed_in_or_timed_out_copy_is_not_reopened_and_nothing_is_granted(
    sitting, make_user, db, clock
):
    session, copies, _ = sitting
    bruno, alice = copies["Bruno Bloqué"], copies["Alice Remise"]
    admin = make_user(Role.ADMIN)
    with pytest.raises(CopyRefused, match="Alice Remise est déjà remise"):
        grant_copies_extra_time(session, [bruno.id, alice.id], 5, "Panne", admin, clock(), 30)
    db.session.rollback()
    clock.advance(minutes=21)  # 31 minutes in: past the deadline and its 30 s grace
    with pytest.raises(CopyRefused, match="Bruno Bloqué est écoulé"):
        grant_copies_extra_time(session, [bruno.id], 5, "Panne", admin, clock(), 30)
    db.session.rollback()
    assert bruno.deadline == bruno.started_at + timedelta(minutes=30)
    assert db.session.execute(select(CopyTimeExtension)).first() is None


def test_a_copy_of_another_session_is_refused(sitting, make_session, make_user, db, clock):
    session, _copies, _ = sitting
    other, stranger = make_session(duration=30)
    foreign, _ = start_attempt(find_enrolment(stranger, other.id), clock(), 30)
    db.session.commit()
    with pytest.raises(CopyRefused, match="pas une copie de cette session"):
        grant_copies_extra_time(session, [foreign.id], 5, "Panne", make_user(Role.ADMIN), clock())
    assert foreign.deadline == foreign.started_at + timedelta(minutes=30)


def _copy_form(html: str) -> dict:
    seen = re.search(r'name="copie-grants_seen" value="(\d+)"', html)
    assert seen, "the form carries the number of copy grants it showed"
    return {"copie-grants_seen": seen.group(1)}


def test_the_page_lists_the_copies_being_written_and_grants_to_those_ticked(
    client, sitting, make_user, db
):
    session, copies, _ = sitting
    bruno, camille = copies["Bruno Bloqué"], copies["Camille Calme"]
    login(client, make_user(Role.ADMIN).email)
    url = f"/admin/incidents/sessions/{session.id}"
    html = client.get(url).get_data(as_text=True)
    text = page_text(html)
    assert "Bruno Bloqué" in text and "Camille Calme" in text
    assert "Alice Remise" not in text and "Denis Tardif" not in text  # handed in, not started
    assert f'value="{bruno.id}"' in html and "<legend>Copies en cours à prolonger" in html
    data = {
        "csrf_token": form_token(client, url),
        "copie-copies": [str(bruno.id), str(camille.id)],
        "copie-minutes": "8",
        "copie-reason": "Coupure électrique salle B",
        **_copy_form(html),
    }
    response = client.post(f"{url}/copies", data=data)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "8 minutes accordées à la copie en cours de : Bruno Bloqué, Camille Calme." in page
    assert "Coupure électrique salle B" in page
    assert bruno.deadline == bruno.started_at + timedelta(minutes=38)
    assert camille.deadline == camille.started_at + timedelta(minutes=38)
    # the same form sent again adds nothing
    again = client.post(f"{url}/copies", data=data)
    assert again.status_code == 422
    assert "rien n'a été ajouté" in page_text(again.get_data(as_text=True))
    assert bruno.deadline == bruno.started_at + timedelta(minutes=38)
    assert len(db.session.execute(select(CopyTimeExtension)).all()) == 2


def test_a_refusal_is_shown_beside_the_copies_with_what_was_typed(client, sitting, make_user, db):
    session, copies, _ = sitting
    login(client, make_user(Role.ADMIN).email)
    url = f"/admin/incidents/sessions/{session.id}"
    html = client.get(url).get_data(as_text=True)
    token = form_token(client, url)
    nothing = client.post(
        f"{url}/copies",
        data={
            "csrf_token": token,
            "copie-minutes": "5",
            "copie-reason": "Panne",
            **_copy_form(html),
        },
    )
    assert nothing.status_code == 422
    page = nothing.get_data(as_text=True)
    assert "Choisissez au moins une copie à prolonger." in page
    assert 'id="copie-copies-errors"' in page and 'href="#copie-copies-0"' in page
    handed_in = copies["Alice Remise"]
    refused = client.post(
        f"{url}/copies",
        data={
            "csrf_token": token,
            "copie-copies": [str(copies["Bruno Bloqué"].id), str(handed_in.id)],
            "copie-minutes": "5",
            "copie-reason": "Panne",
            **_copy_form(html),
        },
    )
    assert refused.status_code == 422
    text = page_text(refused.get_data(as_text=True))
    assert "La copie de Alice Remise est déjà remise" in text
    assert "Aucune copie n'a été prolongée." in text
    assert f'value="{copies["Bruno Bloqué"].id}" checked' in refused.get_data(as_text=True)
    assert db.session.execute(select(CopyTimeExtension)).first() is None


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.AUTHOR, Role.JURY])
def test_only_an_administrator_grants_time_to_copies(client, sitting, make_user, role):
    session, copies, _ = sitting
    token = login(client, make_user(role).email)
    url = f"/admin/incidents/sessions/{session.id}/copies"
    bruno = copies["Bruno Bloqué"]
    data = {
        "csrf_token": token,
        "copie-copies": [str(bruno.id)],
        "copie-minutes": "5",
        "copie-reason": "x",
    }
    assert client.post(url, data=data).status_code == 403
    assert bruno.deadline == bruno.started_at + timedelta(minutes=30)


def test_the_grant_needs_the_csrf_token(client, sitting, make_user):
    session, copies, _ = sitting
    login(client, make_user(Role.ADMIN).email)
    bruno = copies["Bruno Bloqué"]
    response = client.post(
        f"/admin/incidents/sessions/{session.id}/copies",
        data={"copie-copies": [str(bruno.id)], "copie-minutes": "5", "copie-reason": "x"},
    )
    assert response.status_code == 400
    assert bruno.deadline == bruno.started_at + timedelta(minutes=30)
