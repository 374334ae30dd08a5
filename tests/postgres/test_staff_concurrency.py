"""Concurrency of staff workflows on PostgreSQL: two staff members acting on the same thing."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.authoring import services as authoring
from questionnaire.authoring.models import EventKind, ReviewEvent, VersionAuthorship
from questionnaire.banks.models import (
    ItemVersion,
    Theme,
    VersionStatus,
)
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.authoring.test_lifecycle import parsed
from tests.conftest import PASSWORD
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


def _version_in_review(tmp_path, *, approved: bool) -> tuple[int, dict[str, int]]:
    """A version in review (approved or not) and the ids of its author and two reviewers."""
    seed_exam(tmp_path, candidates=0)
    now = now_utc()
    people = {
        "author": create_user("auteur@example.org", PASSWORD, "Alix Auteur", [Role.AUTHOR], now),
        "first": create_user("r1@example.org", PASSWORD, "Robin Un", [Role.REVIEWER], now),
        "second": create_user("r2@example.org", PASSWORD, "Sacha Deux", [Role.REVIEWER], now),
    }
    theme = db.session.execute(sa.select(Theme)).scalar_one()
    version = authoring.save_item(None, theme, parsed(), people["author"], now)
    authoring.submit(version, people["author"], now)
    if approved:
        authoring.approve(version, people["first"], now)
    db.session.commit()
    return version.id, {role: user.id for role, user in people.items()}


def _race(pg_app, monkeypatch, first, second) -> list[BaseException | None]:
    """``race`` with ``first`` paused at its status change (``authoring.transition``), after
    its checks: without the item's lock ``second`` decided on the state ``first`` had read."""
    original = authoring.transition

    def pause_at(checkpoint):
        def pausing_transition(version, target):
            checkpoint()
            return original(version, target)

        monkeypatch.setattr(authoring, "transition", pausing_transition)

    return race(pg_app, first, second, pause_at=pause_at)


def _acting(version_id: int, user_id: int, service, **kwargs):
    def action():
        version = db.session.get(ItemVersion, version_id)
        service(version, db.session.get(User, user_id), now=now_utc(), **kwargs)

    return action


def _events(version_id: int, kind: EventKind) -> int:
    return db.session.execute(
        sa.select(sa.func.count(ReviewEvent.id)).where(
            ReviewEvent.version_id == version_id, ReviewEvent.kind == kind
        )
    ).scalar_one()


def test_a_send_back_racing_a_publication_leaves_one_of_them(pg_app, tmp_path, monkeypatch):
    """It used to leave both: a version published without its approval, with a send-back in
    its thread (or, the other way round, a draft whose previous version was superseded)."""
    version_id, ids = _version_in_review(tmp_path, approved=True)
    outcomes = _race(
        pg_app,
        monkeypatch,
        _acting(version_id, ids["first"], authoring.publish),
        _acting(version_id, ids["second"], authoring.send_back, comment="À revoir."),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], authoring.NotAllowed)
    db.session.remove()
    version = db.session.get(ItemVersion, version_id)
    assert version.status is VersionStatus.PUBLISHED
    authorship = db.session.execute(sa.select(VersionAuthorship)).scalar_one()
    assert authorship.approved_by_id == ids["first"]
    assert _events(version_id, EventKind.SENT_BACK) == 0


def test_two_reviewers_publishing_at_once_publish_once(pg_app, tmp_path, monkeypatch):
    version_id, ids = _version_in_review(tmp_path, approved=True)
    outcomes = _race(
        pg_app,
        monkeypatch,
        _acting(version_id, ids["first"], authoring.publish),
        _acting(version_id, ids["second"], authoring.publish),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], authoring.NotAllowed)
    db.session.remove()
    assert _events(version_id, EventKind.PUBLISHED) == 1


def test_two_reviewers_approving_at_once_approve_once(pg_app, tmp_path):
    """Both approvals used to succeed: the second replaced the first approver on record and
    the thread showed two approvals; the second now waits for the first and is refused."""
    version_id, ids = _version_in_review(tmp_path, approved=False)
    outcomes = race(
        pg_app,
        _acting(version_id, ids["first"], authoring.approve),
        _acting(version_id, ids["second"], authoring.approve),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], authoring.AuthoringError)
    assert "déjà approuvée" in str(outcomes[1])
    db.session.remove()
    authorship = db.session.execute(sa.select(VersionAuthorship)).scalar_one()
    assert authorship.approved_by_id == ids["first"]
    assert _events(version_id, EventKind.APPROVED) == 1


def test_an_approval_racing_a_withdrawal_does_not_outlive_it(pg_app, tmp_path, monkeypatch):
    """The author withdraws the version while a reviewer approves it: the draft used to keep
    the approval, so the author could change it, submit it again and have it published
    without anyone reviewing the new content."""
    version_id, ids = _version_in_review(tmp_path, approved=False)
    outcomes = _race(
        pg_app,
        monkeypatch,
        _acting(version_id, ids["author"], authoring.withdraw),
        _acting(version_id, ids["second"], authoring.approve),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], authoring.NotAllowed)
    db.session.remove()
    assert db.session.get(ItemVersion, version_id).status is VersionStatus.DRAFT
    authorship = db.session.execute(sa.select(VersionAuthorship)).scalar_one()
    assert authorship.approved_by_id is None


def test_two_tabs_of_a_judge_clearing_and_changing_an_estimate(pg_app, tmp_path):
    """One tab clears an estimate while the other changes it: the second used to find its row
    deleted under its UPDATE (StaleDataError, an error page); it now waits and stores it."""
    from questionnaire.exams.models import ExamSession
    from questionnaire.reports.angoff import create_panel, save_ratings
    from questionnaire.reports.models import AngoffPanel, AngoffRating

    exam = seed_exam(tmp_path, candidates=0)
    now = now_utc()
    admin = create_user("admin@example.org", PASSWORD, "Admin", [Role.ADMIN], now)
    judge = create_user("juge@example.org", PASSWORD, "Juge", [Role.JURY], now)
    panel = create_panel(db.session.get(ExamSession, exam.session_id), "Panel", [judge], admin, now)
    item = panel.item_version_ids[0]
    save_ratings(panel, judge, {item: Decimal("0.6")}, now)
    db.session.commit()
    panel_id, judge_id = panel.id, judge.id

    def tab(value):
        def save():
            save_ratings(
                db.session.get(AngoffPanel, panel_id),
                db.session.get(User, judge_id),
                {item: value},
                now_utc(),
            )

        return save

    errors = [outcome for outcome in race(pg_app, tab(None), tab(Decimal("0.7"))) if outcome]
    assert not errors, errors
    stored = db.session.execute(sa.select(AngoffRating)).scalars().all()
    assert [(r.item_version_id, r.value_bp) for r in stored] == [(item, 7000)]


def test_two_facilitators_removing_both_judges_leave_one(pg_app, tmp_path):
    """Each removal locked only its own judge's row: both saw the other judge still named and
    passed the « seul juge du panel » check, leaving a panel without a judge."""
    from questionnaire.exams.models import ExamSession
    from questionnaire.reports.angoff import create_panel
    from questionnaire.reports.angoff_judges import remove_judge
    from questionnaire.reports.models import AngoffJudge, AngoffPanel
    from questionnaire.reports.services import ReportError

    exam = seed_exam(tmp_path, candidates=0)
    now = now_utc()
    admin = create_user("admin@example.org", PASSWORD, "Admin", [Role.ADMIN], now)
    other = create_user("admin2@example.org", PASSWORD, "Admin 2", [Role.ADMIN], now)
    judges = [
        create_user(f"juge{n}@example.org", PASSWORD, f"Juge {n}", [Role.JURY], now) for n in (1, 2)
    ]
    panel = create_panel(db.session.get(ExamSession, exam.session_id), "Panel", judges, admin, now)
    db.session.commit()
    panel_id = panel.id
    # the later-named judge first: removing the first-named would also update the other's row
    pairs = [(admin.id, judges[1].id), (other.id, judges[0].id)]

    def removing(actor_id, judge_id):
        def remove():
            remove_judge(
                db.session.get(AngoffPanel, panel_id),
                db.session.get(User, judge_id),
                db.session.get(User, actor_id),
                now_utc(),
            )

        return remove

    outcomes = race(pg_app, removing(*pairs[0]), removing(*pairs[1]))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], ReportError) and "seul juge du panel" in str(outcomes[1])
    left = db.session.execute(sa.select(AngoffJudge.judge_id)).scalars().all()
    assert left == [pairs[1][1]]
