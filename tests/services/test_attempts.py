"""The candidate path in services, with a frozen clock."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from questionnaire.attempts import services
from questionnaire.attempts.grading import neutralise_item, rekey_item
from questionnaire.attempts.models import Attempt, AttemptStatus, GradeChange
from questionnaire.auth.models import Role
from questionnaire.banks.models import FrozenVersionError, ItemVersion

GRACE = 30


def start(session, candidate, clock):
    enrolment = services.find_enrolment(candidate, session.id)
    return services.start_attempt(enrolment, clock(), GRACE)


def answer(attempt, clock, correct: bool, seq=None):
    """Answer every item right (or wrong)."""
    for ai in attempt.items:
        keys = sorted(ai.version.correct_keys)
        if not correct:
            keys = [sorted(ai.version.option_keys - ai.version.correct_keys)[0]]
        services.save_response(attempt, ai, keys, seq, clock(), GRACE)


def test_start_freezes_a_form_by_blueprint(make_session, clock, db):
    session, candidate = make_session(item_count=2)
    attempt, created = start(session, candidate, clock)
    db.session.commit()
    assert created is True
    topics = sorted(ai.version.topic.slug for ai in attempt.items)
    assert topics == ["alpha", "beta"]
    for ai in attempt.items:
        assert sorted(ai.option_order) == sorted(ai.version.option_keys)
        assert ai.version.first_used_at == clock()
    assert attempt.deadline == clock() + timedelta(minutes=30)
    assert attempt.status is AttemptStatus.IN_PROGRESS


def test_resume_returns_the_same_attempt_answers_and_deadline(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    services.save_response(
        attempt, attempt.items[0], [attempt.items[0].option_order[0]], 1, clock(), GRACE
    )
    db.session.commit()
    deadline = attempt.deadline
    clock.advance(minutes=10)
    again, created = start(session, candidate, clock)
    assert created is False
    assert again.id == attempt.id and again.deadline == deadline
    assert again.items[0].selected == [attempt.items[0].option_order[0]]


def test_extra_time_extends_the_deadline(make_session, clock):
    session, candidate = make_session(duration=30, extra=33)
    attempt, _ = start(session, candidate, clock)
    # 30 min × 1.33 = 39 min 54 s
    assert attempt.deadline - attempt.started_at == timedelta(minutes=39, seconds=54)


def test_cannot_start_outside_the_window(make_session, clock):
    session, candidate = make_session(opens_in=timedelta(hours=2))
    with pytest.raises(services.SessionNotOpen):
        start(session, candidate, clock)


def test_not_enrolled_candidate_cannot_start(make_session, make_user):
    session, _ = make_session()
    with pytest.raises(services.NotEnrolled):
        services.find_enrolment(make_user(), session.id)


def test_saves_are_ordered_by_sequence_number(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    ai = attempt.items[0]
    a, b = ai.option_order[0], ai.option_order[1]
    first = services.save_response(attempt, ai, [a], 5, clock(), GRACE)
    assert first.applied and first.seq == 5
    clock.advance(seconds=1)
    stale = services.save_response(attempt, ai, [b], 3, clock(), GRACE)  # arrives late
    assert stale.applied is False and stale.seq == 5
    repeat = services.save_response(attempt, ai, [b], 5, clock(), GRACE)  # retried duplicate
    assert repeat.applied is False
    db.session.commit()
    db.session.expire_all()
    assert ai.selected == [a]
    newer = services.save_response(attempt, ai, [b], 6, clock(), GRACE)
    assert newer.applied and newer.saved_at == clock()
    db.session.expire_all()
    assert ai.selected == [b]


def test_form_save_without_seq_goes_after_the_stored_one(make_session, clock):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    ai = attempt.items[0]
    # the exam page's autosaves number by the server's clock in milliseconds
    far_ahead = 1_772_438_400_000 + 10**9  # T0 in ms, and then some
    services.save_response(attempt, ai, [ai.option_order[0]], far_ahead, clock(), GRACE)
    result = services.save_response(attempt, ai, [ai.option_order[1]], None, clock(), GRACE)
    assert result.applied and result.seq == far_ahead + 1


def test_form_save_without_seq_goes_after_autosaves_sent_before_it(make_session, clock, db):
    """A form post follows the server's clock in milliseconds, as the page's autosaves do: an
    autosave of the selection made before the post, still in flight, arrives after it and
    must not overwrite it (with « stored + 1 » it did, its seq being far larger)."""
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    ai = attempt.items[0]
    before, chosen = ai.option_order[0], ai.option_order[1]
    sent_before = 1_772_438_400_500  # T0 (08:00 UTC, 2 March 2026) + 0.5 s, in ms
    clock.advance(seconds=2)
    posted = services.save_response(attempt, ai, [chosen], None, clock(), GRACE)
    assert posted.applied and posted.seq == 1_772_438_402_000
    late = services.save_response(attempt, ai, [before], sent_before, clock(), GRACE)
    assert late.applied is False
    db.session.commit()
    db.session.expire_all()
    assert ai.selected == [chosen]


def test_invalid_selections_are_refused(make_session, clock):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    single = next(ai for ai in attempt.items if not ai.version.is_multiple)
    with pytest.raises(services.InvalidSelection):
        services.save_response(attempt, single, ["Z"], 1, clock(), GRACE)
    with pytest.raises(services.InvalidSelection):
        services.save_response(
            attempt, single, sorted(single.version.option_keys)[:2], 1, clock(), GRACE
        )


def test_save_within_grace_is_accepted_and_after_grace_refused(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    ai = attempt.items[0]
    clock.now = attempt.deadline + timedelta(seconds=GRACE)
    assert services.save_response(attempt, ai, [ai.option_order[0]], 1, clock(), GRACE).applied
    clock.advance(seconds=1)
    with pytest.raises(services.AttemptClosed):
        services.save_response(attempt, ai, [ai.option_order[1]], 2, clock(), GRACE)
    db.session.commit()
    # finalised with what was saved
    assert attempt.status is AttemptStatus.EXPIRED
    assert attempt.items[0].selected == [ai.option_order[0]]
    assert attempt.score is not None


def test_save_after_submission_is_refused(make_session, clock):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    services.submit_attempt(attempt, clock(), GRACE)
    with pytest.raises(services.AttemptClosed):
        services.save_response(
            attempt, attempt.items[0], [attempt.items[0].option_order[0]], 1, clock(), GRACE
        )


def test_submit_grades_and_is_idempotent(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    answer(attempt, clock, correct=True)
    services.submit_attempt(attempt, clock(), GRACE)
    db.session.commit()
    first = (attempt.status, attempt.score, attempt.max_score, attempt.passed, attempt.submitted_at)
    assert first[:4] == (AttemptStatus.SUBMITTED, 2, 2, True)
    clock.advance(minutes=5)
    services.submit_attempt(attempt, clock(), GRACE)
    assert (
        attempt.status,
        attempt.score,
        attempt.max_score,
        attempt.passed,
        attempt.submitted_at,
    ) == first


def test_finalise_expired_is_idempotent(make_session, make_user, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    answer(attempt, clock, correct=True)
    db.session.commit()
    assert services.finalise_expired(clock(), GRACE) == 0
    clock.now = attempt.deadline + timedelta(seconds=GRACE + 1)
    assert services.finalise_expired(clock(), GRACE) == 1
    db.session.commit()
    assert services.finalise_expired(clock(), GRACE) == 0
    assert attempt.status is AttemptStatus.EXPIRED and attempt.score == 2 and attempt.passed


def test_touching_an_expired_attempt_finalises_it(make_session, clock):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    clock.now = attempt.deadline + timedelta(minutes=5)
    again, created = start(session, candidate, clock)
    assert created is False and again.status is AttemptStatus.EXPIRED
    assert again.score == 0 and again.passed is False


def test_rekey_regrades_and_records_who_when_why(make_session, make_user, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    answer(attempt, clock, correct=False)
    services.submit_attempt(attempt, clock(), GRACE)
    db.session.commit()
    assert attempt.score == 0
    admin = make_user(Role.ADMIN)
    ai = attempt.items[0]
    chosen = ai.selected
    clock.advance(days=1)
    report = rekey_item(ai.version, chosen, admin, "Clé erronée signalée par le jury", clock())
    db.session.commit()
    assert report.attempts_regraded == 1
    assert attempt.score == 1
    change = db.session.execute(select(GradeChange)).scalar_one()
    assert (change.old_score, change.new_score, change.changed_by_id, change.changed_at) == (
        0,
        1,
        admin.id,
        clock(),
    )
    assert change.reason == "Clé erronée signalée par le jury"


def test_neutralised_item_leaves_the_score_and_maximum(make_session, make_user, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    answer(attempt, clock, correct=True)
    services.submit_attempt(attempt, clock(), GRACE)
    db.session.commit()
    report = neutralise_item(
        attempt.items[0].version, session, make_user(Role.JURY), "Ambigu", clock()
    )
    db.session.commit()
    assert (attempt.score, attempt.max_score) == (1, 1)
    assert len(report.changes) == 1


def test_a_version_seen_by_a_candidate_cannot_change(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    db.session.commit()
    version = db.session.get(ItemVersion, attempt.items[0].item_version_id)
    version.stem = "Énoncé modifié en douce"
    with pytest.raises(FrozenVersionError):
        db.session.flush()
    db.session.rollback()
    version = db.session.get(ItemVersion, attempt.items[0].item_version_id)
    version.options[0].is_correct = not version.options[0].is_correct
    with pytest.raises(FrozenVersionError):
        db.session.flush()


def test_multiple_answer_items_need_the_exact_set(make_session, loaded_bank, clock, db):
    from tests.conftest import bank_yaml

    theme = loaded_bank(bank_yaml(multiple_every=1))
    session, candidate = make_session(theme=theme)
    attempt, _ = start(session, candidate, clock)
    exact, partial = attempt.items
    assert exact.version.is_multiple and len(exact.version.correct_keys) == 2
    services.save_response(attempt, exact, sorted(exact.version.correct_keys), 1, clock(), GRACE)
    services.save_response(
        attempt, partial, sorted(partial.version.correct_keys)[:1], 1, clock(), GRACE
    )
    services.submit_attempt(attempt, clock(), GRACE)
    assert (exact.score, partial.score, attempt.score, attempt.max_score) == (1, 0, 1, 2)


def test_the_time_allowed_is_the_one_the_deadline_enforces(make_session, clock):
    session, candidate = make_session(extra=33, duration=30)
    attempt, _ = start(session, candidate, clock)
    allowed = services.allowed_seconds(30, 33)
    assert allowed == 39 * 60 + 54
    assert attempt.deadline - attempt.started_at == timedelta(seconds=allowed)


def test_time_up_closes_from_the_deadline_on_without_grace(make_session, clock, db):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    clock.now = attempt.deadline - timedelta(seconds=1)
    assert services.close_if_time_up(attempt, clock()) is False
    clock.now = attempt.deadline  # within grace: a save would still be taken
    assert attempt.accepts_answers(clock(), GRACE)
    assert services.close_if_time_up(attempt, clock()) is True
    assert attempt.status is AttemptStatus.EXPIRED and attempt.score == 0
    assert services.close_if_time_up(attempt, clock()) is False  # once


def test_an_expired_copy_ended_at_its_deadline_not_when_it_was_closed(make_session, clock):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    clock.now = attempt.deadline + timedelta(seconds=40)
    services.finalise_if_expired(attempt, clock(), GRACE)
    assert attempt.submitted_at == clock()  # kept for the audit and the reports
    assert attempt.ended_at == attempt.deadline


def test_the_correction_lists_options_in_the_banks_key_order(make_session, clock, db):
    from questionnaire.attempts.results import attempt_result
    from questionnaire.exams.models import ReleasePolicy

    session, candidate = make_session(release=ReleasePolicy.IMMEDIATE)
    attempt, _ = start(session, candidate, clock)
    for ai in attempt.items:
        ai.option_order = ["D", "B", "A", "C"]  # as shuffled for the candidate
    answer(attempt, clock, correct=True)
    services.submit_attempt(attempt, clock(), GRACE)
    result = attempt_result(attempt, clock(), GRACE)
    for correction, ai in zip(result.corrections, attempt.items, strict=True):
        assert [key for key, *_ in correction.options] == ["A", "B", "C", "D"]
        correct = sorted(ai.version.correct_keys)
        assert [key for key, _text, is_correct, _sel in correction.options if is_correct] == correct
        assert [key for key, _text, _correct, sel in correction.options if sel] == correct


def test_the_topic_breakdown_waits_for_the_correction(make_session, clock):
    from questionnaire.attempts.results import attempt_result
    from questionnaire.exams.models import ReleasePolicy

    session, candidate = make_session(release=ReleasePolicy.AFTER_CLOSE)
    attempt, _ = start(session, candidate, clock)
    services.submit_attempt(attempt, clock(), GRACE)
    withheld = attempt_result(attempt, clock(), GRACE)
    assert withheld.corrections is None and withheld.topics == []
    released = attempt_result(attempt, session.closes_at, GRACE)
    assert sorted((t.title, t.correct, t.total) for t in released.topics) == [
        ("Sujet alpha", 0, 1),
        ("Sujet beta", 0, 1),
    ]


def test_the_rules_of_several_sessions_are_those_of_each_session(
    make_session, make_user, clock, db
):
    from questionnaire.attempts.grading import scoring_rules, scoring_rules_by_session
    from questionnaire.attempts.models import DecisionKind, ScoringDecision

    first, _ = make_session()
    second, _ = make_session(theme=first.questionnaire.theme)
    versions = list(db.session.execute(select(ItemVersion).order_by(ItemVersion.id)).scalars())
    admin = make_user(Role.ADMIN)
    for version, session, kind, keys in (
        (versions[0], first, DecisionKind.NEUTRALISE, None),  # this session only
        (versions[1], None, DecisionKind.REKEY, ["B"]),  # every session
        (versions[1], second, DecisionKind.REKEY, ["C"]),  # later, this session only
    ):
        clock.advance(minutes=1)
        db.session.add(
            ScoringDecision(
                item_version_id=version.id,
                session_id=session.id if session else None,
                kind=kind,
                correct_keys=keys,
                reason="motif",
                decided_by_id=admin.id,
                decided_at=clock(),
            )
        )
    db.session.commit()
    together = scoring_rules_by_session({first.id: versions, second.id: versions[1:]})
    assert together == {
        first.id: scoring_rules(versions, first.id),
        second.id: scoring_rules(versions[1:], second.id),
    }
    assert together[first.id][versions[0].id].neutralised
    assert together[first.id][versions[1].id].correct == {"B"}
    assert together[second.id][versions[1].id].correct == {"C"}
    assert versions[0].id not in together[second.id]


def _extended_meanwhile(db, attempt, minutes: int) -> None:
    """Extra time granted by another request after this one read the attempt: the row moves,
    the attempt loaded here keeps its old deadline."""
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(deadline=attempt.deadline + timedelta(minutes=minutes))
        .execution_options(synchronize_session=False)
    )


@pytest.mark.parametrize(
    ("late", "close"),
    [
        (timedelta(0), lambda attempt, now: services.close_if_time_up(attempt, now)),
        (
            timedelta(seconds=GRACE + 1),
            lambda attempt, now: services.finalise_if_expired(attempt, now, GRACE),
        ),
    ],
    ids=["page at the deadline", "save after the grace"],
)
def test_a_copy_extended_after_it_was_read_is_not_closed_at_its_old_deadline(
    make_session, clock, db, late, close
):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    db.session.commit()
    old_deadline = attempt.deadline
    clock.now = old_deadline + late
    _extended_meanwhile(db, attempt, 10)
    assert not close(attempt, clock())
    db.session.refresh(attempt)
    assert attempt.status is AttemptStatus.IN_PROGRESS
    assert attempt.deadline == old_deadline + timedelta(minutes=10)


def test_a_submission_read_as_late_is_taken_when_the_deadline_moved_meanwhile(
    make_session, clock, db
):
    session, candidate = make_session()
    attempt, _ = start(session, candidate, clock)
    db.session.commit()
    clock.now = attempt.deadline + timedelta(seconds=GRACE + 1)
    _extended_meanwhile(db, attempt, 10)
    services.submit_attempt(attempt, clock(), GRACE)
    assert attempt.status is AttemptStatus.SUBMITTED
