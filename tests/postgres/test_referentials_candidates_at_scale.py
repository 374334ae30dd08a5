"""The candidates of a certification searched on a large register of accounts (PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import User
from questionnaire.certification import loader
from questionnaire.certification.models import Certification, CertificationEnrolment
from questionnaire.certification.services import candidates_page
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.postgres.conftest import insert_agents

pytestmark = pytest.mark.postgres


def test_a_search_matching_more_accounts_than_a_query_may_bind_lists_the_candidates(pg_app):
    """Five years of accounts: « agent » matches them all. Their ids were bound one by one in
    the candidates page's query, which PostgreSQL refused past 65,535 (a server error)."""
    now = now_utc()
    insert_agents(now)
    loader.load_referentials(loader.DATA_PATH / "000_charge_clientele_particuliers.yaml", now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    registered = db.session.execute(
        sa.select(User.id).where(
            User.email.in_(["agent00007@example.org", "agent42000@example.org"])
        )
    ).scalars()
    db.session.execute(
        sa.insert(CertificationEnrolment),
        [
            {"certification_id": certification.id, "user_id": i, "created_at": now}
            for i in registered
        ],
    )
    db.session.commit()
    listing = candidates_page(certification, "agent", 1)
    assert listing.total == 2
    assert [e.user.email for e in listing.rows] == [
        "agent00007@example.org",
        "agent42000@example.org",
    ]
    assert candidates_page(certification, "agent 42", 1).total == 1


def test_the_results_of_more_candidates_than_a_query_may_bind_are_read(pg_app):
    """The deliberation page and its exports read every candidate's sittings and evaluations
    at once; past 65,535 candidates their ids, bound one by one, were refused (a server error)."""
    from questionnaire.certification import services

    ids = list(range(1, 70_001))
    assert services.questionnaire_sittings(ids) == {}
    assert services._evaluations(ids) == {}
