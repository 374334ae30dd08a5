"""The author's item statistics page and the review queue, through the test client."""

import pytest

from questionnaire.auth.models import Role
from questionnaire.itemstats.services import refresh_statistics
from tests.conftest import bank_yaml, login

BANK = bank_yaml(topics={"alpha": 3})  # keys: TST-0001 B, TST-0002 C, TST-0003 D
RIGHT = {"TST-0001": ["B"], "TST-0002": ["C"], "TST-0003": ["D"]}
ANSWERS = [
    RIGHT,
    RIGHT,
    {"TST-0001": ["B"], "TST-0002": ["C"], "TST-0003": ["A"]},
    {"TST-0001": ["B"], "TST-0002": ["A"]},
    {"TST-0001": ["A"], "TST-0003": ["A"]},
]


@pytest.fixture
def analysed(db, clock, loaded_bank, make_session, sit, write_bank):
    """Two closed sessions of the same theme, analysed; returns a function to load a bank."""
    theme = loaded_bank(BANK)
    for _ in range(2):
        session, _ = make_session(theme=theme, item_count=3, blueprint={"alpha": 3}, shuffle=False)
        for answers in ANSWERS:
            sit(session, answers)
    clock.advance(days=2)
    refresh_statistics(clock())
    db.session.commit()
    return theme


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_staff_see_the_item_statistics(app, client, make_user, analysed):
    login(client, make_user(Role.AUTHOR).email)
    html = _page(client, "/statistiques/items/TST-0002")
    assert "Statistiques de la version 1" in html
    assert "Cumul de 2 session(s) close(s), sur 10 copie(s)" in html
    assert "60\u00a0%" in html  # facility of TST-0002
    assert "Distracteur D jamais choisi" in html
    assert "Réécrire le distracteur D, jamais choisi." in html
    assert 'role="img"' in html and "<title id=" in html
    assert "Choix des options (toutes sessions closes)</caption>" in html
    assert html.count('<th scope="row">Session test</th>') == 2  # the per-session table
    assert "Évolution par session de la facilité" in html  # the trend line
    assert "Moins de 30 copies" in html
    for role in (Role.REVIEWER, Role.ADMIN):
        other = app.test_client()
        login(other, make_user(role).email)
        assert "Statistiques de la version 1" in _page(other, "/statistiques/items/TST-0002")


def test_other_roles_are_refused(app, make_user, analysed):
    for role in (Role.CANDIDATE, Role.JURY):
        client = app.test_client()
        login(client, make_user(role).email)
        assert client.get("/statistiques/items/TST-0002").status_code == 403
        assert client.get("/statistiques/a-revoir").status_code == 403


def test_anonymous_is_sent_to_login(client, analysed):
    response = client.get("/statistiques/a-revoir")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_unknown_item_or_version_is_not_found(client, make_user, analysed):
    login(client, make_user(Role.AUTHOR).email)
    assert client.get("/statistiques/items/NOPE-1").status_code == 404
    assert client.get("/statistiques/items/TST-0002?version=9").status_code == 404
    assert client.get("/statistiques/a-revoir?theme=inconnu").status_code == 404
    assert client.get("/statistiques/a-revoir?priorite=7").status_code == 404


def test_queue_lists_flagged_items_with_actions(client, make_user, analysed):
    login(client, make_user(Role.REVIEWER).email)
    html = _page(client, "/statistiques/a-revoir")
    assert "/statistiques/items/TST-0002?version=1" in html
    assert "Réécrire le distracteur D, jamais choisi." in html
    assert _page(client, "/statistiques/a-revoir?theme=fiscalite").count("<tr>") >= 2


def test_a_new_version_starts_fresh(client, db, clock, make_user, analysed, loaded_bank):
    changed = BANK.replace("Justification de la question 2.", "Justification revue.")
    loaded_bank(changed)
    login(client, make_user(Role.AUTHOR).email)
    html = _page(client, "/statistiques/items/TST-0002")
    assert "Statistiques de la version 2" in html
    assert "Pas encore de statistiques pour cette version" in html
    assert '<option value="1">Version 1 — remplacée — 10 copie(s)</option>' in html
    old = _page(client, "/statistiques/items/TST-0002?version=1")
    assert "Statistiques de la version 1" in old and "60\u00a0%" in old
    queue = _page(client, "/statistiques/a-revoir")
    assert "TST-0002" not in queue  # the superseded version is no longer to review


def test_nav_link_for_staff_only(app, client, make_user):
    login(client, make_user(Role.AUTHOR).email)
    assert "Statistiques des items" in _page(client, "/")
    other = app.test_client()
    login(other, make_user(Role.CANDIDATE).email)
    assert "Statistiques des items" not in _page(other, "/")


def test_the_authoring_item_page_shows_the_version_statistics(client, make_user, analysed):
    login(client, make_user(Role.AUTHOR).email)
    html = _page(client, "/atelier/items/TST-0002")
    assert "Statistiques de la version 1" in html
    assert "Cumul de 2 session(s) close(s), sur 10 copie(s)" in html
    assert "<dd>60\u00a0%</dd>" in html  # facility: 6 of 10 chose C
    assert "Discrimination (corrélation item-reste)" in html
    assert 'role="img"' in html and "Groupe fort (27 % les meilleurs)" in html  # option chart
    assert "Distracteur D jamais choisi" in html
    assert "Action suggérée : Réécrire le distracteur D, jamais choisi." in html
    assert "Évolution par session de la facilité" in html


def test_the_authoring_page_of_a_new_version_starts_fresh_and_links_the_old_one(
    client, make_user, analysed, loaded_bank
):
    loaded_bank(BANK.replace("Justification de la question 2.", "Justification revue."))
    login(client, make_user(Role.AUTHOR).email)
    html = _page(client, "/atelier/items/TST-0002")
    assert "Statistiques de la version 2" in html
    assert "Pas encore de statistiques pour cette version" in html
    assert 'href="/atelier/items/TST-0002?version=1">version 1</a> (10 copie(s))' in html
    old = _page(client, "/atelier/items/TST-0002?version=1")
    assert "Statistiques de la version 1" in old and "<dd>60\u00a0%</dd>" in old
    assert "Distracteur D jamais choisi" in old


def test_statistics_tables_scroll_in_named_regions(client, make_user, analysed):
    """Wider than a 320 px screen with larger text: each table scrolls in its own region."""
    from tests.web.test_table_regions import assert_caption_in_a_region

    login(client, make_user(Role.AUTHOR).email)
    page = _page(client, "/statistiques/items/TST-0002")
    for caption in ("option-choices-caption-", "version-sessions-caption-"):
        assert_caption_in_a_region(page, caption)
    assert_caption_in_a_region(_page(client, "/statistiques/a-revoir"), "review-caption")


def test_the_queue_filters_are_a_named_group(client, make_user, analysed):
    login(client, make_user(Role.REVIEWER).email)
    html = _page(client, "/statistiques/a-revoir")
    start = html.index('action="/statistiques/a-revoir"')
    form = html[start : html.index("</form>", start)]
    assert '<fieldset class="version-picker">' in form
    assert "<legend>Filtrer les items à revoir</legend>" in form
    assert '<label for="theme">Thème</label>' in form
    assert '<label for="priorite">Priorité</label>' in form


def test_the_queue_says_when_a_newer_version_is_being_written(
    client, db, clock, make_user, analysed
):
    from questionnaire.authoring import services as authoring
    from tests.authoring.test_lifecycle import parsed

    author = make_user(Role.AUTHOR)
    item = version_of_item(db, "TST-0002")
    authoring.save_item(item, item.theme, parsed(), author, clock())
    db.session.commit()

    login(client, make_user(Role.REVIEWER).email)
    html = _page(client, "/statistiques/a-revoir")
    start = html.index(">TST-0002</a>")
    row = html[start : html.index("</tr>", start)]
    assert "Version 2 en cours d'écriture (brouillon)" in row
    assert "/atelier/items/TST-0002?version=2" in row
    start = html.index(">TST-0001</a>")
    assert "en cours" not in html[start : html.index("</tr>", start)]


def version_of_item(db, external_id):
    from sqlalchemy import select

    from questionnaire.banks.models import Item

    return db.session.execute(select(Item).where(Item.external_id == external_id)).scalar_one()


def test_the_per_session_table_names_each_sessions_flags(client, make_user, analysed):
    login(client, make_user(Role.AUTHOR).email)
    html = _page(client, "/statistiques/items/TST-0002")
    start = html.index("session par session</caption>")
    table = html[start : html.index("</table>", start)]
    rows = table.split('<th scope="row">Session test</th>')[1:]
    assert len(rows) == 2
    for row in rows:
        assert "Distracteur D jamais choisi" in row
        assert "Distracteur B jamais choisi" in row
