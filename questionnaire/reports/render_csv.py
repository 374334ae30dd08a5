"""CSV export: a ZIP archive holding one CSV file per table and the report's metadata."""

from __future__ import annotations

import csv
import io
import zipfile

from questionnaire.reports.tables import Report

#: Fixed timestamp of the archive members, so that the same report gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_member(name: str) -> zipfile.ZipInfo:
    """An archive member with a fixed time and deflate compression (reproducible bytes)."""
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return repr(value)
    return value


def _csv(header: list[str], rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def render_csv(report: Report) -> bytes:
    """ZIP of `rapport.csv` (title, scope, time, fingerprint) and `<table>.csv` files."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        meta = [
            ("titre", report.title),
            ("perimetre", report.scope),
            ("genere_le", report.generated_at.isoformat()),
            ("empreinte_sha256", report.fingerprint),
        ]
        archive.writestr(zip_member("rapport.csv"), _csv(["cle", "valeur"], meta))
        for table in report.tables:
            header = [column.key for column in table.columns]
            archive.writestr(zip_member(f"{table.name}.csv"), _csv(header, list(table.rows)))
    return output.getvalue()
