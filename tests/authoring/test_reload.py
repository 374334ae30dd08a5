"""Reloading the YAML banks while a version is open in the workspace never strands it."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.authoring import services
from questionnaire.authoring.models import EventKind
from questionnaire.banks.models import Item, VersionStatus
from questionnaire.banks.versions import open_version
from tests.authoring.test_lifecycle import parsed
from tests.conftest import bank_yaml, login

CHANGED = bank_yaml().replace("Justification de la question 1.", "Justification revue en 2026.")


def _item(db) -> Item:
    db.session.expire_all()
    return db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()


def _statuses(item: Item) -> list[tuple[int, VersionStatus]]:
    return [(v.number, v.status) for v in item.versions]


def test_reload_publishes_the_file_and_keeps_the_draft_on_top(
    db, clock, loaded_bank, author, reviewer
):
    theme = loaded_bank()
    draft = services.save_item(_item(db), theme, parsed(), author, clock())
    db.session.commit()
    assert draft.number == 2
    loaded_bank(CHANGED)
    item = _item(db)
    assert _statuses(item) == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.PUBLISHED),
        (3, VersionStatus.DRAFT),
    ]
    assert item.published_version.rationale == "Justification revue en 2026."
    assert open_version(item).id == draft.id
    assert services.can_edit(item, author)
    event = services.thread(item)[-1]
    assert event.kind is EventKind.BANK_RELOADED and event.actor is None
    assert "version 2 est publiée" in event.comment
    # the draft goes on through the review and replaces the reloaded version
    services.submit(draft, author, clock())
    services.approve(draft, reviewer, clock())
    services.publish(draft, reviewer, clock())
    db.session.commit()
    assert _statuses(_item(db))[-2:] == [
        (2, VersionStatus.SUPERSEDED),
        (3, VersionStatus.PUBLISHED),
    ]
    loaded_bank(CHANGED)  # the reloaded content is known: nothing moves
    assert len(_item(db).versions) == 3


def test_the_list_flags_drafts_overtaken_by_a_reload(client, db, clock, loaded_bank, author):
    theme = loaded_bank()
    services.save_item(_item(db), theme, parsed(), author, clock())
    db.session.commit()
    loaded_bank(CHANGED)
    login(client, author.email)
    page = client.get("/atelier/?flag=rechargee").get_data(as_text=True)
    assert ">TST-0001</a>" in page and "TST-0002" not in page
    assert "banque rechargée depuis : à comparer" in page


def test_a_version_in_review_goes_back_to_draft_without_its_approval(
    db, clock, loaded_bank, author, reviewer
):
    theme = loaded_bank()
    version = services.save_item(_item(db), theme, parsed(), author, clock())
    services.submit(version, author, clock())
    services.approve(version, reviewer, clock())
    db.session.commit()
    loaded_bank(CHANGED)
    item = _item(db)
    reopened = open_version(item)
    assert (reopened.id, reopened.number, reopened.status) == (
        version.id,
        3,
        VersionStatus.DRAFT,
    )
    assert not services.authorship_of(reopened).is_approved
    assert "brouillon" in services.thread(item)[-1].comment
