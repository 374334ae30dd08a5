"""CSV and XLSX: documented columns, locations of errors, round trips, no formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from questionnaire.banks.models import ItemType
from questionnaire.banks.validation import ParsedOption
from questionnaire.exchange.tabular import BANK_COLUMNS, parse_csv, write_csv
from questionnaire.exchange.xlsx import parse_xlsx, write_xlsx
from tests.exchange.conftest import TODAY, as_stored, sample


def _csv(text: str):
    return parse_csv(text.encode("utf-8"), "bulk.csv", TODAY)


def test_semicolon_csv_with_multiline_cell():
    result = parse_csv(sample("bulk.csv"), "bulk.csv", TODAY)
    assert result.report.errors == []
    first, second = (source.item for source in result.items)
    assert first.id == "FISC-0901"
    assert [o.text for o in first.options] == ["12,8 %", "30 %", "17,2 %"]
    assert first.correct_keys == ["B"]
    assert first.rationale == "Le PFU comprend\nl'impôt et les prélèvements sociaux."
    assert first.difficulty.value == "facile"
    assert second.type is ItemType.MULTIPLE
    assert second.correct_keys == ["A", "B"]
    # the second record starts on line 4 because the first spans lines 2 and 3
    assert [source.location for source in result.items] == ["ligne 2", "ligne 4"]
    assert any(e.location == "ligne 4" and "référence" in e.message for e in result.report.warnings)


def test_missing_required_column_is_an_error():
    result = _csv("stem,option_a,option_b\nQ ?,A,B\n")
    assert result.items == []
    assert "correct" in result.report.errors[0].message


def test_row_errors_name_their_line():
    result = _csv(
        "stem,option_a,option_b,option_c,correct,type,volatility\n"
        "Q1 ?,a,b,c,D,,\n"
        "Q2 ?,a,,c,A,,\n"
        "Q3 ?,a,b,c,A,both,\n"
        "Q4 ?,a,b,c,A,,souvent\n"
        "Q5 ?,a,b,c,A,,\n"
    )
    assert [entry.location for entry in result.report.errors] == [
        "ligne 2",
        "ligne 3",
        "ligne 4",
        "ligne 5",
    ]
    assert [source.location for source in result.items] == ["ligne 6"]


def test_values_beyond_the_header_are_an_error_with_their_line():
    result = _csv("stem,option_a,option_b,correct\nQ1 ?,x,y,A\nQ2 ?,x,y,A,extra\nQ3 ?,x,y,A,,\n")
    assert [entry.location for entry in result.report.errors] == ["ligne 3"]
    assert "« extra »" in result.report.errors[0].message
    # empty trailing cells (a spreadsheet's habit) are not values
    assert [source.location for source in result.items] == ["ligne 2", "ligne 4"]


def test_xlsx_values_beyond_the_header_are_an_error():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["stem", "option_a", "option_b", "correct"])
    sheet.append(["Q1 ?", "a", "b", "A", "note"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue(), "bulk.xlsx", TODAY)
    assert result.items == []
    assert [entry.location for entry in result.report.errors] == ["feuille « Sheet », ligne 2"]


def test_csv_round_trip(bank):
    data = write_csv(bank)
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(BANK_COLUMNS).encode())
    result = parse_csv(data, "export.csv", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)


def test_xlsx_round_trip(bank):
    result = parse_xlsx(write_xlsx(bank), "export.xlsx", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)
    assert result.items[1].location == "feuille « items », ligne 3"


def test_xlsx_never_writes_a_formula(bank):
    bank.items[0].options[0].text = '=HYPERLINK("http://evil")'
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx(bank)))
    cell = workbook["items"]["F2"]
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"


def test_csv_keeps_formulas_from_running_and_reads_them_back(bank):
    """An author's « =… », « @… » or « -… » is text in a spreadsheet, and the same text on import."""
    formulas = ['=HYPERLINK("http://evil";"x")', '@SUM(1+1)*cmd|" /C calc"!A0', "-2+3", "+33 1"]
    bank.items[0].stem = formulas[0]
    bank.items[0].options[0].text = formulas[1]
    bank.items[0].rationale = formulas[2]
    bank.items[0].options[2].text = formulas[3]
    data = write_csv(bank)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert {"'" + text for text in formulas} <= set(cells)
    result = parse_csv(data, "export.csv", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)


def test_csv_keeps_a_text_starting_with_an_apostrophe_and_a_formula_sign(bank):
    """« '=A1 » as the author typed it (a spreadsheet's text marker quoted in a question): the
    import took its apostrophe for the export's own mark and dropped it."""
    texts = ["'=A1 s'écrit ainsi", "''+33", "'-"]
    bank.items[0].stem = texts[0]
    bank.items[0].options[0].text = texts[1]
    bank.items[0].rationale = texts[2]
    data = write_csv(bank)
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    assert {"'" + text for text in texts} <= set(cells)
    result = parse_csv(data, "export.csv", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)


def test_xlsx_row_errors_and_dates():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["stem", "option_a", "option_b", "option_c", "correct", "valid_as_of"])
    sheet.append(["Q1 ?", "a", "b", "c", "B", TODAY])
    sheet.append(["Q2 ?", "a", "b", "c", "", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue(), "bulk.xlsx", TODAY)
    assert result.items[0].item.valid_as_of == TODAY
    assert [entry.location for entry in result.report.errors] == ["feuille « Sheet », ligne 3"]


def test_damaged_xlsx_is_an_error():
    result = parse_xlsx(b"PK\x03\x04 not really a workbook", "bad.xlsx", TODAY)
    assert result.items == []
    [error] = result.report.errors
    assert "ce n'est pas une archive zip, ou elle est tronquée" in error.message
    assert "File is not a zip file" not in error.message  # the library's English stays out


def test_excel_csv_in_windows_1252():
    data = "stem;option_a;option_b;option_c;correct\nQuel crédit ?;Prêt;Découvert;Bail;A\n"
    result = parse_csv(data.encode("cp1252"), "excel.csv", TODAY)
    assert [o.text for o in result.items[0].item.options] == ["Prêt", "Découvert", "Bail"]
    assert "Windows-1252" in result.report.warnings[0].message


def test_xlsx_archive_with_an_unsafe_path_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("../../etc/cron.d/x", "boom")
    result = parse_xlsx(buffer.getvalue(), "evil.xlsx", TODAY)
    assert result.items == []
    assert "chemin refusé" in result.report.errors[0].message


def _with_seven_options(bank):
    """A draft imported from QTI or GIFT may have more options than a bank (up to 10)."""
    item = bank.items[1]
    extra = ["Les loyers", "Les plus-values", "Les pensions", "Les rentes"]
    item.options += [
        ParsedOption(chr(ord("D") + index), text, index == 3) for index, text in enumerate(extra)
    ]
    return bank


def test_csv_round_trip_keeps_options_beyond_e(bank):
    # the 1EdTech QTI 3.0 example "QTI3multiplechoice2" has six options: exporting it to CSV
    # used to drop the sixth, so that re-importing the export changed (or refused) the item
    bank = _with_seven_options(bank)
    data = write_csv(bank)
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[5:12] == [f"option_{letter}" for letter in "abcdefg"]
    result = parse_csv(data, "export.csv", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)
    assert result.items[1].item.correct_keys == ["A", "B", "G"]


def test_xlsx_round_trip_keeps_options_beyond_e(bank):
    bank = _with_seven_options(bank)
    result = parse_xlsx(write_xlsx(bank), "export.xlsx", TODAY)
    assert result.report.errors == []
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)


def test_csv_takes_up_to_ten_options():
    header = "stem," + ",".join(f"option_{letter}" for letter in "abcdefghij") + ",correct"
    result = _csv(f"{header}\nQ ?,{','.join('0123456789')},J\n")
    assert result.report.errors == [] and result.report.warnings[0].message.startswith("10")
    assert [o.text for o in result.items[0].item.options if o.correct] == ["9"]


def test_a_column_named_twice_is_refused_not_half_read():
    """Two « correct » columns: the key of one of them was taken and the other dropped unseen."""
    result = _csv("stem,option_a,option_b,option_c,correct,Correct\nQ ?,a,b,c,A,B\n")
    assert result.items == []
    assert [entry.format() for entry in result.report.errors] == [
        "ligne 1 : colonne(s) présente(s) plusieurs fois dans l'en-tête : « correct » en "
        "colonnes E et F. Gardez-en une seule de chaque."
    ]


def test_an_xlsx_column_named_twice_is_refused():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["stem", "option_a", "option_b", "option_c", "correct", "stem"])
    sheet.append(["Q ?", "a", "b", "c", "A", "Autre énoncé ?"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_xlsx(buffer.getvalue(), "bulk.xlsx", TODAY)
    assert result.items == []
    assert "« stem » en colonnes A et F" in result.report.errors[0].message


def test_a_quote_never_closed_is_refused_not_left_to_swallow_the_rows_after_it():
    """Q2 and Q3 became the rationale of Q1: one item imported, two lost without a word."""
    result = _csv(
        "stem,option_a,option_b,option_c,correct,rationale\n"
        'Q1 ?,a,b,c,A,"Justification un\n'
        "Q2 ?,a,b,c,B,Justification deux\n"
        "Q3 ?,a,b,c,C,Justification trois\n"
    )
    assert result.items == []
    assert [entry.format() for entry in result.report.errors] == [
        "ligne 2 : guillemet ouvert et jamais fermé : les lignes 2 à 4 seraient lues comme une "
        "seule, une cellule prenant toute la fin du fichier (ses items perdus) ; fermez le "
        'guillemet, et doublez un guillemet écrit dans un texte (« "" »).'
    ]


def test_quoted_cells_over_several_lines_are_still_read():
    result = _csv(
        "stem,option_a,option_b,option_c,correct,rationale\n"
        'Q1 ?,a,b,c,A,"Justification\nsur deux lignes, avec ""guillemets"""\n'
        'Q2 ?,a,b,"c",B,"fin"'
    )
    assert result.report.errors == []
    assert [source.item.rationale for source in result.items] == [
        'Justification\nsur deux lignes, avec "guillemets"',
        "fin",
    ]


def test_a_row_that_stops_before_the_stem_is_an_error_not_a_crash():
    """« FISC-0950,alpha » and nothing after: the missing « stem » cell raised a KeyError (a
    server error on the import page) instead of naming the line."""
    result = _csv("id,topic,stem,option_a,option_b,correct\nFISC-0950,alpha\n,beta\n")
    assert [entry.format() for entry in result.report.errors] == [
        "ligne 2 : énoncé vide.",
        "ligne 3 : énoncé vide.",
    ]
    assert result.items == []


def test_a_short_row_uploaded_is_reported_on_the_page(client, make_user, loaded_bank):
    from questionnaire.auth.models import Role
    from tests.conftest import login
    from tests.exchange.test_views import _upload

    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(
        client, b"id,topic,stem,option_a,option_b,correct\nFISC-0950,alpha\n", "items.csv", "csv"
    )
    assert response.status_code == 422
    assert "énoncé vide." in response.get_data(as_text=True)
