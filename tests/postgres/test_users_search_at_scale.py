"""The accounts list searched on a large register (PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.auth.models import Role, User, UserRole
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.postgres.conftest import MANY_ACCOUNTS, insert_agents

pytestmark = pytest.mark.postgres


def test_a_search_matching_more_accounts_than_a_query_may_bind_is_paged(pg_app):
    """Five years of candidates: « agent » matches them all. Their ids were bound one by one
    in the page's query, which PostgreSQL refused past 65,535 (a server error)."""
    now = now_utc()
    insert_agents(now)
    ids = db.session.execute(sa.select(User.id).order_by(User.id)).scalars().all()
    db.session.execute(
        sa.insert(UserRole),
        [{"user_id": i, "role": Role.CANDIDATE} for i in ids[::2]],  # odd ids
    )
    db.session.commit()
    listing = admin.list_users(None, "agent", 2)
    assert listing.total == MANY_ACCOUNTS
    assert [user.email for user in listing.rows[:2]] == [
        "agent00100@example.org",
        "agent00101@example.org",
    ]
    candidates = admin.list_users(Role.CANDIDATE, "agent 0001", 1)
    # Agent 00010 to 00019 (ids 11 to 20), every other account a candidate: ids 11 to 19
    assert [user.email for user in candidates.rows] == [
        f"agent000{n}@example.org" for n in (10, 12, 14, 16, 18)
    ]
