"""What each role's dashboard promises: only what that role may do, administration first."""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from tests.conftest import page_text
from tests.web.test_candidate_pages import html_login


def dashboard(client, make_user, *roles: Role) -> str:
    user = make_user(*roles)
    html_login(client, user.email)
    return client.get("/").get_data(as_text=True)


def headings(page: str) -> list[str]:
    return [page_text(h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]


@pytest.mark.parametrize(
    ("roles", "wording"),
    [
        # only an author writes (« Nouvel item », « Modifier ») ; only a reviewer approves or
        # sends back ; a reviewer or an administrator publishes
        ((Role.AUTHOR,), "Rechercher et écrire les items"),
        ((Role.REVIEWER,), "Rechercher, relire et publier les items"),
        ((Role.ADMIN,), "Rechercher et publier les items"),
        ((Role.AUTHOR, Role.REVIEWER), "Rechercher, écrire, relire et publier les items"),
        ((Role.AUTHOR, Role.ADMIN), "Rechercher, écrire et publier les items"),
    ],
)
def test_the_workspace_link_names_only_what_the_role_may_do(client, make_user, roles, wording):
    text = page_text(dashboard(client, make_user, *roles))
    assert wording in text
    assert "Rechercher, écrire et relire les items" not in text


def test_an_administrator_sees_the_administration_first(client, make_user):
    page = dashboard(client, make_user, Role.ADMIN)
    assert headings(page)[0] == "Administration"
    section = page.split('id="administration-title"')[1].split("</section>")[0]
    assert 'href="/admin/"' in section and 'href="/admin/journal"' in section
    # not filed under the question workspace any more
    workspace = page.split('id="workspace-title"')[1].split("</section>")[0]
    assert 'href="/admin/"' not in workspace


@pytest.mark.parametrize(("role", "promised"), [(Role.JURY, True), (Role.ADMIN, False)])
def test_item_neutralisation_is_promised_to_the_jury_only(client, make_user, role, promised):
    # neutralising an item and correcting a key are the jury's (reports.neutralise: JURY)
    text = page_text(dashboard(client, make_user, role))
    assert "Rapports psychométriques" in text
    assert ("neutralisation d'items" in text) is promised


def test_an_administrator_with_a_certification_to_sit_is_told_why_the_workspace_is_closed(
    client, db, make_user, make_session
):
    # an administrator may be enrolled (only authors and reviewers may not); the workspace
    # shows every bank's items and answer keys: closed to them (403) until their sitting
    admin = make_user(Role.CANDIDATE, Role.ADMIN)
    session, _ = make_session(candidate=admin)
    html_login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    workspace = page.split('id="workspace-title"')[1].split("</section>")[0]
    assert "/atelier/" not in workspace
    assert (
        f"Vous êtes inscrit comme candidat à la session de certification « {session.title} »"
        in page_text(workspace)
    )
    for href in set(re.findall(r'href="([^"#]+)"', page.split('id="contenu"')[1])):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_the_menu_of_an_administrator_with_a_certification_to_sit_leads_to_no_403(
    client, db, make_user, make_session, clock
):
    """The top menu still offered the workspace, the item statistics and the exchanges, each
    answering 403 until the sitting; they come back once it is over."""
    admin = make_user(Role.CANDIDATE, Role.ADMIN)
    make_session(candidate=admin)
    html_login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    menu = page.split('aria-label="Navigation principale"')[1].split("</nav>")[0]
    for href in re.findall(r'href="([^"#]+)"', menu):
        assert client.get(href).status_code == 200, href
    assert "Atelier des questions" not in menu and "Import et export" not in menu
    assert "Administration" in menu
    clock.advance(days=2)  # the session (one day long) has closed: nothing ahead any more
    menu = client.get("/").get_data(as_text=True).split("</nav>")[0]
    assert "Atelier des questions" in menu and "Statistiques des items" in menu
    assert "Import et export" in menu


@pytest.mark.parametrize("url", ["/", "/atelier/"])
def test_a_staff_page_asks_whether_the_workspace_is_closed_once(
    client, db, make_user, monkeypatch, url
):
    """The dashboard (its notice) and the workspace's guard each asked, and the menu asked
    again: two lookups of the user's certification sittings for one page."""
    from questionnaire.exams import services as exam_services

    calls = []
    real = exam_services.pending_candidacy

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(exam_services, "pending_candidacy", counted)
    author = make_user(Role.AUTHOR)
    html_login(client, author.email)
    calls.clear()
    assert client.get(url).status_code == 200
    assert len(calls) == 1
