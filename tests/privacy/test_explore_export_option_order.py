"""The export of a copy gives what the register (row 3) says the platform holds of it: for each
question drawn, the item and its version, and the order its options were shown in, beside the
answer."""

from __future__ import annotations

from questionnaire.attempts.models import Attempt
from tests.conftest import login


def test_each_answer_gives_the_version_drawn_and_the_order_of_its_options(client, make_session, db):
    session, candidate = make_session()
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    attempt = db.session.get(Attempt, body["attempt_id"])
    shown = {
        item.external_id: (item.version.number, list(item.option_order)) for item in attempt.items
    }
    assert all(sorted(order) == ["A", "B", "C", "D"] for _number, order in shown.values())

    (exported,) = client.get("/mes-donnees/export.json").get_json()["attempts"]

    assert {
        answer["item_id"]: (answer["version"], answer["option_order"])
        for answer in exported["answers"]
    } == shown
