"""An option (a label) cannot hold paragraphs, lists or tables: their text is set on separate
lines instead of running together (« Les dividendesLes intérêts »)."""

from __future__ import annotations

import pytest

from questionnaire.richtext import render_inline
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<p>Les dividendes</p><p>Les intérêts</p>", "Les dividendes<br>Les intérêts"),
        ("<ul><li>un PEA</li><li>un PER</li></ul>", "un PEA<br>un PER"),
        ("<table><tr><td>1 %</td><td>2 %</td></tr><tr><td>3 %</td></tr></table>", "1 % 2 %<br>3 %"),
        ("<p>seul</p>", "seul"),
        ("ligne\nligne 2", "ligne<br>ligne 2"),
        ("<em>PFU</em> &amp; <strong>IR</strong>", "<em>PFU</em> &amp; <strong>IR</strong>"),
        ('<script>alert("x")</script>texte', "texte"),
    ],
)
def test_blocks_in_a_label_are_set_on_lines(text, shown):
    assert str(render_inline(text)) == shown


def test_the_preview_shows_an_option_of_two_paragraphs_on_two_lines(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    url = "/atelier/items/nouveau?theme=fiscalite"
    option = "<p>Les dividendes</p><p>Les intérêts</p>"
    response = client.post(
        url,
        data=editor_data(form_token(client, url), action="preview", **{"options-0-text": option}),
    )
    html = response.get_data(as_text=True)
    preview = html[html.index('id="preview-title"') :]
    assert "Les dividendes<br>Les intérêts</label>" in preview
