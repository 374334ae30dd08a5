"""Item imports racing each other, or an author, on PostgreSQL.

An import read the items it would give a draft without a lock: a second import of the same
file, or an author saving a new draft of one of its items meanwhile, made it insert the same
item or the same version number, and it failed with an IntegrityError (a 500 on the import
page, a trace from the command) instead of a report.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.authoring import services as authoring
from questionnaire.banks.models import Item, ItemVersion, Theme, VersionStatus
from questionnaire.clock import now_utc
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file
from questionnaire.extensions import db
from tests.authoring.test_lifecycle import parsed
from tests.conftest import PASSWORD
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres

NEW_ITEM = (
    "id,topic,stem,option_a,option_b,option_c,correct\n"
    "IMP-RACE-1,alpha,Quel est le plafond du LDDS ?,12 000 €,22 950 €,15 300 €,A\n"
).encode()


def _authors(tmp_path) -> dict[str, int]:
    seed_exam(tmp_path, candidates=0)
    now = now_utc()
    people = {
        name: create_user(f"{name}@example.org", PASSWORD, name.title(), [Role.AUTHOR], now)
        for name in ("alix", "sacha")
    }
    db.session.commit()
    return {name: user.id for name, user in people.items()}


def _importing(data: bytes, user_id: int, reports: list):
    def action():
        author = db.session.get(User, user_id)
        reports.append(import_file(data, "items.csv", "csv", "fiscalite", now_utc(), None, author))

    return action


def test_two_imports_of_the_same_new_item_at_once(pg_app, tmp_path):
    """The second used to insert the same item again (IntegrityError); it now waits for the
    first and finds the item already there, identical."""
    ids = _authors(tmp_path)
    reports: list = []
    outcomes = race(
        pg_app,
        _importing(NEW_ITEM, ids["alix"], reports),
        _importing(NEW_ITEM, ids["sacha"], reports),
    )
    assert outcomes == [None, None]
    assert [(len(r.imported), len(r.unchanged)) for r in reports] == [(1, 0), (0, 1)]
    db.session.remove()
    item = db.session.execute(sa.select(Item).where(Item.external_id == "IMP-RACE-1")).scalar_one()
    assert [version.number for version in item.versions] == [1]


def test_an_import_racing_an_author_s_new_draft_is_refused_with_a_report(pg_app, tmp_path):
    """The author saves a new draft of a published item while an import brings another one:
    the import used to take the same version number (IntegrityError); it now waits for the
    author's save and is refused, the item having a draft."""
    ids = _authors(tmp_path)
    item = db.session.execute(sa.select(Item).order_by(Item.external_id)).scalars().first()
    external_id, topic = item.external_id, item.latest_version.topic.slug
    changed = (
        "id,topic,stem,option_a,option_b,option_c,correct\n"
        f"{external_id},{topic},Énoncé réécrit par l'import ?,un,deux,trois,B\n"
    ).encode()

    def saving():
        author = db.session.get(User, ids["alix"])
        current = db.session.execute(
            sa.select(Item).where(Item.external_id == external_id)
        ).scalar_one()
        theme = db.session.execute(sa.select(Theme)).scalar_one()
        draft = replace(parsed(stem="Énoncé réécrit par l'auteur ?"), id=external_id, topic=topic)
        authoring.save_item(current, theme, draft, author, now_utc())

    reports: list = []
    outcomes = race(pg_app, saving, _importing(changed, ids["sacha"], reports))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], ImportRejected)
    [error] = outcomes[1].report.errors
    assert error.location == "ligne 2"
    assert error.message == (
        f"l'item « {external_id} » a déjà une version brouillon (n° 2) : terminez-la avant "
        "de réimporter."
    )
    db.session.remove()
    versions = db.session.execute(
        sa.select(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.external_id == external_id)
        .order_by(ItemVersion.number)
    ).scalars()
    assert [(v.number, v.status, v.stem) for v in versions][1:] == [
        (2, VersionStatus.DRAFT, "Énoncé réécrit par l'auteur ?")
    ]
