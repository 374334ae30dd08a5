"""An autosave costs a fixed, small number of statements, whatever the length of the form."""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import bank_yaml, login


def test_an_autosave_runs_three_statements_even_on_the_last_of_twenty_items(
    app, client, make_session, loaded_bank, db
):
    theme = loaded_bank(bank_yaml(topics={"alpha": 12, "beta": 12}))
    session, candidate = make_session(
        item_count=20, blueprint={"alpha": 10, "beta": 10}, theme=theme
    )
    token = login(client, candidate.email)
    attempt = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for seq, item in enumerate(attempt["items"], start=1):
        statements.clear()
        with app.app_context():  # a fresh session and ``g``, as for a request in production
            response = client.put(
                f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item['item_id']}",
                json={"selected": [item["options"][0]["key"]], "seq": seq},
                headers={"X-CSRFToken": token},
            )
        assert response.status_code == 200 and response.get_json()["applied"]
        counts.append(len(statements))
    # the user with its roles, the ownership-and-item check, the upsert
    assert set(counts) == {3}
    assert "ON CONFLICT" in statements[-1] and "FROM attempt JOIN attempt_item" in statements[-2]
