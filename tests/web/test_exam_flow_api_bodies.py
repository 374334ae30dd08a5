"""Starting and handing in take no body: a member sent with them is refused, not ignored."""

import pytest

from tests.conftest import login
from tests.web.test_api import api  # noqa: F401 (fixture)


@pytest.fixture
def started(client, api, make_session):  # noqa: F811
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    return session, body["attempt_id"]


def test_a_hand_in_asked_not_to_happen_does_not_happen(api, started):  # noqa: F811
    _session, attempt_id = started
    # the documented rule: a member the document does not declare is refused, never ignored;
    # ignored here, it handed the copy in for good
    refused = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", json={"confirm": False})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "unknown_fields" and "« confirm »" in error["message"]
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["status"] == "in_progress"


def test_a_start_with_a_member_is_refused(api, started):  # noqa: F811
    session, _attempt_id = started
    refused = api.call("POST", f"/api/v1/sessions/{session.id}/attempt", json={"resume": False})
    assert refused.status_code == 422
    assert "« resume »" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [None, {}])
def test_no_body_or_an_empty_object_still_hands_in(api, started, body):  # noqa: F811
    _session, attempt_id = started
    handed_in = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", json=body)
    assert handed_in.status_code == 200 and handed_in.get_json()["status"] == "submitted"


def test_a_body_that_is_not_json_is_refused(client, api, started):  # noqa: F811
    _session, attempt_id = started
    refused = client.post(
        f"/api/v1/attempts/{attempt_id}/submit",
        data="confirm=0",
        headers={"X-CSRFToken": api.token, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused.status_code == 415
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["status"] == "in_progress"
