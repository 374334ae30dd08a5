"""A closed session's calendar is part of its record: its title and correction policy may still
be corrected, its opening and closing no longer move (not even to other past dates)."""

from datetime import timedelta

import pytest

from questionnaire.admin.forms import to_local
from tests.conftest import form_token, page_text

SHOWN = "%Y-%m-%dT%H:%M"


def edit(client, session, **fields):
    url = f"/admin/sessions/{session.id}/modifier"
    data = {
        "csrf_token": form_token(client, url),
        "title": session.title,
        "opens_at": to_local(session.opens_at).strftime(SHOWN),
        "closes_at": to_local(session.closes_at).strftime(SHOWN),
        "release_policy": "after_close",
        "purpose": "certification",
        **fields,
    }
    return client.post(url, data=data)


@pytest.mark.parametrize("field", ["opens_at", "closes_at", "both"])
def test_a_closed_sessions_dates_are_not_rewritten(client, admin, make_session, db, clock, field):
    session, _ = make_session()  # opened an hour ago, closes in 23 hours
    opened, closed = session.opens_at, session.closes_at
    clock.advance(days=2)
    earlier = {
        "opens_at": to_local(opened - timedelta(days=3)).strftime(SHOWN),
        "closes_at": to_local(closed - timedelta(hours=20)).strftime(SHOWN),
    }
    fields = earlier if field == "both" else {field: earlier[field]}
    response = edit(client, session, **fields)
    assert response.status_code == 422
    assert "Les dates d'une session close ne changent plus" in page_text(
        response.get_data(as_text=True)
    )
    db.session.refresh(session)
    assert (session.opens_at, session.closes_at) == (opened, closed)


def test_its_title_is_still_corrected(client, admin, make_session, db, clock):
    session, _ = make_session()
    opened, closed = session.opens_at, session.closes_at
    clock.advance(days=2)
    assert edit(client, session, title="Session de mars (corrigée)").status_code == 302
    db.session.refresh(session)
    assert session.title == "Session de mars (corrigée)"
    assert (session.opens_at, session.closes_at) == (opened, closed)


def test_an_open_sessions_dates_still_move(client, admin, make_session, db, clock):
    session, _ = make_session()
    later = to_local(session.closes_at + timedelta(days=1)).strftime(SHOWN)
    assert edit(client, session, closes_at=later).status_code == 302
