"""Excel's « Texte Unicode (*.txt) »: UTF-16 with a byte-order mark, separated by tabs.

It was read as Windows-1252, so every column was reported missing from a correct file.
"""

from __future__ import annotations

from questionnaire.exchange.tabular import parse_csv
from tests.exchange.conftest import TODAY

ROWS = [
    ["id", "stem", "option_a", "option_b", "option_c", "correct", "reference"],
    [
        "FISC-0901",
        "Quel est le taux du PFU en 2026 ?",
        "12,8 %",
        "30 %",
        "17,2 %",
        "B",
        "Art. 200 A",
    ],
]


def _text(separator: str) -> str:
    return "\r\n".join(separator.join(row) for row in ROWS) + "\r\n"


def test_utf16_tab_separated_file_reads_like_a_csv():
    for data in (
        _text("\t").encode("utf-16"),  # with its byte-order mark, as Excel writes it
        b"\xfe\xff" + _text("\t").encode("utf-16-be"),
    ):
        result = parse_csv(data, "items.txt", TODAY)
        assert result.report.errors == []
        [source] = result.items
        assert source.item.id == "FISC-0901"
        assert [o.text for o in source.item.options] == ["12,8 %", "30 %", "17,2 %"]
        assert source.item.correct_keys == ["B"]
        assert not any("Windows-1252" in w.message for w in result.report.warnings)


def test_a_tab_separated_utf8_file_and_the_usual_separators():
    for separator in ("\t", ";", ","):
        text = _text(separator) if separator != "," else _text(",").replace("12,8 %", '"12,8 %"')
        text = text.replace("17,2 %", '"17,2 %"') if separator == "," else text
        result = parse_csv(text.encode("utf-8"), "items.csv", TODAY)
        assert result.report.errors == [], separator
        assert [o.text for o in result.items[0].item.options] == ["12,8 %", "30 %", "17,2 %"]


def test_broken_utf16_is_an_error():
    text = _text("\t")
    # the byte-order mark, two bytes per character, then one dangling byte at offset 2 + 2n - 2
    data = b"\xff\xfe" + text.encode("utf-16-le")[:-1]
    result = parse_csv(data, "items.txt", TODAY)
    assert result.items == []
    assert [e.message for e in result.report.errors] == [
        f"le fichier commence comme de l'UTF-16 mais n'en est pas (octet {2 * len(text)})."
    ]


def test_a_utf8_file_with_one_stray_byte_is_refused_not_read_as_windows_1252():
    """One Windows apostrophe (0x92) pasted into a UTF-8 file: read as Windows-1252, every
    accent of the file was imported as two letters (« rÃ©ponse », « peut-Ãªtre »)."""
    from questionnaire.exchange.gift import parse_gift
    from questionnaire.exchange.tabular import parse_csv

    gift = "// Banque\n::Q1:: Quelle réponse à l’énoncé ? {=oui ~non ~peut-être}\n"
    data = gift.encode("utf-8").replace("’".encode(), b"\x92")
    result = parse_gift(data, "banque.gift", TODAY)
    assert result.items == []
    assert [entry.format() for entry in result.report.errors] == [
        "banque.gift : fichier en UTF-8 (ses accents le montrent) contenant un octet qui n'est "
        "pas de l'UTF-8 : ligne 2, colonne 26 (octet 0x92, souvent une apostrophe ou un "
        "guillemet collé depuis Windows). Lu en Windows-1252, chaque accent du fichier "
        "deviendrait deux caractères (« Ã© ») : corrigez ce caractère, puis enregistrez le "
        "fichier en UTF-8."
    ]
    csv_data = "stem,option_a,option_b,correct\nL’énoncé ?,oui,non,A\n".encode()
    result = parse_csv(csv_data.replace("’".encode(), b"\x92"), "items.csv", TODAY)
    assert (
        result.items == [] and "ligne 2, colonne 2 (octet 0x92" in result.report.errors[0].message
    )


def test_a_windows_1252_file_is_still_read_with_its_warning():
    from questionnaire.exchange.tabular import parse_csv

    data = "stem,option_a,option_b,correct\nL’énoncé à lire ?,oui,non,A\n".encode("cp1252")
    result = parse_csv(data, "items.csv", TODAY)
    assert result.report.errors == []
    assert result.items[0].item.stem == "L’énoncé à lire ?"
