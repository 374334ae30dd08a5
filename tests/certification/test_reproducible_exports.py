"""The certification's exports give the same bytes for the same data and the same injected clock,
whatever the wall clock says when they are made: the deliberation XLSX is dated by the injected
clock (as the reports' workbooks), the CSV has no date of its own, the attestation PDF has
fixed metadata (as the reports' PDFs)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import time_machine
from openpyxl import load_workbook

from questionnaire.auth.models import Role
from questionnaire.certification import exports, services
from questionnaire.xlsxfiles import CREATOR, ZIP_TIME
from tests.certification.test_deliberation import deliberate, validate_block
from tests.conftest import login

#: Two wall clocks far apart: what an export reads of them would show in its bytes.
WALL_CLOCKS = (datetime(2026, 12, 6, 9, 0, tzinfo=UTC), datetime(2031, 7, 14, 23, 59, tzinfo=UTC))


def made_at(wall: datetime, export):
    """``export()`` run while the system clock reads ``wall`` (the injected clock does not move)."""
    with time_machine.travel(wall, tick=False):
        return export()


def deliberation_xlsx(certification, now) -> bytes:
    results = services.results_for(certification, services.enrolments_in(certification))
    return exports.to_xlsx(exports.deliberation_cells(certification, results), "Délibération", now)


def deliberated(referentials, enrol_candidate, make_user, clock, db):
    """Seed 000: a candidate whose block 1 the deliberation capitalised."""
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification, make_user(email="cand@example.org"))
    jury = make_user(Role.JURY, email="jury@example.org")
    validate_block(enrolment, certification.blocks[0], jury, clock())
    deliberate(certification, jury, clock())
    db.session.commit()
    return certification, enrolment


def test_the_deliberation_xlsx_is_dated_by_the_injected_clock_and_reproducible(
    referentials, enrol_candidate, make_user, clock, db
):
    certification, _ = deliberated(referentials, enrol_candidate, make_user, clock, db)
    first, second = (
        made_at(wall, lambda: deliberation_xlsx(certification, clock())) for wall in WALL_CLOCKS
    )
    assert first == second
    assert {m.date_time for m in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {ZIP_TIME}
    properties = load_workbook(io.BytesIO(first)).properties
    stamp = clock().astimezone(UTC).replace(tzinfo=None)
    assert properties.created == properties.modified == stamp
    assert (properties.creator, properties.title) == (CREATOR, "Délibération")
    clock.advance(hours=1)
    assert deliberation_xlsx(certification, clock()) != first  # the document's date moved


def test_every_export_of_the_screens_is_byte_identical(
    client, referentials, enrol_candidate, make_user, clock, db
):
    certification, enrolment = deliberated(referentials, enrol_candidate, make_user, clock, db)
    urls = (
        f"/certifications/{certification.id}/deliberation.xlsx",
        f"/certifications/{certification.id}/deliberation.csv",
        f"/certifications/inscriptions/{enrolment.id}/attestation.pdf",
    )

    def download(url):
        def export():
            login(client, "jury@example.org")  # the session cookie is dated by the wall clock
            response = client.get(url)
            assert response.status_code == 200, url
            return response.get_data()

        return export

    for url in urls:
        first, second = (made_at(wall, download(url)) for wall in WALL_CLOCKS)
        assert first == second, url
