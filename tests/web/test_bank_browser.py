"""The read-only bank browser: an item with the version asked for, or 404."""

from questionnaire.auth.models import Role
from tests.conftest import bank_yaml, login


def test_staff_open_an_item_and_each_of_its_versions(app, make_user, loaded_bank):
    loaded_bank(bank_yaml(topics={"alpha": 2}))
    edited = bank_yaml(topics={"alpha": 2}).replace(
        "Réponse A de la question 1", "Réponse A, revue, de la question 1"
    )
    loaded_bank(edited)
    for role in (Role.AUTHOR, Role.REVIEWER, Role.ADMIN):
        client = app.test_client()
        login(client, make_user(role).email)
        latest = client.get("/banques/items/TST-0001").get_data(as_text=True)
        first = client.get("/banques/items/TST-0001?version=1").get_data(as_text=True)
        assert "Version 2" in latest and "A, revue, de la question 1" in latest
        assert "A de la question 1" in first and "revue" not in first


def test_unknown_item_or_version_is_not_found(client, make_user, loaded_bank):
    loaded_bank(bank_yaml(topics={"alpha": 2}))
    login(client, make_user(Role.AUTHOR).email)
    assert client.get("/banques/items/TST-0001").status_code == 200
    assert client.get("/banques/items/NOPE-1").status_code == 404
    assert client.get("/banques/items/TST-0001?version=9").status_code == 404


def test_candidates_and_jury_are_refused(app, make_user, loaded_bank):
    loaded_bank(bank_yaml(topics={"alpha": 2}))
    for role in (Role.CANDIDATE, Role.JURY):
        client = app.test_client()
        login(client, make_user(role).email)
        assert client.get("/banques/items/TST-0001").status_code == 403
