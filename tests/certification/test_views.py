"""Certification screens through the test client: access control, forms, exports, full path."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from questionnaire.auth.models import Role, User
from questionnaire.certification import services
from questionnaire.certification.models import CertificationEnrolment, JuryEvaluation
from tests.certification.test_deliberation import deliberate
from tests.certification.test_services import observe_interviews
from tests.conftest import form_token, login


def logged_in(client, email: str):
    """The client, now logged in as ``email`` (one client: the test holds one app context)."""
    login(client, email)
    return client


@pytest.fixture
def setup(referentials, enrol_candidate, make_user):
    """Seed 000 with two registered candidates, two jury members and an administrator."""
    certification = referentials["charge-clientele-particuliers"]
    mine = enrol_candidate(certification, make_user(Role.CANDIDATE, email="cand@example.org"))
    other = enrol_candidate(certification, make_user(Role.CANDIDATE, email="autre@example.org"))
    make_user(Role.JURY, email="jury1@example.org", name="Jeanne Jury")
    make_user(Role.JURY, email="jury2@example.org", name="Paul Jury")
    make_user(Role.ADMIN, email="admin@example.org")
    return certification, mine, other


def evaluate(client, enrolment, competency, token, **fields):
    """Post one competency's line of the jury grid (``outcome``, ``score``, ``comment``)."""
    return client.post(
        f"/certifications/inscriptions/{enrolment.id}/evaluation",
        data={
            "csrf_token": token,
            "competency": competency.id,
            **{f"c{competency.id}-{k}": v for k, v in fields.items()},
        },
    )


def designate(client, enrolment, expert, second, quality, as_email=None):
    """Log in as ``expert`` (or ``as_email``) and designate the candidate's two evaluators."""
    login(client, as_email or expert.email)
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    return client.post(
        f"{transcript}/evaluateurs",
        data={
            "csrf_token": form_token(client, transcript),
            "expert": str(expert.id),
            "second": str(second.id),
            "second_quality": quality,
        },
    )


def one_member(token: str, held_on: str = "2026-03-02") -> dict:
    """The deliberation form of a referential that declares no composition: one member."""
    rows = {f"members-{row}-{field}": "" for row in range(6) for field in ("name", "account")}
    return {"csrf_token": token, "held_on": held_on, **rows, "members-0-name": "Claire Présidente"}


def urls(certification, enrolment, competency_id=1):
    return {
        "grid": f"/certifications/inscriptions/{enrolment.id}/evaluation",
        "evaluate": f"/certifications/inscriptions/{enrolment.id}/evaluation",
        "deliberation": f"/certifications/{certification.id}/deliberation",
        "csv": f"/certifications/{certification.id}/deliberation.csv",
        "xlsx": f"/certifications/{certification.id}/deliberation.xlsx",
        "candidates": f"/certifications/{certification.id}/candidats",
        "referential": f"/certifications/{certification.id}/referentiel",
    }


def test_anonymous_users_are_sent_to_login(client, setup):
    _certification, mine, _ = setup
    for url in ("/certifications", f"/certifications/inscriptions/{mine.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert (
            "/login" in response.headers["Location"] or "connexion" in response.headers["Location"]
        )


def test_a_candidate_sees_only_their_own_transcript(client, setup):
    _certification, mine, other = setup
    login(client, "cand@example.org")
    page = client.get("/certifications").get_data(as_text=True)
    assert f"/certifications/inscriptions/{mine.id}" in page
    assert f"/certifications/inscriptions/{other.id}" not in page
    own = client.get(f"/certifications/inscriptions/{mine.id}")
    assert own.status_code == 200
    assert "C22 (B3.6)" in own.get_data(as_text=True)
    assert "Fiscalité : à réussir" in own.get_data(as_text=True)
    assert client.get(f"/certifications/inscriptions/{other.id}").status_code == 404
    assert client.get(f"/certifications/inscriptions/{other.id}/attestation.pdf").status_code == 404
    assert client.get("/certifications/inscriptions/999/attestation.pdf").status_code == 404


def test_jury_screens_are_refused_to_candidates(client, setup):
    certification, mine, _ = setup
    login(client, "cand@example.org")
    for url in urls(certification, mine).values():
        assert client.get(url).status_code in (403, 405), url
    token = form_token(client, f"/certifications/inscriptions/{mine.id}")
    response = client.post(
        urls(certification, mine)["evaluate"],
        data={"csrf_token": token, "competency": 1, "c1-outcome": "acquired"},
    )
    assert response.status_code == 403


def test_the_evaluation_grid_is_for_jury_members_only(client, setup):
    certification, mine, _ = setup
    admin = logged_in(client, "admin@example.org")
    assert admin.get(urls(certification, mine)["grid"]).status_code == 403
    assert admin.get(urls(certification, mine)["deliberation"]).status_code == 200
    login(client, "jury1@example.org")
    page = client.get(urls(certification, mine)["grid"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "C1 (B1.1)" in html and "Mon évaluation de C1 (B1.1)" in html
    assert "Compétence évaluée uniquement par questionnaire thématique." in html  # C21


def test_jury_records_an_evaluation_and_bad_input_redisplays(client, setup, db):
    certification, mine, _ = setup
    c1 = certification.competencies[0]
    login(client, "jury1@example.org")
    token = form_token(client, urls(certification, mine)["grid"])
    url = urls(certification, mine, c1.id)["evaluate"]
    bad = client.post(
        url, data={"csrf_token": token, "competency": c1.id, f"c{c1.id}-comment": "sans décision"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Indiquez si la compétence est acquise." in html
    assert f'aria-describedby="c{c1.id}-outcome-errors"' in html
    good = client.post(
        url,
        data={
            "csrf_token": token,
            "competency": c1.id,
            f"c{c1.id}-outcome": "acquired",
            f"c{c1.id}-comment": "Clair",
        },
    )
    assert good.status_code == 302
    evaluation = db.session.execute(select(JuryEvaluation)).scalar_one()
    assert (evaluation.acquired, evaluation.comment) == (True, "Clair")
    page = client.get(urls(certification, mine)["grid"]).get_data(as_text=True)
    assert "Jeanne Jury" in page and "Clair" in page


def test_evaluation_post_without_csrf_is_refused(client, setup, db):
    certification, mine, _ = setup
    c1 = certification.competencies[0]
    login(client, "jury1@example.org")
    response = client.post(
        urls(certification, mine, c1.id)["evaluate"],
        data={"competency": c1.id, f"c{c1.id}-outcome": "acquired"},
    )
    assert response.status_code == 400
    assert db.session.execute(select(JuryEvaluation)).first() is None


def test_evaluating_a_competency_of_another_certification_is_404(client, setup, referentials):
    certification, mine, _ = setup
    foreign = referentials["titre-charge-clientele"].competencies[0]
    login(client, "jury1@example.org")
    token = form_token(client, urls(certification, mine)["grid"])
    response = client.post(
        urls(certification, mine, foreign.id)["evaluate"],
        data={"csrf_token": token, "competency": foreign.id, f"c{foreign.id}-score": "3"},
    )
    assert response.status_code == 404


def test_register_a_candidate_by_email(client, setup, make_user, db):
    certification, _, _ = setup
    newcomer = make_user(Role.CANDIDATE, email="nouveau@example.org")
    login(client, "jury1@example.org")
    url = f"/certifications/{certification.id}/candidats"
    token = form_token(client, url)
    unknown = client.post(url, data={"csrf_token": token, "email": "personne@example.org"})
    assert unknown.status_code == 422
    malformed = client.post(url, data={"csrf_token": token, "email": "pas une adresse"})
    assert malformed.status_code == 422
    assert "Aucun compte candidat ne correspond à cette adresse." in unknown.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "email": "nouveau@example.org"})
    assert done.status_code == 302
    enrolment = db.session.execute(
        select(CertificationEnrolment).where(CertificationEnrolment.user_id == newcomer.id)
    ).scalar_one()
    assert enrolment.certification_id == certification.id


def test_accommodations_are_recorded_and_shown_to_the_jury(client, setup, make_session, db):
    certification, mine, _ = setup
    make_session(candidate=mine.user, extra=50)
    login(client, "jury1@example.org")
    transcript = f"/certifications/inscriptions/{mine.id}"
    token = form_token(client, transcript)
    url = f"/certifications/inscriptions/{mine.id}/amenagements"
    empty = client.post(url, data={"csrf_token": token, "description": ""})
    assert empty.status_code == 422
    assert "Décrivez l&#39;aménagement." in empty.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "description": "Tiers temps à l'oral"})
    assert done.status_code == 302
    grid = client.get(urls(certification, mine)["grid"]).get_data(as_text=True)
    assert "Tiers temps à l&#39;oral" in grid
    assert "50 % de temps supplémentaire" in grid


def test_deliberation_exports_csv_and_xlsx(client, setup, make_user, clock, db):
    certification, mine, other = setup
    other.user.display_name = '=HYPERLINK("x")'
    jury = db.session.execute(select(User).where(User.email == "jury1@example.org")).scalar_one()
    for competency in certification.blocks[0].competencies:
        services.record_evaluation(mine, competency, jury, clock(), acquired=True)
    db.session.commit()
    login(client, "jury2@example.org")
    page = client.get(urls(certification, mine)["deliberation"]).get_data(as_text=True)
    assert "validé" in page and "en attente" in page
    response = client.get(urls(certification, mine)["csv"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Candidat;Adresse électronique;B1 : statut;B1 : date de validation")
    row = next(line for line in lines if "cand@example.org" in line).split(";")
    assert row[2:5] == ["validé", clock().strftime("%d/%m/%Y"), ""]  # not deliberated yet
    assert row[5] == "en attente"
    assert any(line.startswith("'=HYPERLINK") or line.startswith("\"'=HYPERLINK") for line in lines)
    xlsx = client.get(urls(certification, mine)["xlsx"])
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Candidat", "Adresse électronique", "B1 : statut"]
    assert [r[2] for r in rows if r[1] == "cand@example.org"] == ["validé"]
    # the name as typed, in a text cell: shown, never run as a formula
    names = [
        row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == other.user.display_name
    ]
    assert len(names) == 1 and names[0].data_type == "s"


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages, as a reader copies it (the fonts are embedded subsets, whose
    content streams hold glyph numbers, not letters)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_prose(data: bytes) -> str:
    """The PDF's text with its wrapped lines joined."""
    return " ".join(pdf_text(data).split())


def test_attestation_lists_only_the_blocks_the_deliberation_capitalised(
    client, setup, clock, db, pass_theme
):
    certification, mine, _ = setup
    jury = db.session.execute(select(User).where(User.email == "jury1@example.org")).scalar_one()
    for competency in certification.blocks[1].competencies:
        if competency.is_jury_evaluated:
            services.record_evaluation(mine, competency, jury, clock(), acquired=True)
    db.session.commit()
    login(client, "cand@example.org")
    before = client.get(f"/certifications/inscriptions/{mine.id}/attestation.pdf")
    assert before.headers["Content-Type"] == "application/pdf"
    assert before.get_data().startswith(b"%PDF-")
    before_text = pdf_text(before.get_data())
    assert "Aucun bloc" in before_text
    assert "B2" not in before_text.splitlines()  # C9 awaits its questionnaire
    clock.advance(days=3)
    passed_on = clock()
    pass_theme(mine.user, "fiscalite")
    # computed as validated, not yet deliberated: not attested, only counted as provisional
    computed_lines = pdf_text(
        client.get(f"/certifications/inscriptions/{mine.id}/attestation.pdf").get_data()
    )
    computed = " ".join(computed_lines.split())
    assert "B2" not in computed_lines.splitlines() and "Aucun bloc" in computed
    assert "sous réserve de la délibération du jury" in computed
    transcript = client.get(f"/certifications/inscriptions/{mine.id}").get_data(as_text=True)
    assert "résultat provisoire, sous réserve de la délibération du jury" in transcript
    clock.advance(days=2)
    deliberate(certification, jury, clock())
    db.session.commit()
    text = pdf_text(
        client.get(f"/certifications/inscriptions/{mine.id}/attestation.pdf").get_data()
    )
    blocks = {line for line in text.splitlines() if line in ("B1", "B2", "B3")}
    assert blocks == {"B2"}  # the block code cell of the attested blocks' table
    assert passed_on.strftime("%d/%m/%Y") in text and "provisoire" not in text


def test_the_attestation_prints_the_name_as_typed(client, referentials, enrol_candidate, make_user):
    # Helvetica (Windows-1252) printed « Candidat : Nguy■n Th■ Dvo■ák ■ukasz » on the attestation
    name = "Nguyễn Thị Hằng Dvořák-Łukasz Ștefan"
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(
        certification, make_user(Role.CANDIDATE, email="nguyen@example.org", name=name)
    )
    login(client, "nguyen@example.org")
    text = pdf_prose(
        client.get(f"/certifications/inscriptions/{enrolment.id}/attestation.pdf").get_data()
    )
    assert f"Candidat : {name} (nguyen@example.org)" in text
    assert "\u25a0" not in text


def test_a_failed_questionnaire_reads_not_acquired_on_the_transcript(
    client, setup, clock, pass_theme
):
    _, mine, _ = setup
    failed_on = clock()
    pass_theme(mine.user, "reglementation", passed=False)
    login(client, "cand@example.org")
    page = client.get(f"/certifications/inscriptions/{mine.id}").get_data(as_text=True)
    assert (
        "non acquis (questionnaire échoué le "
        f"{failed_on.strftime('%d/%m/%Y')}, nouvelle tentative possible)" in page
    )
    assert "à réussir" in page  # the themes never sat stay to pass


def test_an_incomplete_referential_says_so_on_the_transcript_and_the_attestation(
    client, referentials, enrol_candidate, make_user, clock, db
):
    certification = referentials["titre-charge-clientele"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="c@example.org"))
    jury = make_user(Role.JURY, email="j@example.org")
    for competency in certification.competencies:
        services.record_evaluation(enrolment, competency, jury, clock(), grid_score=3)
    deliberate(certification, jury, clock())
    db.session.commit()
    login(client, "c@example.org")
    page = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert "référentiel incomplet : titre non délivrable par la plateforme" in page
    assert "obtenu le" not in page
    text = pdf_prose(
        client.get(f"/certifications/inscriptions/{enrolment.id}/attestation.pdf").get_data()
    )
    assert "titre non délivrable par la plateforme" in text and "obtenu" not in text
    assert "Bloc 3" in text and "Bloc 1" not in text


def test_certification_path_with_two_jury_members(
    client, referentials, enrol_candidate, make_user, db, clock
):
    """Seed 003: two evaluators must agree; a disagreement is flagged, then resolved."""
    certification = referentials["cqp-charge-accueil-relation-clients-adherents"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="c@example.org"))
    j1 = make_user(Role.JURY, email="j1@example.org")
    j2 = make_user(Role.JURY, email="j2@example.org")
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    deliberation = f"/certifications/{certification.id}/deliberation"
    disputed = certification.competencies[0]
    designate(client, enrolment, j1, j2, "expert_interne")
    observe_interviews(enrolment, j1, clock)
    db.session.commit()

    def evaluate_everything(email, disputed_outcome):
        logged_in(client, email)
        token = form_token(client, grid)
        for competency in certification.competencies:
            outcome = disputed_outcome if competency.id == disputed.id else "acquired"
            response = evaluate(
                client,
                enrolment,
                competency,
                token,
                outcome=outcome,
                comment="Observé sur quatre entretiens.",
            )
            assert response.status_code == 302

    evaluate_everything("j1@example.org", "acquired")
    page = logged_in(client, "c@example.org").get(f"/certifications/inscriptions/{enrolment.id}")
    assert "obtenu le" not in page.get_data(as_text=True)
    evaluate_everything("j2@example.org", "not_acquired")
    page = logged_in(client, "j1@example.org").get(deliberation).get_data(as_text=True)
    assert "désaccord des évaluateurs" in page and disputed.code in page
    transcript_url = f"/certifications/inscriptions/{enrolment.id}"
    jury_transcript = client.get(transcript_url).get_data(as_text=True)
    assert "désaccord des évaluateurs" in jury_transcript
    # the candidate reads a decision still to come, not the jury's disagreement
    own = logged_in(client, "c@example.org").get(transcript_url).get_data(as_text=True)
    assert "désaccord" not in own
    assert 'class="status status-pending">en attente<' in own
    logged_in(client, "j2@example.org")
    token = form_token(client, grid)
    evaluate(
        client,
        enrolment,
        disputed,
        token,
        outcome="acquired",
        comment="Revu après l'entretien complémentaire.",
    )
    page = client.get(deliberation).get_data(as_text=True)
    assert "<strong>délivré</strong>" in page and "désaccord des évaluateurs" not in page
    transcript = (
        logged_in(client, "c@example.org")
        .get(f"/certifications/inscriptions/{enrolment.id}")
        .get_data(as_text=True)
    )
    # computed, not deliberated: a provisional result, not a title obtained
    assert "obtenu le" not in transcript
    assert "résultat provisoire, sous réserve de la délibération du jury" in transcript
    logged_in(client, "j1@example.org")
    assert (
        client.post(
            deliberation, data=one_member(form_token(client, f"{deliberation}/confirmer"))
        ).status_code
        == 302
    )
    transcript = (
        logged_in(client, "c@example.org")
        .get(f"/certifications/inscriptions/{enrolment.id}")
        .get_data(as_text=True)
    )
    assert "obtenu le" in transcript and "provisoire" not in transcript


def test_grid_scored_certification_takes_a_0_to_4_score(
    client, referentials, enrol_candidate, make_user, db
):
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification)
    make_user(Role.JURY, email="grille@example.org")
    first = certification.competencies[0]
    login(client, "grille@example.org")
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    html = client.get(grid).get_data(as_text=True)
    # the seed names 0 and 4 only; the platform's threshold (2) is marked, 1 and 3 stay bare
    assert "4 — expert" in html and "0 — non acquis" in html
    assert "2 — seuil d&#39;acquisition" in html and ">3</label>" in html
    assert "(80 %)" in html and "(20 %)" in html
    token = form_token(client, grid)
    response = evaluate(client, enrolment, first, token, score="3", comment="Solide")
    assert response.status_code == 302
    evaluation = db.session.execute(select(JuryEvaluation)).scalar_one()
    assert (evaluation.grid_score, evaluation.acquired, evaluation.comment) == (3, None, "Solide")
    for bad in ("7", "-1", "trois"):
        out_of_range = evaluate(client, enrolment, first, token, score=bad, comment="À garder")
        assert out_of_range.status_code == 422
        html = out_of_range.get_data(as_text=True)
        # the interface is French, never WTForms' « Not a valid choice. »; the comment is kept
        assert "Choisissez une note de 0 à 4." in html and "Not a valid choice" not in html
        assert "À garder</textarea>" in html
    assert db.session.execute(select(JuryEvaluation)).scalar_one().grid_score == 3


def test_an_unknown_binary_outcome_is_refused_in_french(client, setup, db):
    certification, mine, _ = setup
    c1 = certification.competencies[0]
    login(client, "jury1@example.org")
    token = form_token(client, urls(certification, mine)["grid"])
    response = client.post(
        urls(certification, mine, c1.id)["evaluate"],
        data={
            "csrf_token": token,
            "competency": c1.id,
            f"c{c1.id}-outcome": "peut-être",
            f"c{c1.id}-comment": "Noté",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Indiquez si la compétence est acquise." in html and "Not a valid choice" not in html
    assert "Noté</textarea>" in html
    assert db.session.execute(select(JuryEvaluation)).first() is None


def test_jury_attests_a_prerequisite_from_the_transcript(
    client, referentials, enrol_candidate, make_user, db
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="p@example.org"))
    make_user(Role.JURY, email="amf@example.org")
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    url = f"{transcript}/prerequis/{certification.prerequisites[0].id}"
    login(client, "p@example.org")
    page = client.get(transcript).get_data(as_text=True)
    assert "non attesté" in page and url not in page
    field = f"p{certification.prerequisites[0].id}-met_on"
    token = form_token(client, transcript)
    assert client.post(url, data={"csrf_token": token, field: "2026-03-01"}).status_code == 403
    login(client, "amf@example.org")  # a new session, a new CSRF token
    page = client.get(transcript).get_data(as_text=True)
    assert re.search(rf'<label for="{field}">Date à laquelle le prérequis a été rempli', page)
    assert re.search(r'type="date"[^>]*max="2026-03-02"|max="2026-03-02"[^>]*type="date"', page)
    token = form_token(client, transcript)
    # today is 2 March 2026 (Paris): the day after is refused, on the page, in French
    for typed, message in (
        ("", "Indiquez la date à laquelle le prérequis a été rempli."),
        ("2026-03-03", "ne peut pas être postérieure à aujourd&#39;hui"),
        ("1999-12-31", "Indiquez une date à partir du 01/01/2000."),
    ):
        refused = client.post(url, data={"csrf_token": token, field: typed})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and 'class="error-summary"' in html, typed
        assert message in html and f'id="{field}-errors"' in html, typed
        assert "<title>Erreur" in html
    db.session.refresh(enrolment)
    assert enrolment.prerequisite_records == []
    response = client.post(url, data={"csrf_token": token, field: "2026-02-20"})
    assert response.status_code == 302
    db.session.refresh(enrolment)
    assert [(r.prerequisite.code, r.met_on) for r in enrolment.prerequisite_records] == [
        ("amf", date(2026, 2, 20))
    ]
    shown = client.get(transcript).get_data(as_text=True)
    assert "rempli le 20/02/2026 (attesté le 02/03/2026 par" in shown
    # sent again from a page left open (the form is gone now): the refusal is said on the page
    # that shows the attestation, whatever the date typed, instead of a 422 with no message
    for typed in ("2026-02-21", "2026-03-03", ""):
        again = client.post(url, data={"csrf_token": token, field: typed})
        assert again.status_code == 302, typed
        page = client.get(again.headers["Location"]).get_data(as_text=True)
        assert "Ce prérequis est déjà attesté : rien n&#39;a été changé." in page, typed
    db.session.refresh(enrolment)
    assert [r.met_on for r in enrolment.prerequisite_records] == [date(2026, 2, 20)]


def test_recording_the_deliberation_capitalises_blocks(client, setup, clock, db):
    certification, mine, _ = setup
    jury = db.session.execute(select(User).where(User.email == "jury1@example.org")).scalar_one()
    for competency in certification.blocks[0].competencies:
        services.record_evaluation(mine, competency, jury, clock(), acquired=True)
    db.session.commit()
    url = f"/certifications/{certification.id}/deliberation"
    login(client, "cand@example.org")
    assert (
        client.post(url, data={"csrf_token": form_token(client, "/certifications")}).status_code
        == 403
    )
    login(client, "jury2@example.org")
    response = client.post(url, data=one_member(form_token(client, f"{url}/confirmer")))
    assert response.status_code == 302
    db.session.refresh(mine)
    assert [v.block.code for v in mine.block_validations] == ["B1"]
    assert "capitalisé" in client.get(url).get_data(as_text=True)
    grid = client.get(f"/certifications/inscriptions/{mine.id}/evaluation").get_data(as_text=True)
    assert "Bloc capitalisé par la délibération" in grid


def test_a_comment_is_required_where_the_referential_demands_one(
    client, referentials, enrol_candidate, make_user, db, clock
):
    """Seed 003, blocks 1 and 4: « Ils doivent apporter des précisions » (2 and 3: « peuvent »)."""
    certification = referentials["cqp-charge-accueil-relation-clients-adherents"]
    enrolment = enrol_candidate(certification)
    j1 = make_user(Role.JURY, email="j1@example.org")
    designate(client, enrolment, j1, make_user(Role.JURY), "responsable_pedagogique")
    observe_interviews(enrolment, j1, clock)
    db.session.commit()
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    html = client.get(grid).get_data(as_text=True)
    assert html.count("(obligatoire : précisez les compétences mises en œuvre)") == sum(
        len(block.competencies) for block in certification.blocks if block.code in ("B1", "B4")
    )
    token = form_token(client, grid)
    b1 = certification.blocks[0].competencies[0]
    response = evaluate(client, enrolment, b1, token, outcome="acquired", comment="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Le référentiel demande un commentaire" in html
    assert re.search(
        rf'id="c{b1.id}-outcome-0"[^>]*checked|checked[^>]*id="c{b1.id}-outcome-0"', html
    )
    assert db.session.execute(select(JuryEvaluation)).first() is None
    b2 = certification.blocks[1].competencies[0]
    response = evaluate(client, enrolment, b2, token, outcome="acquired")
    assert response.status_code == 302


def test_a_refused_evaluation_stays_on_the_grid_with_a_focused_error_summary(client, setup, db):
    """The grid's own address, « Erreur : » title, summary first and focused, typed text kept."""
    certification, mine, _ = setup
    c1 = certification.competencies[0]
    login(client, "jury1@example.org")
    grid = urls(certification, mine)["grid"]
    page = client.get(grid).get_data(as_text=True)
    assert f'action="{grid}"' in page and f'name="competency" value="{c1.id}"' in page
    response = evaluate(client, mine, c1, form_token(client, grid), comment="Gardé tel quel")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<title>\s*Erreur : Grille d", html)
    content = html[html.index('id="contenu"') :]
    summary = re.search(r'<div class="error-summary"[^>]*>', content)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert summary.start() < content.index("<h1")
    assert f'href="#c{c1.id}-outcome-0"' in html and f'id="c{c1.id}-outcome-0"' in html
    assert f"{c1.code} — Décision : Indiquez si la compétence est acquise." in html
    assert "Gardé tel quel</textarea>" in html
    assert db.session.execute(select(JuryEvaluation)).first() is None
    good = evaluate(client, mine, c1, form_token(client, grid), outcome="acquired")
    assert good.status_code == 302
    assert good.headers["Location"].endswith(f"/evaluation#competence-{c1.id}")


def test_a_refused_evaluation_keeps_the_chosen_grid_score(
    client, referentials, enrol_candidate, make_user, db
):
    certification = referentials["conseiller-clientele-professionnelle"]
    enrolment = enrol_candidate(certification)
    make_user(Role.JURY, email="grille@example.org")
    first = certification.competencies[0]
    login(client, "grille@example.org")
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    response = evaluate(
        client, enrolment, first, form_token(client, grid), score="3", comment="x" * 4001
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(
        rf'id="c{first.id}-score-3"[^>]*checked|checked[^>]*id="c{first.id}-score-3"', html
    )
    assert f'href="#c{first.id}-comment"' in html


def test_recording_the_deliberation_is_confirmed_first_with_what_it_capitalises(
    client, setup, clock, db
):
    """One click capitalised every candidate's blocks: now a page says how many, then asks."""
    certification, mine, other = setup
    jury = db.session.execute(select(User).where(User.email == "jury1@example.org")).scalar_one()
    for enrolment in (mine, other):
        for competency in certification.blocks[0].competencies:
            services.record_evaluation(enrolment, competency, jury, clock(), acquired=True)
    db.session.commit()
    url = f"/certifications/{certification.id}/deliberation"
    login(client, "jury2@example.org")
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}"' not in page and f'href="{url}/confirmer"' in page
    confirm = client.get(f"{url}/confirmer")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "<title>Enregistrer la délibération ?" in html
    assert "2 bloc(s) validé(s) de 2 candidat(s) seront capitalisés" in html
    assert f'<form method="post" action="{url}"' in html and 'name="csrf_token"' in html
    assert ">Confirmer<" in html and f'href="{url}">Annuler</a>' in html
    db.session.refresh(mine)
    assert mine.block_validations == []  # asking records nothing
    client.post(url, data=one_member(form_token(client, f"{url}/confirmer")))
    db.session.refresh(mine)
    assert [v.block.code for v in mine.block_validations] == ["B1"]
    after = client.get(f"{url}/confirmer").get_data(as_text=True)
    assert "y a rien à enregistrer" in after and f'action="{url}"' not in after


def test_the_transcript_holds_each_id_once_with_several_accommodations(client, setup, db):
    """Each delete button's form and the add form carry their token without an id: a page
    repeating ``id="csrf_token"`` is invalid HTML (RGAA 8.2) and confuses assistive tools."""
    _certification, mine, _ = setup
    login(client, "jury1@example.org")
    transcript = f"/certifications/inscriptions/{mine.id}"
    url = f"{transcript}/amenagements"
    for description in ("Tiers temps à l'oral", "Salle au rez-de-chaussée"):
        token = form_token(client, transcript)
        assert (
            client.post(url, data={"csrf_token": token, "description": description}).status_code
            == 302
        )
    html = client.get(transcript).get_data(as_text=True)
    assert html.count("/suppression") == 2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))


def test_a_deactivated_account_is_not_registered(client, setup, make_user, db, clock):
    """A session refuses to enrol a closed account (« aucun compte candidat actif »); the
    certification registered it, a file then kept for someone who cannot log in."""
    from questionnaire.admin.services import update_user
    from questionnaire.certification.services import enrolments_in

    certification, _, _ = setup
    gone = make_user(Role.CANDIDATE, email="parti@example.org", name="Paul Parti")
    admin = make_user(Role.ADMIN, email="chef@example.org")
    update_user(
        gone,
        admin,
        display_name=gone.display_name,
        roles=[Role.CANDIDATE],
        active=False,
        now=clock(),
    )
    db.session.commit()
    login(client, "jury1@example.org")
    url = f"/certifications/{certification.id}/candidats"
    refused = client.post(
        url, data={"csrf_token": form_token(client, url), "email": "parti@example.org"}
    )
    assert refused.status_code == 422
    assert (
        "Le compte de parti@example.org est désactivé : réactivez-le (Administration, Comptes) "
        "avant de l&#39;inscrire." in refused.get_data(as_text=True)
    )
    assert gone.id not in [e.user_id for e in enrolments_in(certification)]
