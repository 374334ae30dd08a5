"""A jury member enrolled as a candidate reads their own record as any candidate does."""

from __future__ import annotations

from questionnaire.auth.models import Role
from questionnaire.certification import services
from tests.conftest import form_token, login

PRIVATE_A = "Entretien convaincant, selon Jeanne."
PRIVATE_B = "Argumentaire trop faible, selon Paul."


def test_a_juror_candidate_sees_neither_the_disagreement_nor_the_grid_of_their_candidacy(
    client, db, clock, referentials, enrol_candidate, make_user
):
    certification = referentials["charge-clientele-particuliers"]
    juror = make_user(Role.JURY, Role.CANDIDATE, email="jc@example.org")
    own = enrol_candidate(certification, juror)
    jeanne = make_user(Role.JURY, email="jeanne@example.org")
    paul = make_user(Role.JURY, email="paul@example.org")
    competency = certification.competencies[0]
    services.record_evaluation(own, competency, jeanne, clock(), acquired=True, comment=PRIVATE_A)
    services.record_evaluation(own, competency, paul, clock(), acquired=False, comment=PRIVATE_B)
    db.session.commit()
    transcript = f"/certifications/inscriptions/{own.id}"
    grid = f"{transcript}/evaluation"

    login(client, "paul@example.org")
    assert "désaccord des évaluateurs" in client.get(transcript).get_data(as_text=True)

    login(client, "jc@example.org")
    page = client.get(transcript).get_data(as_text=True)
    # the disagreement is the jury's business until the deliberation: a decision still to come
    assert "désaccord" not in page
    assert 'class="status status-pending">en attente<' in page
    assert grid not in page  # no link to the jury's grid of their own candidacy
    response = client.get(grid)
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert PRIVATE_A not in text and PRIVATE_B not in text
    assert "propre candidature" in text
    # a post to the grid's address is refused the same way, without showing the evaluations
    token = form_token(client, "/certifications")
    response = client.post(
        grid,
        data={
            "csrf_token": token,
            "competency": competency.id,
            f"c{competency.id}-outcome": "acquired",
            f"c{competency.id}-comment": "",
        },
    )
    assert response.status_code == 403
    assert PRIVATE_B not in response.get_data(as_text=True)
    # the jury's view of other candidates is unchanged
    other = enrol_candidate(certification)
    assert client.get(f"/certifications/inscriptions/{other.id}/evaluation").status_code == 200


def test_the_deliberation_shows_a_juror_candidate_their_own_row_as_a_candidate(
    client, db, clock, referentials, enrol_candidate, make_user
):
    import csv
    import io

    certification = referentials["charge-clientele-particuliers"]
    juror = make_user(Role.JURY, Role.CANDIDATE, email="jc@example.org", name="Juré Candidat")
    own = enrol_candidate(certification, juror)
    other = enrol_candidate(certification, make_user(Role.CANDIDATE, name="Autre Candidat"))
    jeanne = make_user(Role.JURY, email="jeanne@example.org")
    paul = make_user(Role.JURY, email="paul@example.org")
    competency = certification.competencies[0]
    for enrolment in (own, other):
        services.record_evaluation(enrolment, competency, jeanne, clock(), acquired=True)
        services.record_evaluation(enrolment, competency, paul, clock(), acquired=False)
    db.session.commit()
    deliberation = f"/certifications/{certification.id}/deliberation"

    def disputed_rows(email: str) -> tuple[dict[str, str], str]:
        login(client, email)
        export = client.get(f"{deliberation}.csv").get_data().decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(export), delimiter=";"))
        column = header.index("Compétences en désaccord")
        return {row[0]: row[column] for row in rows}, client.get(deliberation).get_data(True)

    disputed, page = disputed_rows("paul@example.org")
    assert disputed == {"Autre Candidat": competency.code, "Juré Candidat": competency.code}
    assert page.count('class="status status-disagreement"') >= 2
    disputed, page = disputed_rows("jc@example.org")
    assert disputed == {"Autre Candidat": competency.code, "Juré Candidat": ""}
    own_row = page[page.index("Juré Candidat") :].split("</tr>")[0]
    assert "disagreement" not in own_row and "désaccord" not in own_row
    other_row = page[page.index("Autre Candidat") :].split("</tr>")[0]
    assert f'class="status status-disagreement">{competency.code}<' in other_row
