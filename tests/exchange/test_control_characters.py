"""Control characters in imported text: line breaks kept as new lines, the rest removed.

A vertical tab (Word's manual line break, pasted into a spreadsheet) in a CSV cell was stored as
is: the XLSX export then failed with a server error, the QTI export wrote XML that no tool (nor
this import) can read, and a GIFT round trip changed the item.
"""

from __future__ import annotations

import pytest

from questionnaire.banks.models import VersionStatus
from questionnaire.banks.validation import ParsedOption
from questionnaire.exchange.formats import FORMATS
from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.qti_write import write_qti, write_qti3
from questionnaire.exchange.services import export_theme, import_file
from questionnaire.exchange.tabular import parse_csv
from questionnaire.exchange.xlsx import parse_xlsx, write_xlsx
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login
from tests.exchange.conftest import TODAY

CSV = (
    "id,stem,option_a,option_b,option_c,correct,reference,rationale\n"
    'CTRL-1,"Ligne 1\x0bLigne 2 ?",a,b\x01,c\x7f,A,"Art.\x0c1","Parce\x00 que."\n'
)


def test_line_breaking_controls_become_new_lines_and_others_go():
    result = parse_csv(CSV.encode(), "ctrl.csv", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert source.item.stem == "Ligne 1\nLigne 2 ?"
    assert [option.text for option in source.item.options] == ["a", "b", "c"]
    assert source.item.reference == "Art. 1"  # a one-line field
    assert source.item.rationale == "Parce que."


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_imported_text_exports_and_comes_back_unchanged(db, clock, loaded_bank, fmt):
    loaded_bank()
    import_file(CSV.encode(), "ctrl.csv", "csv", "fiscalite", clock())
    db.session.commit()
    data, count = export_theme("fiscalite", fmt, frozenset({VersionStatus.DRAFT}))
    assert count == 1
    report = import_file(data, f"export.{FORMATS[fmt].extension}", fmt, "fiscalite", clock())
    assert report.errors == [] and report.imported == []
    assert [entry.message for entry in report.unchanged] == ["CTRL-1 : identique à la version 1."]


def test_xlsx_export_of_a_stored_control_character_does_not_fail(bank):
    bank.items[0].stem = "Ligne 1\x0bLigne 2 ?"
    bank.items[0].options[0] = ParsedOption("A", "11\x01 %", False)
    result = parse_xlsx(write_xlsx(bank), "export.xlsx", TODAY)
    assert result.items[0].item.stem == "Ligne 1\nLigne 2 ?"
    assert result.items[0].item.options[0].text == "11 %"


@pytest.mark.parametrize("writer", [write_qti, write_qti3])
def test_qti_export_of_a_stored_control_character_reads_back(bank, writer):
    # a version a candidate has seen keeps the characters an earlier import stored (migration
    # 0022 cleans only the others): its QTI export was XML that no tool could read
    bank.items[0].stem = "Ligne 1\x0bLigne 2 ?\x01"
    bank.items[0].options[0] = ParsedOption("A", "11\x02 %", False)
    bank.items[0].reference = "Art.\x0c197 CGI"
    result = parse_qti(writer(bank), "export.zip", TODAY)
    assert result.report.errors == []
    item = result.items[0].item
    assert (item.stem, item.options[0].text) == ("Ligne 1\nLigne 2 ?", "11 %")
    assert item.reference == "Art. 197 CGI"


def test_the_editor_stores_no_control_character(client, db, loaded_bank, make_user):
    from questionnaire.auth.models import Role
    from questionnaire.banks.models import ItemVersion

    loaded_bank()
    author = make_user(Role.AUTHOR, email="a@example.org")
    login(client, author.email)
    url = "/atelier/items/nouveau?theme=fiscalite"
    stem = "Quel est le plafond\x0bdu livret A ?"
    client.post(url, data=editor_data(form_token(client, url), stem=stem))
    version = db.session.execute(
        db.select(ItemVersion).where(ItemVersion.status == VersionStatus.DRAFT)
    ).scalar_one()
    assert version.stem == "Quel est le plafond\ndu livret A ?"


# Windows-1252 text read as Latin-1 upstream, then saved as UTF-8: its C1 controls are the
# Windows-1252 characters of their bytes (as HTML reads « &#x92; »); 0x81, 0x8D, 0x8F, 0x90
# and 0x9D have none and go; NEL stays a new line.
C1_CSV = (
    "id,stem,option_a,option_b,option_c,correct,reference,rationale\n"
    'C1-1,"L\x92article\x85 ?",\x8010,\x93b\x94,c\x81\x8d\x8f\x90\x9d,A,"Art.\x96 1","C\x9cur\x85 ici."\n'
)


def test_a_c1_control_is_its_windows_1252_character_or_goes():
    result = parse_csv(C1_CSV.encode(), "c1.csv", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert source.item.stem == "L’article\n ?"
    assert [option.text for option in source.item.options] == ["€10", "“b”", "c"]
    assert source.item.reference == "Art.– 1"
    assert source.item.rationale == "Cœur\n ici."


def test_the_editor_reads_a_c1_control_as_its_windows_1252_character(
    client, db, loaded_bank, make_user
):
    from questionnaire.auth.models import Role
    from questionnaire.banks.models import ItemVersion

    loaded_bank()
    author = make_user(Role.AUTHOR, email="a@example.org")
    login(client, author.email)
    url = "/atelier/items/nouveau?theme=fiscalite"
    client.post(url, data=editor_data(form_token(client, url), stem="Le plafond de l\x92Etat ?"))
    version = db.session.execute(
        db.select(ItemVersion).where(ItemVersion.status == VersionStatus.DRAFT)
    ).scalar_one()
    assert version.stem == "Le plafond de l’Etat ?"
