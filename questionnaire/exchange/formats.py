"""The exchange formats: how each is read and written, and its file name and media type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from questionnaire.banks.validation import ParsedBank
from questionnaire.exchange.gift import parse_gift, write_gift
from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.qti_write import write_qti, write_qti3
from questionnaire.exchange.report import ParseResult
from questionnaire.exchange.tabular import parse_csv, write_csv
from questionnaire.exchange.xlsx import parse_xlsx, write_xlsx
from questionnaire.exchange.yaml_io import parse_yaml, write_yaml


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    parse: Callable[[bytes, str, date], ParseResult]
    write: Callable[[ParsedBank], bytes]
    extension: str
    #: Without ``charset``: the response adds ``; charset=utf-8`` to every ``text/*`` type.
    media_type: str
    suffixes: tuple[str, ...]
    #: Appended to the theme in the download name, to tell apart formats sharing an extension.
    file_tag: str = ""

    def download_name(self, theme_slug: str) -> str:
        """``rgpd.csv``, ``rgpd-qti21.zip``: one name per format, never two alike."""
        tag = f"-{self.file_tag}" if self.file_tag else ""
        return f"{theme_slug}{tag}.{self.extension}"


FORMATS = {
    fmt.name: fmt
    for fmt in (
        Format(
            "qti",
            "IMS QTI 2.1",
            parse_qti,
            write_qti,
            "zip",
            "application/zip",
            (".xml", ".zip"),
            "qti21",
        ),
        Format("qti3", "IMS QTI 3.0", parse_qti, write_qti3, "zip", "application/zip", (), "qti30"),
        Format(
            "gift",
            "Moodle GIFT",
            parse_gift,
            write_gift,
            "gift",
            "text/plain",
            (".gift", ".txt"),
        ),
        Format("csv", "CSV", parse_csv, write_csv, "csv", "text/csv", (".csv",)),
        Format(
            "xlsx",
            "Excel (XLSX)",
            parse_xlsx,
            write_xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        Format(
            "yaml",
            "YAML (banques)",
            parse_yaml,
            write_yaml,
            "yaml",
            "application/yaml",
            (".yaml", ".yml"),
        ),
    )
}


def guess_format(filename: str) -> str | None:
    """The format whose usual suffix ends ``filename``."""
    lowered = filename.lower()
    return next((f.name for f in FORMATS.values() if lowered.endswith(f.suffixes)), None)
