"""Export formats: one renderer per format, the same report for all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from questionnaire.reports.render_csv import render_csv
from questionnaire.reports.render_pdf import render_pdf
from questionnaire.reports.render_xlsx import render_xlsx
from questionnaire.reports.tables import Report


@dataclass(frozen=True)
class ExportFormat:
    render: Callable[[Report], bytes]
    mimetype: str
    extension: str


EXPORTS = {
    "pdf": ExportFormat(render_pdf, "application/pdf", "pdf"),
    "xlsx": ExportFormat(
        render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "csv": ExportFormat(render_csv, "application/zip", "zip"),
}
