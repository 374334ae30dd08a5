"""Two administrators withdrawing each other's role at once (PostgreSQL): one must remain."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.auth.models import Role, User, UserRole
from questionnaire.auth.services import AccountError, create_user
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.postgres.conftest import race

pytestmark = pytest.mark.postgres


def _active_administrators() -> set[str]:
    return set(
        db.session.execute(
            sa.select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN, User.active)
        ).scalars()
    )


def _withdrawing(target_id: int, acting_id: int, **change):
    def action():
        target, acting = db.session.get(User, target_id), db.session.get(User, acting_id)
        admin.update_user(
            target,
            acting,
            display_name=target.display_name,
            roles=change.get("roles", [Role.ADMIN]),
            active=change.get("active", True),
            now=now_utc(),
        )

    return action


@pytest.mark.parametrize(
    "change", [{"roles": [Role.AUTHOR]}, {"active": False}], ids=["role", "deactivation"]
)
def test_two_administrators_withdrawing_each_other_leave_one(pg_app, change):
    """Each saw the other as an administrator and withdrew them: both commits went through and
    nobody could administer any more. The second now waits, and is refused."""
    now = now_utc()
    ada = create_user("ada@example.org", PASSWORD, "Ada", [Role.ADMIN], now)
    bob = create_user("bob@example.org", PASSWORD, "Bob", [Role.ADMIN], now)
    db.session.commit()
    outcomes = race(
        pg_app, _withdrawing(bob.id, ada.id, **change), _withdrawing(ada.id, bob.id, **change)
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], AccountError), outcomes[1]
    assert "au moins un administrateur actif" in str(outcomes[1])
    assert _active_administrators() == {"ada@example.org"}


def test_an_administrator_among_three_is_still_withdrawn(pg_app):
    now = now_utc()
    ada, bob, _cid = (
        create_user(f"{name}@example.org", PASSWORD, name, [Role.ADMIN], now)
        for name in ("ada", "bob", "cid")
    )
    db.session.commit()
    _withdrawing(bob.id, ada.id, roles=[Role.AUTHOR])()
    db.session.commit()
    assert _active_administrators() == {"ada@example.org", "cid@example.org"}
