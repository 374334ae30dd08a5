"""Staff pages run as many statements for 20 rows as for 2: no query per listed row.

Found by ``benchmarks/pages.py`` at production scale (a session page of 500 candidates ran
1,007 statements, a theme of 400 items 805).
"""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import bank_yaml, login


def _statements_and_page(app, db, client, url: str) -> tuple[list[str], str]:
    """The SQL of one GET, in a fresh application context as in production, and its page."""
    statements: list[str] = []

    def record(*args) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with app.app_context():
            response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return statements, response.get_data(as_text=True)


def _statements(app, db, client, url: str) -> int:
    """How many statements one GET runs."""
    return len(_statements_and_page(app, db, client, url)[0])


def test_the_session_page_loads_its_candidates_with_their_enrolments(
    app, db, client, admin, make_session, make_user, clock
):
    from questionnaire.exams.services import enrol

    session, _candidate = make_session()
    enrol(session, make_user(), clock())
    db.session.commit()
    url = f"/admin/sessions/{session.id}"
    with_two = _statements(app, db, client, url)
    for _ in range(18):
        enrol(session, make_user(), clock())
    db.session.commit()
    assert _statements(app, db, client, url) == with_two


def test_the_theme_page_loads_the_versions_of_its_items_at_once(
    app, db, client, admin, loaded_bank
):
    theme = loaded_bank(bank_yaml(topics={"alpha": 1, "beta": 1}))
    with_two = _statements(app, db, client, f"/banques/{theme.slug}")
    loaded_bank(bank_yaml(topics={"alpha": 10, "beta": 10}))
    page = client.get(f"/banques/{theme.slug}").get_data(as_text=True)
    assert "TST-0020" in page
    assert _statements(app, db, client, f"/banques/{theme.slug}") == with_two


def test_the_revalidation_queue_loads_the_items_of_its_due_versions(
    app, db, client, make_user, loaded_bank, clock
):
    from questionnaire.auth.models import Role

    login(client, make_user(Role.REVIEWER).email)
    loaded_bank(bank_yaml(topics={"alpha": 1, "beta": 1}))
    clock.advance(days=3650)  # every stable item is due again
    page = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "2 item(s) à revalider" in page
    with_two = _statements(app, db, client, "/atelier/a-revalider")
    loaded_bank(bank_yaml(topics={"alpha": 10, "beta": 10}))
    page = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "20 item(s) à revalider" in page
    assert _statements(app, db, client, "/atelier/a-revalider") == with_two


def _sessions_of_2_and_20_items_sat(app, make_session, loaded_bank):
    """Two sessions of one theme, of 2 and 20 items, each with an attempt started by its
    candidate through the API: ``(item count, session)`` pairs."""
    theme = loaded_bank(bank_yaml(topics={"alpha": 12, "beta": 12}))
    sessions = []
    for count, blueprint in ((2, {"alpha": 1, "beta": 1}), (20, {"alpha": 10, "beta": 10})):
        session, candidate = make_session(item_count=count, blueprint=blueprint, theme=theme)
        other = app.test_client()
        token = login(other, candidate.email)
        started = other.post(
            f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
        )
        assert len(started.get_json()["items"]) == count
        sessions.append((count, session))
    return sessions


def test_the_neutralisation_page_loads_the_items_of_the_session_versions(
    app, db, client, make_session, loaded_bank, make_user
):
    from questionnaire.auth.models import Role

    login(client, make_user(Role.JURY).email)  # the jury neutralises, not administrators
    urls = [
        f"/rapports/sessions/{session.id}/neutraliser"
        for _, session in _sessions_of_2_and_20_items_sat(app, make_session, loaded_bank)
    ]
    with_two, with_twenty = (_statements(app, db, client, url) for url in urls)
    assert with_twenty == with_two


def test_the_angoff_rating_page_loads_the_items_of_the_panel_versions(
    app, db, client, make_session, loaded_bank, make_user, clock
):
    from questionnaire.auth.models import Role
    from questionnaire.reports.angoff import create_panel

    judge = make_user(Role.JURY)
    facilitator = make_user(Role.ADMIN)
    login(client, judge.email)
    urls = []
    for count, session in _sessions_of_2_and_20_items_sat(app, make_session, loaded_bank):
        panel = create_panel(session, f"Panel {count}", [judge], facilitator, clock())
        db.session.commit()
        assert len(panel.item_version_ids) == count
        urls.append(f"/rapports/angoff/{panel.id}/estimations")
    with_two, with_twenty = (_statements(app, db, client, url) for url in urls)
    assert with_twenty == with_two


def test_the_revalidation_queue_reads_no_options(app, db, client, make_user, loaded_bank, clock):
    from questionnaire.auth.models import Role

    login(client, make_user(Role.REVIEWER).email)
    loaded_bank(bank_yaml(topics={"alpha": 10, "beta": 10}))
    clock.advance(days=3650)
    statements, page = _statements_and_page(app, db, client, "/atelier/a-revalider")
    # deciding what is due needs no option: at 1,600 published versions, loading their options
    # was most of the page's 0.26 s and a quarter of the workshop's item list
    assert "20 item(s) à revalider" in page
    assert not [sql for sql in statements if "FROM item_option" in sql]


def test_an_enrolment_file_runs_as_many_queries_for_20_lines_as_for_2(
    db, make_session, make_user, clock
):
    """Accounts, erasures, enrolments and Angoff panels are looked up for the whole file (a
    file of 1,000 candidates ran 7,005 statements, now about 1,000 inserts and a dozen)."""
    from questionnaire.admin.services import import_enrolments

    session, enrolled = make_session()
    db.session.commit()

    def queries(count: int) -> tuple[int, int]:
        """The SELECTs of importing `count` new candidates and the one already enrolled."""
        # the one already enrolled keeps their extra time (raising it would look for their copy)
        lines = [f"{make_user().email};10" for _ in range(count)] + [f"{enrolled.email};"]
        db.session.commit()
        statements: list[str] = []

        def record(*args) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            result = import_enrolments(session, "\n".join(lines).encode(), clock())
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert (result.created, result.updated) == (count, 1)
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements), len(statements)

    selects_2, _ = queries(2)
    selects_20, total_20 = queries(20)
    assert selects_20 == selects_2
    assert total_20 < 2 * 21  # an insert per new enrolment, at most, besides those queries
