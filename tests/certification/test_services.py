"""Services: registration, evaluations, questionnaire passes and transcripts from the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.models import AttemptStatus
from questionnaire.auth.models import Role
from questionnaire.certification import exports, observations, services
from questionnaire.certification.deliberation import DeliberationRefused
from questionnaire.certification.models import EvaluatorQuality, JuryEvaluation
from questionnaire.certification.rules import Status
from questionnaire.clock import paris_day
from tests.certification.test_deliberation import deliberate


def competency(certification, prefix: str):
    return next(c for c in certification.competencies if c.code.split(" ")[0] == prefix)


def observe_interviews(enrolment, recorder, clock):
    """Seed 003: the observed interviews each block's grid waits for (its minimum, on as many
    days and channels), once."""
    if enrolment.observations:
        return
    day = paris_day(clock())
    for observed in observations.observed_blocks(enrolment):
        channels = ("telephone", "tchat", "face_a_face", "mail", "autre")[: observed.rule.min]
        for n, channel in enumerate(channels):
            observations.record_observation(
                enrolment,
                observed.block,
                day - timedelta(days=n),
                channel,
                n == 0,
                "",
                recorder,
                clock(),
            )


def evaluate_all(enrolment, jury, clock, *, except_codes=(), **outcome):
    """The jury member evaluates every jury-evaluated competency of the certification."""
    observe_interviews(enrolment, jury, clock)
    for item in enrolment.certification.competencies:
        if item.is_jury_evaluated and item.code.split(" ")[0] not in except_codes:
            services.record_evaluation(
                enrolment, item, jury, clock(), comment="Observé en entretien.", **outcome
            )


def test_register_candidate_by_email(referentials, make_user, clock, db):
    certification = referentials["charge-clientele-particuliers"]
    admin = make_user(Role.ADMIN)
    candidate = make_user(Role.CANDIDATE, email="Marie@Example.org")
    enrolment = services.register_candidate(certification, " marie@example.org ", admin, clock())
    assert enrolment.user_id == candidate.id and enrolment.registered_by_id == admin.id
    with pytest.raises(services.CertificationError, match="déjà inscrit"):
        services.register_candidate(certification, "marie@example.org", admin, clock())
    with pytest.raises(services.CertificationError, match="Aucun compte candidat"):
        services.register_candidate(certification, "inconnu@example.org", admin, clock())
    author = make_user(Role.AUTHOR)
    with pytest.raises(services.CertificationError, match="Aucun compte candidat"):
        services.register_candidate(certification, author.email, admin, clock())
    # the demo's idempotent registration finds the existing enrolment instead of refusing it
    again = services.ensure_enrolment(certification.slug, candidate, admin, clock())
    assert again.id == enrolment.id
    other = make_user(Role.CANDIDATE)
    created = services.ensure_enrolment(certification.slug, other, admin, clock())
    assert created.id != enrolment.id and created.user_id == other.id


def test_a_comment_correction_keeps_the_block_validation_date(
    referentials, enrol_candidate, make_user, clock, db
):
    """Only a changed decision dates the evaluation: a typo fixed later moves no block date."""
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY)
    block = enrolment.certification.blocks[0]
    for item in block.competencies:
        services.record_evaluation(enrolment, item, jury, clock(), acquired=True, comment="Acquis")
    decided = clock()
    clock.advance(days=20)
    first = block.competencies[0]
    services.record_evaluation(enrolment, first, jury, clock(), acquired=True, comment="Acquis.")
    db.session.commit()
    result = services.transcript(enrolment).blocks[0]
    assert (result.status, result.validated_at) == (Status.VALIDATED, decided)
    mine = services.evaluations_by_competency(enrolment)[first.id][0]
    assert (mine.comment, mine.recorded_at) == ("Acquis.", decided)
    clock.advance(days=1)
    services.record_evaluation(enrolment, first, jury, clock(), acquired=False, comment="Non")
    services.record_evaluation(enrolment, first, jury, clock(), acquired=True, comment="Si")
    assert services.transcript(enrolment).blocks[0].validated_at == clock()


def test_evaluation_is_revised_in_place_by_the_same_member(
    referentials, enrol_candidate, make_user, clock, db
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY)
    c1 = competency(enrolment.certification, "C1")
    services.record_evaluation(enrolment, c1, jury, clock(), acquired=False, comment="À revoir")
    clock.advance(days=1)
    services.record_evaluation(enrolment, c1, jury, clock(), acquired=True, comment=" Acquis ")
    db.session.commit()
    rows = db.session.execute(select(JuryEvaluation)).scalars().all()
    assert [(r.acquired, r.comment, r.recorded_at) for r in rows] == [(True, "Acquis", clock())]


def test_evaluations_that_the_rules_refuse(referentials, enrol_candidate, make_user, clock):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY)
    c21 = competency(enrolment.certification, "C21")
    with pytest.raises(services.CertificationError, match="que par questionnaire"):
        services.record_evaluation(enrolment, c21, jury, clock(), acquired=True)
    other = referentials["titre-charge-clientele"].competencies[0]
    with pytest.raises(services.CertificationError, match="n'appartient pas"):
        services.record_evaluation(enrolment, other, jury, clock(), acquired=True)
    with pytest.raises(services.CertificationError, match="propre candidature"):
        services.record_evaluation(
            enrolment,
            competency(enrolment.certification, "C1"),
            enrolment.user,
            clock(),
            acquired=True,
        )
    with pytest.raises(services.CertificationError, match="acquise"):
        services.record_evaluation(
            enrolment, competency(enrolment.certification, "C1"), jury, clock()
        )


def test_grid_certification_needs_a_score_from_0_to_4(
    referentials, enrol_candidate, make_user, clock
):
    enrolment = enrol_candidate(referentials["titre-charge-clientele"])
    jury = make_user(Role.JURY)
    first = enrolment.certification.competencies[0]
    for bad in (None, 5, -1):
        with pytest.raises(services.CertificationError, match="note de 0 à 4"):
            services.record_evaluation(enrolment, first, jury, clock(), grid_score=bad)
    evaluation = services.record_evaluation(enrolment, first, jury, clock(), grid_score=3)
    assert (evaluation.grid_score, evaluation.acquired) == (3, None)


def test_only_final_attempts_count_and_the_first_pass_dates_the_theme(
    referentials, make_user, pass_theme, clock
):
    """A retake does not move the date a theme was acquired (its first pass)."""
    candidate = make_user()
    start = clock()
    pass_theme(candidate, "fiscalite", passed=True, at=start + timedelta(days=1))
    pass_theme(candidate, "fiscalite", passed=True, at=start + timedelta(days=5))
    pass_theme(candidate, "fiscalite", passed=False, at=start + timedelta(days=8))
    pass_theme(candidate, "rgpd", passed=False)
    pass_theme(candidate, "risques", status=AttemptStatus.IN_PROGRESS)
    expired = pass_theme(candidate, "reglementation", status=AttemptStatus.EXPIRED)
    passes = services.questionnaire_passes([candidate.id])[candidate.id]
    # an expired copy is dated at its deadline (when the candidate's time ended)
    assert passes == {"fiscalite": start + timedelta(days=1), "reglementation": expired.deadline}


def test_an_expired_copy_closed_late_by_the_cron_is_dated_at_its_deadline(
    referentials, make_user, pass_theme, db
):
    candidate = make_user()
    expired = pass_theme(candidate, "reglementation", status=AttemptStatus.EXPIRED)
    expired.submitted_at = expired.deadline + timedelta(days=1)
    db.session.commit()
    passes = services.questionnaire_passes([candidate.id])[candidate.id]
    assert passes == {"reglementation": expired.deadline}


def test_the_referentials_60_percent_applies_whatever_the_questionnaire_pass_mark(
    referentials, enrol_candidate, make_user, pass_theme, db
):
    """Seed 000: « 60 % de bonnes réponses au questionnaire »."""
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    # an administrator set 50 %: the attempt is flagged passed at 1/2, the referential says no
    lenient = pass_theme(enrolment.user, "fiscalite")
    lenient.score, lenient.max_score, lenient.pass_mark_bp = 1, 2, 5000
    # set at 70 %: 3/5 is flagged failed, the referential's 60 % is met
    strict = pass_theme(enrolment.user, "rgpd", passed=False)
    strict.score, strict.max_score, strict.pass_mark_bp = 3, 5, 7000
    db.session.commit()
    assert lenient.passed is True and strict.passed is False
    passes = services.questionnaire_passes([enrolment.user_id])[enrolment.user_id]
    assert passes == {"rgpd": strict.ended_at}
    c9 = competency(enrolment.certification, "C9")
    result = services.transcript(enrolment)
    c9_result = next(c for b in result.blocks for c in b.competencies if c.code == c9.code)
    assert c9_result.missing_themes == ("fiscalite",)


def test_a_retake_does_not_move_the_block_and_title_dates(
    referentials, enrol_candidate, make_user, pass_theme, clock, db
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    for theme in ("fiscalite", "risques", "reglementation", "rgpd"):
        pass_theme(enrolment.user, theme)
    clock.advance(days=1)
    evaluate_all(enrolment, make_user(Role.JURY), clock, acquired=True)
    db.session.commit()
    decided = clock()
    clock.advance(days=120)
    pass_theme(enrolment.user, "fiscalite")
    result = services.transcript(enrolment)
    assert result.status is Status.VALIDATED and result.validated_at == decided
    assert [b.validated_at for b in result.blocks] == [decided] * 3


def test_a_later_pass_completes_block_3(
    referentials, enrol_candidate, make_user, pass_theme, clock, db
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY)
    evaluate_all(enrolment, jury, clock, acquired=True)
    pass_theme(enrolment.user, "fiscalite")
    pass_theme(enrolment.user, "risques")
    pass_theme(enrolment.user, "rgpd")
    pass_theme(enrolment.user, "reglementation", passed=False)
    db.session.commit()
    result = services.transcript(enrolment)
    # a failed questionnaire is not acquired (not merely pending) until a retake passes
    assert [b.status for b in result.blocks] == [
        Status.VALIDATED,
        Status.VALIDATED,
        Status.NOT_VALIDATED,
    ]
    b3 = {c.code: c for c in result.blocks[2].competencies}
    assert b3["C21 (B3.5)"].status is Status.NOT_VALIDATED
    assert b3["C21 (B3.5)"].failed_at("reglementation") == clock()
    assert [c for c, r in b3.items() if r.status is Status.VALIDATED] == [
        "C17 (B3.1)",
        "C18 (B3.2)",
        "C19 (B3.3)",
        "C20 (B3.4)",
        "C22 (B3.6)",
    ]
    assert [b.code for b in result.validated_blocks] == ["B1", "B2"]
    clock.advance(days=30)
    pass_theme(enrolment.user, "reglementation")
    result = services.transcript(enrolment)
    assert result.blocks[2].status is Status.VALIDATED
    assert result.blocks[2].validated_at == clock()
    assert result.status is Status.VALIDATED and result.validated_at == clock()


def test_two_evaluators_must_agree_on_seed_003(referentials, enrol_candidate, make_user, clock, db):
    enrolment = enrol_candidate(referentials["cqp-charge-accueil-relation-clients-adherents"])
    first, second = make_user(Role.JURY), make_user(Role.JURY)
    services.designate_evaluators(
        enrolment, first, second, EvaluatorQuality.EXPERT_INTERNE, first, clock()
    )
    evaluate_all(enrolment, first, clock, acquired=True)
    db.session.commit()
    result = services.transcript(enrolment)
    assert {b.status for b in result.blocks} == {Status.PENDING}
    evaluate_all(enrolment, second, clock, except_codes=("B1.C2",), acquired=True)
    b1_c2 = competency(enrolment.certification, "B1.C2")
    services.record_evaluation(enrolment, b1_c2, second, clock(), acquired=False, comment="Non")
    db.session.commit()
    result = services.transcript(enrolment)
    assert [b.status for b in result.blocks] == [
        Status.DISAGREEMENT,
        Status.VALIDATED,
        Status.VALIDATED,
        Status.VALIDATED,
    ]
    assert result.disagreements == ("B1.C2",)
    clock.advance(hours=2)
    services.record_evaluation(enrolment, b1_c2, second, clock(), acquired=True, comment="Revu")
    result = services.transcript(enrolment)
    assert result.status is Status.VALIDATED and result.validated_at == clock()


def test_weighted_block_score_on_seed_001(referentials, enrol_candidate, make_user, clock):
    enrolment = enrol_candidate(referentials["conseiller-clientele-professionnelle"])
    jury = make_user(Role.JURY)
    scores = {"1a.1": 4, "1a.2": 3, "1a.3": 2, "1b.1": 2, "1b.2": 2, "1b.3": 2, "1b.4": 3}
    for item in enrolment.certification.blocks[0].competencies:
        services.record_evaluation(enrolment, item, jury, clock(), grid_score=scores[item.code])
    block = services.transcript(enrolment).blocks[0]
    # oral: mean(4, 3, 2) = 3; written: mean(2, 2, 2, 3) = 2.25 → 0.8 × 3 + 0.2 × 2.25 = 2.85
    assert float(block.weighted_score) == pytest.approx(2.85)
    assert block.status is Status.VALIDATED
    table = exports.deliberation_table(
        enrolment.certification, services.results_for(enrolment.certification, [enrolment])
    )
    assert table[0][2:5] == ["B1 : statut", "B1 : date de validation", "B1 : note pondérée"]
    assert table[1][2:5] == ["validé", clock().strftime("%d/%m/%Y"), "2,85 / 4"]


def test_deliberation_results_cover_every_registered_candidate(
    referentials, enrol_candidate, make_user, clock
):
    certification = referentials["charge-clientele-particuliers"]
    enrolments = [enrol_candidate(certification) for _ in range(3)]
    jury = make_user(Role.JURY)
    evaluate_all(enrolments[1], jury, clock, acquired=True)
    results = dict(services.results_for(certification, services.enrolments_in(certification)))
    assert set(results) == set(enrolments)
    assert [b.status for b in results[enrolments[0]].blocks] == [Status.PENDING] * 3
    assert [b.status for b in results[enrolments[1]].blocks] == [
        Status.VALIDATED,
        Status.PENDING,
        Status.PENDING,
    ]


def test_accommodations_are_recorded_and_exam_ones_are_found(
    referentials, enrol_candidate, make_user, make_session, clock, db
):
    from questionnaire.exams.models import Enrolment

    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury = make_user(Role.JURY)
    with pytest.raises(services.CertificationError):
        services.add_accommodation(enrolment, "   ", jury, clock())
    services.add_accommodation(enrolment, "Soutenance avec interprète LSF", jury, clock())
    session, _ = make_session(candidate=enrolment.user, extra=33)
    db.session.commit()
    assert [a.description for a in enrolment.accommodations] == ["Soutenance avec interprète LSF"]
    found = services.exam_accommodations(enrolment.user_id)
    assert [(e.session_id, e.extra_time_percent) for e in found] == [(session.id, 33)]
    assert isinstance(found[0], Enrolment)


def test_seed_002_title_needs_the_amf_prerequisite(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    assert [(p.code, p.label[:17]) for p in certification.prerequisites] == [
        ("amf", "Certification AMF")
    ]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    evaluate_all(enrolment, jury, clock, acquired=True)
    result = services.transcript(enrolment)
    assert len(result.validated_blocks) == 4
    assert result.status is Status.PENDING and result.missing_prerequisites == ("amf",)
    clock.advance(days=2)  # attested on 4 March 2026 at 9 h in Paris
    amf = certification.prerequisites[0]
    with pytest.raises(services.CertificationError, match="postérieure à aujourd'hui"):
        services.record_prerequisite(enrolment, amf, date(2026, 3, 5), jury, clock())
    with pytest.raises(services.CertificationError, match="à partir du 01/01/2000"):
        services.record_prerequisite(enrolment, amf, date(1999, 12, 31), jury, clock())
    # met the day before it is attested: the title is dated by that day, in Paris
    record = services.record_prerequisite(enrolment, amf, date(2026, 3, 3), jury, clock())
    db.session.commit()
    assert (record.met_on, record.recorded_at) == (date(2026, 3, 3), clock())
    result = services.transcript(enrolment)
    assert result.status is Status.VALIDATED
    assert result.validated_at == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    with pytest.raises(services.CertificationError, match="déjà attesté"):
        services.record_prerequisite(enrolment, amf, date(2026, 3, 3), jury, clock())


def test_a_prerequisite_met_before_the_blocks_leaves_the_title_dated_by_them(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    evaluate_all(enrolment, jury, clock, acquired=True)
    decided = clock()
    clock.advance(days=30)
    services.record_prerequisite(
        enrolment, certification.prerequisites[0], date(2025, 6, 1), jury, clock()
    )
    db.session.commit()
    result = services.transcript(enrolment)
    assert result.status is Status.VALIDATED and result.validated_at == decided


def test_deliberation_capitalises_validated_blocks_and_closes_their_evaluations(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    for item in certification.blocks[0].competencies:
        services.record_evaluation(enrolment, item, jury, clock(), acquired=True)
    validated_on = clock()
    clock.advance(days=7)
    recorded = deliberate(certification, jury, clock()).validations
    db.session.commit()
    assert [(v.block.code, v.validated_at, v.recorded_at) for v in recorded] == [
        ("B1", validated_on, clock())
    ]
    with pytest.raises(DeliberationRefused, match="rien à enregistrer"):  # idempotent
        deliberate(certification, jury, clock())
    with pytest.raises(services.CertificationError, match="capitalisé"):
        services.record_evaluation(
            enrolment, certification.blocks[0].competencies[0], jury, clock(), acquired=False
        )
    result = services.transcript(enrolment)
    assert result.blocks[0].capitalised and result.blocks[0].validated_at == validated_on
    services.record_evaluation(
        enrolment, certification.blocks[1].competencies[0], jury, clock(), acquired=True
    )


def test_blocks_requiring_a_comment_refuse_an_evaluation_without_one(
    referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["cqp-charge-accueil-relation-clients-adherents"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    services.designate_evaluators(
        enrolment, jury, make_user(Role.JURY), EvaluatorQuality.EXPERT_INTERNE, jury, clock()
    )
    b1, b2 = (block.competencies[0] for block in certification.blocks[:2])
    observe_interviews(enrolment, jury, clock)
    with pytest.raises(services.CertificationError, match="demande un commentaire"):
        services.record_evaluation(enrolment, b1, jury, clock(), acquired=True, comment=" ")
    services.record_evaluation(enrolment, b1, jury, clock(), acquired=True, comment="Précis")
    services.record_evaluation(enrolment, b2, jury, clock(), acquired=True)  # « peuvent »
    other = enrol_candidate(referentials["charge-clientele-particuliers"])
    jury_evaluated = next(c for c in other.certification.competencies if c.is_jury_evaluated)
    services.record_evaluation(other, jury_evaluated, jury, clock(), acquired=True)
    assert [b.code for b in certification.blocks if b.comments_required] == ["B1", "B4"]


def test_no_sitting_keeps_the_questionnaire_pending(
    referentials, enrol_candidate, make_user, clock
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    evaluate_all(enrolment, make_user(Role.JURY), clock, acquired=True)
    result = services.transcript(enrolment)
    c21 = next(c for c in result.blocks[2].competencies if c.code == "C21 (B3.5)")
    assert c21.status is Status.PENDING and c21.failed_themes == ()


def test_referential_004_is_incomplete_and_awards_no_title(
    referentials, enrol_candidate, make_user, clock, db
):
    """Seed 004 is an extract (B1A1 then B2A3): blocks 1 and 2 and the title are not awardable."""
    certification = referentials["titre-charge-clientele"]
    enrolment = enrol_candidate(certification)
    jury = make_user(Role.JURY)
    for item in certification.competencies:
        services.record_evaluation(enrolment, item, jury, clock(), grid_score=4)
    db.session.commit()
    result = services.transcript(enrolment)
    assert result.status is Status.INCOMPLETE and result.incomplete
    assert [b.status for b in result.blocks] == [
        Status.INCOMPLETE,
        Status.INCOMPLETE,
        Status.VALIDATED,
    ]
    recorded = deliberate(certification, jury, clock()).validations
    assert [v.block.code for v in recorded] == ["Bloc 3"]
    rows = exports.deliberation_table(
        certification, services.results_for(certification, [enrolment])
    )
    title_column = rows[0].index("Titre")
    assert rows[1][title_column] == "référentiel incomplet : titre non délivrable par la plateforme"


def test_the_weighted_score_waits_for_a_final_decision(
    referentials, enrol_candidate, make_user, clock, db
):
    """Seed 001: oral 80 %, written 20 %; a disputed score is no note of the block yet."""
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification)
    first, second = make_user(Role.JURY), make_user(Role.JURY)
    block = certification.blocks[0]
    for item in block.competencies:
        services.record_evaluation(enrolment, item, first, clock(), grid_score=3)
    db.session.commit()
    assert services.transcript(enrolment).blocks[0].weighted_score == 3
    # a second member scores one competency below the threshold: a disagreement
    services.record_evaluation(enrolment, block.competencies[0], second, clock(), grid_score=1)
    db.session.commit()
    disputed = services.transcript(enrolment).blocks[0]
    assert disputed.competencies[0].status is Status.DISAGREEMENT
    assert disputed.weighted_score is None
