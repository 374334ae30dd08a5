"""A bank file rolled back to an earlier content is the source of truth again on reload.

``banks load`` skipped an item whose file content matched any of its versions, to keep what the
workspace wrote since the last load. But a file that went back to an earlier content (a wrong
key fix reverted in git) matched the first version too: the reload said « inchangé » and went on
serving the content the file no longer holds, wrong key included.
"""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.banks.models import Item, VersionStatus
from tests.authoring.test_lifecycle import parsed
from tests.conftest import bank_yaml

ORIGINAL = bank_yaml()
FIRST_KEY = '{key: B, text: "Réponse B de la question 1", correct: true}'
#: A « key fix » of TST-0001 (C instead of B), later found wrong and reverted in the file.
KEY_CHANGED = ORIGINAL.replace(
    FIRST_KEY, '{key: B, text: "Réponse B de la question 1"}', 1
).replace(
    '{key: C, text: "Réponse C de la question 1"}',
    '{key: C, text: "Réponse C de la question 1", correct: true}',
    1,
)


def _item(db) -> Item:
    db.session.expire_all()
    return db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()


def _published_keys(item: Item) -> list[str]:
    return [option.key for option in item.published_version.options if option.is_correct]


def test_the_fixture_changes_the_first_items_key():
    assert FIRST_KEY in ORIGINAL and KEY_CHANGED != ORIGINAL


def test_a_file_rolled_back_is_published_again(db, loaded_bank):
    loaded_bank(ORIGINAL)
    loaded_bank(KEY_CHANGED)
    assert _published_keys(_item(db)) == ["C"]
    loaded_bank(ORIGINAL)
    item = _item(db)
    assert [(v.number, v.status) for v in item.versions] == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.SUPERSEDED),
        (3, VersionStatus.PUBLISHED),
    ]
    assert _published_keys(item) == ["B"]
    loaded_bank(ORIGINAL)  # unchanged since the last load: nothing moves
    assert len(_item(db).versions) == 3


def test_the_workspace_version_stays_while_the_file_is_unchanged(db, clock, loaded_bank, make_user):
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    theme = loaded_bank(ORIGINAL)
    draft = services.save_item(_item(db), theme, parsed(), author, clock())
    services.submit(draft, author, clock())
    services.approve(draft, reviewer, clock())
    services.publish(draft, reviewer, clock())
    db.session.commit()
    loaded_bank(ORIGINAL)  # the file still holds version 1: the workspace's version 2 stays
    item = _item(db)
    assert [(v.number, v.status) for v in item.versions] == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.PUBLISHED),
    ]
