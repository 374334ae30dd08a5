"""Seed 003's observed interviews, block by block, before the grids: l. 29 (block 1) « L'observation
doit porter sur plusieurs entretiens (entre 3 et 5) dans des cadres différents … sur une période
donnée (une semaine maximum) »; l. 49 (block 3) « 3 à 5 mises en situation sur poste de travail
… sur une semaine »; l. 58 (block 4) « 5 entretiens sur une semaine maximum »."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.auth.models import Role
from questionnaire.certification import observations, services
from questionnaire.certification.models import EvaluatorQuality, ObservationRule
from questionnaire.certification.parsing import parse_referential
from questionnaire.clock import paris_day
from questionnaire.privacy.services import erase_user, export_user_data
from tests.certification.test_deliberation import deliberate
from tests.certification.test_views import evaluate, logged_in
from tests.conftest import form_token, login

RECEPTION = "cqp-charge-accueil-relation-clients-adherents"
INTERNE = EvaluatorQuality.EXPERT_INTERNE


@pytest.fixture
def cqp(referentials, enrol_candidate, make_user, clock):
    """Seed 003, a candidate and their two designated evaluators (expert first)."""
    enrolment = enrol_candidate(
        referentials[RECEPTION], make_user(Role.CANDIDATE, email="cand@example.org")
    )
    expert = make_user(Role.JURY, email="expert@example.org")
    second = make_user(Role.JURY, email="second@example.org")
    services.designate_evaluators(enrolment, expert, second, INTERNE, expert, clock())
    return enrolment, expert, second


def block(enrolment, code="B1"):
    return next(b for b in enrolment.certification.blocks if b.code == code)


def record(enrolment, recorder, clock, days_ago=0, channel="telephone", simulated=False, code="B1"):
    return observations.record_observation(
        enrolment,
        block(enrolment, code),
        paris_day(clock()) - timedelta(days=days_ago),
        channel,
        simulated,
        "Accueil téléphonique",
        recorder,
        clock(),
    )


# --- the referential ---------------------------------------------------------------------


def test_seed_003_declares_a_rule_on_blocks_1_3_and_4(referentials):
    certification = referentials[RECEPTION]
    expected = {
        "B1": ObservationRule(3, 5, 7, 2, 29),  # « entre 3 et 5 … dans des cadres différents »
        "B3": ObservationRule(3, 5, 7, 1, 49),  # « 3 à 5 mises en situation … sur une semaine »
        "B4": ObservationRule(5, 5, 7, 1, 58),  # « 5 entretiens sur une semaine maximum »
    }
    for b in certification.blocks:
        rules = {observations.rule_of(c) for c in b.competencies}
        assert rules == {expected.get(b.code)}, b.code
    assert [b.code for b in certification.blocks if observations.block_rule(b)] == list(expected)


def test_other_referentials_have_no_rule(referentials):
    certification = referentials["charge-clientele-particuliers"]
    assert all(observations.rule_of(c) is None for c in certification.competencies)


BASE = """slug: x
title: X
source: x.txt
blocks:
- code: B1
  title: Bloc
  competencies:
  - code: C1
    title: Compétence
    modalities:
    - kind: {kind}
      observations: {rule}
"""


@pytest.mark.parametrize(
    ("kind", "rule", "message"),
    [
        ("entretien", "{min: 3, max: 5, within_days: 7, distinct_channels: 2}", "ne s'applique"),
        ("observation", "{min: 5, max: 3, within_days: 7, distinct_channels: 2}", "ne dépasse pas"),
        ("observation", "{min: 0, max: 3, within_days: 7, distinct_channels: 2}", "« min » est"),
        ("observation", "{min: 3, max: 5, within_days: 7}", "« distinct_channels » est"),
        ("observation", "{min: 2, max: 5, within_days: 7, distinct_channels: 3}", "ne dépasse ni"),
        ("observation", "{min: 3, max: 5, within_days: 7, distinct_channels: 2, x: 1}", "inconnue"),
        ("observation", "[3, 5]", "est un dictionnaire"),
    ],
)
def test_a_wrong_rule_is_refused_in_french_with_its_line(kind, rule, message):
    parsed, problems = parse_referential(BASE.format(kind=kind, rule=rule), "x.yaml")
    assert parsed is None and len(problems) == 1
    assert message in problems[0].message
    assert "observations (ligne 12)" in problems[0].where


def test_a_valid_rule_is_parsed():
    parsed, problems = parse_referential(
        BASE.format(
            kind="observation",
            rule="{min: 3, max: 5, within_days: 7, distinct_channels: 2, source_line: 29}",
        ),
        "x.yaml",
    )
    assert problems == []
    assert parsed.blocks[0].competencies[0].modalities[0].observations == ObservationRule(
        3, 5, 7, 2, 29
    )


# --- the service's rules ------------------------------------------------------------------


def test_recording_refuses_a_sixth_a_future_day_a_long_span_and_a_bad_channel(cqp, clock, db):
    enrolment, expert, _second = cqp
    with pytest.raises(services.CertificationError, match="postérieure à aujourd'hui"):
        record(enrolment, expert, clock, days_ago=-1)
    with pytest.raises(services.CertificationError, match="canal"):
        record(enrolment, expert, clock, channel="pigeon")
    # a typing error (1900 for 2026) is refused before any span is computed from it
    days = (paris_day(clock()) - date(1999, 12, 31)).days
    with pytest.raises(
        services.CertificationError, match=r"^Indiquez une date à partir du 01/01/2000\.$"
    ):
        record(enrolment, expert, clock, days_ago=days)
    record(enrolment, expert, clock, days_ago=6)
    with pytest.raises(services.CertificationError, match="7 jours au plus") as refused:
        record(enrolment, expert, clock, days_ago=13)
    assert "la période couvrirait 8 jours" in str(refused.value)
    for n in range(4):
        record(enrolment, expert, clock, days_ago=n, channel="mail")
    with pytest.raises(services.CertificationError, match="5 entretiens observés au plus"):
        record(enrolment, expert, clock)
    assert len(enrolment.observations) == 5


def test_a_span_is_refused_on_either_side(cqp, clock):
    enrolment, expert, _second = cqp
    record(enrolment, expert, clock, days_ago=0)
    with pytest.raises(services.CertificationError, match="la période couvrirait 8 jours"):
        record(enrolment, expert, clock, days_ago=7)
    record(enrolment, expert, clock, days_ago=6)  # seven days, both counted: a week


def test_only_the_designated_evaluators_or_an_administrator_record(cqp, clock, make_user, db):
    enrolment, expert, second = cqp
    other = make_user(Role.JURY)
    with pytest.raises(services.CertificationError, match="vous n'en faites pas partie"):
        record(enrolment, other, clock)
    record(enrolment, second, clock)
    record(enrolment, make_user(Role.ADMIN), clock, channel="tchat")
    with pytest.raises(services.CertificationError, match="propre candidature"):
        record(enrolment, enrolment.user, clock)
    with pytest.raises(services.CertificationError, match="vous n'en faites pas partie"):
        observations.delete_observation(enrolment, enrolment.observations[0], other, clock())
    observations.delete_observation(enrolment, enrolment.observations[0], expert, clock())
    db.session.commit()
    assert len(enrolment.observations) == 1
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
    assert [a for a in actions if "observation" in a] == [
        "certification.observation",
        "certification.observation",
        "certification.observation_delete",
    ]
    assert {"certification.observation", "certification.observation_delete"} <= set(ACTION_LABELS)


def test_a_referential_without_the_rule_records_nothing(
    referentials, enrol_candidate, make_user, clock
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    with pytest.raises(services.CertificationError, match="ne prévoit pas"):
        record(enrolment, make_user(Role.ADMIN), clock)


def test_a_block_without_a_rule_or_of_another_certification_records_nothing(
    cqp, referentials, clock, make_user
):
    enrolment, expert, _second = cqp
    with pytest.raises(services.CertificationError, match="ne prévoit pas"):
        record(enrolment, expert, clock, code="B2")
    elsewhere = referentials["charge-clientele-particuliers"].blocks[0]
    with pytest.raises(services.CertificationError, match="ne prévoit pas"):
        observations.record_observation(
            enrolment, elsewhere, paris_day(clock()), "mail", False, "", expert, clock()
        )
    assert enrolment.observations == []


def test_each_block_counts_its_own_interviews_against_its_own_rule(cqp, clock, db):
    enrolment, expert, _second = cqp
    for n in range(5):
        record(enrolment, expert, clock, days_ago=n, channel="mail", code="B4")
    with pytest.raises(services.CertificationError, match="5 entretiens observés au plus"):
        record(enrolment, expert, clock, code="B4")
    # block 4's five do not count for block 1 or block 3, nor against their maximum or span
    record(enrolment, expert, clock, days_ago=0, code="B1")
    record(enrolment, expert, clock, days_ago=10, code="B3", simulated=True)
    db.session.commit()
    summaries = {o.block.code: o.summary for o in observations.observed_blocks(enrolment)}
    assert {code: s.count for code, s in summaries.items()} == {"B1": 1, "B3": 1, "B4": 5}
    assert summaries["B3"].simulated == 1 and summaries["B4"].span_days == 5
    shortfalls = {o.block.code: o.shortfall for o in observations.observed_blocks(enrolment)}
    assert shortfalls["B4"] is None
    assert "entre 3 et 5" in shortfalls["B1"] and "1 enregistré" in shortfalls["B1"]
    assert "ligne 49" in shortfalls["B3"]


def test_block_4_waits_for_five_interviews_on_one_channel(cqp, clock):
    enrolment, expert, _second = cqp
    prospection = block(enrolment, "B4").competencies[0]

    def evaluate_b4():
        services.record_evaluation(
            enrolment, prospection, expert, clock(), acquired=True, comment="Vu"
        )

    for n in range(4):
        record(enrolment, expert, clock, days_ago=n, channel="face_a_face", code="B4")
    with pytest.raises(
        services.CertificationError,
        match=r"demande 5 entretiens observés .*ligne 58.* 4 enregistré",
    ):
        evaluate_b4()
    record(enrolment, expert, clock, days_ago=4, channel="face_a_face", code="B4")
    evaluate_b4()  # one channel is enough: block 4 names none


# --- the grid waits for them ----------------------------------------------------------------


def test_the_grid_refuses_until_three_interviews_on_two_channels(cqp, clock, db):
    enrolment, expert, _second = cqp
    b1 = enrolment.certification.blocks[0].competencies[0]
    b2 = enrolment.certification.blocks[1].competencies[0]

    def evaluate_b1():
        services.record_evaluation(enrolment, b1, expert, clock(), acquired=True, comment="Vu")

    with pytest.raises(services.CertificationError, match=r"entre 3 et 5 .* 0 enregistré"):
        evaluate_b1()
    services.record_evaluation(enrolment, b2, expert, clock(), acquired=True)  # no rule there
    today, *_ = [record(enrolment, expert, clock, days_ago=n, simulated=n == 1) for n in range(3)]
    with pytest.raises(services.CertificationError, match=r"cadres différents .* 1 enregistré"):
        evaluate_b1()
    observations.delete_observation(enrolment, today, expert, clock())
    record(enrolment, expert, clock, channel="face_a_face")
    evaluate_b1()
    summary = observations.summary_of(enrolment, block(enrolment))
    assert (summary.count, summary.simulated, len(summary.channels)) == (3, 1, 2)


def test_a_capitalised_block_keeps_its_observations(client, cqp, clock, db):
    enrolment, expert, second = cqp
    for n, channel in enumerate(("telephone", "tchat", "mail")):
        record(enrolment, expert, clock, days_ago=n, channel=channel)
    b1 = enrolment.certification.blocks[0]
    for evaluator in (expert, second):
        for competency in b1.competencies:
            services.record_evaluation(
                enrolment, competency, evaluator, clock(), acquired=True, comment="Vu"
            )
    db.session.commit()
    deliberate(enrolment.certification, expert, clock())
    db.session.commit()
    assert enrolment.is_capitalised(b1.id)
    with pytest.raises(services.CertificationError, match=r"bloc B1, évalué .* capitalisé"):
        observations.delete_observation(enrolment, enrolment.observations[0], expert, clock())
    with pytest.raises(services.CertificationError, match=r"bloc B1, évalué .* capitalisé"):
        record(enrolment, expert, clock, channel="face_a_face")  # nor does one get added
    # through the screen: the page comes back with the reason, announced first
    logged_in(client, expert.email)
    refused = client.post(
        deletion_of(enrolment.observations[0]),
        data={"csrf_token": form_token(client, page_of(enrolment))},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in html
    assert "La suppression est refusée" in html and "capitalisé" in html
    # another block's observations still change
    workstation = record(enrolment, expert, clock, code="B3")
    observations.delete_observation(enrolment, workstation, expert, clock())
    assert len(enrolment.observations) == 3
    [b1_observed] = [o for o in observations.observed_blocks(enrolment) if o.block.code == "B1"]
    assert b1_observed.capitalised and b1_observed.shortfall is None


# --- the screens ----------------------------------------------------------------------------


def page_of(enrolment, code="B1") -> str:
    return f"/certifications/inscriptions/{enrolment.id}/observations/{code}"


def deletion_of(observation) -> str:
    return (
        f"/certifications/inscriptions/{observation.enrolment_id}/observations/"
        f"{observation.id}/suppression"
    )


def test_the_grid_says_up_front_what_is_missing_then_offers_the_form(client, cqp, clock, db):
    enrolment, expert, _second = cqp
    db.session.commit()
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    logged_in(client, expert.email)
    html = client.get(grid).get_data(as_text=True)
    assert "La grille attend les entretiens observés" in html
    assert "entre 3 et 5 entretiens observés" in html and "ligne 29" in html
    b1 = enrolment.certification.blocks[0].competencies[0]
    assert f'value="{b1.id}"' not in html
    response = evaluate(client, enrolment, b1, form_token(client, grid), outcome="acquired")
    assert response.status_code == 422
    assert 'href="#observations-attendues"' in response.get_data(as_text=True)
    for n, channel in enumerate(("telephone", "tchat", "mail")):
        record(enrolment, expert, clock, days_ago=n, channel=channel)
    db.session.commit()
    html = client.get(grid).get_data(as_text=True)
    assert f'value="{b1.id}"' in html
    assert "Bloc B1 :" not in html and "Bloc B3 :" in html and "Bloc B4 :" in html
    assert page_of(enrolment, "B3") in html and page_of(enrolment, "B4") in html
    response = evaluate(
        client, enrolment, b1, form_token(client, grid), outcome="acquired", comment="Vu"
    )
    assert response.status_code == 302


def test_the_page_records_lists_and_deletes(client, cqp, clock, db):
    enrolment, expert, _second = cqp
    db.session.commit()
    logged_in(client, expert.email)
    transcript = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert page_of(enrolment) in transcript and "Aucun entretien observé" in transcript
    html = client.get(page_of(enrolment)).get_data(as_text=True)
    assert "<legend>Canal de l&#39;entretien" in html or "<legend>Canal de l'entretien" in html
    token = form_token(client, page_of(enrolment))
    day = paris_day(clock())
    response = client.post(
        page_of(enrolment),
        data={
            "csrf_token": token,
            "observed_on": day.strftime("%d/%m/%Y"),
            "channel": "face_a_face",
            "simulated_difficult": "y",
            "description": "Client mécontent",
        },
    )
    assert response.status_code == 302
    html = client.get(page_of(enrolment)).get_data(as_text=True)
    assert "Face-à-face" in html and "Client mécontent" in html
    assert "simulé(s) : 1" in html
    transcript = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert "Client mécontent" in transcript
    observation = enrolment.observations[0]
    response = client.post(
        deletion_of(observation), data={"csrf_token": form_token(client, page_of(enrolment))}
    )
    assert response.status_code == 302 and response.location.endswith(page_of(enrolment))
    db.session.expire_all()
    assert enrolment.observations == []


def test_a_refused_form_comes_back_with_french_errors_and_what_was_typed(client, cqp, clock, db):
    enrolment, expert, _second = cqp
    db.session.commit()
    logged_in(client, expert.email)
    token = form_token(client, page_of(enrolment))
    tomorrow = paris_day(clock()) + timedelta(days=1)
    response = client.post(
        page_of(enrolment),
        data={
            "csrf_token": token,
            "observed_on": tomorrow.isoformat(),
            "channel": "pigeon",
            "description": "Gardé tel quel",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Le formulaire contient des erreurs" in html
    assert "postérieure à aujourd&#39;hui" in html or "postérieure à aujourd'hui" in html
    assert "Choisissez le canal" in html and 'value="Gardé tel quel"' in html
    assert tomorrow.isoformat() in html
    for n in range(2):
        record(enrolment, expert, clock, days_ago=n)
    db.session.commit()
    response = client.post(
        page_of(enrolment),
        data={
            "csrf_token": token,
            "observed_on": (paris_day(clock()) - timedelta(days=8)).isoformat(),
            "channel": "mail",
        },
    )
    assert response.status_code == 422
    assert "la période couvrirait 9 jours" in response.get_data(as_text=True)


def test_csrf_roles_and_the_designation_guard_the_page(client, cqp, clock, db, make_user):
    enrolment, expert, _second = cqp
    make_user(Role.JURY, email="autre@example.org")
    make_user(Role.ADMIN, email="admin@example.org")
    db.session.commit()
    data = {"observed_on": paris_day(clock()).isoformat(), "channel": "mail"}
    login(client, expert.email)
    assert client.post(page_of(enrolment), data={**data, "csrf_token": "faux"}).status_code == 400
    login(client, "cand@example.org")
    assert client.get(page_of(enrolment)).status_code == 403
    token = form_token(client, "/certifications")
    assert client.post(page_of(enrolment), data={**data, "csrf_token": token}).status_code == 403
    login(client, "autre@example.org")
    html = client.get(page_of(enrolment)).get_data(as_text=True)
    assert "vous n&#39;en faites pas partie" in html or "vous n'en faites pas partie" in html
    token = form_token(client, "/certifications")
    response = client.post(page_of(enrolment), data={**data, "csrf_token": token})
    assert response.status_code == 422 and enrolment.observations == []
    login(client, "admin@example.org")
    response = client.post(
        page_of(enrolment), data={**data, "csrf_token": form_token(client, page_of(enrolment))}
    )
    assert response.status_code == 302


def test_a_referential_without_observations_has_no_page(
    client, referentials, enrol_candidate, make_user, db
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    make_user(Role.ADMIN, email="admin@example.org")
    login(client, "admin@example.org")
    assert client.get(page_of(enrolment)).status_code == 404


def test_the_candidate_export_lists_the_observations(cqp, clock, db):
    enrolment, expert, _second = cqp
    record(enrolment, expert, clock, simulated=True)
    db.session.commit()
    data = export_user_data(enrolment.user, clock())
    [certification] = data["certifications"]
    [observed] = certification["observed_interviews"]
    assert observed["channel"] == "telephone" and observed["simulated_difficult"] is True
    assert observed["block"] == "B1"
    assert observed["description"] == "Accueil téléphonique"


def test_erasure_removes_the_descriptions_and_keeps_the_days(cqp, clock, db, make_user):
    enrolment, expert, _second = cqp
    record(enrolment, expert, clock)
    erase_user(enrolment.user, make_user(Role.ADMIN), "Demande du 04/12/2026", clock())
    db.session.commit()
    [observation] = enrolment.observations
    assert observation.description is None and observation.observed_on == paris_day(clock())


def test_each_observed_block_has_its_page_the_index_leads_to_the_first(client, cqp, clock, db):
    enrolment, expert, _second = cqp
    db.session.commit()
    logged_in(client, expert.email)
    index = f"/certifications/inscriptions/{enrolment.id}/observations"
    response = client.get(index)
    assert response.status_code == 302 and response.location.endswith(page_of(enrolment, "B1"))
    assert client.get(page_of(enrolment, "B2")).status_code == 404  # no observation there
    assert client.get(page_of(enrolment, "B9")).status_code == 404
    html = client.get(page_of(enrolment, "B3")).get_data(as_text=True)
    assert "3 à 5 mises en situation sur poste de travail" in html  # the block's modality
    assert f'href="{page_of(enrolment, "B3")}" aria-current="page"' in html
    assert f'href="{page_of(enrolment, "B1")}"' in html and page_of(enrolment, "B4") in html
    response = client.post(
        page_of(enrolment, "B3"),
        data={
            "csrf_token": form_token(client, page_of(enrolment, "B3")),
            "observed_on": paris_day(clock()).isoformat(),
            "channel": "mail",
            "simulated_difficult": "y",
        },
    )
    assert response.status_code == 302
    assert response.location.endswith(page_of(enrolment, "B3"))
    [observation] = enrolment.observations
    assert observation.block.code == "B3" and observation.simulated_difficult
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.observation")
    ).scalar_one()
    assert event.details["block"] == "B3"
    b1_page = client.get(page_of(enrolment, "B1")).get_data(as_text=True)
    assert f"observation-{observation.id}" not in b1_page
    transcript = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert 'id="observations-B3"' in transcript and f"observation-{observation.id}" in transcript


def test_an_interview_evaluations_rest_on_stays_while_the_rule_needs_it(cqp, clock, db):
    """Before: deleting one of the three interviews after the grid left block 1 validated, then
    capitalised, on two interviews (exploratory test of 04/12/2026)."""
    enrolment, expert, _second = cqp
    for n, channel in enumerate(("telephone", "tchat", "mail")):
        record(enrolment, expert, clock, days_ago=n, channel=channel)
    competency = block(enrolment).competencies[0]
    services.record_evaluation(enrolment, competency, expert, clock(), acquired=True, comment="Vu")
    first = enrolment.observations[0]
    with pytest.raises(services.CertificationError, match="Enregistrez d'abord") as refused:
        observations.delete_observation(enrolment, first, expert, clock())
    assert "entre 3 et 5" in str(refused.value) and len(enrolment.observations) == 3
    record(enrolment, expert, clock, days_ago=1, channel="face_a_face")  # its replacement
    observations.delete_observation(enrolment, first, expert, clock())
    assert len(enrolment.observations) == 3


def test_a_capitalised_blocks_page_offers_neither_form_nor_deletion(client, cqp, clock, db):
    enrolment, expert, second = cqp
    for n, channel in enumerate(("telephone", "tchat", "mail")):
        record(enrolment, expert, clock, days_ago=n, channel=channel)
    for evaluator in (expert, second):
        for competency in block(enrolment).competencies:
            services.record_evaluation(
                enrolment, competency, evaluator, clock(), acquired=True, comment="Vu"
            )
    db.session.commit()
    deliberate(enrolment.certification, expert, clock())
    db.session.commit()
    logged_in(client, expert.email)
    html = client.get(page_of(enrolment)).get_data(as_text=True)
    assert "Le bloc est capitalisé" in html and "bloc capitalisé" in html
    assert "Supprimer l&#39;entretien" not in html and "Supprimer l'entretien" not in html
    assert 'name="observed_on"' not in html and "du bloc attend" not in html


def test_a_day_before_2000_is_refused_by_the_form(client, cqp, clock, db):
    enrolment, expert, _second = cqp
    db.session.commit()
    logged_in(client, expert.email)
    response = client.post(
        page_of(enrolment),
        data={
            "csrf_token": form_token(client, page_of(enrolment)),
            "observed_on": "04/11/1900",
            "channel": "telephone",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Indiquez une date à partir du 01/01/2000." in html
    assert "la période couvrirait" not in html
    assert enrolment.observations == []


def test_the_observations_page_holds_each_id_once(client, cqp, clock, db):
    """One delete form per interview, beside the recording form: no ``id="csrf_token"`` twice."""
    enrolment, expert, _second = cqp
    record(enrolment, expert, clock, days_ago=1)
    record(enrolment, expert, clock, days_ago=0, channel="face_a_face")
    db.session.commit()
    logged_in(client, expert.email)
    for page in (page_of(enrolment), f"/certifications/inscriptions/{enrolment.id}"):
        html = client.get(page).get_data(as_text=True)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert sorted(ids) == sorted(set(ids)), page
    assert client.get(page_of(enrolment)).get_data(as_text=True).count("/suppression") == 2
