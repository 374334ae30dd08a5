"""A refused save in the item editor: titled, summarised first with links, nothing typed lost."""

import re
from html import unescape

import pytest

from tests.accessibility.test_error_summaries import FOCUSED_SUMMARY, summary_links
from tests.authoring.conftest import editor_data
from tests.authoring.test_pages import review_flow
from tests.conftest import form_token, login

NEW_ITEM = "/atelier/items/nouveau?theme=fiscalite"


def refused_save(client, url: str, **overrides) -> str:
    response = client.post(url, data=editor_data(form_token(client, url), **overrides))
    assert response.status_code == 422
    return response.get_data(as_text=True)


def summary_lines(html: str) -> list[str]:
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    return [
        unescape(re.sub(r"<[^>]+>|\s+", " ", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", summary, re.S)
    ]


def test_a_gap_in_the_options_and_a_missing_reference_are_listed_with_links(
    client, loaded_bank, author
):
    loaded_bank()
    login(client, author.email)
    assert "<title>Nouvel item" in client.get(NEW_ITEM).get_data(as_text=True)

    html = refused_save(
        client,
        NEW_ITEM,
        **{"options-1-text": "", "options-1-correct": "", "options-2-correct": "y"},
        reference="",
    )
    assert "<title>Erreur : Nouvel item" in html
    assert FOCUSED_SUMMARY.search(html) and html.count("autofocus") == 1
    main = html[html.index('<main id="contenu"') :]
    assert main.index("</h1>") < main.index('class="error-summary"') < main.index("<form")
    assert summary_lines(html) == [
        "Options : Remplissez les options dans l'ordre, sans en laisser une vide entre deux.",
        "Référence juridique : La référence est obligatoire.",
    ]
    assert summary_links(html) == ["options-1-text", "reference"]


def test_every_kind_of_error_links_to_its_control(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = refused_save(
        client,
        NEW_ITEM,
        stem="",
        item_type="",
        valid_as_of="",
        **{"options-2-text": "<script>x</script>", "options-4-correct": "y"},
    )
    assert summary_links(html) == [
        "item_type-0",  # a radio group: its first button
        "stem",
        "options-2-text",  # an option's own error
        "options-4-correct",  # an empty option ticked as correct
        "valid_as_of",
    ]
    lines = summary_lines(html)
    assert lines[0].startswith("Type de question : ")
    assert lines[2].startswith("Option C : Ce texte est vide")


@pytest.mark.parametrize(
    ("overrides", "target"),
    [
        ({"options-0-correct": "y"}, "options-0-correct"),  # two right answers to a single
        ({"options-1-correct": "", "item_type": "multiple"}, "options-0-correct"),
        ({"options-0-text": "", "options-1-text": "", "options-2-text": ""}, "options-0-text"),
        ({"options-4-text": "5", "options-5-text": "6"}, "options-5-text"),  # six options
    ],
)
def test_a_rule_on_the_set_of_options_links_to_an_option(
    client, loaded_bank, author, overrides, target
):
    loaded_bank()
    login(client, author.email)
    html = refused_save(client, NEW_ITEM, **overrides)
    assert target in summary_links(html)
    assert all(line.startswith("Options : ") for line in summary_lines(html))


def test_everything_typed_is_kept_after_a_refused_save(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = refused_save(client, NEW_ITEM, **{"options-1-text": ""}, reference="")
    for typed in (
        "Quel est le plafond du livret A pour un particulier ?",
        "15 300 €",
        "12 000 €",
        "10 000 €",
        "Le plafond du livret A est de 22 950 € (B).",
    ):
        assert typed in html, typed
    assert 'value="2026-02-01"' in html
    assert re.search(r'<option selected value="alpha">|<option value="alpha" selected>', html)


def test_an_edit_page_gets_the_same_summary(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    url = "/atelier/items/TST-0001/modifier"
    assert "<title>Modifier TST-0001" in client.get(url).get_data(as_text=True)
    html = refused_save(client, url, reference="")
    assert "<title>Erreur : Modifier TST-0001" in html
    assert summary_links(html) == ["reference"]


def test_a_refused_comment_is_summarised_with_a_link_to_its_textarea(
    client, loaded_bank, author, reviewer, db
):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    page = client.get(item_url).get_data(as_text=True)
    # the server's summary, not the browser's fleeting bubble, reports an empty comment
    assert re.search(r'<form method="post" class="review-form" id="review" novalidate>', page)
    token = form_token(client, item_url)
    html = client.post(
        f"{item_url}/versions/1/renvoyer", data={"csrf_token": token, "comment": " "}
    ).get_data(as_text=True)
    assert re.search(r"<title>Erreur : TST-\d+ — Atelier", html)
    assert FOCUSED_SUMMARY.search(html)
    assert summary_links(html) == ["review-comment"]


def test_the_reference_changes_form_summarises_its_errors(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    url = "/atelier/references"
    assert '<form method="post" class="narrow-form" novalidate>' in client.get(url).get_data(
        as_text=True
    )
    html = client.post(url, data={"csrf_token": form_token(client, url)}).get_data(as_text=True)
    assert "<title>Erreur : Références modifiées" in html
    assert summary_links(html) == ["reference", "changed_on"]
