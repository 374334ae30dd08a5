"""The journal as a CSV file: every page of the filtered events, in French and as stored, with
no cell a spreadsheet would run as a formula; the export itself is journaled."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.audit.services import record
from questionnaire.auth.models import Role
from tests.conftest import login

URL = "/admin/journal/export.csv"


def _rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_every_page_of_the_filtered_events_is_exported(client, admin, make_user, db, clock):
    candidate = make_user(email="cand@example.org", name="Camille Candidat")
    for minute in range(120):  # more than two pages of the viewer (50 a page)
        record("auth.login", clock() + timedelta(minutes=minute), actor_id=candidate.id)
    record("auth.login_failed", clock(), subject_id=candidate.id)
    db.session.commit()
    response = client.get(URL, query_string={"action": "auth.login", "person": "camille"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'attachment; filename="journal-audit-' in response.headers["Content-Disposition"]
    header, *events = _rows(response)
    assert header[:3] == ["Date (heure de Paris)", "Action", "Code de l'action"]
    assert len(events) == 120
    # newest first, in Paris time (T0 = 08:00 UTC = 09:00 in Paris; the last one 119 minutes on)
    assert events[0][0] == "02/03/2026 10:59:00" and events[-1][0] == "02/03/2026 09:00:00"
    assert {tuple(e[1:5]) for e in events} == {
        ("connexion", "auth.login", f"Camille Candidat (compte n° {candidate.id})", "")
    }


def test_no_cell_runs_as_a_formula(client, admin, make_user, db, clock):
    for name in ('=HYPERLINK("http://evil.example")', "+33 6 12", "-1", "@SUM(A1)"):
        person = make_user(name=name)
        record("auth.login", clock(), actor_id=person.id, target="=1+1")
    db.session.commit()
    _header, *events = _rows(client.get(URL, query_string={"action": "auth.login"}))
    cells = [cell for event in events for cell in event]
    assert '\'=HYPERLINK("http://evil.example") (compte n° 2)' in cells
    assert "'+33 6 12 (compte n° 3)" in cells and "'@SUM(A1) (compte n° 5)" in cells
    assert "'=1+1" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_the_export_is_journaled_without_the_text_searched(client, admin, make_user, db):
    make_user(email="h.dupont@example.org", name="Hélène Dupont")
    response = client.get(URL, query_string={"person": "h.dupont@example.org"})
    assert response.status_code == 200
    response.get_data()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "audit.export")
    ).scalar_one()
    assert event.actor_id == admin.id
    assert event.details == {"events": 0, "person": 1, "involvement": "actor"}
    assert "dupont" not in str(event.details)
    journal = client.get("/admin/journal").get_data(as_text=True)
    assert "export du journal d&#39;audit (CSV)" in journal
    assert "Filtre : comptes correspondant à la personne cherchée : 1" in journal


def test_the_journal_page_links_to_the_export_of_its_filters(client, admin, db):
    page = client.get("/admin/journal?action=auth.login").get_data(as_text=True)
    assert 'href="/admin/journal/export.csv?action=auth.login"' in page


def test_wrong_filters_lead_back_to_the_journal_page(client, admin):
    response = client.get(URL, query_string={"start": "31/02/2026"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/journal?")


def test_only_administrators_export_the_journal(client, make_user):
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    assert client.get(URL).status_code == 403
