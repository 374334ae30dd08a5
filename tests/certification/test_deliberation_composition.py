"""Correcting a recorded deliberation's composition: names and seats change, its day and blocks
do not; refused as a recording is; audited as its own action, without names."""

from __future__ import annotations

import html as html_text
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.auth.models import Role
from questionnaire.certification.composition import (
    NOTHING_CHANGED,
    SELF_CORRECTION,
    correct_composition,
)
from questionnaire.certification.deliberation import DeliberationRefused
from questionnaire.certification.models import BlockValidation, Deliberation, DeliberationMember
from tests.certification.test_deliberation import (
    NAMES,
    SEATS_002,
    cqp,  # noqa: F401 - the fixture of seed 002 with a validated block
    deliberate,
    members,
    record_deliberation,
    validate_block,
)
from tests.conftest import form_token, login

MISSPELT = ["Sophie Salairée", "Éric Employeur", "Paule Permanente"]


@pytest.fixture
def held(cqp, clock, db):  # noqa: F811 - the imported fixture
    """Seed 002's deliberation of 02/03/2026, its first member's name misspelt."""
    certification, enrolment, jury = cqp
    recorded = record_deliberation(
        certification,
        date(2026, 3, 2),
        members(*MISSPELT, accounts=[None, jury, None]),
        jury,
        clock(),
    )
    db.session.commit()
    return certification, enrolment, jury, recorded


def composition(deliberation_id: int) -> list[tuple]:
    from questionnaire.extensions import db

    stored = db.session.get(Deliberation, deliberation_id)
    return [(m.seat_code, m.name, m.user_id) for m in stored.members]


def corrections(db) -> list[AuditEvent]:
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "certification.deliberation_composition")
        ).scalars()
    )


# ---------------------------------------------------------------- the service


def test_a_misspelt_name_is_corrected_the_day_and_blocks_kept(held, clock, db, make_user):
    certification, _enrolment, jury, recorded = held
    admin = make_user(Role.ADMIN)
    validations = [(v.id, v.validated_at) for v in recorded.validations]
    clock.advance(days=3)
    correct_composition(recorded, members(*NAMES, accounts=[None, jury, None]), admin, clock())
    db.session.commit()
    assert composition(recorded.id) == [
        ("college-salarie", NAMES[0], None),
        ("college-employeur", NAMES[1], jury.id),
        ("cncm", NAMES[2], None),
    ]
    stored = db.session.get(Deliberation, recorded.id)
    assert [m.seat_label for m in stored.members] == [label for _c, label, _l in SEATS_002]
    assert (stored.held_on, stored.recorded_by_id) == (date(2026, 3, 2), jury.id)
    assert [(v.id, v.validated_at) for v in stored.validations] == validations
    (event,) = corrections(db)
    assert (event.actor_id, event.target, event.details) == (
        admin.id,
        f"certification:{certification.slug}",
        {
            "deliberation": recorded.id,
            "held_on": "2026-03-02",
            "members_before": 3,
            "members": 3,
            "seats_corrected": ["college-salarie"],
            "names_corrected": 1,
            "accounts_changed": 0,
        },
    )
    assert not any(name in str(event.details) for name in NAMES + MISSPELT)
    assert ACTION_LABELS[event.action].startswith("composition d'une délibération")


def test_two_members_swap_seats(held, clock, db):
    _certification, _enrolment, jury, recorded = held
    swapped = [MISSPELT[1], MISSPELT[0], MISSPELT[2]]
    correct_composition(recorded, members(*swapped, accounts=[jury, None, None]), jury, clock())
    db.session.commit()
    assert composition(recorded.id) == [
        ("college-salarie", MISSPELT[1], jury.id),
        ("college-employeur", MISSPELT[0], None),
        ("cncm", MISSPELT[2], None),
    ]
    (event,) = corrections(db)
    assert event.details["seats_corrected"] == ["college-salarie", "college-employeur"]
    assert (event.details["names_corrected"], event.details["accounts_changed"]) == (2, 2)


@pytest.mark.parametrize(
    ("names", "accounts", "problem"),
    [
        (["", *MISSPELT[1:]], None, (0, "name", "Indiquez le nom du membre qui occupe ce siège.")),
        (
            [*MISSPELT[:2], "ÉRIC employeur"],
            None,
            (2, "name", "« ÉRIC employeur » est déjà nommé au siège « Représentant du collège"),
        ),
        (MISSPELT, "author", (0, "account", "Ce compte n'est pas celui d'un membre du jury.")),
        (MISSPELT, "judged", (2, "account", "Ce membre est candidat")),
        (MISSPELT, None, (None, "name", NOTHING_CHANGED)),
    ],
)
def test_a_correction_is_refused_as_a_recording_is(
    held, clock, db, make_user, names, accounts, problem
):
    _certification, enrolment, jury, recorded = held
    # a jury member whose block this deliberation capitalised does not sit on it
    enrolment.user.set_roles([Role.CANDIDATE, Role.JURY])
    db.session.commit()
    third = {None: None, "author": None, "judged": enrolment.user}[accounts]
    first = make_user(Role.AUTHOR) if accounts == "author" else None
    before = composition(recorded.id)
    with pytest.raises(DeliberationRefused) as caught:
        correct_composition(recorded, members(*names, accounts=[first, jury, third]), jury, clock())
    db.session.rollback()
    found = [(p.row, p.field, p.message) for p in caught.value.problems]
    assert len(found) == 1 and found[0][:2] == problem[:2] and problem[2] in found[0][2]
    assert composition(recorded.id) == before and corrections(db) == []


def test_a_candidate_of_the_deliberation_does_not_correct_it(held, clock, db):
    _certification, enrolment, _jury, recorded = held
    enrolment.user.set_roles([Role.CANDIDATE, Role.JURY])
    db.session.commit()
    with pytest.raises(DeliberationRefused) as caught:
        correct_composition(recorded, members(*NAMES), enrolment.user, clock())
    assert [p.message for p in caught.value.problems] == [SELF_CORRECTION]


def test_an_account_that_left_the_jury_may_stay_linked(held, clock, db, make_user):
    _certification, _enrolment, jury, recorded = held
    jury.active = False
    db.session.commit()
    admin = make_user(Role.ADMIN)
    correct_composition(recorded, members(*NAMES, accounts=[None, jury, None]), admin, clock())
    db.session.commit()
    assert composition(recorded.id)[1] == ("college-employeur", NAMES[1], jury.id)
    # but it is not newly linked elsewhere
    with pytest.raises(DeliberationRefused, match="déjà choisi"):
        correct_composition(
            recorded, members(*MISSPELT, accounts=[jury, jury, None]), admin, clock()
        )


def test_without_a_declaration_members_are_added_and_removed(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    validate_block(enrolment, certification.blocks[0], jury, clock())
    recorded = deliberate(certification, jury, clock(), names=["Ana Lys", "Bob Ray"])
    db.session.commit()
    entries = members("", "Bob Ray", "", "Chloé Dut", "", "")
    correct_composition(recorded, entries, jury, clock())
    db.session.commit()
    assert [(m.position, m.seat_code, m.name) for m in recorded.members] == [
        (1, None, "Bob Ray"),
        (3, None, "Chloé Dut"),
    ]
    (event,) = corrections(db)
    assert (event.details["members_before"], event.details["members"]) == (2, 2)
    assert event.details["seats_corrected"] == [] and event.details["names_corrected"] == 2
    with pytest.raises(DeliberationRefused, match="au moins un membre"):
        correct_composition(recorded, members(*[""] * 6), jury, clock())


# ---------------------------------------------------------------- the page


def url(certification, recorded) -> str:
    return f"/certifications/{certification.id}/deliberations/{recorded.id}/composition"


def correction_data(token: str, names, accounts=("", "", "")) -> dict:
    data = {"csrf_token": token}
    for row, (name, account) in enumerate(zip(names, accounts, strict=True)):
        data[f"members-{row}-name"] = name
        data[f"members-{row}-account"] = account
    return data


def test_the_page_shows_the_composition_as_recorded(client, held):
    certification, _enrolment, jury, recorded = held
    login(client, jury.email)
    listing = client.get(f"/certifications/{certification.id}/deliberation").get_data(as_text=True)
    assert f'href="{url(certification, recorded)}"' in listing
    html = client.get(url(certification, recorded)).get_data(as_text=True)
    assert "<h1>Corriger la composition du jury</h1>" in html
    legends = [html_text.unescape(text) for text in re.findall(r"<legend>(.*?) <span", html)]
    assert legends == [label for _code, label, _line in SEATS_002]
    assert 'value="Sophie Salairée"' in html and "Délibération du 02/03/2026" in html
    assert re.search(
        rf'<option selected value="{jury.id}">|<option value="{jury.id}" selected', html
    )
    assert 'name="held_on"' not in html


def test_a_candidate_of_the_deliberation_is_told_up_front_and_offered_no_form(client, held, db):
    certification, enrolment, _jury, recorded = held
    enrolment.user.set_roles([Role.CANDIDATE, Role.JURY])
    db.session.commit()
    login(client, enrolment.user.email)
    listing = client.get(f"/certifications/{certification.id}/deliberation").get_data(as_text=True)
    assert "Délibération du 02/03/2026" in listing
    assert f'href="{url(certification, recorded)}"' not in listing
    html = client.get(url(certification, recorded)).get_data(as_text=True)
    assert html_text.escape(SELF_CORRECTION) in html
    assert "<form" not in html.split("<main", 1)[1] and 'name="members-0-name"' not in html


def test_a_refused_correction_comes_back_with_its_errors_and_what_was_typed(client, held, db):
    certification, _enrolment, jury, recorded = held
    login(client, jury.email)
    token = form_token(client, url(certification, recorded))
    response = client.post(
        url(certification, recorded),
        data=correction_data(token, ["Sophie Salariée", "", "sophie  SALARIÉE"]),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<title>\s*Erreur : Corriger la composition du jury", html)
    summary = html[html.index('class="error-summary"') : html.index("<h1")]
    assert 'href="#members-1-name"' in summary and 'href="#members-2-name"' in summary
    assert "est déjà nommé au siège" in summary
    assert 'value="Sophie Salariée"' in html and 'value="sophie  SALARIÉE"' in html
    assert composition(recorded.id)[0][1] == MISSPELT[0] and corrections(db) == []
    done = client.post(
        url(certification, recorded),
        data=correction_data(token, NAMES, ("", str(jury.id), "")),
    )
    assert done.status_code == 302 and done.location.endswith(f"#deliberation-{recorded.id}")
    assert [name for _seat, name, _account in composition(recorded.id)] == NAMES
    page = client.get(done.location).get_data(as_text=True)
    assert "Composition de la délibération du 02/03/2026 corrigée." in page
    assert f"{NAMES[0]} — {SEATS_002[0][1]}" in html_text.unescape(page)
    assert db.session.execute(select(func.count()).select_from(BlockValidation)).scalar_one() == 1


def test_correcting_needs_the_csrf_token_a_role_and_the_right_certification(
    client, held, referentials, make_user, db
):
    certification, _enrolment, jury, recorded = held
    make_user(Role.AUTHOR, email="auteur@example.org")
    login(client, jury.email)
    data = correction_data("faux", NAMES)
    assert client.post(url(certification, recorded), data=data).status_code == 400
    other = referentials["charge-clientele-particuliers"]
    assert client.get(url(other, recorded)).status_code == 404
    assert (
        client.get(f"/certifications/{certification.id}/deliberations/999/composition").status_code
        == 404
    )
    for email in ("cand@example.org", "auteur@example.org"):
        login(client, email)
        assert client.get(url(certification, recorded)).status_code == 403
        token = form_token(client, "/certifications")
        response = client.post(url(certification, recorded), data=correction_data(token, NAMES))
        assert response.status_code == 403
    assert composition(recorded.id)[0][1] == MISSPELT[0]
    assert (
        db.session.execute(select(func.count()).select_from(DeliberationMember)).scalar_one() == 3
    )


def test_the_journal_reads_the_correction_in_french(client, held, clock, db, make_user):
    _certification, _enrolment, jury, recorded = held
    admin = make_user(Role.ADMIN, email="admin-journal@example.org")
    correct_composition(recorded, members(*NAMES, accounts=[None, jury, None]), admin, clock())
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal?action=certification.deliberation_composition")
    text = html_text.unescape(page.get_data(as_text=True))
    assert "composition d'une délibération du jury corrigée (noms, sièges)" in text
    assert (
        "Membres du jury auparavant : 3 ; Membres du jury présents : 3 ; "
        f"Sièges corrigés : « {SEATS_002[0][1]} » ; Noms corrigés : 1 ; "
        "Comptes rattachés modifiés : 0"
    ) in text
    assert not any(name in text for name in NAMES + MISSPELT)
