"""The journal filters by person (author or person concerned) and by Paris calendar days, with
the action; pages keep the filters, and a wrong date re-displays the form, never a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from questionnaire.audit.services import JournalFilters, events_page, record
from questionnaire.auth.models import Role
from tests.conftest import page_text


def _targets(page: str) -> set[str]:
    """The objects the page lists (targets recorded as ``n…``, shown as they are)."""
    return set(re.findall(r"<td>(n[\w-]+)</td>", page))


@pytest.fixture
def people(make_user):
    """Two people whose names and addresses a search could confuse."""
    elodie = make_user(Role.AUTHOR, email="elodie.dupre@banque.fr", name="Élodie Dupré")
    bob = make_user(Role.AUTHOR, email="bob@banque.fr", name="Bob Martin")
    jimbob = make_user(Role.AUTHOR, email="jimbob@banque.fr", name="Jim Robert")
    return elodie, bob, jimbob


def _event(clock, target, *, actor=None, subject=None, action="item.save", at=None):
    record(
        action,
        at or clock(),
        actor_id=actor.id if actor else None,
        subject_id=subject.id if subject else None,
        target=target,
    )


def _get(client, **args) -> str:
    response = client.get("/admin/journal", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_person_is_found_by_name_without_accents_or_capitals(client, admin, people, db, clock):
    elodie, bob, _jimbob = people
    _event(clock, "n-elodie", actor=elodie)
    _event(clock, "n-bob", actor=bob)
    db.session.commit()
    for text in ("elodie dupre", "DUPRÉ", "  Élodie   Dupré "):
        page = _get(client, person=text)
        assert _targets(page) == {"n-elodie"}, text
        assert "Compte correspondant à" in page_text(page)
        assert "Élodie Dupré (elodie.dupre@banque.fr)" in page_text(page)


def test_a_part_of_an_address_finds_every_account_and_a_whole_one_only_its_own(
    client, admin, people, db, clock
):
    _elodie, bob, jimbob = people
    _event(clock, "n-bob", actor=bob)
    _event(clock, "n-jimbob", actor=jimbob)
    db.session.commit()
    assert _targets(_get(client, person="bob@")) == {"n-bob", "n-jimbob"}
    page = _get(client, person="BOB@banque.fr")
    assert _targets(page) == {"n-bob"}
    assert "Bob Martin (bob@banque.fr)" in page_text(page) and "Jim Robert" not in page_text(page)


def test_nobody_matching_lists_no_event_and_says_so(client, admin, people, db, clock):
    _event(clock, "n-bob", actor=people[1])
    db.session.commit()
    page = page_text(_get(client, person="personne inconnue"))
    assert "Aucun compte ne correspond à « personne inconnue »" in page
    assert "Aucun événement ne correspond à ces filtres." in page


def test_the_person_is_the_author_unless_asked_for_the_person_concerned(
    client, admin, people, db, clock
):
    """A failed login has no author: it concerns the account it was tried on."""
    elodie, bob, _jimbob = people
    _event(clock, "n-failed", subject=elodie, action="auth.login_failed")
    _event(clock, "n-grade", actor=bob, subject=elodie, action="grade.change")
    _event(clock, "n-save", actor=elodie)
    db.session.commit()
    assert _targets(_get(client, person="elodie")) == {"n-save"}
    assert _targets(_get(client, person="elodie", involvement="subject")) == {
        "n-failed",
        "n-grade",
    }
    assert _targets(_get(client, person="elodie", involvement="either")) == {
        "n-failed",
        "n-grade",
        "n-save",
    }
    both = _get(client, person="elodie", involvement="subject", action="auth.login_failed")
    assert _targets(both) == {"n-failed"}


def test_days_are_paris_calendar_days_both_inclusive(client, admin, people, db, clock):
    """2 March in Paris (winter, UTC+1) runs from 1 March 23:00 to 2 March 23:00 UTC."""
    bob = people[1]
    moments = {
        "n-before": datetime(2026, 3, 1, 22, 59, 59, tzinfo=UTC),
        "n-first": datetime(2026, 3, 1, 23, 0, tzinfo=UTC),
        "n-last": datetime(2026, 3, 2, 22, 59, 59, tzinfo=UTC),
        "n-after": datetime(2026, 3, 2, 23, 0, tzinfo=UTC),
        "n-summer": datetime(2026, 6, 30, 22, 0, tzinfo=UTC),  # 1 July, 00:00 in Paris
    }
    for target, moment in moments.items():
        _event(clock, target, actor=bob, at=moment)
    db.session.commit()
    assert _targets(_get(client, start="2026-03-02", end="2026-03-02")) == {"n-first", "n-last"}
    assert _targets(_get(client, start="2026-03-03")) == {"n-after", "n-summer"}
    assert _targets(_get(client, end="2026-03-01")) == {"n-before"}
    assert _targets(_get(client, start="01/07/2026", end="01/07/2026")) == {"n-summer"}
    combined = _get(client, start="2026-03-01", end="2026-03-02", person="bob", action="item.save")
    assert _targets(combined) == {"n-before", "n-first", "n-last"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"start": "2026-02-31"}, "Du (jour inclus, heure de Paris) : Indiquez une date valide"),
        ({"end": "demain"}, "Au (jour inclus, heure de Paris) : Indiquez une date valide"),
        ({"start": "9999-12-31"}, "Indiquez une date entre le 01/01/2000 et le 31/12/2099."),
        ({"end": "0001-01-01"}, "Indiquez une date entre le 01/01/2000 et le 31/12/2099."),
        (
            {"start": "2026-03-05", "end": "2026-03-02"},
            "La date « au » précède la date « du » : inversez-les ou corrigez l'une d'elles.",
        ),
        ({"action": "auth.nothing"}, "Action inconnue : choisissez une action de la liste"),
        ({"involvement": "witness", "person": "bob"}, "Rôle de cette personne dans l'événement"),
    ],
)
def test_a_wrong_filter_redisplays_the_form_with_a_french_message(
    client, admin, people, db, clock, args, message
):
    _event(clock, "n-bob", actor=people[1])
    db.session.commit()
    response = client.get("/admin/journal", query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Le formulaire contient des erreurs" in page_text(page)
    assert message in page_text(page)
    assert _targets(page) == set()  # no event under filters that were not understood
    assert unescape(re.search(r"<title>(.*?)</title>", page).group(1)).startswith(
        "Erreur : Journal"
    )
    for key in {"start", "end", "person"} & args.keys():  # what was typed stays, to correct
        assert f'value="{args[key]}"' in page


def test_the_pages_keep_every_filter(client, admin, people, db, clock):
    bob = people[1]
    for n in range(60):
        _event(clock, f"n{n}", actor=bob)
    _event(clock, "n-other", actor=people[0])
    db.session.commit()
    filters = {
        "action": "item.save",
        "person": "Bob Martin",
        "involvement": "actor",
        "start": "2026-03-02",
        "end": "2026-03-02",
    }
    first = _get(client, **filters)
    [link] = re.findall(r'href="([^"]*page=2[^"]*)"', first)
    query = {key: values[0] for key, values in parse_qs(urlsplit(unescape(link)).query).items()}
    assert query == {**filters, "page": "2"}
    second = _get(client, **query)
    assert "page 2 sur 2, 61 au total" not in second  # n-other is Élodie's
    assert "page 2 sur 2, 60 au total" in second
    [back] = re.findall(r'href="([^"]*page=1[^"]*)"', second)
    assert parse_qs(urlsplit(unescape(back)).query)["person"] == ["Bob Martin"]
    assert _targets(first) | _targets(second) == {f"n{n}" for n in range(60)}


def test_the_form_is_a_labelled_get_form_without_a_token(client, admin):
    page = _get(client)
    form = re.search(r'<form method="get" action="/admin/journal".*?</form>', page, re.S).group(0)
    assert "csrf_token" not in form
    fields = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert set(fields) == {"action", "person", "involvement", "start", "end"}
    for field in fields:
        assert f'<label for="{field}">' in form


def test_a_broad_search_is_not_bound_by_the_databases_parameter_limit(
    app, admin, make_user, db, clock
):
    """Matching accounts are inlined in the query: SQLite refuses more bound parameters than
    its limit (32 766), lowered here to 10 for 12 accounts (3 of which have events)."""
    import sqlite3

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's parameter limit, lowered through its own driver")
    accounts = [make_user(email=f"candidat{n}@centre.fr") for n in range(12)]
    for account in accounts[:3]:
        _event(clock, f"n{account.id}", actor=account)
    db.session.commit()
    connection = db.session.connection().connection.driver_connection
    previous = connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10)
    try:
        with app.test_request_context():
            journal = events_page(JournalFilters(person="@centre.fr", involvement="either"), 1)
    finally:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)
    assert journal.total == 3 and len(journal.people) == 12
