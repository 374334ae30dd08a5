"""Deliberation exports (CSV, XLSX through openpyxl) and the attestation PDF (reportlab)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from fractions import Fraction
from xml.sax.saxutils import escape

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from questionnaire.certification.models import GRID_MAX, Certification, CertificationEnrolment
from questionnaire.certification.rules import Status, TitleResult
from questionnaire.csvfiles import neutralise_formula
from questionnaire.web import paris_time


def format_score(score: Fraction | None) -> str:
    """2.6 → « 2,6 / 4 »; nothing when there is no score."""
    if score is None:
        return ""
    text = f"{float(score):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} / {GRID_MAX}"


_cell = neutralise_formula


def deliberation_table(
    certification: Certification, results: list[tuple[CertificationEnrolment, TitleResult]]
) -> list[list[str]]:
    """The deliberation as rows: header, then one row per candidate."""
    weighted = any(m.weight_percent for c in certification.competencies for m in c.modalities)
    header = ["Candidat", "Adresse électronique"]
    for block in certification.blocks:
        header += [f"{block.code} : statut", f"{block.code} : date de validation"]
        if weighted:
            header.append(f"{block.code} : note pondérée")
    header += ["Titre", "Blocs validés", "Prérequis non attestés", "Compétences en désaccord"]
    rows = [header]
    for enrolment, result in results:
        row = [_cell(enrolment.user.display_name), _cell(enrolment.user.email)]
        for block in result.blocks:
            status = block.status.label + (" (capitalisé)" if block.capitalised else "")
            row += [status, paris_time(block.validated_at, "%d/%m/%Y")]
            if weighted:
                row.append(format_score(block.weighted_score))
        row += [
            "délivré" if result.status is Status.VALIDATED else "non délivré",
            f"{len(result.validated_blocks)} / {len(result.blocks)}",
            _cell(", ".join(result.missing_prerequisites)),
            _cell(", ".join(result.disagreements)),
        ]
        rows.append(row)
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """Semicolon-separated, UTF-8 with a BOM so that spreadsheet software reads the accents."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attestation_pdf(enrolment: CertificationEnrolment, result: TitleResult, now: datetime) -> bytes:
    """The attestation of the blocks the candidate has validated, with their dates."""
    certification = enrolment.certification
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Attestation — {certification.title}",
        author="Plateforme des questionnaires thématiques",
        lang="fr",
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
    if result.status is Status.VALIDATED:
        story.append(
            Paragraph(
                escape(
                    "Tous les blocs sont validés : le titre est obtenu le "
                    f"{paris_time(result.validated_at, '%d/%m/%Y')}."
                ),
                styles["Normal"],
            )
        )
    if result.validated_blocks:
        data = [["Bloc", "Intitulé", "Validé le"]]
        data += [
            [
                block.code,
                Paragraph(escape(block.title), styles["BodyText"]),
                paris_time(block.validated_at, "%d/%m/%Y"),
            ]
            for block in result.validated_blocks
        ]
        table = Table(data, colWidths=[3 * cm, 10.5 * cm, 3 * cm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [
            Paragraph(
                escape(
                    f"Blocs validés ({len(result.validated_blocks)} sur {len(result.blocks)}) :"
                ),
                styles["Normal"],
            ),
            Spacer(1, 0.3 * cm),
            table,
        ]
    else:
        story.append(Paragraph("Aucun bloc de compétences n'est encore validé.", styles["Normal"]))
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
