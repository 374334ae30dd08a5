"""The jury's deliberation: declared composition (seed 002), members, date, display and audit."""

from __future__ import annotations

import csv
import html as html_text
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from questionnaire.audit.display import describe_details
from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.audit.services import record
from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.deliberation import (
    DeliberationRefused,
    MemberEntry,
    person_key,
    record_deliberation,
)
from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.models import (
    BlockValidation,
    Deliberation,
    DeliberationMember,
    JurySeat,
)
from questionnaire.certification.parsing import DATA_PATH, parse_referential
from questionnaire.clock import paris_day
from tests.conftest import form_token, login

CQP = "cqp-charge-clientele-professionnels"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# the three seats of seed 002 (l. 311, 313, 315), written in the test, not read from the code
SEATS_002 = [
    (
        "college-salarie",
        "Représentant du collège salarié de la Commission Paritaire Nationale de l'Emploi (CPNE)",
        311,
    ),
    ("college-employeur", "Représentant du collège employeur de la CPNE", 313),
    (
        "cncm",
        "Permanent de la Confédération Nationale du Crédit Mutuel (groupement des employeurs "
        "de la branche du Crédit Mutuel)",
        315,
    ),
]
NAMES = ["Sophie Salariée", "Éric Employeur", "Paule Permanente"]

MINIMAL = """\
slug: essai
title: Certification d'essai
source: essai.txt
grading: binary
jury:
  basis: Jury de deux membres
  source_line: 12
  seats:
    - code: president
      label: Président du jury
      source_line: 13
    - code: assesseur
      label: Assesseur
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities: [soutenance]
"""


def members(*names: str, accounts=None) -> list[MemberEntry]:
    accounts = accounts or [None] * len(names)
    return [MemberEntry(name, account) for name, account in zip(names, accounts, strict=True)]


def deliberate(certification, recorded_by, now, held_on=None, names=None):
    """Record a deliberation with a valid composition for ``certification`` (test helper)."""
    names = names or (NAMES[: len(certification.jury_seats)] or ["Claire Présidente"])
    return record_deliberation(
        certification, held_on or paris_day(now), members(*names), recorded_by, now
    )


def validate_block(enrolment, block, jury, now):
    for competency in block.competencies:
        if competency.is_jury_evaluated:
            services.record_evaluation(enrolment, competency, jury, now, acquired=True)


@pytest.fixture
def cqp(referentials, enrol_candidate, make_user, clock, db):
    """Seed 002, one candidate whose block 1 is validated by a jury account."""
    certification = referentials[CQP]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="cand@example.org"))
    jury = make_user(Role.JURY, email="jury@example.org", name="Jules Jury")
    validate_block(enrolment, certification.blocks[0], jury, clock())
    db.session.commit()
    return certification, enrolment, jury


# ---------------------------------------------------------------- the referential files


def test_referential_002_declares_its_three_seats_with_their_source_lines(all_referentials):
    cqp = all_referentials[CQP]
    assert [(s.code, s.label, s.source_line) for s in cqp.jury_seats] == SEATS_002
    assert cqp.jury_basis == (
        "La composition du jury de trois membres est conforme à la délibération de la CPNE du "
        "23 novembre 2016"
    )
    assert cqp.jury_source_line == 309
    # the other seeds say nothing of a composition: none is declared
    assert {slug: len(c.jury_seats) for slug, c in all_referentials.items() if slug != CQP} == {
        "charge-clientele-particuliers": 0,
        "conseiller-clientele-professionnelle": 0,
        "cqp-charge-accueil-relation-clients-adherents": 0,
        "titre-charge-clientele": 0,
    }


def test_the_declared_seats_are_the_seed_wording_at_their_line():
    if not SEEDS.is_dir():
        pytest.skip(f"référentiels sources absents ({SEEDS})")
    path = DATA_PATH / "002_cqp_charge_clientele_professionnels.yaml"
    parsed, problems = parse_referential(path.read_text(encoding="utf-8"), path.name)
    assert problems == []
    lines = (SEEDS / parsed.source).read_text(encoding="utf-8").splitlines()

    def seed(line: int) -> str:
        return " ".join(lines[line - 1].replace(" )", ")").split())

    assert seed(parsed.jury.source_line).startswith(parsed.jury.basis)
    for seat in parsed.jury.seats:
        assert seed(seat.source_line) in (
            f"un {seat.label[0].lower()}{seat.label[1:]} ;",
            f"un {seat.label[0].lower()}{seat.label[1:]}.",
        )
    # the same composition for every access route the seed opens (l. 319-345)
    for start in (319, 329, 339):
        assert seed(start) == seed(309)
        assert [seed(start + 2 * k) for k in (1, 2, 3)] == [
            seed(s.source_line) for s in parsed.jury.seats
        ]


def test_a_valid_declaration_is_loaded_then_updated_in_place(db, clock, tmp_path):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "essai.yaml").write_text(MINIMAL, encoding="utf-8")
    load_referentials(folder, clock())
    db.session.commit()
    seats = db.session.execute(select(JurySeat).order_by(JurySeat.position)).scalars().all()
    assert [(s.code, s.label, s.source_line) for s in seats] == [
        ("president", "Président du jury", 13),
        ("assesseur", "Assesseur", None),
    ]
    assert load_referentials(folder, clock()).unchanged == ["essai"]
    (folder / "essai.yaml").write_text(
        MINIMAL.replace("label: Assesseur", "label: Assesseur de la branche"), encoding="utf-8"
    )
    assert load_referentials(folder, clock()).updated == ["essai"]
    db.session.commit()
    assert db.session.get(JurySeat, seats[1].id).label == "Assesseur de la branche"
    # a file that stops declaring a composition removes its seats
    text = MINIMAL[: MINIMAL.index("jury:")] + MINIMAL[MINIMAL.index("blocks:") :]
    (folder / "essai.yaml").write_text(text, encoding="utf-8")
    load_referentials(folder, clock())
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(JurySeat)).scalar_one() == 0


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "jury:\n  basis",
            "jury: trois membres\nx-jury:\n  basis",
            "jury (ligne 5)",
            "« jury » est un dictionnaire {basis, source_line, seats}.",
        ),
        (
            "    - code: assesseur\n      label: Assesseur\n",
            "    - code: assesseur\n",
            "jury, siège 2 (ligne 12)",
            "« label » est obligatoire.",
        ),
        (
            "code: assesseur",
            "code: president",
            "jury, siège 2 (ligne 12)",
            "siège « president » en double (déjà le siège 1).",
        ),
        (
            "      source_line: 13",
            "      source_line: treize",
            "jury, siège 1 (ligne 9)",
            "« source_line » est un numéro de ligne du document source (1, 2…).",
        ),
        (
            "source: essai.txt\n",
            "",
            "jury (ligne 6)",
            "« source_line » renvoie au document « source », absent du fichier.",
        ),
        (
            "      label: Assesseur",
            "      label: Assesseur\n      role: vote",
            "jury, siège 2 (ligne 12)",
            "clé inconnue « role » (attendu : code, label, source_line).",
        ),
        (
            "  seats:\n",
            "  sieges: []\n  seats:\n",
            "jury (ligne 5)",
            "clé inconnue « sieges »",
        ),
        (
            "code: assesseur",
            "code: " + "a" * 41,
            "jury, siège 2 (ligne 12)",
            "« code » a 40 caractères au plus.",
        ),
    ],
)
def test_a_wrong_declaration_is_refused_in_french_with_its_line(
    db, clock, old, new, where, message
):
    assert old in MINIMAL
    parsed, problems = parse_referential(MINIMAL.replace(old, new), "essai.yaml")
    assert parsed is None
    assert any(p.where == where and p.message.startswith(message) for p in problems), [
        p.format() for p in problems
    ]


def test_an_empty_seat_list_is_refused_with_its_line():
    text = (
        MINIMAL[: MINIMAL.index("  seats:")] + "  seats: []\n" + MINIMAL[MINIMAL.index("blocks:") :]
    )
    _parsed, problems = parse_referential(text, "essai.yaml")
    assert [p.format() for p in problems] == [
        "essai.yaml: jury (ligne 8): « seats » est la liste non vide des sièges du jury "
        "({code, label, source_line})."
    ]


def test_a_wrong_declaration_writes_nothing(db, clock, tmp_path):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "essai.yaml").write_text(MINIMAL.replace("label: Assesseur", "label: ''"))
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.where for p in caught.value.problems] == ["jury, siège 2 (ligne 12)"]


# ---------------------------------------------------------------- the service's rules


def test_a_deliberation_records_its_day_members_and_the_blocks_it_capitalises(cqp, clock, db):
    certification, _enrolment, jury = cqp
    validated_at = clock()
    clock.advance(days=5)
    recorder = jury
    deliberation = record_deliberation(
        certification,
        date(2026, 3, 4),
        members(*NAMES, accounts=[None, jury, None]),
        recorder,
        clock(),
    )
    db.session.commit()
    stored = db.session.get(Deliberation, deliberation.id)
    assert (stored.held_on, stored.recorded_by_id, stored.recorded_at) == (
        date(2026, 3, 4),
        recorder.id,
        clock(),
    )
    assert [(m.seat_code, m.seat_label, m.name, m.user_id) for m in stored.members] == [
        (code, label, name, account)
        for (code, label, _line), name, account in zip(
            SEATS_002, NAMES, [None, jury.id, None], strict=True
        )
    ]
    (validation,) = db.session.execute(select(BlockValidation)).scalars()
    assert (validation.block.code, validation.validated_at, validation.deliberation_id) == (
        "RNCP38026BC01",
        validated_at,
        deliberation.id,
    )


@pytest.mark.parametrize(
    ("names", "row", "message"),
    [
        (
            ["Sophie Salariée", "", "Paule Permanente"],
            1,
            "Indiquez le nom du membre qui occupe ce siège.",
        ),
        (
            ["Sophie Salariée", "   ", "Paule Permanente"],
            1,
            "Indiquez le nom du membre qui occupe ce siège.",
        ),
        (
            ["Jean-Pierre Martin", "Éric Employeur", "MARTIN jean pierre"],
            2,
            "« MARTIN jean pierre » est déjà nommé au siège « Représentant du collège salarié de "
            "la Commission Paritaire Nationale de l'Emploi (CPNE) » : une même personne ne siège "
            "qu'une fois.",
        ),
        (["Sophie Salariée", "Sophie SALARIEE", "Paule Permanente"], 1, "est déjà nommé"),
        (["x" * 201, "Éric Employeur", "Paule Permanente"], 0, "200 caractères au plus."),
    ],
)
def test_an_empty_seat_or_a_name_given_twice_is_refused(cqp, clock, db, names, row, message):
    certification, _enrolment, jury = cqp
    with pytest.raises(DeliberationRefused) as caught:
        record_deliberation(certification, paris_day(clock()), members(*names), jury, clock())
    assert [(p.row, p.field) for p in caught.value.problems] == [(row, "name")]
    assert message in caught.value.problems[0].message
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Deliberation)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(BlockValidation)).scalar_one() == 0


def test_names_are_compared_without_case_accents_punctuation_or_order():
    assert person_key("MARTIN Jean-Pierre") == person_key("jean pierre  Martin")
    assert person_key("Élodie Lefèvre") == person_key("elodie LEFEVRE")
    assert person_key("Jean Martin") != person_key("Jeanne Martin")


def test_accounts_must_be_jury_members_named_once_and_not_candidates(
    cqp, clock, db, make_user, enrol_candidate
):
    certification, _enrolment, jury = cqp
    author = make_user(Role.AUTHOR)
    juror_candidate = make_user(Role.JURY, Role.CANDIDATE, email="jc@example.org")
    other = enrol_candidate(certification, juror_candidate)
    validate_block(other, certification.blocks[0], jury, clock())
    cases = [
        ([author, None, None], (0, "account", "Ce compte n'est pas celui d'un membre du jury.")),
        ([jury, jury, None], (1, "account", "Ce compte est déjà choisi au siège")),
        ([None, None, juror_candidate], (2, "account", "Ce membre est candidat")),
    ]
    for accounts, (row, field, message) in cases:
        with pytest.raises(DeliberationRefused) as caught:
            record_deliberation(
                certification, paris_day(clock()), members(*NAMES, accounts=accounts), jury, clock()
            )
        ((found_row, found_field, found_message),) = [
            (p.row, p.field, p.message) for p in caught.value.problems
        ]
        assert (found_row, found_field) == (row, field) and found_message.startswith(message)
    # the recorder may not capitalise their own blocks either
    with pytest.raises(DeliberationRefused, match="Vous êtes candidat"):
        record_deliberation(
            certification, paris_day(clock()), members(*NAMES), juror_candidate, clock()
        )


def test_one_member_per_declared_seat(cqp, clock):
    certification, _enrolment, jury = cqp
    with pytest.raises(DeliberationRefused, match="déclare 3 sièges : nommez un membre par siège"):
        record_deliberation(certification, paris_day(clock()), members(*NAMES[:2]), jury, clock())


def test_the_day_held_is_in_paris_never_in_the_future(cqp, clock, db):
    certification, _enrolment, jury = cqp
    # 23 h 30 UTC on 2 March is already 3 March in Paris: the jury may have met that day
    clock.now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    with pytest.raises(DeliberationRefused, match=r"postérieure à aujourd'hui \(03/03/2026, heure"):
        deliberate(certification, jury, clock(), held_on=date(2026, 3, 4))
    with pytest.raises(DeliberationRefused, match="à partir du 01/01/2000"):
        deliberate(certification, jury, clock(), held_on=date(1999, 12, 31))
    with pytest.raises(DeliberationRefused, match="Indiquez la date à laquelle le jury"):
        record_deliberation(certification, None, members(*NAMES), jury, clock())
    assert deliberate(certification, jury, clock(), held_on=date(2026, 3, 3)).held_on == date(
        2026, 3, 3
    )


def test_only_blocks_validated_by_the_day_held_are_capitalised(
    cqp, clock, db, enrol_candidate, make_user
):
    certification, enrolment, jury = cqp  # block 1 validated on 2 March
    later = enrol_candidate(certification)
    clock.advance(days=3)
    validate_block(later, certification.blocks[0], jury, clock())  # validated on 5 March
    with pytest.raises(DeliberationRefused, match="Aucun bloc n'était validé le 01/03/2026"):
        deliberate(certification, jury, clock(), held_on=date(2026, 3, 1))
    held = deliberate(certification, jury, clock(), held_on=date(2026, 3, 3))
    assert [(v.enrolment_id, v.block.code) for v in held.validations] == [
        (enrolment.id, "RNCP38026BC01")
    ]
    second = deliberate(certification, jury, clock(), names=["A Un", "B Deux", "C Trois"])
    assert [v.enrolment_id for v in second.validations] == [later.id]
    with pytest.raises(DeliberationRefused, match="rien à enregistrer"):
        deliberate(certification, jury, clock())


def test_without_a_declared_composition_at_least_one_member_is_named(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    validate_block(enrolment, certification.blocks[0], jury, clock())
    with pytest.raises(DeliberationRefused) as caught:
        record_deliberation(certification, paris_day(clock()), members("", " "), jury, clock())
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (0, "Indiquez au moins un membre du jury (nom et prénom).")
    ]
    with pytest.raises(
        DeliberationRefused,
        match=r"le compte seul ne suffit pas\) ; pour retirer ce membre, choisissez aussi « — sans compte",
    ):
        record_deliberation(
            certification, paris_day(clock()), [MemberEntry("", jury)], jury, clock()
        )
    with pytest.raises(DeliberationRefused, match="déjà nommé comme membre 1"):
        record_deliberation(
            certification, paris_day(clock()), members("Ana Lys", "ana lys"), jury, clock()
        )
    held = record_deliberation(
        certification, paris_day(clock()), members("", "Ana Lys", "", "Bo Tan"), jury, clock()
    )
    assert [(m.position, m.seat_code, m.name) for m in held.members] == [
        (1, None, "Ana Lys"),
        (3, None, "Bo Tan"),
    ]


# ---------------------------------------------------------------- the confirmation page


def form_data(token: str, held_on: str = "2026-03-02", names=NAMES, accounts=("", "", "")):
    data = {"csrf_token": token, "held_on": held_on}
    for row, (name, account) in enumerate(zip(names, accounts, strict=True)):
        data[f"members-{row}-name"] = name
        data[f"members-{row}-account"] = account
    return data


def test_the_page_asks_for_the_day_and_one_member_per_declared_seat(client, cqp):
    certification, _enrolment, jury = cqp
    login(client, jury.email)
    html = client.get(f"/certifications/{certification.id}/deliberation/confirmer").get_data(
        as_text=True
    )
    legends = [html_text.unescape(text) for text in re.findall(r"<legend>(.*?) <span", html)]
    assert legends == [label for _code, label, _line in SEATS_002]
    assert html.count('<label for="members-') == 6
    assert '<label for="members-0-name">Nom et prénom</label>' in html
    assert "Compte membre du jury sur la plateforme (facultatif)" in html
    assert 'type="date"' in html and 'max="2026-03-02"' in html
    assert "23 novembre 2016" in html and "002_e88b6cdeee1e352c.txt, ligne 311" in html
    assert f'value="{jury.id}">Jules Jury (jury@example.org)</option>' in html


def test_a_refused_deliberation_comes_back_with_its_errors_and_what_was_typed(client, cqp, db):
    certification, _enrolment, jury = cqp
    url = f"/certifications/{certification.id}/deliberation"
    login(client, jury.email)
    token = form_token(client, f"{url}/confirmer")
    response = client.post(
        url,
        data=form_data(
            token,
            "2026-03-09",
            ["Sophie Salariée", "", "sophie  SALARIÉE"],
            ("", str(jury.id), ""),
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<title>\s*Erreur : Enregistrer la délibération", html)
    summary = html[html.index('class="error-summary"') : html.index("<h1")]
    assert 'href="#held_on"' in summary
    assert (
        "Date de la délibération : La date de la délibération ne peut pas être postérieure"
        in summary
    )
    assert 'href="#members-1-name"' in summary and 'href="#members-2-name"' in summary
    assert (
        "Représentant du collège employeur de la CPNE — Nom et prénom : Indiquez le nom" in summary
    )
    assert "est déjà nommé au siège" in summary
    # nothing typed is lost
    assert 'value="2026-03-09"' in html and 'value="Sophie Salariée"' in html
    assert 'value="sophie  SALARIÉE"' in html
    assert re.search(
        rf'<option selected value="{jury.id}">|<option value="{jury.id}" selected', html
    )
    assert 'aria-invalid="true"' in html
    assert db.session.execute(select(func.count()).select_from(Deliberation)).scalar_one() == 0
    good = client.post(url, data=form_data(token, accounts=("", str(jury.id), "")))
    assert good.status_code == 302
    (held,) = db.session.execute(select(Deliberation)).scalars()
    assert [m.user_id for m in held.members] == [None, jury.id, None]


def test_a_date_that_is_not_a_date_gets_one_french_message(client, cqp, db):
    certification, _enrolment, jury = cqp
    url = f"/certifications/{certification.id}/deliberation"
    login(client, jury.email)
    response = client.post(url, data=form_data(form_token(client, f"{url}/confirmer"), "abc"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('class="field-errors" id="held_on-errors"') == 1
    assert "Indiquez une date valide, au format jj/mm/aaaa (par exemple 04/11/2025)." in html
    assert "Not a valid" not in html
    # typed the French way where the browser has no date picker, the day is read
    typed = client.post(url, data=form_data(form_token(client, f"{url}/confirmer"), "02/03/2026"))
    assert typed.status_code == 302
    assert db.session.execute(select(func.count()).select_from(Deliberation)).scalar_one() == 1


def test_recording_needs_the_csrf_token_and_a_jury_or_admin_role(client, cqp, db, make_user):
    certification, _enrolment, jury = cqp
    url = f"/certifications/{certification.id}/deliberation"
    make_user(Role.AUTHOR, email="auteur@example.org")
    make_user(Role.ADMIN, email="admin@example.org")
    login(client, jury.email)
    assert client.post(url, data=form_data("faux")).status_code == 400
    for email in ("cand@example.org", "auteur@example.org"):
        login(client, email)
        assert client.get(f"{url}/confirmer").status_code == 403
        assert (
            client.post(url, data=form_data(form_token(client, "/certifications"))).status_code
            == 403
        )
    assert db.session.execute(select(func.count()).select_from(Deliberation)).scalar_one() == 0
    login(client, "admin@example.org")
    response = client.post(url, data=form_data(form_token(client, f"{url}/confirmer")))
    assert response.status_code == 302
    assert db.session.execute(select(func.count()).select_from(Deliberation)).scalar_one() == 1


def test_without_a_declaration_the_page_offers_member_rows_the_first_required(
    client, referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY, email="j@example.org")
    validate_block(enrolment, certification.blocks[0], jury, clock())
    db.session.commit()
    url = f"/certifications/{certification.id}/deliberation"
    login(client, "j@example.org")
    html = client.get(f"{url}/confirmer").get_data(as_text=True)
    assert re.findall(r"<legend>(Membre \d) <span[^>]*>(.*?)</span>", html) == [
        ("Membre 1", "(obligatoire)"),
        *((f"Membre {n}", "(facultatif)") for n in range(2, 7)),
    ]
    token = form_token(client, f"{url}/confirmer")
    rows = {f"members-{row}-{field}": "" for row in range(6) for field in ("name", "account")}
    empty = client.post(url, data={"csrf_token": token, "held_on": "2026-03-02", **rows})
    assert empty.status_code == 422
    assert "Membre 1 — Nom et prénom : Indiquez au moins un membre du jury" in empty.get_data(
        as_text=True
    )
    done = client.post(
        url,
        data={"csrf_token": token, "held_on": "2026-03-02", **rows, "members-2-name": "Ana Lys"},
    )
    assert done.status_code == 302
    assert [m.name for m in db.session.execute(select(DeliberationMember)).scalars()] == ["Ana Lys"]


# ---------------------------------------------------------------- where the blocks are shown


def test_the_composition_is_shown_with_the_capitalised_blocks(client, cqp, clock, db):
    certification, enrolment, jury = cqp
    clock.advance(days=7)
    deliberate(certification, jury, clock(), held_on=date(2026, 3, 6))
    db.session.commit()
    login(client, "cand@example.org")
    transcript = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert "capitalisé par la délibération du 06/03/2026" in transcript
    assert "Délibération du 06/03/2026 — RNCP38026BC01" in transcript
    for name, (_code, label, _line) in zip(NAMES, SEATS_002, strict=True):
        assert f"<li>{name} — {label}</li>" in transcript.replace("&#39;", "'")
    assert "enregistrée le 09/03/2026 par Jules Jury" in transcript
    login(client, jury.email)
    grid = client.get(f"/certifications/inscriptions/{enrolment.id}/evaluation").get_data(
        as_text=True
    )
    assert "Capitalisé par la délibération du 06/03/2026, jury :" in grid and NAMES[2] in grid
    page = client.get(f"/certifications/{certification.id}/deliberation").get_data(as_text=True)
    assert "capitalisé (délibération du 06/03/2026)" in page
    assert "1 bloc(s) capitalisé(s) de 1 candidat(s)" in page and NAMES[1] in page
    referential = client.get(f"/certifications/{certification.id}/referentiel").get_data(
        as_text=True
    )
    assert "Composition du jury" in referential and "(ligne 313)" in referential


def test_the_exports_and_the_attestation_name_the_jury(client, cqp, clock, db):
    from tests.certification.test_views import pdf_prose

    certification, enrolment, jury = cqp
    deliberate(certification, jury, clock())
    db.session.commit()
    login(client, jury.email)
    response = client.get(f"/certifications/{certification.id}/deliberation.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], next(r for r in rows if "cand@example.org" in r)
    assert row[header.index("RNCP38026BC01 : délibération du")] == "02/03/2026"
    assert row[header.index("RNCP38026BC02 : délibération du")] == ""
    jury_text = row[header.index("Jury des délibérations")]
    assert jury_text.startswith(f"délibération du 02/03/2026 : {NAMES[0]} ({SEATS_002[0][1]}) ;")
    xlsx = client.get(f"/certifications/{certification.id}/deliberation.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [[cell.value or "" for cell in r] for r in sheet.iter_rows()]
    assert values[1][values[0].index("Jury des délibérations")] == jury_text
    login(client, "cand@example.org")
    text = pdf_prose(
        client.get(f"/certifications/inscriptions/{enrolment.id}/attestation.pdf").get_data()
    )
    assert "Jury de la délibération du 02/03/2026 (blocs RNCP38026BC01)" in text
    assert f"{NAMES[2]} (Permanent de la Confédération" in text


def test_the_deliberation_is_audited_and_reads_in_french(app, cqp, clock, db):
    certification, enrolment, jury = cqp
    held = deliberate(certification, jury, clock(), held_on=date(2026, 3, 1 + 1))
    db.session.commit()
    (event,) = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.deliberation")
    ).scalars()
    assert (event.actor_id, event.target) == (jury.id, f"certification:{CQP}")
    assert event.details == {
        "deliberation": held.id,
        "held_on": "2026-03-02",
        "members": 3,
        "seats": ["college-salarie", "college-employeur", "cncm"],
        "capitalised_blocks": 1,
        "candidates": 1,
    }
    assert not any(name in str(event.details) for name in NAMES)  # names stay in their table
    (capitalised,) = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.capitalise")
    ).scalars()
    assert (capitalised.subject_id, capitalised.details) == (
        enrolment.user_id,
        {"block": "RNCP38026BC01", "deliberation": held.id},
    )
    assert ACTION_LABELS["certification.deliberation"] == (
        "délibération du jury enregistrée (date, membres présents)"
    )
    with app.test_request_context():
        shown = [(label, value.text) for label, value in describe_details(event.details, None)]
    assert shown == [
        ("Délibération n°", str(held.id)),
        ("Délibération tenue le", "02/03/2026"),
        ("Membres du jury présents", "3"),
        ("Sièges pourvus", "college-salarie, college-employeur, cncm"),
        ("Blocs capitalisés", "1"),
        ("Candidats concernés", "1"),
    ]


def test_the_journal_reads_the_seats_by_their_label(client, cqp, clock, db, make_user):
    """The administrator's journal names the seats as the referential words them, not by code."""
    certification, _enrolment, jury = cqp
    held = deliberate(certification, jury, clock())
    db.session.commit()
    admin = make_user(Role.ADMIN, email="admin-journal@example.org")
    login(client, admin.email)
    journal = "/admin/journal?action=certification.deliberation"
    page = html_text.unescape(client.get(journal).get_data(as_text=True))
    labels = ", ".join(f"« {label} »" for _code, label, _line in SEATS_002)
    assert f"Sièges pourvus : {labels} ;" in page
    assert not any(code in page for code, _label, _line in SEATS_002)
    # a seat nobody holds any more reads as declared; a code the referential lost, as stored
    db.session.delete(held.members[2])
    record(
        "certification.deliberation",
        clock(),
        actor_id=jury.id,
        details={"deliberation": held.id, "seats": ["cncm", "ancien-siege"]},
    )
    db.session.commit()
    page = html_text.unescape(client.get(journal).get_data(as_text=True))
    assert f"Sièges pourvus : « {SEATS_002[2][1]} », ancien-siege" in page


def test_member_names_in_the_personal_data_export_and_after_erasure(cqp, clock, db, make_user):
    from questionnaire.privacy.services import erase_user, export_user_data

    certification, enrolment, jury = cqp
    held = record_deliberation(
        certification,
        paris_day(clock()),
        members(*NAMES, accounts=[None, jury, None]),
        jury,
        clock(),
    )
    db.session.commit()
    sat = export_user_data(jury, clock())["deliberations_sat"]
    assert sat == [
        {
            "certification": certification.title,
            "held_on": "2026-03-02",
            "seat": SEATS_002[1][1],
            "name_entered": NAMES[1],
            "recorded_at": clock().isoformat(),
        }
    ]
    (mine,) = export_user_data(enrolment.user, clock())["certifications"]
    assert mine["validated_blocks"][0]["deliberation_held_on"] == "2026-03-02"
    assert "deliberations_sat" in export_user_data(enrolment.user, clock())
    # the record of the jury stays: erasing the linked account keeps the name entered
    erase_user(jury, make_user(Role.ADMIN), "Demande du 1er mars", clock())
    db.session.commit()
    member = db.session.get(DeliberationMember, held.members[1].id)
    assert member.name == NAMES[1] and member.user.display_name.startswith("ANON-")
