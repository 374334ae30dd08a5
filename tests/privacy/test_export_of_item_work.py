"""Access right of the staff (register, row 8): the export lists the person's work on the items
(versions written and approved, review events and comments, scoring decisions), which it left
out; a person still to sit a certification session gets none of the texts they wrote."""

from __future__ import annotations

from questionnaire.attempts.grading import neutralise_item
from questionnaire.auth.models import Role
from questionnaire.authoring import services as authoring
from questionnaire.exams.services import enrol
from tests.authoring.test_lifecycle import parsed
from tests.conftest import login


def _reviewed_item(theme, author, reviewer, clock, db):
    version = authoring.save_item(None, theme, parsed(correct="B"), author, clock())
    authoring.submit(version, author, clock())
    authoring.add_comment(version.item, version, reviewer, "La clé B est-elle à jour ?", clock())
    authoring.approve(version, reviewer, clock(), comment="Vérifié.")
    db.session.commit()
    return version


def test_authors_and_reviewers_find_their_work_in_the_export(
    client, loaded_bank, make_user, clock, db
):
    theme = loaded_bank()
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    version = _reviewed_item(theme, author, reviewer, clock, db)
    item = version.item.external_id
    login(client, author.email)
    work = client.get("/mes-donnees/export.json").get_json()["item_work"]
    assert work["versions_written"] == [
        {"item": item, "version": version.number, "written_at": clock().isoformat()}
    ]
    assert work["versions_approved"] == []
    assert [e["event"] for e in work["review_events"]] == ["created", "submitted"]
    login(client, reviewer.email)
    work = client.get("/mes-donnees/export.json").get_json()["item_work"]
    assert work["versions_approved"] == [
        {"item": item, "version": version.number, "approved_at": clock().isoformat()}
    ]
    assert [(e["item"], e["event"], e["comment"]) for e in work["review_events"]] == [
        (item, "comment", "La clé B est-elle à jour ?"),
        (item, "approved", "Vérifié."),
    ]
    assert work["texts_withheld_until"] is None


def test_a_scoring_decision_is_listed_with_its_reason(client, make_session, make_user, db, clock):
    from questionnaire.attempts.models import Attempt
    from questionnaire.attempts.services import find_enrolment, start_attempt

    session, candidate = make_session()
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    jury = make_user(Role.JURY, email="jury@example.org")
    version = db.session.get(Attempt, attempt.id).items[0].version
    neutralise_item(version, session, jury, "Énoncé ambigu", clock())
    db.session.commit()
    login(client, jury.email)
    (decision,) = client.get("/mes-donnees/export.json").get_json()["item_work"][
        "scoring_decisions"
    ]
    assert decision == {
        "item": version.item.external_id,
        "version": version.number,
        "decision": "neutralise",
        "session_id": session.id,
        "reason": "Énoncé ambigu",
        "at": clock().isoformat(),
    }


def test_a_pending_candidate_gets_no_text_they_wrote(
    client, loaded_bank, make_session, make_user, clock, db
):
    """A former reviewer, since enrolled as a candidate: their comment may quote a key."""
    theme = loaded_bank()
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    _reviewed_item(theme, author, reviewer, clock, db)
    reviewer.set_roles([Role.CANDIDATE])
    session, _other = make_session(theme=theme)
    enrol(session, reviewer, clock())
    db.session.commit()
    login(client, reviewer.email)
    work = client.get("/mes-donnees/export.json").get_json()["item_work"]
    assert work["texts_withheld_until"] == session.title
    assert [e["comment"] for e in work["review_events"]] == [None, None]
    assert "La clé B" not in str(work)


def test_a_candidate_who_wrote_nothing_reads_no_withheld_session(client, make_session, db):
    _session, candidate = make_session()
    login(client, candidate.email)
    work = client.get("/mes-donnees/export.json").get_json()["item_work"]
    assert work == {
        "texts_withheld_until": None,
        "versions_written": [],
        "versions_approved": [],
        "review_events": [],
        "revalidations": [],
        "reference_changes": [],
        "scoring_decisions": [],
        "flags_kept": [],
    }


def test_a_version_kept_despite_a_flag_is_listed_with_its_reason(
    client, loaded_bank, make_user, clock, db
):
    """The decisions of the « Items à revoir » queue (4501210) name their reviewer: theirs."""
    from questionnaire.itemstats.models import FlagReview

    theme = loaded_bank()
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    reviewer = make_user(Role.REVIEWER, email="relecteur@example.org")
    version = _reviewed_item(theme, author, reviewer, clock, db)
    db.session.add(
        FlagReview(
            version=version,
            flag="unused_distractor:D",
            reason="Piège voulu.",
            attempts=120,
            reviewed_by=reviewer,
            reviewed_at=clock(),
        )
    )
    db.session.commit()
    login(client, reviewer.email)
    work = client.get("/mes-donnees/export.json").get_json()["item_work"]
    assert work["flags_kept"] == [
        {
            "item": version.item.external_id,
            "version": version.number,
            "flag": "unused_distractor:D",
            "reason": "Piège voulu.",
            "attempts": 120,
            "at": clock().isoformat(),
        }
    ]
    login(client, author.email)
    assert client.get("/mes-donnees/export.json").get_json()["item_work"]["flags_kept"] == []
