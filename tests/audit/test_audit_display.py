"""The journal reads in French: named objects with links, French labels and values."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest

from questionnaire.audit.display import DETAILS, french_number, french_value
from questionnaire.audit.models import ACTION_LABELS
from questionnaire.audit.services import record
from questionnaire.auth.models import Role
from tests.certification.conftest import referentials  # noqa: F401
from tests.conftest import login

SOURCE = Path(__file__).resolve().parents[2] / "questionnaire"
WRITERS = {"record", "record_action", "audit_record", "_audit"}
# kinds the viewer names (see ``describe_target``); report exports use the file name as target
TARGET_KINDS = {
    "angoff_panel",
    "attempt",
    "session",
    "questionnaire",
    "user",
    "item_version",
    "item",
    "competency",
    "certification",
    "theme",
}


def _audit_calls():
    for path in SOURCE.rglob("*.py"):
        if "audit" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in WRITERS:
                    yield path, node


def test_every_detail_key_the_code_records_has_a_french_label():
    keys = set()
    for _path, call in _audit_calls():
        values = [kw.value for kw in call.keywords if kw.arg == "details"] + call.args
        for value in values:
            if isinstance(value, ast.Dict):
                keys |= {k.value for k in value.keys if isinstance(k, ast.Constant)}
    assert {"score", "minutes", "correct_keys", "pass_mark_bp", "before"} <= keys  # found them
    assert keys - set(DETAILS) == {"session_id"}  # shown as a session, with its link


def test_every_target_kind_the_code_records_has_a_french_name():
    kinds = set()
    for _path, call in _audit_calls():
        for kw in call.keywords:
            if kw.arg == "target" and isinstance(kw.value, ast.JoinedStr):
                head = kw.value.values[0]
                if isinstance(head, ast.Constant) and ":" in head.value:
                    kinds.add(head.value.split(":")[0])
    assert {"attempt", "session", "item_version", "competency"} <= kinds
    assert kinds <= TARGET_KINDS


def test_every_action_the_code_records_has_a_french_label():
    actions = set()
    for _path, call in _audit_calls():
        first = call.args[0] if call.args else None
        branches = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
        for branch in branches:
            if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                actions.add(branch.value)
            elif isinstance(branch, ast.JoinedStr):  # scoring.{kind}
                from questionnaire.attempts.models import DecisionKind

                actions |= {f"scoring.{kind.value}" for kind in DecisionKind}
    assert {"auth.login", "attempt.expire", "scoring.rekey", "admin.enrol"} <= actions
    assert actions <= set(ACTION_LABELS)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "Oui"),
        (False, "Non"),
        (None, "—"),
        ([], "—"),
        (["A", "C"], "A, C"),
        (12345, "12\u202f345"),
        (62.5, "62,5"),
        ("tiers temps", "tiers temps"),
    ],
)
def test_values_read_the_french_way(value, shown):
    assert french_value(value) == shown


def test_numbers_keep_their_sign_and_decimals():
    assert french_number(-1234.25) == "-1\u202f234,25"
    assert french_number(20.0) == "20"


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_the_journal_names_objects_and_details_in_french(
    client, make_user, make_session, db, clock
):
    admin = make_user(Role.ADMIN, email="admin@example.org", name="Alice Admin")
    session, candidate = make_session()
    record(
        "attempt.submit",
        clock(),
        actor_id=candidate.id,
        target="attempt:1201",
        details={"score": 2, "max_score": 20, "passed": False},
    )
    record(
        "certification.evaluation",
        clock(),
        target="competency:1",
        details={"acquired": False, "grid_score": None},
    )
    record(
        "scoring.rekey",
        clock(),
        target="item_version:998",
        details={"session_id": session.id, "correct_keys": ["A", "C"], "reason": "Erreur"},
    )
    record(
        "scoring.neutralise",
        clock(),
        target="item_version:999",
        details={"session_id": None, "correct_keys": None, "reason": "Ambigu"},
    )
    record(
        "session.extra_time",
        clock(),
        target=f"session:{session.id}",
        details={"minutes": 10, "attempts_moved": 0},
    )
    record(
        "admin.questionnaire",
        clock(),
        target=f"questionnaire:{session.questionnaire.id}",
        details={"item_count": 1500, "duration_minutes": 30, "pass_mark_bp": 6050},
    )
    record(
        "admin.user_update",
        clock(),
        target=f"user:{candidate.id}",
        details={"roles": ["candidate", "jury"], "active": True, "new_thing": 3},
    )
    record("report.export", clock(), target=f"rapport-session-{session.id}")
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal").get_data(as_text=True)
    cells = {row[1]: (row[4], row[6]) for row in _cells(page)}
    assert cells["remise d'une copie"] == (
        "Copie n°\u00a01201",
        "Score : 2 ; Score maximal : 20 ; Réussite : Non",
    )
    assert cells["évaluation du jury"] == (
        "Compétence n°\u00a01",
        "Acquise : Non ; Note de la grille : —",
    )
    assert cells["correction de clé"][1] == (
        f"Session : Session n°\u00a0{session.id} ; Bonnes réponses : A, C ; Motif : Erreur"
    )
    assert cells["neutralisation d'item"] == (
        "Version d'item n°\u00a0999",
        "Session : toutes les sessions ; Bonnes réponses : — ; Motif : Ambigu",
    )
    assert cells["temps supplémentaire accordé à une session"] == (
        f"Session n°\u00a0{session.id}",
        "Temps ajouté : 10\u00a0min ; Copies prolongées : 0",
    )
    assert cells["modification d'un questionnaire"][1] == (
        "Nombre de questions : 1\u202f500 ; Durée : 30\u00a0min ; Seuil de réussite : 60,5\u00a0%"
    )
    # an unknown key is shown as stored rather than hidden
    assert cells["modification d'un compte (rôles, activation, mot de passe)"][1] == (
        "Rôles : Candidat, Jury / CPNE ; Compte actif : Oui ; new_thing : 3"
    )
    assert cells["téléchargement d'un rapport"] == (f"rapport-session-{session.id}", "—")
    # objects an administrator can open are links to their page
    assert f'<a href="/admin/sessions/{session.id}">Session n°\u00a0{session.id}</a>' in page
    assert f'<a href="/admin/questionnaires/{session.questionnaire.id}">Questionnaire n°' in page
    assert f'<a href="/admin/utilisateurs/{candidate.id}">Compte n°' in page
    for raw in ("attempt:1201", "competency:1", "session_id", "max_score", "False", "None"):
        assert raw not in page, raw


def test_an_item_version_links_to_the_bank_page_of_that_version(
    client, make_user, make_session, db, clock
):
    from sqlalchemy import select

    from questionnaire.banks.models import ItemVersion

    admin = make_user(Role.ADMIN)
    make_session()
    version = db.session.execute(select(ItemVersion).limit(1)).scalar_one()
    record("scoring.rekey", clock(), target=f"item_version:{version.id}", details={})
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal").get_data(as_text=True)
    external_id = version.item.external_id
    assert (
        f'<a href="/banques/items/{external_id}?version={version.number}">'
        f"Version d&#39;item n°\u00a0{version.id} ({external_id}, version {version.number})</a>"
    ) in page


def test_session_dates_in_the_journal_are_in_paris_time(client, make_user, db, clock):
    admin = make_user(Role.ADMIN)
    record(
        "admin.session",
        clock(),
        target="session:3",
        details={"opens_at": "2026-06-10T07:00:00+00:00", "closes_at": "2026-06-10T10:00:00+00:00"},
    )
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal?action=admin.session").get_data(as_text=True)
    assert "Ouverture : 10/06/2026 à 09 h 00 ; Clôture : 10/06/2026 à 12 h 00" in page


def test_competencies_and_certifications_link_to_their_referential(
    client,
    make_user,
    referentials,  # noqa: F811
    db,
    clock,
):
    admin = make_user(Role.ADMIN)
    certification = referentials["charge-clientele-particuliers"]
    competency = certification.competencies[0]
    record("certification.evaluation", clock(), target=f"competency:{competency.id}")
    record("certification.export", clock(), target=f"certification:{certification.slug}")
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal").get_data(as_text=True)
    referential = f"/certifications/{certification.id}/referentiel"
    assert (
        f'<a href="{referential}">Compétence {html.escape(competency.code)} '
        f"(n°\u00a0{competency.id})</a>"
    ) in page
    assert f'<a href="{referential}">Certification « {certification.slug} »</a>' in page
