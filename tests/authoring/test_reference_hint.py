"""The reference change form's example is read with its field, not left unannounced after it."""

from __future__ import annotations

import re

from tests.conftest import form_token, login

URL = "/atelier/references"


def test_the_example_is_tied_to_the_reference_field(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = client.get(URL).get_data(as_text=True)
    assert re.search(r'<input[^>]*aria-describedby="reference-hint"[^>]*id="reference"', html)
    assert re.search(
        r'<p class="hint" id="reference-hint">Telle qu&#39;elle est citée dans les items, par '
        r"exemple « Art. 197 CGI ».</p>",
        html,
    )


def test_a_refused_reference_keeps_both_the_example_and_its_error(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    response = client.post(
        URL,
        data={"csrf_token": form_token(client, URL), "reference": "A", "changed_on": "2026-01-01"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="reference-hint reference-errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="A"' in html  # what was typed stays
