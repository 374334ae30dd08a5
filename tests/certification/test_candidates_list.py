"""A certification's candidates: searched by name or address (accents and case ignored), paged
like the accounts list, the registration form and each candidate's links kept."""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from tests.conftest import form_token, login, page_text

PARTICULIERS = "charge-clientele-particuliers"
PEOPLE = ("Hélène Durand", "Hugo Lefèvre", "Inès Martin")


@pytest.fixture
def registered(referentials, enrol_candidate, make_user):
    """The certification, its three candidates by name, and a candidate of another one."""
    certification = referentials[PARTICULIERS]
    enrolments = {
        name: enrol_candidate(certification, make_user(email=email, name=name))
        for name, email in zip(
            PEOPLE,
            ("helene.durand@example.org", "hugo@banque.example", "ines@example.org"),
            strict=True,
        )
    }
    other = referentials["titre-charge-clientele"]
    enrol_candidate(other, make_user(email="helene.autre@example.org", name="Hélène Ailleurs"))
    return certification, enrolments


def listed(client, certification, query: str = "") -> str:
    """The list's text, from its search form on (the registration form comes before)."""
    response = client.get(f"/certifications/{certification.id}/candidats{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page_text(page[page.index('role="search"') :])


def names(text: str) -> list[str]:
    return [name for name in (*PEOPLE, "Hélène Ailleurs") if name in text]


def test_search_by_name_or_address_ignores_accents_and_case(client, admin, registered):
    certification, _ = registered
    assert names(listed(client, certification)) == list(PEOPLE)
    assert "3 candidats inscrits" in listed(client, certification)
    # a candidate of another certification is not found here, whatever the search
    assert names(listed(client, certification, "?q=HELENE")) == ["Hélène Durand"]
    assert names(listed(client, certification, "?q=lefevre")) == ["Hugo Lefèvre"]
    assert names(listed(client, certification, "?q=banque.example")) == ["Hugo Lefèvre"]
    found = listed(client, certification, "?q=%20In%C3%88S%20")
    assert names(found) == ["Inès Martin"]
    assert "1 candidat inscrit correspondant à la recherche" in found
    none = listed(client, certification, "?q=zzz")
    assert "Aucun candidat inscrit ne correspond à cette recherche." in none
    assert "Voir tous les inscrits" in none


def test_the_search_is_labelled_kept_and_its_count_in_the_title(client, admin, registered):
    certification, _ = registered
    url = f"/certifications/{certification.id}/candidats"
    page = client.get(f"{url}?q=Dur%22and").get_data(as_text=True)
    assert re.search(r'<label for="q">Nom ou adresse</label>\s*<input type="search" name="q"', page)
    assert 'value="Dur&#34;and"' in page
    assert 'role="search" aria-label="Chercher un candidat inscrit"' in page
    title = re.search(r"<title>(.*?)</title>", client.get(f"{url}?q=hugo").get_data(as_text=True))
    assert title and title.group(1).startswith("1 résultat pour « hugo » — Candidats")
    title = re.search(r"<title>(.*?)</title>", client.get(f"{url}?q=zzz").get_data(as_text=True))
    assert title and title.group(1).startswith("Aucun résultat pour « zzz » — Candidats")
    assert "résultat" not in re.search(r"<title>(.*?)</title>", client.get(url).text).group(1)


def test_the_list_is_paged_and_the_pages_keep_the_search(client, admin, registered, monkeypatch):
    monkeypatch.setattr("questionnaire.certification.services.CANDIDATES_PAGE_SIZE", 2)
    certification, _ = registered
    url = f"/certifications/{certification.id}/candidats"
    first = client.get(url).get_data(as_text=True)
    assert "3 candidats inscrits — page 1 sur 2" in page_text(first)
    assert names(listed(client, certification)) == ["Hélène Durand", "Hugo Lefèvre"]
    assert f'href="{url}?page=2">Page suivante' in first
    assert "Page précédente" not in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert names(page_text(second[second.index('role="search"') :])) == ["Inès Martin"]
    assert f'href="{url}?page=1">Page précédente' in second
    # the search goes along to the next page
    searched = client.get(f"{url}?q=example").get_data(as_text=True)
    assert "3 candidats inscrits correspondant à la recherche — page 1 sur 2" in page_text(searched)
    assert f'href="{url}?page=2&amp;q=example">Page suivante' in searched
    # a page past the end, below the first, or not a number is the nearest page
    assert "page 2 sur 2" in listed(client, certification, "?page=99")
    assert "page 1 sur 2" in listed(client, certification, "?page=0")
    assert "page 1 sur 2" in listed(client, certification, "?page=-3")
    assert "page 1 sur 2" in listed(client, certification, "?page=abc")
    assert "page 1 sur 2" in listed(client, certification, "?page=99999999999999999999")
    # one page: no page links
    assert "Page suivante" not in client.get(f"{url}?q=hugo").get_data(as_text=True)


def test_each_candidate_keeps_their_links_and_the_form_registers_from_a_search(
    client, registered, make_user, db
):
    certification, enrolments = registered
    make_user(Role.JURY, email="jury@example.org", name="Jeanne Jury")
    newcomer = make_user(email="nouveau@example.org", name="Nina Nouvelle")
    login(client, "jury@example.org")
    url = f"/certifications/{certification.id}/candidats"
    page = client.get(f"{url}?q=hugo").get_data(as_text=True)
    hugo = enrolments["Hugo Lefèvre"].id
    assert f'href="/certifications/inscriptions/{hugo}"' in page
    assert f'href="/certifications/inscriptions/{hugo}/evaluation"' in page
    assert f'href="/certifications/{certification.id}/deliberation"' in page
    # the registration form posts to the page as shown, search included
    done = client.post(
        f"{url}?q=hugo",
        data={"csrf_token": form_token(client, url), "email": newcomer.email},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(url)
    assert "Nina Nouvelle" in listed(client, certification, "?q=nina")
    refused = client.post(
        f"{url}?q=hugo",
        data={"csrf_token": form_token(client, url), "email": "personne@example.org"},
    )
    assert refused.status_code == 422
    assert names(page_text(refused.get_data(as_text=True))) == ["Hugo Lefèvre"]


@pytest.mark.parametrize(("role", "status"), [(Role.CANDIDATE, 403), (Role.AUTHOR, 403)])
def test_only_the_jury_and_administrators_see_the_list(client, registered, make_user, role, status):
    certification, _ = registered
    url = f"/certifications/{certification.id}/candidats?q=hugo&page=2"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    login(client, make_user(role, email="quelqu.un@example.org").email)
    assert client.get(url).status_code == status
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    page = client.get(url).get_data(as_text=True)
    assert "Hugo Lefèvre" in page
    assert "/evaluation" not in page  # the grid is the jury's
