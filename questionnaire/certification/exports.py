"""Deliberation exports (CSV, XLSX through openpyxl) and the attestation PDF (reportlab)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from questionnaire.certification.deliberation import (
    composition_text,
    deliberations_by_block,
    juries_of,
    member_text,
    title_awarded_on,
)
from questionnaire.certification.models import (
    GRID_MAX,
    Certification,
    CertificationEnrolment,
    theme_label,
)
from questionnaire.certification.rules import Status, TitleResult
from questionnaire.clock import paris_day
from questionnaire.csvfiles import neutralise_formula
from questionnaire.reports.pdf_fonts import BOLD, REGULAR, pdf_stylesheet
from questionnaire.web import paris_time
from questionnaire.xlsxfiles import (
    SheetNames,
    append_text_row,
    reproducible_bytes,
    set_column_width,
    style_header,
)


def format_score(score: Fraction | None) -> str:
    """2.6 → « 2,6 / 4 »; nothing when there is no score.

    Rounded half up on the exact value (81/40 = 2.025 → « 2,03 »), as the XLSX cell's
    « 0.00 » shows it: the float 2.02499… would print « 2,02 »."""
    if score is None:
        return ""
    score = Fraction(score)
    exact = Decimal(score.numerator) / Decimal(score.denominator)
    text = f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} / {GRID_MAX}"


_cell = neutralise_formula

#: The wording of a result no deliberation has recorded yet (docs/referentials.md).
PROVISIONAL = "résultat provisoire, sous réserve de la délibération du jury"
#: The wording of a title the platform cannot award (``incomplete: true`` in the referential).
INCOMPLETE_TITLE = "référentiel incomplet : titre non délivrable par la plateforme"


def title_label(result: TitleResult) -> str:
    """The title's state in words: awarded only once the deliberation capitalised every block."""
    if result.status is Status.INCOMPLETE:
        return INCOMPLETE_TITLE
    if result.is_awarded:
        return "délivré"
    if result.status is Status.VALIDATED:
        return f"tous les blocs validés ({PROVISIONAL})"
    return "non délivré"


def replacements_text(enrolment: CertificationEnrolment) -> str:
    """The questionnaires an accommodation replaced, and by what (never its description, which
    may reveal health data)."""
    return "; ".join(
        f"{theme_label(theme)} : {accommodation.replacement.label}"
        for theme, accommodation in enrolment.replacements.items()
        if accommodation.replacement is not None
    )


def deliberation_cells(
    certification: Certification, results: list[tuple[CertificationEnrolment, TitleResult]]
) -> list[list[object]]:
    """The deliberation as typed cells: header, then one row per candidate; texts as typed,
    days as dates (in France), weighted scores as fractions, None when there is nothing."""
    weighted = any(m.weight_percent for c in certification.competencies for m in c.modalities)
    header = ["Candidat", "Adresse électronique"]
    for block in certification.blocks:
        header += [f"{block.code} : statut", f"{block.code} : date de validation"]
        if weighted:
            header.append(f"{block.code} : note pondérée")
        header.append(f"{block.code} : délibération du")
    header += [
        "Titre",
        "Blocs validés",
        "Prérequis non attestés",
        "Compétences en désaccord",
        "Questionnaires remplacés (aménagement)",
        "Jury des délibérations",
    ]
    rows: list[list[object]] = [list(header)]
    for enrolment, result in results:
        row: list[object] = [enrolment.user.display_name, enrolment.user.email]
        held = deliberations_by_block(enrolment)
        for block in result.blocks:
            status = block.status.label + (" (capitalisé)" if block.capitalised else "")
            deliberation = held.get(block.code)
            validated = paris_day(block.validated_at) if block.validated_at else None
            row += [status, validated]
            if weighted:
                row.append(block.weighted_score)
            row.append(deliberation.held_on if deliberation else None)
        row += [
            title_label(result),
            f"{len(result.validated_blocks)} / {len(result.blocks)}",
            ", ".join(result.missing_prerequisites),
            ", ".join(result.disagreements),
            replacements_text(enrolment),
            " | ".join(composition_text(d) for d, _codes in juries_of(enrolment) if d),
        ]
        rows.append(row)
    return rows


def _text(value: object) -> str:
    """A cell as the CSV writes it: « JJ/MM/AAAA », « 2,6 / 4 », text that runs no formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Fraction):
        return format_score(value)
    return _cell(str(value))


def deliberation_table(
    certification: Certification, results: list[tuple[CertificationEnrolment, TitleResult]]
) -> list[list[str]]:
    """The deliberation as text: header, then one row per candidate (see `deliberation_cells`)."""
    return [[_text(value) for value in row] for row in deliberation_cells(certification, results)]


def to_csv(rows: list[list[str]]) -> bytes:
    """Semicolon-separated, UTF-8 with a BOM so that spreadsheet software reads the accents."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


#: A weighted score as the page shows it, « 2,85 / 4 », the cell keeping the number.
SCORE_FORMAT = f'0.00" / {GRID_MAX}"'
DAY_FORMAT = "dd/mm/yyyy"


def _xlsx_cell(value: object) -> object:
    return float(value) if isinstance(value, Fraction) else value


def to_xlsx(rows: list[list[object]], title: str, now: datetime) -> bytes:
    """One sheet (named after ``title``, made valid for Excel) of `deliberation_cells`: days as
    date cells, weighted scores as numbers shown « 2,85 / 4 », texts as typed, never formulas.

    Dated ``now`` (the injected clock): the same data at the same moment gives the same bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SheetNames().add(title)
    for row in rows:
        append_text_row(sheet, [_xlsx_cell(value) for value in row])
    style_header(sheet)
    for index, column in enumerate(zip(*rows, strict=True), start=1):
        label, *values = column
        set_column_width(sheet, index, str(label), [_text(value) for value in values])
        for cell, value in zip(sheet[get_column_letter(index)][1:], values, strict=True):
            if isinstance(value, Fraction):
                cell.number_format = SCORE_FORMAT
            elif isinstance(value, date):
                cell.number_format = DAY_FORMAT
    sheet.freeze_panes = "C2"
    return reproducible_bytes(workbook, title, now)


def attestation_pdf(enrolment: CertificationEnrolment, result: TitleResult, now: datetime) -> bytes:
    """The attestation of the blocks the deliberation capitalised, with their dates.

    A block computed as validated but not yet capitalised is not attested (only counted, as
    provisional); the title is attested only once every block is capitalised.
    """
    certification = enrolment.certification
    styles = pdf_stylesheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Attestation — {certification.title}",
        author="Plateforme des questionnaires thématiques",
        lang="fr",
        invariant=True,  # fixed creation date and document id, as the reports: same bytes
        leftMargin=2 * cm,
        rightMargin=2 * cm,
    )
    details = [f"Niveau {certification.level}" if certification.level else ""]
    if certification.rncp_code:
        details.append(certification.rncp_code)
    if certification.certifier:
        details.append(f"Certificateur : {certification.certifier}")
    story = [
        Paragraph("Attestation de validation de blocs de compétences", styles["Title"]),
        Paragraph(escape(certification.title), styles["Heading2"]),
        Paragraph(escape(" · ".join(d for d in details if d)), styles["Normal"]),
        Spacer(1, 0.5 * cm),
        Paragraph(
            escape(f"Candidat : {enrolment.user.display_name} ({enrolment.user.email})"),
            styles["Normal"],
        ),
        Spacer(1, 0.5 * cm),
    ]
    if result.status is Status.INCOMPLETE:
        story.append(
            Paragraph(
                escape(f"{INCOMPLETE_TITLE[0].upper()}{INCOMPLETE_TITLE[1:]}."), styles["Normal"]
            )
        )
    elif result.is_awarded:
        story.append(
            Paragraph(
                escape(
                    "Tous les blocs sont capitalisés par la délibération du jury : le titre est "
                    f"obtenu le {title_awarded_on(enrolment, result):%d/%m/%Y}."
                ),
                styles["Normal"],
            )
        )
    # only what the deliberation capitalised is attested; a computed result may still change
    attested = result.capitalised_blocks
    if attested:
        held = deliberations_by_block(enrolment)
        data = [["Bloc", "Intitulé", "Validé le", "Délibération du"]]
        data += [
            [
                block.code,
                Paragraph(escape(block.title), styles["BodyText"]),
                paris_time(block.validated_at, "%d/%m/%Y"),
                f"{held[block.code].held_on:%d/%m/%Y}" if held.get(block.code) else "",
            ]
            for block in attested
        ]
        table = Table(data, colWidths=[3 * cm, 8 * cm, 2.5 * cm, 3 * cm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [
            Paragraph(
                escape(
                    f"Blocs capitalisés par la délibération du jury ({len(attested)} sur "
                    f"{len(result.blocks)}) :"
                ),
                styles["Normal"],
            ),
            Spacer(1, 0.3 * cm),
            table,
        ]
        story += _juries(enrolment, styles)
    else:
        story.append(
            Paragraph(
                "Aucun bloc de compétences n'est encore capitalisé par la délibération du jury.",
                styles["Normal"],
            )
        )
    if result.provisional_blocks:
        story += [
            Spacer(1, 0.3 * cm),
            Paragraph(
                escape(
                    f"Non attesté : {len(result.provisional_blocks)} bloc(s) validé(s) par le "
                    f"calcul, {PROVISIONAL}."
                ),
                styles["Normal"],
            ),
        ]
    story += [
        Spacer(1, 0.8 * cm),
        Paragraph(
            escape(
                "La validation partielle d'un bloc n'est pas possible ; les blocs validés sont "
                f"capitalisés. Document établi le {paris_time(now, '%d/%m/%Y')}."
            ),
            styles["Italic"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def _juries(enrolment: CertificationEnrolment, styles) -> list:
    """The jury of each deliberation that capitalised the attested blocks, seat by seat."""
    story = []
    for deliberation, codes in juries_of(enrolment):
        if deliberation is None:
            continue  # capitalised before deliberations were recorded: no jury to name
        story += [
            Spacer(1, 0.3 * cm),
            Paragraph(
                escape(
                    f"Jury de la délibération du {deliberation.held_on:%d/%m/%Y} "
                    f"(blocs {', '.join(codes)}) :"
                ),
                styles["Normal"],
            ),
            *(
                Paragraph(escape(f"– {member_text(member)}"), styles["BodyText"])
                for member in deliberation.members
            ),
        ]
    return story
