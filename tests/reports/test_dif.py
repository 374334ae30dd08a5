"""DIF between analysis groups of the enrolments: set by CSV or by hand, chosen per report."""

from __future__ import annotations

import io
import math
import zipfile

import pytest
from sqlalchemy import select

from analytics import mh_dif
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment
from questionnaire.reports.dif import DifChoiceError
from questionnaire.reports.loader import load_session
from questionnaire.reports.session_report import build_session_report
from tests.conftest import form_token, login
from tests.reports.conftest import PATTERNS, csv_rows

#: 5 « Nord », 5 « Sud », 4 « Est » (too few: pooled, never analysed), 1 without a group.
GROUPS = ["Nord"] * 5 + ["Sud"] * 5 + ["Est"] * 4 + [None]


@pytest.fixture
def grouped(sit_session, db):
    session, users, attempts = sit_session(PATTERNS + PATTERNS[:5])
    for attempt, group in zip(attempts, GROUPS, strict=True):
        attempt.enrolment.analysis_group = group
    db.session.commit()
    return session, users


def _same(shown, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return shown is None
    return shown == expected


def test_default_pair_is_the_two_largest_groups_and_numbers_are_the_library(grouped, clock):
    session, _ = grouped
    report = build_session_report(session, clock())
    section = report.section("dif")
    assert "référence « Nord » (5 copies), focal « Sud » (5 copies)" in section.paragraphs[0]
    assert report.table("dif_groupes").rows == (
        ("Nord", 5),
        ("Sud", 5),
        ("Autres groupes (moins de 5 copies chacun)", 4),
        ("Sans groupe", 1),
    )
    expected = mh_dif(load_session(session).table, "group", "Nord", "Sud")
    dif = report.table("dif")
    assert sorted(dif.column("item_id")) == sorted(expected["item_id"])
    assert dif.column("n_reference") == [5, 5, 5, 5]  # every item shown to every candidate
    order = [expected["item_id"].tolist().index(item) for item in dif.column("item_id")]
    for key in ("mh_alpha", "mh_chi2", "mh_p", "mh_d_dif", "mh_d_dif_se"):
        pairs = zip(dif.column(key), expected[key].iloc[order], strict=True)
        assert all(_same(a, b) for a, b in pairs), key
    # 5 copies per group, under the 20 an ETS class needs
    assert dif.column("ets_class") == ["non évaluable"] * 4


def test_chosen_groups_and_impossible_choices(grouped, clock):
    session, _ = grouped
    report = build_session_report(session, clock(), reference="Sud", focal="Nord")
    assert report.table("dif").title.endswith("référence « Sud », focal « Nord »")
    for reference, focal, message in (
        ("Est", "Nord", "moins de 5 copies"),
        ("Nord", "Nord", "doivent être différents"),
        ("Nord", None, "à la fois"),
    ):
        with pytest.raises(DifChoiceError, match=message):
            build_session_report(session, clock(), reference=reference, focal=focal)


def test_page_form_exports_and_cli_carry_the_choice(client, make_user, grouped, app, tmp_path):
    session, _ = grouped
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    url = f"/rapports/sessions/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert "<legend>Groupes comparés par l'analyse DIF</legend>" in page
    assert '<option value="Est">' not in page  # too small to be offered
    chosen = client.get(url, query_string={"reference": "Sud", "focal": "Nord"})
    html = chosen.get_data(as_text=True)
    assert "référence « Sud », focal « Nord »" in html
    assert "export/pdf?reference=Sud&amp;focal=Nord" in html
    bad = client.get(url, query_string={"reference": "Sud", "focal": "Sud"})
    assert bad.status_code == 200
    assert "Le groupe focal doit différer" in bad.get_data(as_text=True)
    assert "<title>Erreur" in bad.get_data(as_text=True)
    half = client.get(url, query_string={"reference": "Sud"}).get_data(as_text=True)
    assert "Choisissez les deux groupes, ou aucun." in half
    assert "pas un choix valide" not in half  # one message, on the missing group
    export = client.get(f"{url}/export/csv", query_string={"reference": "Sud", "focal": "x"})
    assert export.status_code == 404
    runner = app.test_cli_runner()
    output = tmp_path / "r.csv"
    args = ["reports", "session", str(session.id), "--format", "csv", "-o", str(output)]
    result = runner.invoke(args=[*args, "--reference", "Est", "--focal", "Nord"])
    assert result.exit_code == 1 and "moins de 5 copies" in result.output
    assert runner.invoke(args=[*args, "--reference", "Sud", "--focal", "Nord"]).exit_code == 0
    archive = zipfile.ZipFile(output)
    rows = csv_rows(archive, "dif.csv")
    assert [(r["Copies (référence)"], r["Copies (focal)"]) for r in rows] == [("5", "5")] * 4
    assert "dif_groupes.csv" in archive.namelist()


def test_groups_come_from_the_enrolment_csv_and_the_admin_form(client, make_user, make_session, db):
    session, _ = make_session()
    for name in ("ana", "bob"):
        make_user(email=f"{name}@example.org")
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    url = f"/admin/sessions/{session.id}"
    text = "email;temps;amenagement;groupe\nana@example.org;0;;Professionnels\nbob@example.org;;;\n"
    client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(text.encode()), "i.csv")},
        content_type="multipart/form-data",
    )
    groups = {
        e.user.email: e.analysis_group
        for e in db.session.execute(
            select(Enrolment).where(Enrolment.session_id == session.id)
        ).scalars()
    }
    assert groups["ana@example.org"] == "Professionnels" and groups["bob@example.org"] is None
    enrolment = next(e for e in session.enrolments if e.user.email == "bob@example.org")
    client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": form_token(client, url), "extra_time_percent": "0", "group": "Accueil"},
    )
    db.session.refresh(enrolment)
    assert enrolment.analysis_group == "Accueil"
    long = "email;temps;amenagement;groupe\nana@example.org;0;;" + "x" * 61 + "\n"
    response = client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(long.encode()), "i.csv")},
        content_type="multipart/form-data",
    )
    assert "groupe d&#39;analyse trop long" in response.get_data(as_text=True)


def test_a_group_stored_with_a_control_character_does_not_break_the_exports(
    client, make_user, sit_session, db
):
    """Groups were stored as the enrolment file had them: a « \\x01 » made openpyxl refuse the
    whole workbook (a server error on the XLSX export); the sheet now leaves it out."""
    import openpyxl

    session, _users, attempts = sit_session(PATTERNS + PATTERNS[:5])
    for attempt, group in zip(attempts, GROUPS, strict=True):
        attempt.enrolment.analysis_group = group and f"{group[0]}\x01{group[1:]}"
    db.session.commit()
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    url = f"/rapports/sessions/{session.id}"
    for fmt in ("xlsx", "pdf", "csv"):
        assert client.get(f"{url}/export/{fmt}").status_code == 200, fmt
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{url}/export/xlsx").data))
    texts = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert any("référence « Nord »" in text for text in texts)
    assert not any("\x01" in text for text in texts)


def test_control_characters_of_an_enrolment_file_are_not_stored(
    client, make_user, make_session, db
):
    session, _ = make_session()
    make_user(email="ana@example.org")
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    url = f"/admin/sessions/{session.id}"
    text = "email;temps;amenagement;groupe\nana@example.org;0;salle\x0b isolée;Pro\x01s\n"
    client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(text.encode()), "i.csv")},
        content_type="multipart/form-data",
    )
    enrolment = db.session.execute(
        select(Enrolment).join(Enrolment.user).where(Enrolment.session_id == session.id)
    ).scalars()
    stored = {e.user.email: (e.accommodation_note, e.analysis_group) for e in enrolment}
    assert stored["ana@example.org"] == ("salle isolée", "Pros")


def test_groups_asked_of_a_session_without_any_are_refused(sit_session, clock, app, tmp_path):
    # the command wrote the report and exited 0, the choice silently ignored
    session, _, _ = sit_session()
    paragraphs = build_session_report(session, clock()).section("dif").paragraphs
    assert paragraphs[0].startswith("Aucun groupe d'analyse")
    with pytest.raises(DifChoiceError, match="« Nord » inconnu ou de moins de 5 copies"):
        build_session_report(session, clock(), reference="Nord", focal="Sud")
    output = tmp_path / "r.pdf"
    args = ["reports", "session", str(session.id), "-o", str(output)]
    result = app.test_cli_runner().invoke(args=[*args, "--reference", "Nord", "--focal", "Sud"])
    assert result.exit_code == 1
    assert result.output == "Groupe « Nord » inconnu ou de moins de 5 copies.\n"
    assert not output.exists()
