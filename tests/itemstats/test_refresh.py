"""Refreshing statistics: closed sessions only, stored with n, idempotent, re-run after re-grading."""

import pytest
from sqlalchemy import func, select

from questionnaire.attempts.grading import rekey_item
from questionnaire.auth.models import Role
from questionnaire.itemstats.models import ItemStatistics, SessionStatistics
from questionnaire.itemstats.services import (
    StatisticsError,
    refresh_session_statistics,
    refresh_statistics,
)
from tests.conftest import bank_yaml

BANK = bank_yaml(topics={"alpha": 3})  # keys: TST-0001 B, TST-0002 C, TST-0003 D
RIGHT = {"TST-0001": ["B"], "TST-0002": ["C"], "TST-0003": ["D"]}


@pytest.fixture
def answered(loaded_bank, make_session, sit):
    """A session answered by five candidates, still open."""
    session, _ = make_session(
        theme=loaded_bank(BANK), item_count=3, blueprint={"alpha": 3}, shuffle=False
    )
    sit(session, RIGHT)
    sit(session, RIGHT)
    sit(session, {"TST-0001": ["B"], "TST-0002": ["C"], "TST-0003": ["A"]})
    sit(session, {"TST-0001": ["B"], "TST-0002": ["A"]})
    sit(session, {"TST-0001": ["A"], "TST-0003": ["A"]})
    return session


def _stats(db, version, session=None):
    return db.session.execute(
        select(ItemStatistics).where(
            ItemStatistics.item_version_id == version.id,
            ItemStatistics.session_id.is_(None)
            if session is None
            else ItemStatistics.session_id == session.id,
        )
    ).scalar_one()


def _count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_open_sessions_wait_for_their_closure(db, clock, answered):
    assert refresh_statistics(clock()).sessions == 0
    assert _count(db, ItemStatistics) == 0
    with pytest.raises(StatisticsError):
        refresh_session_statistics(answered, clock())


def test_refresh_stores_statistics_with_their_n_and_is_idempotent(db, clock, answered, version_of):
    clock.advance(days=2)
    report = refresh_statistics(clock())
    db.session.commit()
    assert (report.sessions, report.versions) == (1, 3)
    record = db.session.execute(select(SessionStatistics)).scalar_one()
    assert record.attempts == 5 and record.computed_at == clock()
    first = _stats(db, version_of("TST-0001"), answered)
    assert first.n == 5
    assert first.facility == pytest.approx(4 / 5)
    cumulated = _stats(db, version_of("TST-0002"))
    assert cumulated.n == 5 and cumulated.facility == pytest.approx(3 / 5)
    options = {row["option"]: row for row in cumulated.options}
    assert options["C"]["is_key"] and options["C"]["proportion"] == pytest.approx(3 / 5)
    assert options["A"]["proportion"] == pytest.approx(1 / 5)
    assert options["(omit)"]["proportion"] == pytest.approx(1 / 5)
    assert options["D"]["proportion"] == 0
    assert "unused_distractor:D" in cumulated.flags
    ids = set(db.session.execute(select(ItemStatistics.id)).scalars())
    assert len(ids) == 6  # 3 versions × (the session + cumulated)

    clock.advance(hours=1)
    again = refresh_statistics(clock())
    db.session.commit()
    assert (again.sessions, again.versions) == (0, 0)
    assert set(db.session.execute(select(ItemStatistics.id)).scalars()) == ids


def test_regrading_after_the_computation_makes_the_session_pending_again(
    db, clock, answered, make_user, version_of
):
    clock.advance(days=2)
    refresh_statistics(clock())
    db.session.commit()
    clock.advance(hours=1)
    rekey_item(version_of("TST-0003"), ["A"], make_user(Role.ADMIN), "Clé erronée", clock())
    db.session.commit()
    clock.advance(minutes=5)
    assert refresh_statistics(clock()).sessions == 1
    db.session.commit()
    rekeyed = _stats(db, version_of("TST-0003"))
    assert rekeyed.facility == pytest.approx(2 / 5)  # two candidates chose A
    assert {row["option"] for row in rekeyed.options if row["is_key"]} == {"A"}


def test_refresh_session_statistics_on_closure(db, clock, answered, version_of):
    clock.advance(days=2)
    assert refresh_session_statistics(answered, clock()) == 3
    db.session.commit()
    assert _stats(db, version_of("TST-0001")).n == 5
    assert refresh_statistics(clock()).sessions == 0  # already computed


def test_cumulated_statistics_pool_the_closed_sessions(
    db, clock, loaded_bank, make_session, sit, version_of
):
    theme = loaded_bank(BANK)
    first, _ = make_session(theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False)
    second, _ = make_session(theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False)
    for _ in range(3):
        sit(first, RIGHT)
    sit(second, {"TST-0001": ["A"]})
    clock.advance(days=2)
    refresh_statistics(clock())
    db.session.commit()
    version = version_of("TST-0001")
    assert [_stats(db, version, s).n for s in (first, second)] == [3, 1]
    cumulated = _stats(db, version)
    assert cumulated.n == 4 and cumulated.facility == pytest.approx(3 / 4)


def test_cli_refresh(app, db, clock, answered):
    clock.advance(days=2)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["analytics", "refresh"])
    assert first.exit_code == 0, first.output
    assert "1 session(s) close(s) analysée(s), 3 version(s)" in first.output
    second = runner.invoke(args=["analytics", "refresh"])
    assert "0 session(s) close(s) analysée(s)" in second.output
    assert _count(db, SessionStatistics) == 1


def test_cli_refresh_reports_a_concurrent_run(app, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    def collide(now):
        raise IntegrityError("INSERT", {}, Exception("uq_session_statistics_session_id"))

    monkeypatch.setattr("questionnaire.itemstats.services.refresh_statistics", collide)
    result = app.test_cli_runner().invoke(args=["analytics", "refresh"])
    assert result.exit_code == 1
    assert "Un autre calcul est en cours" in result.output


def test_tiny_and_empty_sessions_are_stored_without_errors(
    db, clock, loaded_bank, make_session, sit, version_of
):
    theme = loaded_bank(BANK)
    tiny, _ = make_session(theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False)
    empty, _ = make_session(theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False)
    sit(tiny, RIGHT)
    clock.advance(days=2)
    assert refresh_statistics(clock()).sessions == 2
    db.session.commit()
    records = {
        r.session_id: r.attempts for r in db.session.execute(select(SessionStatistics)).scalars()
    }
    assert records == {tiny.id: 1, empty.id: 0}
    single = _stats(db, version_of("TST-0001"))
    assert single.n == 1 and single.facility == 1.0
    assert single.sd is None and single.r_rest is None  # not computable on one attempt


def test_closing_a_session_from_the_admin_page_computes_its_statistics(
    app, db, clock, answered, make_user, version_of
):
    from tests.conftest import form_token, login

    client = app.test_client()
    login(client, make_user(Role.ADMIN).email)
    url = f"/admin/sessions/{answered.id}"
    response = client.post(f"{url}/cloturer", data={"csrf_token": form_token(client, url)})
    assert response.status_code == 302
    record = db.session.execute(select(SessionStatistics)).scalar_one()
    assert (record.session_id, record.attempts, record.computed_at) == (answered.id, 5, clock())
    assert _stats(db, version_of("TST-0001"), answered).n == 5
    assert _stats(db, version_of("TST-0002")).facility == pytest.approx(3 / 5)
    assert refresh_statistics(clock()).sessions == 0  # nothing left for the cron


def test_a_failing_computation_does_not_block_closing(db, clock, answered, monkeypatch):
    from questionnaire.admin.services import close_session

    def broken(loaded):
        raise StatisticsError("boom")

    monkeypatch.setattr("questionnaire.itemstats.services.analyse", broken)
    close_session(answered, clock())
    db.session.commit()
    assert answered.is_closed(clock())
    assert _count(db, SessionStatistics) == 0  # still pending: the next refresh computes it
    monkeypatch.undo()
    assert refresh_statistics(clock()).sessions == 1
