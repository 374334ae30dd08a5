"""A session not open yet has had no incident: it gets no extra time, which could never be
taken back from its copies."""

from datetime import timedelta

import pytest

from questionnaire.auth.models import Role
from questionnaire.incidents.models import session_extra_minutes
from questionnaire.incidents.services import IncidentError, grant_extra_time
from tests.conftest import form_token, login, page_text


def test_the_service_refuses_a_session_not_open_yet(make_session, make_user, clock):
    session, _ = make_session(opens_in=timedelta(days=2))
    with pytest.raises(IncidentError, match="pas encore ouverte"):
        grant_extra_time(session, 15, "Panne", make_user(Role.ADMIN), clock())
    assert session_extra_minutes(session.id) == 0


def test_the_page_offers_no_form_and_the_list_leaves_it_out(
    client, make_session, make_user, db, clock
):
    to_come, _ = make_session(opens_in=timedelta(days=2))
    to_come.title = "Session de mai"
    db.session.commit()
    login(client, make_user(Role.ADMIN).email)
    assert "Session de mai" not in page_text(client.get("/admin/incidents").get_data(as_text=True))
    url = f"/admin/incidents/sessions/{to_come.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="minutes"' not in page
    assert "n'est pas encore ouverte" in page_text(page)
    token = form_token(client, "/admin/incidents")
    refused = client.post(url, data={"minutes": "15", "reason": "Panne", "csrf_token": token})
    assert refused.status_code == 422
    assert session_extra_minutes(to_come.id) == 0
    # open, it gets the time
    clock.advance(days=2, minutes=1)
    assert 'name="minutes"' in client.get(url).get_data(as_text=True)
