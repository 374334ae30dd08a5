"""The deliberation XLSX read in a French spreadsheet: a valid sheet name, days as date cells,
weighted scores as numbers shown « 2,85 / 4 », names as typed in text cells."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from questionnaire.auth.models import Role
from questionnaire.certification import exports, services
from questionnaire.clock import PARIS
from tests.certification.test_deliberation import deliberate
from tests.conftest import T0

SCORES = {"1a.1": 4, "1a.2": 3, "1a.3": 2, "1b.1": 2, "1b.2": 2, "1b.3": 2, "1b.4": 3}


@pytest.fixture
def weighted(referentials, enrol_candidate, make_user, clock, db):
    """Seed 001, block 1 validated with a weighted score of 2.85 / 4, then deliberated."""
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification)
    enrolment.user.display_name = "=SOMME(A1:A9)"
    jury = make_user(Role.JURY)
    for item in certification.blocks[0].competencies:
        services.record_evaluation(enrolment, item, jury, clock(), grid_score=SCORES[item.code])
    deliberate(certification, jury, clock())
    db.session.commit()
    return certification, enrolment


def _xlsx(certification, now, title="Délibération") -> bytes:
    results = services.results_for(certification, services.enrolments_in(certification))
    return exports.to_xlsx(exports.deliberation_cells(certification, results), title, now)


def _workbook(certification, title="Délibération"):
    return load_workbook(io.BytesIO(_xlsx(certification, T0, title)))


def test_days_are_date_cells_and_the_weighted_score_a_number(weighted, clock):
    certification, enrolment = weighted
    sheet = _workbook(certification).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == enrolment.user.email)
    validated = row[header.index("B1 : date de validation")]
    held = row[header.index("B1 : délibération du")]
    paris = clock().astimezone(PARIS)
    day = datetime(paris.year, paris.month, paris.day)
    assert (validated.value, held.value) == (day, day)
    assert validated.is_date and validated.number_format == "dd/mm/yyyy"
    assert held.is_date and held.number_format == "dd/mm/yyyy"
    score = row[header.index("B1 : note pondérée")]
    # oral: mean(4, 3, 2) = 3; written: mean(2, 2, 2, 3) = 2.25 → 0.8 × 3 + 0.2 × 2.25 = 2.85
    assert score.data_type == "n" and score.value == pytest.approx(2.85, abs=1e-15)
    assert score.number_format == '0.00" / 4"'  # « 2,85 / 4 » as on the page and in the CSV


def test_names_stay_text_as_typed_and_the_header_is_readable(weighted):
    certification, enrolment = weighted
    sheet = _workbook(certification).active
    (name,) = [r[0] for r in sheet.iter_rows(min_row=2) if r[1].value == enrolment.user.email]
    assert name.value == "=SOMME(A1:A9)" and name.data_type == "s"  # no apostrophe, no formula
    assert sheet.freeze_panes == "C2"
    assert all(cell.font.b and cell.alignment.wrap_text for cell in sheet[1])
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert max(len(word) for word in cell.value.split()) < width <= 60, cell.value


def test_the_sheet_name_is_valid_for_excel(weighted):
    certification, _ = weighted
    assert _workbook(certification).sheetnames == ["Délibération"]
    (name,) = _workbook(
        certification, "Délibération : blocs B1/B2 [session de mars 2026]"
    ).sheetnames
    assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert name.startswith("Délibération - blocs B1-B2")


def test_the_csv_still_reads_days_and_scores_as_text(weighted, clock):
    certification, _ = weighted
    results = services.results_for(certification, services.enrolments_in(certification))
    header, row = exports.deliberation_table(certification, results)
    assert row[header.index("B1 : note pondérée")] == "2,85 / 4"
    assert row[header.index("B1 : délibération du")] == clock().astimezone(PARIS).strftime(
        "%d/%m/%Y"
    )
    assert row[0] == "'=SOMME(A1:A9)"  # the CSV keeps its apostrophe against formulas
