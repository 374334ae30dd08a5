"""The journal names designated evaluators by their account and current name, in French."""

from __future__ import annotations

from questionnaire.audit.services import record
from questionnaire.auth.models import Role
from tests.conftest import login


def test_designated_evaluators_read_as_named_accounts(client, make_user, db, clock):
    admin = make_user(Role.ADMIN)
    expert = make_user(Role.JURY, name="Éva Experte")
    second = make_user(Role.JURY, name="Sam Second")
    leaving = make_user(Role.JURY, name="Léo Parti")
    record(
        "certification.evaluators",
        clock(),
        details={
            "expert_habilite": expert.id,
            "responsable_pedagogique": second.id,
            "replaced_evaluators": [leaving.id, 9999],
        },
    )
    record("certification.evaluators", clock(), details={"evaluators": [expert.id, second.id]})
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/journal?action=certification.evaluators").get_data(as_text=True)
    n = "n°\u00a0"
    assert (
        f"Expert « habilité » : Éva Experte (compte {n}{expert.id}) ; "
        f"Responsable pédagogique : Sam Second (compte {n}{second.id}) ; "
        f"Évaluateurs remplacés : Léo Parti (compte {n}{leaving.id}), Compte {n}9999"
    ) in page
    assert (
        f"Évaluateurs désignés : Éva Experte (compte {n}{expert.id}), "
        f"Sam Second (compte {n}{second.id})"
    ) in page
    assert "comptes n°" not in page and "expert_habilite" not in page
