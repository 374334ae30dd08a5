"""Enrolment CSV: the header line names its columns in the usual French or English spellings."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from questionnaire.admin.enrolment_headers import (
    EMAIL,
    EXTRA_TIME,
    GROUP,
    NOTE,
    HeaderError,
    column_for,
    locate_columns,
)
from questionnaire.exams.models import Enrolment
from tests.admin.test_admin import upload


def enrolments(db, session) -> dict[str, tuple[int, str | None, str | None]]:
    return {
        e.user.email: (e.extra_time_percent, e.accommodation_note, e.analysis_group)
        for e in db.session.execute(
            select(Enrolment).where(Enrolment.session_id == session.id)
        ).scalars()
    }


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Adresse électronique", EMAIL),
        ("Adresse e-mail", EMAIL),
        ("Courriel", EMAIL),
        ("E-mail", EMAIL),
        ("Email", EMAIL),
        ("Mail", EMAIL),
        ("ADRESSE ELECTRONIQUE", EMAIL),  # case and accents
        ("  adresse   électronique ", EMAIL),  # spaces
        ("adresse_e-mail", EMAIL),
        ("Temps supplémentaire (%)", EXTRA_TIME),
        ("temps supplementaire", EXTRA_TIME),
        ("Extra time", EXTRA_TIME),
        ("Aménagement", NOTE),
        ("Accommodation", NOTE),
        ("Groupe d'analyse", GROUP),
        ("Analysis group", GROUP),
    ],
)
def test_each_column_answers_to_its_usual_spellings(header, key):
    assert column_for(header).key == key


def test_an_unknown_header_is_named_with_the_accepted_names():
    with pytest.raises(HeaderError) as refused:
        locate_columns(["Courriel", "Identifiant"])
    message = str(refused.value)
    assert "en-tête de colonne non reconnu : « Identifiant »." in message
    for accepted in ("« Adresse électronique »", "« Courriel »", "« Temps supplémentaire »"):
        assert accepted in message
    assert "« Groupe d'analyse »" in message


def test_the_header_adresse_electronique_is_accepted(client, admin, make_session, make_user, db):
    session, first = make_session()
    make_user(email="alice@example.org")
    make_user(email="bob@example.org")
    text = (
        "Adresse électronique;Temps supplémentaire (%);Aménagement;Groupe d'analyse\n"
        "alice@example.org;33;tiers temps;Réseau Ouest\n"
        "bob@example.org;;;\n"
    )
    response = upload(client, session, text)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))
    assert enrolments(db, session) == {
        first.email: (0, None, None),
        "alice@example.org": (33, "tiers temps", "Réseau Ouest"),
        "bob@example.org": (0, None, None),
    }


def test_named_columns_may_come_in_any_order(client, admin, make_session, make_user, db):
    session, _ = make_session()
    make_user(email="alice@example.org")
    response = upload(
        client, session, "Aménagement;COURRIEL;Temps\nlecteur d'écran;alice@example.org;25\n"
    )
    assert response.status_code == 302
    assert enrolments(db, session)["alice@example.org"] == (25, "lecteur d'écran", None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Courriel;Identifiant",
            "Ligne 1 : en-tête de colonne non reconnu : « Identifiant ». En-têtes acceptés",
        ),
        (
            "Nom;Prénom",
            "Ligne 1 : « Nom », « Prénom » : ni une adresse électronique (première colonne d'une "
            "ligne) ni un en-tête de colonne reconnu. En-têtes acceptés",
        ),
        (
            "Email;Courriel",
            "deux colonnes désignent la même donnée (adresse électronique) : « Email » et "
            "« Courriel »",
        ),
        ("Temps supplémentaire;Aménagement", "l'en-tête ne nomme pas la colonne des adresses"),
    ],
)
def test_a_header_that_cannot_be_read_enrols_nobody(
    client, admin, make_session, make_user, db, header, expected
):
    session, first = make_session()
    make_user(email="alice@example.org")
    response = upload(client, session, f"{header}\nalice@example.org;0\n")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert expected in page
    assert set(enrolments(db, session)) == {first.email}


def test_a_first_line_without_address_nor_known_header_is_named(
    client, admin, make_session, make_user
):
    session, _ = make_session()
    make_user(email="alice@example.org")
    response = upload(client, session, "alice.example.org;0\nalice@example.org;0\n")
    page = html.unescape(response.get_data(as_text=True))
    assert (
        "Ligne 1 : « alice.example.org », « 0 » : ni une adresse électronique (première "
        "colonne d'une ligne) ni un en-tête de colonne reconnu. En-têtes acceptés"
    ) in page


def test_the_documentation_lists_every_accepted_header():
    from pathlib import Path

    from questionnaire.admin.enrolment_headers import COLUMNS

    documented = Path(__file__).parents[2].joinpath("docs", "authoring.md").read_text("utf-8")
    rows = {
        line.split("|")[1].strip(): line.split("|")[2]
        for line in documented.splitlines()
        if line.startswith("  | ") and line.count("|") == 3
    }
    for column in COLUMNS:
        (cells,) = [names for label, names in rows.items() if label.startswith(column.label[:6])]
        assert [name.strip() for name in cells.split(",")] == list(column.headers)
