"""Seed 000, l. 104: « Les modalités d'évaluation peuvent être adaptées en fonction des situations
des personnes handicapées ». An accommodation may replace a questionnaire by another modality,
which the jury evaluates; the rules, the services, the screens and the erasure follow it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from questionnaire.certification import rules, services
from questionnaire.certification.models import Accommodation, BlockValidation, ModalityKind
from questionnaire.certification.rules import CompetencySpec, Status
from tests.certification.test_services import competency, evaluate_all
from tests.conftest import form_token, login

ORAL = ModalityKind.EPREUVE_ORALE
WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)


# ---------------------------------------------------------------- the rule, on plain data


def test_a_replaced_theme_leaves_the_competency_to_the_jury():
    referential = rules.ReferentialSpec(
        (
            rules.BlockSpec(
                "B3",
                "Risques",
                (
                    CompetencySpec("C21", themes=("reglementation",), jury_evaluated=False),
                    CompetencySpec("C22", themes=("rgpd",), jury_evaluated=True),
                ),
            ),
        )
    )
    adapted = rules.adapted(referential, {"reglementation"})
    c21, c22 = adapted.blocks[0].competencies
    assert (c21.themes, c21.jury_evaluated, c21.replaced_themes) == ((), True, ("reglementation",))
    assert c22 == referential.blocks[0].competencies[1]
    assert rules.adapted(referential, ()) is referential
    # by the referential: the questionnaire alone validates C21, the jury's word is not asked
    plain = rules.title_status(referential, [], {"reglementation": WHEN, "rgpd": WHEN})
    assert plain.blocks[0].competencies[0].status is Status.VALIDATED
    # adapted: the same pass no longer counts, the jury decides
    yes = rules.Evaluation("C21", 7, WHEN, acquired=True)
    pending = rules.title_status(adapted, [], {"reglementation": WHEN})
    assert pending.blocks[0].competencies[0].status is Status.PENDING
    decided = rules.title_status(adapted, [yes], {})
    result = decided.blocks[0].competencies[0]
    assert (result.status, result.validated_at, result.replaced_themes) == (
        Status.VALIDATED,
        WHEN,
        ("reglementation",),
    )
    no = rules.Evaluation("C21", 7, WHEN, acquired=False)
    assert rules.title_status(adapted, [no], {}).blocks[0].competencies[0].status is (
        Status.NOT_VALIDATED
    )


# ---------------------------------------------------------------- services


@pytest.fixture
def particuliers(referentials, enrol_candidate, make_user):
    certification = referentials["charge-clientele-particuliers"]
    return certification, enrol_candidate(certification), make_user(Role.JURY)


def test_the_jury_evaluates_a_replaced_questionnaire_and_the_block_follows(
    particuliers, pass_theme, clock, db
):
    certification, enrolment, jury = particuliers
    c21 = competency(certification, "C21")
    for theme in ("fiscalite", "risques", "rgpd"):
        pass_theme(enrolment.user, theme)
    evaluate_all(enrolment, jury, clock, acquired=True)
    db.session.commit()
    before = services.transcript(enrolment)
    assert before.blocks[2].status is Status.PENDING
    with pytest.raises(services.CertificationError, match="n'est évaluée que par questionnaire"):
        services.record_evaluation(enrolment, c21, jury, clock(), acquired=True)
    services.add_accommodation(
        enrolment, "Lecture des questions impossible", jury, clock(),
        replaced_theme="reglementation", replacement=ORAL,
    )  # fmt: skip
    db.session.commit()
    assert enrolment.jury_evaluates(c21) and not c21.is_jury_evaluated
    waiting = services.transcript(enrolment)
    c21_result = next(c for c in waiting.blocks[2].competencies if c.code == c21.code)
    assert (c21_result.status, c21_result.missing_themes, c21_result.replaced_themes) == (
        Status.PENDING,
        (),
        ("reglementation",),
    )
    clock.advance(days=1)
    services.record_evaluation(enrolment, c21, jury, clock(), acquired=True)
    db.session.commit()
    done = services.transcript(enrolment)
    assert done.status is Status.VALIDATED and done.blocks[2].validated_at == clock()
    # the other candidates keep the referential's questionnaire
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.accommodation")
    ).scalar_one()
    assert event.details["replaced_theme"] == "reglementation"
    assert event.details["replacement"] == "epreuve_orale"
    assert "Lecture" not in str(event.details)


def test_other_candidates_keep_the_questionnaire(particuliers, enrol_candidate, clock, db):
    certification, enrolment, jury = particuliers
    other = enrol_candidate(certification)
    services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="rgpd", replacement=ORAL
    )
    db.session.commit()
    mine, theirs = (r for _, r in services.results_for(certification, [enrolment, other]))
    assert mine.blocks[2].competencies[-1].replaced_themes == ("rgpd",)
    assert theirs.blocks[2].competencies[-1].missing_themes == ("rgpd",)
    assert theirs.blocks[2].competencies[-1].replaced_themes == ()


@pytest.mark.parametrize(
    ("theme", "replacement", "message"),
    [
        ("rgpd", None, "indiquez le questionnaire et la modalité"),
        (None, ORAL, "indiquez le questionnaire et la modalité"),
        ("inconnu", ORAL, "n'a pas de questionnaire sur ce thème"),
        ("rgpd", ModalityKind.QUESTIONNAIRE, "autre qu'un questionnaire"),
    ],
)
def test_a_replacement_must_name_a_questionnaire_and_another_modality(
    particuliers, clock, theme, replacement, message
):
    _, enrolment, jury = particuliers
    with pytest.raises(services.CertificationError, match=message):
        services.add_accommodation(
            enrolment, "Oral", jury, clock(), replaced_theme=theme, replacement=replacement
        )


def test_a_replacement_is_refused_when_done_passed_capitalised_or_own(
    particuliers, pass_theme, make_user, clock, db
):
    certification, enrolment, jury = particuliers
    services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="rgpd", replacement=ORAL
    )
    with pytest.raises(services.CertificationError, match="« RGPD » est déjà remplacé"):
        services.add_accommodation(
            enrolment, "Écrit", jury, clock(), replaced_theme="rgpd", replacement=ORAL
        )
    pass_theme(enrolment.user, "fiscalite")
    with pytest.raises(services.CertificationError, match="déjà réussi"):
        services.add_accommodation(
            enrolment, "Oral", jury, clock(), replaced_theme="fiscalite", replacement=ORAL
        )
    # a jury member enrolled as a candidate adapts nothing of their own candidacy
    candidate_jury = make_user(Role.CANDIDATE, Role.JURY)
    own = services.register_candidate(certification, candidate_jury.email, jury, clock())
    with pytest.raises(services.CertificationError, match="sa propre candidature"):
        services.add_accommodation(own, "Oral", candidate_jury, clock())


def capitalise(enrolment, block, jury, now, db):
    """The deliberation's record of a capitalised block, without going through a deliberation."""
    db.session.add(
        BlockValidation(
            enrolment_id=enrolment.id,
            block=block,
            validated_at=now,
            recorded_by=jury,
            recorded_at=now,
        )
    )
    db.session.commit()
    db.session.refresh(enrolment)


def test_no_replacement_in_a_capitalised_block(particuliers, clock, db):
    certification, enrolment, jury = particuliers
    capitalise(enrolment, certification.blocks[2], jury, clock(), db)
    with pytest.raises(services.CertificationError, match=r"bloc .* est capitalisé"):
        services.add_accommodation(
            enrolment, "Oral", jury, clock(), replaced_theme="rgpd", replacement=ORAL
        )
    # a block not capitalised still takes one
    services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="fiscalite", replacement=ORAL
    )


def test_a_replacement_is_withdrawn_only_while_nothing_rests_on_it(particuliers, clock, db):
    certification, enrolment, jury = particuliers
    c22 = competency(certification, "C22")  # RGPD: the jury evaluates it by the referential too
    c21 = competency(certification, "C21")  # réglementation: questionnaire alone
    plain = services.add_accommodation(enrolment, "Salle au rez-de-chaussée", jury, clock())
    rgpd = services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="rgpd", replacement=ORAL
    )
    regl = services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="reglementation", replacement=ORAL
    )
    db.session.commit()
    services.record_evaluation(enrolment, c21, jury, clock(), acquired=True)
    services.record_evaluation(enrolment, c22, jury, clock(), acquired=True)
    db.session.commit()
    with pytest.raises(services.CertificationError, match="a évalué C21"):
        services.delete_accommodation(regl, jury, clock())
    # C22's evaluation rests on the referential's own modalities: its questionnaire comes back
    services.delete_accommodation(rgpd, jury, clock())
    services.delete_accommodation(plain, jury, clock())
    db.session.commit()
    assert [a.replaced_theme for a in enrolment.accommodations] == ["reglementation"]
    assert db.session.execute(select(Accommodation)).scalars().all() == [regl]
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.accommodation_delete")
    ).scalars()
    assert [e.details for e in events] == [
        {"accommodation_id": rgpd.id, "replaced_theme": "rgpd"},
        {"accommodation_id": plain.id},
    ]
    assert services.transcript(enrolment).blocks[2].competencies[-1].missing_themes == ("rgpd",)


def test_a_capitalised_replacement_stays(particuliers, clock, db):
    certification, enrolment, jury = particuliers
    regl = services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="reglementation", replacement=ORAL
    )
    db.session.commit()
    services.record_evaluation(enrolment, competency(certification, "C21"), jury, clock(), acquired=True)  # fmt: skip
    db.session.commit()
    block = certification.blocks[2]
    capitalise(enrolment, block, jury, clock(), db)
    with pytest.raises(services.CertificationError, match=f"bloc {block.code} est capitalisé"):
        services.delete_accommodation(regl, jury, clock())


# ---------------------------------------------------------------- screens


@pytest.fixture
def screens(client, referentials, enrol_candidate, make_user):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="cand@example.org"))
    make_user(Role.JURY, email="jury@example.org", name="Jeanne Jury")
    login(client, "jury@example.org")
    return certification, enrolment


def post_accommodation(client, enrolment, **fields):
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    return client.post(
        f"{transcript}/amenagements",
        data={"csrf_token": form_token(client, transcript), "description": "Oral", **fields},
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"replaced_theme": "rgpd"}, "Choisissez la modalité qui remplace le questionnaire."),
        ({"replacement": "epreuve_orale"}, "Une modalité de remplacement suppose"),
        ({"replaced_theme": "inconnu", "replacement": "epreuve_orale"}, "Choisissez un questionnaire de la liste."),
        ({"replaced_theme": "rgpd", "replacement": "questionnaire"}, "Choisissez une modalité de la liste."),
    ],
)  # fmt: skip
def test_a_wrong_replacement_form_comes_back_with_its_message(client, screens, db, fields, message):
    _, enrolment = screens
    response = post_accommodation(client, enrolment, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert 'aria-invalid="true"' in page and "Oral</textarea>" in page  # nothing typed is lost
    assert db.session.execute(select(Accommodation)).first() is None


def test_the_jury_replaces_a_questionnaire_and_evaluates_through_the_grid(client, screens, db):
    certification, enrolment = screens
    c21 = competency(certification, "C21")
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    page = client.get(transcript).get_data(as_text=True)
    assert '<option value="reglementation">' in page and '<option value="epreuve_orale">' in page
    grid = f"{transcript}/evaluation"
    assert f'name="competency" value="{c21.id}"' not in client.get(grid).get_data(as_text=True)
    done = post_accommodation(
        client, enrolment, replaced_theme="reglementation", replacement="epreuve_orale"
    )
    assert done.status_code == 302
    page = client.get(transcript).get_data(as_text=True)
    assert "remplacé par : Épreuve orale." in page
    assert "Réglementation AMF, Code des assurances, Directive crédit : remplacé par" in page
    grid_page = client.get(grid).get_data(as_text=True)
    assert f'name="competency" value="{c21.id}"' in grid_page
    assert "remplacé pour ce candidat par : Épreuve orale" in grid_page
    evaluated = client.post(
        grid,
        data={
            "csrf_token": form_token(client, grid),
            "competency": c21.id,
            f"c{c21.id}-outcome": "acquired",
            f"c{c21.id}-comment": "Réponses orales exactes.",
        },
    )
    assert evaluated.status_code == 302
    result = services.transcript(enrolment)
    assert next(c for c in result.blocks[2].competencies if c.code == c21.code).decision
    # a second replacement of the same questionnaire is refused beside the list
    again = post_accommodation(
        client, enrolment, replaced_theme="reglementation", replacement="etude_de_cas"
    )
    assert again.status_code == 422
    assert 'id="replaced_theme-errors"' in again.get_data(as_text=True)


def test_deleting_an_accommodation_checks_who_and_what(client, screens, make_user, clock, db):
    certification, enrolment = screens
    jury = db.session.execute(select(User).where(User.email == "jury@example.org")).scalar_one()
    kept = services.add_accommodation(
        enrolment, "Oral", jury, clock(), replaced_theme="reglementation", replacement=ORAL
    )
    plain = services.add_accommodation(enrolment, "Salle accessible", jury, clock())
    services.record_evaluation(enrolment, competency(certification, "C21"), jury, clock(), acquired=True)  # fmt: skip
    db.session.commit()
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    token = form_token(client, transcript)
    url = f"{transcript}/amenagements/{{}}/suppression"
    refused = client.post(url.format(kept.id), data={"csrf_token": token})
    assert refused.status_code == 422
    assert "La suppression est refusée" in refused.get_data(as_text=True)
    assert client.post(url.format(plain.id), data={}).status_code == 400  # no CSRF token
    other = services.register_candidate(
        certification, make_user(Role.CANDIDATE).email, jury, clock()
    )
    db.session.commit()
    wrong = f"/certifications/inscriptions/{other.id}/amenagements/{plain.id}/suppression"
    assert client.post(wrong, data={"csrf_token": token}).status_code == 404
    deleted = client.post(url.format(plain.id), data={"csrf_token": token})
    assert deleted.status_code == 302
    assert [a.id for a in db.session.execute(select(Accommodation)).scalars()] == [kept.id]
    login(client, "cand@example.org")
    assert client.get(transcript).status_code == 200
    assert "Supprimer l&#39;aménagement" not in client.get(transcript).get_data(as_text=True)
    token = form_token(client, "/")
    assert client.post(url.format(kept.id), data={"csrf_token": token}).status_code == 403


def test_a_referential_without_questionnaires_offers_no_replacement(
    client, referentials, enrol_candidate, make_user
):
    certification = referentials["cqp-charge-accueil-relation-clients-adherents"]
    assert certification.questionnaire_themes == []
    enrolment = enrol_candidate(certification)
    make_user(Role.ADMIN, email="admin@example.org")
    login(client, "admin@example.org")
    page = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert 'id="description"' in page and 'id="replaced_theme"' not in page


def test_the_deliberation_names_the_replaced_questionnaires_never_the_description(
    client, screens, db, clock
):
    certification, enrolment = screens
    jury = db.session.execute(select(User).where(User.email == "jury@example.org")).scalar_one()
    services.add_accommodation(
        enrolment, "Dyslexie (certificat)", jury, clock(), replaced_theme="rgpd", replacement=ORAL
    )
    db.session.commit()
    url = f"/certifications/{certification.id}/deliberation"
    page = client.get(url).get_data(as_text=True)
    assert "(aménagement : questionnaire « RGPD » remplacé par : Épreuve orale)" in page
    text = client.get(f"{url}.csv").get_data().decode("utf-8-sig")
    header, row = (line.split(";") for line in text.splitlines()[:2])
    column = header.index("Questionnaires remplacés (aménagement)")
    assert row[column] == "RGPD : Épreuve orale"
    assert "Dyslexie" not in page and "Dyslexie" not in text
