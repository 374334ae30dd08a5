"""Parser errors reach the author in French, with line and column, whatever the format."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from questionnaire.auth.models import Role
from questionnaire.exchange.formats import FORMATS
from questionnaire.parse_errors import zip_entry_error
from tests.conftest import login
from tests.exchange.conftest import TODAY
from tests.exchange.test_views import _upload

#: Words of the libraries' English messages (expat, PyYAML, csv, zipfile, openpyxl).
ENGLISH = re.compile(
    r"\b(token|expected|found|unclosed|mismatched|element|syntax|mapping|allowed|stream|"
    r"field|limit|error|while|decompressing|invalid|not|but)\b",
    re.IGNORECASE,
)


def _outside_detail(message: str) -> str:
    """The message without its « détail technique » (the library's words, labelled)."""
    return re.sub(r"\(détail technique : [^)]*\)", "", message)


def _deflate_damaged() -> bytes:
    rng = random.Random(1)
    body = "".join(rng.choice("abcdefgh<>") for _ in range(20000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("q1.xml", f"<a>{body}</a>")
    data = bytearray(buffer.getvalue())
    start = data.find(b"q1.xml") + len("q1.xml") + 200
    data[start : start + 200] = bytes(rng.randrange(256) for _ in range(200))
    return bytes(data)


@pytest.mark.parametrize(
    ("fmt", "name", "data", "expected"),
    [
        ("qti", "q.xml", b"<not-xml", "XML mal formé (ligne 1, colonne 1) : balise non fermée"),
        ("qti", "q.xml", b"<a>\n</b>", "XML mal formé (ligne 2, colonne 3) : balise fermante"),
        ("qti", "q.xml", b"", "aucun élément"),
        ("qti", "q.xml", b"<a>&nbsp;</a>", "entité inconnue"),
        ("qti", "q.xml", b"<?xml version='1.0' encoding='bogus'?><a/>", "encodage déclaré"),
        ("qti", "q.xml", b"<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "déclaration d'entité"),
        ("qti", "p.zip", _deflate_damaged(), "« q1.xml » illisible dans l'archive"),
        ("yaml", "b.yaml", b"- : : [", "YAML illisible (ligne 1, colonne 3) : « : » inattendu"),
        ("yaml", "b.yaml", b"a:\n\tb: 1", "YAML illisible (ligne 2, colonne 1) : tabulation"),
        ("yaml", "b.yaml", b"a: 'x", "guillemet non fermé"),
        ("yaml", "b.yaml", b"a: [1, 2", "liste entre crochets non fermée"),
        (
            "yaml",
            "b.yaml",
            b"a: b\x00",
            "YAML illisible (ligne 1, colonne 5) : caractère non permis",
        ),
        ("csv", "c.csv", b"id,stem\n" + b"x" * 200_000 + b",1\n", "un champ dépasse 131 072"),
        ("xlsx", "c.xlsx", b"PK\x03\x04" + b"\x00" * 100, "illisible"),
        ("gift", "g.gift", b"::x:: Q {", "accolade fermante"),
    ],
)
def test_parser_errors_are_french_with_their_place(fmt, name, data, expected):
    report = FORMATS[fmt].parse(data, name, TODAY).report
    messages = [entry.format() for entry in report.errors]
    assert any(expected in message for message in messages), messages
    for message in messages:
        assert not ENGLISH.search(_outside_detail(message)), message


def test_the_upload_page_shows_the_french_message(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    html = _upload(client, b"<not-xml", "q.xml", "qti").get_data(as_text=True)
    assert "XML mal formé (ligne 1, colonne 1) : balise non fermée" in html
    assert "unclosed token" not in html
    html = _upload(client, b"- : : [", "b.yaml", "yaml").get_data(as_text=True)
    assert "YAML illisible (ligne 1, colonne 3)" in html
    assert "expected &lt;block end&gt;" not in html and "expected <block end>" not in html


def test_an_unsupported_compression_method_is_named_in_french():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("items.csv", "x" * 100)
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # method 99 (unknown)
        start = data.find(signature) + offset
        data[start : start + 2] = (99).to_bytes(2, "little")
    try:
        zipfile.ZipFile(io.BytesIO(bytes(data))).read("items.csv")
    except RuntimeError as exc:
        message = zip_entry_error("items.csv", exc)
    assert message == (
        "« items.csv » illisible dans l'archive : méthode de compression non prise en charge "
        "(enregistrez l'archive en « deflate »)."
    )
