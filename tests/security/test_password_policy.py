"""Password rule: twelve characters are not enough when they are one repeated character, a run
(« 123456789012 », « abcdefghijkl ») or a piece of a keyboard row (« azertyuiopqs »), the first
guesses of any attacker (NIST SP 800-63B 5.1.1.2: « repetitive or sequential characters »), nor
when they hold the account's own address."""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.auth.services import (
    AccountError,
    PasswordChangeError,
    change_password,
    create_user,
    password_policy_error,
)
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "111111111111",
        "abababababab",
        "123123123123",
        "123456789012",  # the digits' run wraps from 9 to 0
        "abcdefghijkl",
        "ZYXWVUTSRQPO",
        "azertyuiopqs",
        "AZERTYUIOP12",
        "qwertyuiopas",
        "0987654321098",
        "azertyazerty",  # a short piece said again and again
        "abc123abc123abc",
        "soleil!soleil!",
    ],
)
def test_repeated_and_sequential_passwords_are_refused(password):
    refused = password_policy_error(password)
    assert refused is not None and "trop facile à deviner" in refused


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "demo-questionnaire",
        "une-phrase-de-passe-assez-longue",
        "Tr0mpette!Verte",
        "azerty-du-lundi-matin",  # a keyboard run within a longer phrase is fine
    ],
)
def test_phrases_and_mixed_passwords_are_accepted(password):
    assert password_policy_error(password) is None


def test_a_password_holding_the_address_is_refused(app, db, clock, make_user):
    with pytest.raises(AccountError, match="adresse électronique"):
        create_user(
            "jean.dupont@example.org",
            "jean.dupont-2026!",
            "Jean Dupont",
            [Role.CANDIDATE],
            clock(),
        )
    user = make_user(email="camille.martin@example.org")
    with pytest.raises(PasswordChangeError, match="adresse électronique") as refused:
        change_password(user, PASSWORD, "Camille.Martin est là")
    assert refused.value.field == "new_password"


def test_the_password_page_says_why(client, make_user):
    from tests.conftest import form_token, login

    login(client, make_user(email="cand@example.org").email)
    response = client.post(
        "/mot-de-passe",
        data={
            "csrf_token": form_token(client, "/mot-de-passe"),
            "current_password": PASSWORD,
            "new_password": "123456789012",
            "confirmation": "123456789012",
        },
    )
    assert response.status_code == 422
    assert "trop facile à deviner" in response.get_data(as_text=True)
