"""The accounts list: searched by name or address (accents and case ignored), by role, paged."""

from __future__ import annotations

import re

from questionnaire.auth.models import Role
from tests.conftest import page_text


def listed(client, query: str = "") -> str:
    """The list's text, from its search form on (the header names the administrator too)."""
    response = client.get(f"/admin/utilisateurs{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page_text(page[page.index('role="search"') :])


def names(text: str, among: tuple[str, ...]) -> list[str]:
    return [name for name in among if name in text]


PEOPLE = ("Hélène Durand", "Hugo Lefèvre", "Inès Martin", "Ada Admin")


def test_search_by_name_or_address_ignores_accents_and_case(client, admin, make_user):
    make_user(email="helene.durand@example.org", name="Hélène Durand")
    make_user(Role.AUTHOR, email="hugo@banque.example", name="Hugo Lefèvre")
    make_user(Role.JURY, email="ines@example.org", name="Inès Martin")
    assert names(listed(client), PEOPLE) == list(PEOPLE)
    assert names(listed(client, "?q=HELENE"), PEOPLE) == ["Hélène Durand"]
    assert names(listed(client, "?q=lefevre"), PEOPLE) == ["Hugo Lefèvre"]
    assert names(listed(client, "?q=banque.example"), PEOPLE) == ["Hugo Lefèvre"]
    assert "1 compte correspondant à la recherche" in listed(client, "?q=banque.example")
    # with a role, both must hold
    assert names(listed(client, "?q=e&role=jury"), PEOPLE) == ["Inès Martin"]
    assert names(listed(client, "?q=helene&role=jury"), PEOPLE) == []
    assert "Aucun compte ne correspond à cette recherche." in listed(client, "?q=zzz")


def test_the_search_is_kept_in_its_field(client, admin):
    page = client.get("/admin/utilisateurs?q=Dur%22and").get_data(as_text=True)
    assert re.search(r'<label for="q">Nom ou adresse</label>\s*<input type="search" name="q"', page)
    assert 'value="Dur&#34;and"' in page


def test_the_list_is_paged_and_the_pages_keep_the_filters(client, admin, make_user, monkeypatch):
    monkeypatch.setattr("questionnaire.admin.services.USERS_PAGE_SIZE", 2)
    for name in ("Alice A", "Bruno B", "Chloé C"):
        make_user(email=f"{name[0].lower()}@example.org", name=name)
    # 4 accounts with the administrator, by name: Ada, Alice | Bruno, Chloé
    first = client.get("/admin/utilisateurs?role=&q=").get_data(as_text=True)
    assert "4 comptes — page 1 sur 2" in listed(client, "?role=&q=")
    assert names(listed(client), ("Ada Admin", "Alice A", "Bruno B", "Chloé C")) == [
        "Ada Admin",
        "Alice A",
    ]
    assert 'href="/admin/utilisateurs?page=2">Page suivante' in first
    assert "Page précédente" not in first
    second = listed(client, "?page=2")
    assert names(second, ("Ada Admin", "Alice A", "Bruno B", "Chloé C")) == ["Bruno B", "Chloé C"]
    # a filter goes along to the next page
    candidates = client.get("/admin/utilisateurs?role=candidate").get_data(as_text=True)
    assert 'href="/admin/utilisateurs?page=2&amp;role=candidate">Page suivante' in candidates
    # a page past the end, or not a number, is the nearest page
    assert "page 2 sur 2" in listed(client, "?page=99")
    assert "page 1 sur 2" in listed(client, "?page=abc")
    assert "page 1 sur 2" in listed(client, "?page=99999999999999999999")


SORTED = ("Ada Admin", "Bruno Zidane", "Émilie Blanc", "eric Chevalier", "Œdipe Roi", "Zoé Arnaud")


def in_page_order(text: str, among: tuple[str, ...]) -> list[str]:
    return sorted((name for name in among if name in text), key=text.index)


def test_names_sort_as_french_readers_expect_whatever_the_collation(
    client, admin, make_user, make_session, db
):
    """A byte order (SQLite, PostgreSQL's C collation) put « Émilie » and « Œdipe » after
    « Zoé » and « eric » after them all; lists sort on the name without accents or case."""
    from questionnaire.exams.services import enrol

    session, _ = make_session()
    for n, name in enumerate(("Zoé Arnaud", "Œdipe Roi", "eric Chevalier", "Émilie Blanc")):
        user = make_user(email=f"p{n}@example.org", name=name)
        enrol(session, user, session.opens_at)
    make_user(email="bruno@example.org", name="Bruno Zidane")
    db.session.commit()
    assert in_page_order(listed(client), SORTED) == list(SORTED)
    page = page_text(client.get(f"/admin/sessions/{session.id}").get_data(as_text=True))
    assert in_page_order(page, SORTED[2:]) == [
        "Émilie Blanc",
        "eric Chevalier",
        "Œdipe Roi",
        "Zoé Arnaud",
    ]


def test_the_sort_key_follows_the_name_through_every_write(db, make_user):
    import sqlalchemy as sa

    from questionnaire.auth.models import User

    user = make_user(name="Élodie Ça")
    assert user.sort_name == "elodie ca"
    user.display_name = "ÀNNE Œil"
    db.session.commit()
    assert db.session.execute(sa.select(User.sort_name).where(User.id == user.id)).scalar_one() == (
        "anne oeil"
    )
    # a bulk insert without the ORM gets it too
    db.session.execute(
        sa.insert(User),
        [{"email": "bulk@example.org", "display_name": "Ève Core", "password_hash": "x",
          "created_at": user.created_at}],
    )  # fmt: skip
    stored = db.session.execute(
        sa.select(User.sort_name).where(User.email == "bulk@example.org")
    ).scalar_one()
    assert stored == "eve core"


def test_a_name_that_folding_lengthens_still_fits_its_sort_key(db, make_user):
    """« œ » folds to « oe »: a name of the form's 200 characters must not overflow the
    200-character column (PostgreSQL refuses the row)."""
    name = "Cœur " + "œ" * 195
    user = make_user(name=name)
    assert len(name) == 200
    assert len(user.sort_name) == 200 and user.sort_name.startswith("coeur oeoe")
