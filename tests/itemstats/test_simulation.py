"""The demo's simulated history: closed past sessions, graded attempts, statistics; once."""

from datetime import timedelta

from sqlalchemy import func, select

from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
from questionnaire.auth.models import User
from questionnaire.auth.services import authenticate
from questionnaire.exams.models import ExamSession
from questionnaire.itemstats.models import ItemStatistics, SessionStatistics
from questionnaire.itemstats.simulation import simulate_history
from tests.conftest import bank_yaml


def _count(db, model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_history_is_simulated_graded_and_analysed_once(db, clock, loaded_bank):
    loaded_bank(bank_yaml(topics={"alpha": 6, "beta": 6}))  # forms of 2 items (1 per topic)
    summary = simulate_history(clock(), attempts_per_theme=30, seed=1)
    db.session.commit()
    assert "30 copie(s) dans 3 session(s) close(s)" in summary

    sessions = db.session.execute(select(ExamSession).order_by(ExamSession.closes_at)).scalars()
    sessions = sessions.all()
    assert [clock() - s.closes_at for s in sessions] == [timedelta(days=d) for d in (90, 60, 30)]
    assert len({s.questionnaire_id for s in sessions}) == 1  # one form, three sittings: a trend
    attempts = db.session.execute(select(Attempt)).scalars().all()
    assert len(attempts) == 30
    assert sorted(_count(db, Attempt, Attempt.session_id == s.id) for s in sessions) == [10] * 3
    assert {a.status for a in attempts} == {AttemptStatus.SUBMITTED}
    assert all(a.max_score == 2 and a.graded_at is not None for a in attempts)
    for attempt in attempts:  # graded: the stored score matches the stored answers
        keys = [frozenset(ai.version.correct_keys) for ai in attempt.items]
        chosen = [frozenset(ai.selected) for ai in attempt.items]
        assert attempt.score == sum(k == c for k, c in zip(keys, chosen, strict=True))
    assert _count(db, AttemptItem) == 60
    assert _count(db, Response) > 50  # a few omissions at most

    users = db.session.execute(select(User).where(User.email.like("simu-%"))).scalars().all()
    assert len(users) == 30 and not any(u.active for u in users)
    assert "simu-001@example.invalid" in {u.email for u in users}
    assert authenticate("simu-001@example.invalid", "", clock()) is None

    records = db.session.execute(select(SessionStatistics)).scalars().all()
    assert sorted(r.attempts for r in records) == [10, 10, 10]
    cumulated = db.session.execute(
        select(ItemStatistics).where(ItemStatistics.session_id.is_(None))
    ).scalars()
    cumulated = cumulated.all()
    assert len(cumulated) == 12 and sum(row.n for row in cumulated) == 60  # 30 × 2 items
    assert _count(db, ItemStatistics, ItemStatistics.session_id.is_not(None)) > 12

    again = simulate_history(clock() + timedelta(days=1), attempts_per_theme=30, seed=1)
    db.session.commit()
    assert again == "Historique simulé : déjà présent."
    assert _count(db, Attempt) == 30 and _count(db, User) == 30


def test_prepare_demo_adds_the_history(app, db, clock, write_bank, monkeypatch):
    from questionnaire import demo

    banks = {
        f"{slug}.yaml": bank_yaml(slug, topics={"alpha": 12, "beta": 12}, prefix=slug[:4].upper())
        for slug in ("fiscalite", "rgpd")
    }
    app.config["QUESTION_BANKS_PATH"] = str(write_bank(banks))
    app.config["DEMO_HISTORY_ATTEMPTS"] = 12
    monkeypatch.setattr(demo, "upgrade", lambda: None)  # the fixture database is already built
    # the demo's open sessions use 20-item forms; the history keeps the banks' plan (2 items)
    monkeypatch.setattr(demo, "default_blueprint", lambda theme: {"alpha": 10, "beta": 10})
    summary = demo.prepare_demo(clock())
    assert "Historique simulé : 24 copie(s) dans 6 session(s) close(s)" in summary
    assert _count(db, SessionStatistics) == 6
    assert "déjà présent" in demo.prepare_demo(clock())
    assert _count(db, Attempt) == 24
