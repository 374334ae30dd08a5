"""A password an administrator sets for an account follows the whole rule, the account's
address included: the account form checked only length and guessability, so « camille.martin
2026 » was set for camille.martin@example.org, which account creation and the holder's own
change refuse."""

from __future__ import annotations

import pytest

from questionnaire.admin.services import update_user
from questionnaire.auth.models import Role
from questionnaire.auth.services import AccountError


def test_an_administrator_cannot_set_a_password_holding_the_address(db, clock, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    camille = make_user(email="camille.martin@example.org", name="Camille Martin")
    before = camille.password_hash

    def set_password(password: str) -> None:
        update_user(
            camille,
            admin,
            display_name="Camille Martin",
            roles=[Role.CANDIDATE],
            active=True,
            now=clock(),
            new_password=password,
        )

    with pytest.raises(AccountError, match="l'adresse électronique du compte"):
        set_password("camille.martin 2026")
    assert camille.password_hash == before
    set_password("bureau de poste 2026")  # another phrase of the same length is set
    assert camille.password_hash != before
