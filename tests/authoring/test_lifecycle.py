"""The life cycle refuses impossible moves; four eyes; published versions never change."""

from datetime import date

import pytest
from sqlalchemy import select

from questionnaire.attempts.models import AttemptItem
from questionnaire.attempts.services import start_attempt
from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.authoring.lifecycle import TransitionError, can_transition, transition
from questionnaire.banks.models import (
    CognitiveLevel,
    Difficulty,
    FrozenVersionError,
    ItemType,
    ItemVersion,
    VersionStatus,
    Volatility,
)
from questionnaire.banks.validation import ParsedItem, ParsedOption

S = VersionStatus
ALLOWED = [
    (S.DRAFT, S.IN_REVIEW),
    (S.IN_REVIEW, S.DRAFT),
    (S.IN_REVIEW, S.PUBLISHED),
    (S.PUBLISHED, S.SUPERSEDED),
    (S.PUBLISHED, S.RETIRED),
]
FORBIDDEN = [
    (S.DRAFT, S.PUBLISHED),
    (S.DRAFT, S.RETIRED),
    (S.DRAFT, S.SUPERSEDED),
    (S.IN_REVIEW, S.RETIRED),
    (S.PUBLISHED, S.DRAFT),
    (S.PUBLISHED, S.IN_REVIEW),
    (S.RETIRED, S.PUBLISHED),
    (S.RETIRED, S.DRAFT),
    (S.SUPERSEDED, S.PUBLISHED),
    (S.DRAFT, S.DRAFT),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions(current, target):
    version = ItemVersion(status=current)
    transition(version, target)
    assert version.status is target


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transitions_are_refused(current, target):
    version = ItemVersion(status=current)
    assert not can_transition(current, target)
    with pytest.raises(TransitionError):
        transition(version, target)
    assert version.status is current


def parsed(stem="Quel est le plafond du livret A pour un particulier ?", correct="B"):
    return ParsedItem(
        id="",
        topic="alpha",
        competency="C9",
        type=ItemType.SINGLE,
        stem=stem,
        options=[
            ParsedOption(key, text, key == correct)
            for key, text in zip(
                "ABCD", ("15 300 €", "22 950 €", "12 000 €", "10 000 €"), strict=True
            )
        ],
        rationale="Le plafond est de 22 950 €.",
        reference="Art. R221-2 CMF",
        cognitive_level=CognitiveLevel.CONNAISSANCE,
        difficulty=Difficulty.FACILE,
        valid_as_of=date(2026, 2, 1),
        volatility=Volatility.STABLE,
    )


def test_author_cannot_approve_their_own_version(db, clock, loaded_bank, make_user, reviewer):
    theme = loaded_bank()
    both = make_user(Role.AUTHOR, Role.REVIEWER, email="les-deux@example.org")
    version = services.save_item(None, theme, parsed(), both, clock())
    services.submit(version, both, clock())
    assert not services.can_review(version, both)
    with pytest.raises(services.NotAllowed):
        services.approve(version, both, clock())
    with pytest.raises(services.NotAllowed):
        services.send_back(version, both, "je me renvoie", clock())
    assert version.status is S.IN_REVIEW
    assert not services.authorship_of(version).is_approved
    services.approve(version, reviewer, clock())
    assert services.authorship_of(version).approved_by_id == reviewer.id


def test_only_approved_versions_are_published(db, clock, loaded_bank, author, reviewer):
    theme = loaded_bank()
    version = services.save_item(None, theme, parsed(), author, clock())
    with pytest.raises(services.NotAllowed):
        services.publish(version, reviewer, clock())
    services.submit(version, author, clock())
    with pytest.raises(services.NotAllowed):
        services.publish(version, reviewer, clock())
    services.approve(version, reviewer, clock())
    with pytest.raises(services.NotAllowed):
        services.publish(version, author, clock())  # an author does not publish
    services.publish(version, reviewer, clock())
    assert version.status is S.PUBLISHED
    assert version.item.external_id == "TST-0009"  # after the eight loaded items


def test_send_back_needs_a_comment_and_returns_to_draft(db, clock, loaded_bank, author, reviewer):
    theme = loaded_bank()
    version = services.save_item(None, theme, parsed(), author, clock())
    services.submit(version, author, clock())
    services.approve(version, reviewer, clock())
    with pytest.raises(services.AuthoringError):
        services.send_back(version, reviewer, "  ", clock())
    services.send_back(version, reviewer, "Préciser l'année du plafond.", clock())
    assert version.status is S.DRAFT
    assert not services.authorship_of(version).is_approved  # approval does not survive
    db.session.flush()
    kinds = [(e.kind.value, e.comment) for e in services.thread(version.item)]
    assert kinds == [
        ("created", None),
        ("submitted", None),
        ("approved", None),
        ("sent_back", "Préciser l'année du plafond."),
    ]


def test_submission_refused_while_lint_finds_errors(db, clock, loaded_bank, author):
    theme = loaded_bank()
    bad = parsed()
    bad.options[3] = ParsedOption("D", "Toutes ces réponses", False)
    version = services.save_item(None, theme, bad, author, clock())
    with pytest.raises(services.AuthoringError, match="toutes / aucune"):
        services.submit(version, author, clock())
    assert version.status is S.DRAFT


def test_a_draft_belongs_to_its_author_and_review_locks_it(
    db, clock, loaded_bank, author, make_user
):
    theme = loaded_bank()
    other = make_user(Role.AUTHOR, email="autre@example.org")
    version = services.save_item(None, theme, parsed(), author, clock())
    item = version.item
    with pytest.raises(services.NotAllowed):
        services.save_item(item, theme, parsed(stem="Autre énoncé du livret A ?"), other, clock())
    services.save_item(
        item, theme, parsed(stem="Quel plafond pour le livret A en 2026 ?"), author, clock()
    )
    assert version.stem == "Quel plafond pour le livret A en 2026 ?"  # edited in place
    assert len(item.versions) == 1
    services.submit(version, author, clock())
    with pytest.raises(services.NotAllowed):
        services.save_item(item, theme, parsed(), author, clock())


def test_editing_a_used_published_version_makes_a_new_draft(
    db, clock, make_session, author, reviewer
):
    session, _ = make_session()
    enrolment = session.enrolments[0]
    attempt, _ = start_attempt(enrolment, clock(), 30)
    db.session.commit()
    shown = attempt.items[0].version
    db.session.refresh(shown)
    assert shown.is_frozen
    item, before = shown.item, (shown.stem, shown.content_hash, shown.number)
    content = services.parsed_from_version(shown)
    content.stem = "Énoncé corrigé en 2026 : quelle réponse ?"
    draft = services.save_item(item, item.theme, content, author, clock())
    assert draft.number == shown.number + 1 and draft.status is S.DRAFT
    services.submit(draft, author, clock())
    services.approve(draft, reviewer, clock())
    services.publish(draft, reviewer, clock())
    db.session.commit()
    assert shown.status is S.SUPERSEDED
    assert (shown.stem, shown.content_hash, shown.number) == before
    kept = db.session.execute(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == 1)
    ).scalar_one()
    assert kept.item_version_id == shown.id
    # and a frozen version refuses any direct change
    shown.stem = "modifié en douce"
    with pytest.raises(FrozenVersionError):
        db.session.flush()
    db.session.rollback()


def test_write_refuses_a_version_that_is_not_a_draft(db, clock, loaded_bank, author):
    from questionnaire.banks.versions import DraftError, write_content

    theme = loaded_bank()
    published = theme_item_version(db)
    with pytest.raises(DraftError):
        write_content(published, parsed(), theme)


def theme_item_version(db):
    return db.session.execute(
        select(ItemVersion).where(ItemVersion.status == S.PUBLISHED).limit(1)
    ).scalar_one()


def test_withdraw_and_retire(db, clock, loaded_bank, author, reviewer):
    theme = loaded_bank()
    version = services.save_item(None, theme, parsed(), author, clock())
    services.submit(version, author, clock())
    with pytest.raises(services.NotAllowed):
        services.withdraw(version, reviewer, clock())
    services.withdraw(version, author, clock())
    assert version.status is S.DRAFT
    published = theme_item_version(db)
    with pytest.raises(services.AuthoringError):
        services.retire(published, reviewer, "", clock())
    with pytest.raises(services.NotAllowed):
        services.retire(published, author, "obsolète", clock())
    services.retire(published, reviewer, "Texte abrogé.", clock())
    assert published.status is S.RETIRED
    assert not services.can_retire(published, reviewer)
