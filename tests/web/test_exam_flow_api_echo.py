"""A refused save names a few of the keys or the question it refuses, not everything sent."""

import pytest

from tests.conftest import login
from tests.web.test_api import api  # noqa: F401 (fixture)


@pytest.fixture
def save_url(client, api, make_session):  # noqa: F811
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    return f"/api/v1/attempts/{body['attempt_id']}/responses/", body["items"][0]["item_id"]


def test_many_unknown_keys_are_named_five_at_most(api, save_url):  # noqa: F811
    base, item = save_url
    keys = [f"K{n:04d}" for n in range(1500)]
    refused = api.call("PUT", base + item, json={"selected": keys, "seq": 1})
    assert refused.status_code == 422
    message = refused.get_json()["error"]["message"]
    # the exam page shows this message in its status region, which a screen reader reads out
    assert message == (
        "Option(s) inconnue(s) : K0000, K0001, K0002, K0003, K0004 et 1495 autre(s)."
    )


def test_a_long_unknown_key_is_shortened(api, save_url):  # noqa: F811
    base, item = save_url
    refused = api.call("PUT", base + item, json={"selected": ["X" * 5000], "seq": 1})
    assert refused.get_json()["error"]["message"] == f"Option(s) inconnue(s) : {'X' * 40}…."


def test_a_few_unknown_keys_are_all_named(api, save_url):  # noqa: F811
    base, item = save_url
    refused = api.call("PUT", base + item, json={"selected": ["A", "Z", "Y"], "seq": 1})
    assert refused.get_json()["error"]["message"] == "Option(s) inconnue(s) : Y, Z."


def test_a_long_unknown_question_is_shortened(api, save_url):  # noqa: F811
    base, _item = save_url
    refused = api.call("PUT", base + "Q" * 2000, json={"selected": [], "seq": 1})
    assert refused.status_code == 404
    assert refused.get_json()["error"]["message"] == (
        f"La question {'Q' * 40}… ne fait pas partie de cette copie."
    )
