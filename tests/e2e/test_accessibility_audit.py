"""axe-core on every main page: zero WCAG 2.1 A/AA violation; the results feed the declaration."""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from tests.e2e.axe import Audit
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect


def test_main_pages_have_no_wcag_violation(
    page, context, base_url, live_app, make_exam, make_user, axe_source
):
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    audit = Audit()
    exam = make_exam(extra=25)

    page.goto("/connexion")
    audit.check(page, axe_source, "Connexion", "/connexion")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".field-errors").first).to_be_visible()
    audit.check(page, axe_source, "Connexion (erreurs de saisie)", "/connexion")

    log_in(page, exam.email)
    expect(page.locator(".card")).to_contain_text("temps supplémentaire de 25 %")
    audit.check(page, axe_source, "Accueil du candidat", "/")

    page.goto(f"/sessions/{exam.session_id}")
    expect(page.locator(".facts")).to_contain_text("temps supplémentaire de 25 %")
    audit.check(page, axe_source, "Présentation d'une session", "/sessions/<id>")

    page.get_by_role("button", name="Commencer le questionnaire").click()
    expect(page.locator(".timer-value")).not_to_be_empty()
    audit.check(page, axe_source, "Question", "/copies/<id>/questions/<n>")

    page.locator('input[name="answer"]').first.check()
    page.get_by_role("button", name="Enregistrer et passer à la suivante").click()
    page.get_by_label("Marquer cette question pour la revoir").check()
    page.get_by_role("button", name="Enregistrer et aller à la revue").click()
    expect(page).to_have_title(re.compile("^Revue avant remise"))
    page.get_by_role("button", name="Remettre ma copie").click()
    expect(page.locator(".field-errors")).to_be_visible()
    audit.check(page, axe_source, "Revue avant remise", "/copies/<id>/revue")

    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Remettre ma copie").click()
    expect(page).to_have_title(re.compile("^Résultat"))
    audit.check(page, axe_source, "Résultat", "/copies/<id>/resultat")

    page.goto("/")
    expect(page.locator("table")).to_be_visible()
    audit.check(page, axe_source, "Accueil du candidat (résultats)", "/")

    staff = make_user(Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.JURY, name="Dominique Bernard")
    certification_id, enrolment_id = _certification_enrolment(live_app, exam.email, staff)
    for name, address, shown in CANDIDATE_PAGES:
        response = page.goto(address.format(enrolment_id=enrolment_id))
        assert response.status == 200, address
        audit.check(page, axe_source, name, shown)

    for name, address, status, shown in ERROR_PAGES:
        response = page.goto(address)
        assert response.status == status, address
        audit.check(page, axe_source, name, shown)

    _question_with_every_preference(context.browser, base_url, make_exam(), audit, axe_source)
    _empty_dashboard(context.browser, base_url, make_user(Role.CANDIDATE), audit, axe_source)
    # the CPNE reports leave training sessions out: theirs is a certification session, sat once
    reported = make_exam(certification=True, title="Fiscalité — session de certification")
    _sit_once(live_app, reported)
    addresses = {
        "session_id": reported.session_id,
        "certification_id": certification_id,
        "pending_id": _pending_deliberation(live_app, exam.email, staff),
        "observed_id": _observed_enrolment(live_app, exam.email, staff),
        "enrolment_id": enrolment_id,
        "user_id": exam.user_id,
    }
    _staff_pages(context.browser, base_url, staff, addresses, audit, axe_source)

    audit.write()
    assert not audit.violations, "\n".join(audit.violations)
    assert not csp_errors, csp_errors


def _question_with_every_preference(browser, base_url, exam, audit, axe_source) -> None:
    """Save every display preference through the form, then audit a question page."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, exam.email)
        page.get_by_role("link", name="Préférences d'affichage").click()
        for label in (
            "Agrandir le texte",
            "Contraste renforcé",
            "Réduire les animations",
            "Masquer le compte à rebours",
        ):
            page.get_by_label(label).check()
        page.get_by_role("button", name="Enregistrer mes préférences").click()
        expect(page.locator(".flash-success")).to_be_visible()
        font_size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert font_size == "20px"

        page.goto(f"/sessions/{exam.session_id}")
        page.get_by_role("button", name="Commencer le questionnaire").click()
        expect(page.locator("body")).to_have_class(re.compile("pref-hide-countdown"))
        expect(page.locator(".timer-end")).to_be_visible()
        expect(page.locator(".timer-live")).to_be_hidden()
        audit.check(
            page, axe_source, "Question (préférences d'affichage)", "/copies/<id>/questions/<n>"
        )
    finally:
        context.close()


def _empty_dashboard(browser, base_url, email, audit, axe_source) -> None:
    """The home page of a candidate enrolled nowhere (the empty state)."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, email)
        audit.check(page, axe_source, "Accueil du candidat (aucune session)", "/")
    finally:
        context.close()


ERROR_PAGES = [  # (name, address, status, address as published), seen by the candidate
    ("Page introuvable", "/copies/999999/resultat", 404, "/copies/<id>/resultat"),
    ("Accès refusé", "/admin/", 403, "/admin/"),
]

CANDIDATE_PAGES = [  # (name, address, address as published in the audit)
    ("Préférences d'affichage", "/preferences-affichage", "/preferences-affichage"),
    ("Déclaration d'accessibilité", "/accessibilite", "/accessibilite"),
    (
        "Relevé de certification",
        "/certifications/inscriptions/{enrolment_id}",
        "/certifications/inscriptions/<id>",
    ),
    ("Mes données", "/mes-donnees", "/mes-donnees"),
    ("Changer de mot de passe", "/mot-de-passe", "/mot-de-passe"),
    ("Politique de confidentialité", "/confidentialite", "/confidentialite"),
]

STAFF_PAGES = [
    ("Banques de questions", "/banques/", "/banques/"),
    ("Atelier : liste des items", "/atelier/", "/atelier/"),
    ("Atelier : nouvel item", "/atelier/items/nouveau?theme=fiscalite", "/atelier/items/nouveau"),
    ("Atelier : fiche d'un item", "/atelier/items/TST-0001", "/atelier/items/<item>"),
    (
        "Atelier : modifier un item",
        "/atelier/items/TST-0001/modifier",
        "/atelier/items/<item>/modifier",
    ),
    ("Rapports psychométriques", "/rapports/", "/rapports/"),
    ("Rapport d'une session", "/rapports/sessions/{session_id}", "/rapports/sessions/<id>"),
    (
        "Seuil Angoff : panels",
        "/rapports/sessions/{session_id}/angoff",
        "/rapports/sessions/<id>/angoff",
    ),
    ("Rapport de période", "/rapports/periode", "/rapports/periode"),
    ("Atelier : à revalider", "/atelier/a-revalider", "/atelier/a-revalider"),
    ("Atelier : références modifiées", "/atelier/references", "/atelier/references"),
    ("Items à revoir", "/statistiques/a-revoir", "/statistiques/a-revoir"),
    ("Statistiques d'un item", "/statistiques/items/TST-0001", "/statistiques/items/<item>"),
    ("Import et export", "/echanges/", "/echanges/"),
    ("Administration", "/admin/", "/admin/"),
    ("Administration : questionnaires", "/admin/questionnaires", "/admin/questionnaires"),
    (
        "Administration : nouveau questionnaire",
        "/admin/questionnaires/nouveau",
        "/admin/questionnaires/nouveau",
    ),
    ("Administration : sessions", "/admin/sessions", "/admin/sessions"),
    ("Administration : une session", "/admin/sessions/{session_id}", "/admin/sessions/<id>"),
    ("Administration : comptes", "/admin/utilisateurs", "/admin/utilisateurs"),
    (
        "Administration : nouveau compte",
        "/admin/utilisateurs/nouveau",
        "/admin/utilisateurs/nouveau",
    ),
    (
        "Administration : modifier une session",
        "/admin/sessions/{session_id}/modifier",
        "/admin/sessions/<id>/modifier",
    ),
    ("Administration : un compte", "/admin/utilisateurs/{user_id}", "/admin/utilisateurs/<id>"),
    ("Incidents", "/admin/incidents", "/admin/incidents"),
    (
        "Incidents : temps supplémentaire d'une session",
        "/admin/incidents/sessions/{session_id}",
        "/admin/incidents/sessions/<id>",
    ),
    ("Sessions (suivi)", "/gestion/sessions", "/gestion/sessions"),
    ("Banques : un thème", "/banques/fiscalite", "/banques/<thème>"),
    ("Banques : un item", "/banques/items/TST-0001", "/banques/items/<item>"),
    ("Journal d'audit", "/admin/journal", "/admin/journal"),
    ("Effacement RGPD", "/admin/rgpd/effacement", "/admin/rgpd/effacement"),
    ("Certifications", "/certifications", "/certifications"),
    (
        "Référentiel",
        "/certifications/{certification_id}/referentiel",
        "/certifications/<id>/referentiel",
    ),
    (
        "Candidats d'une certification",
        "/certifications/{certification_id}/candidats",
        "/certifications/<id>/candidats",
    ),
    (
        "Grille d'évaluation du jury",
        "/certifications/inscriptions/{enrolment_id}/evaluation",
        "/certifications/inscriptions/<id>/evaluation",
    ),
    (
        "Délibération de la CPNE",
        "/certifications/{certification_id}/deliberation",
        "/certifications/<id>/deliberation",
    ),
    (
        "Délibération : confirmation (date et membres du jury)",
        "/certifications/{pending_id}/deliberation/confirmer",
        "/certifications/<id>/deliberation/confirmer",
    ),
    (
        "Relevé de certification (jury)",
        "/certifications/inscriptions/{enrolment_id}",
        "/certifications/inscriptions/<id>",
    ),
    (
        "Entretiens observés (référentiel 003, bloc 1)",
        "/certifications/inscriptions/{observed_id}/observations/B1",
        "/certifications/inscriptions/<id>/observations/B1",
    ),
]

STAFF_FORMS_WITH_ERRORS = [  # (name, address, submit button, address as published)
    (
        "Administration : nouveau compte (erreurs de saisie)",
        "/admin/utilisateurs/nouveau",
        "Enregistrer",
        "/admin/utilisateurs/nouveau",
    ),
    (
        "Délibération : confirmation (erreurs de saisie)",
        "/certifications/{pending_id}/deliberation/confirmer",
        "Confirmer",
        "/certifications/<id>/deliberation/confirmer",
    ),
    (
        "Détermination du seuil : nouveau panel (erreurs de saisie)",
        "/rapports/sessions/{session_id}/angoff",
        "Créer le panel",
        "/rapports/sessions/<id>/angoff",
    ),
    (
        "Entretiens observés (erreurs de saisie)",
        "/certifications/inscriptions/{observed_id}/observations/B3",
        "Enregistrer l'entretien observé",
        "/certifications/inscriptions/<id>/observations/B3",
    ),
    (
        "Effacement RGPD (erreurs de saisie)",
        "/admin/rgpd/effacement",
        "Effacer (pseudonymiser) le compte",
        "/admin/rgpd/effacement",
    ),
]


def _sit_once(live_app, exam) -> None:
    """The exam's candidate starts, answers the first question and hands in the copy."""
    from questionnaire.attempts.services import save_response, start_attempt, submit_attempt
    from questionnaire.auth.services import find_user_by_email
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import Enrolment
    from questionnaire.extensions import db

    with live_app.app_context():
        enrolment = db.session.execute(
            db.select(Enrolment).where(
                Enrolment.session_id == exam.session_id,
                Enrolment.user_id == find_user_by_email(exam.email).id,
            )
        ).scalar_one()
        attempt, _ = start_attempt(enrolment, now_utc(), 0)
        first = attempt.items[0]
        save_response(attempt, first, [first.option_order[0]], None, now_utc(), 0)
        submit_attempt(attempt, now_utc(), 0)
        db.session.commit()


def _certification_enrolment(live_app, candidate_email: str, staff_email: str) -> tuple[int, int]:
    """Load the shipped referentials and register the candidate to seed 000's certification,
    with an accommodation that replaces a questionnaire (its line, its deletion button, the
    grid's adapted competency are audited with the pages)."""
    from questionnaire.auth.services import find_user_by_email
    from questionnaire.certification.loader import DATA_PATH, load_referentials
    from questionnaire.certification.models import ModalityKind
    from questionnaire.certification.services import add_accommodation, ensure_enrolment
    from questionnaire.clock import now_utc
    from questionnaire.extensions import db

    with live_app.app_context():
        load_referentials(DATA_PATH, now_utc())
        staff = find_user_by_email(staff_email)
        enrolment = ensure_enrolment(
            "charge-clientele-particuliers", find_user_by_email(candidate_email), staff, now_utc()
        )
        if not enrolment.accommodations:
            add_accommodation(
                enrolment,
                "Questions lues à voix haute, réponses orales.",
                staff,
                now_utc(),
                replaced_theme="reglementation",
                replacement=ModalityKind.EPREUVE_ORALE,
            )
        db.session.commit()
        return enrolment.certification_id, enrolment.id


def _pending_deliberation(live_app, candidate_email: str, staff_email: str) -> int:
    """Seed 002 (declared jury seats) with a block validated by the jury and not yet capitalised,
    so the deliberation's confirmation page shows its form."""
    from questionnaire.auth.services import find_user_by_email
    from questionnaire.certification.services import ensure_enrolment, record_evaluation
    from questionnaire.clock import now_utc
    from questionnaire.extensions import db

    with live_app.app_context():
        jury = find_user_by_email(staff_email)
        enrolment = ensure_enrolment(
            "cqp-charge-clientele-professionnels",
            find_user_by_email(candidate_email),
            jury,
            now_utc(),
        )
        for competency in enrolment.certification.blocks[0].competencies:
            if competency.is_jury_evaluated:
                record_evaluation(enrolment, competency, jury, now_utc(), acquired=True)
        db.session.commit()
        return enrolment.certification_id


def _observed_enrolment(live_app, candidate_email: str, staff_email: str) -> int:
    """Seed 003, whose blocks 1, 3 and 4 are evaluated on observed interviews: one already
    recorded for block 1."""
    from questionnaire.auth.services import find_user_by_email
    from questionnaire.certification.models import ObservationChannel
    from questionnaire.certification.observations import record_observation
    from questionnaire.certification.services import ensure_enrolment
    from questionnaire.clock import now_utc, paris_day
    from questionnaire.extensions import db

    with live_app.app_context():
        staff = find_user_by_email(staff_email)
        enrolment = ensure_enrolment(
            "cqp-charge-accueil-relation-clients-adherents",
            find_user_by_email(candidate_email),
            staff,
            now_utc(),
        )
        record_observation(
            enrolment,
            enrolment.certification.blocks[0],
            paris_day(now_utc()),
            ObservationChannel.TELEPHONE.value,
            False,
            "",
            staff,
            now_utc(),
        )
        db.session.commit()
        return enrolment.id


def _staff_pages(browser, base_url, email, addresses, audit, axe_source) -> None:
    """Authoring, bank and report pages, seen by a user holding every staff role."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, email)
        for name, address, shown in STAFF_PAGES:
            response = page.goto(address.format(**addresses))
            assert response.status == 200, address
            audit.check(page, axe_source, name, shown)
        for name, address, button, shown in STAFF_FORMS_WITH_ERRORS:
            page.goto(address.format(**addresses))
            page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
            page.get_by_role("button", name=button).click()
            expect(page.locator(".field-errors").first).to_be_visible()
            audit.check(page, axe_source, name, shown)
        _deliberation_correction(page, addresses["pending_id"], audit, axe_source)
        _angoff_summary(page, addresses["session_id"], audit, axe_source)
    finally:
        context.close()


def _angoff_summary(page, session_id, audit, axe_source) -> None:
    """Create an Angoff panel through its form: its summary, seen by its facilitator (the
    judges' list, the form naming more)."""
    page.goto(f"/rapports/sessions/{session_id}/angoff")
    page.get_by_label("Intitulé du panel").fill("Panel de l'audit")
    page.get_by_role("group", name=re.compile("Juges du panel")).get_by_role(
        "checkbox"
    ).first.check()
    page.get_by_role("button", name="Créer le panel").click()
    expect(page.get_by_role("heading", name="Juges du panel")).to_be_visible()
    audit.check(
        page,
        axe_source,
        "Détermination du seuil : synthèse d'un panel (animateur)",
        "/rapports/angoff/<id>",
    )


def _deliberation_correction(page, certification_id, audit, axe_source) -> None:
    """Record the pending deliberation through its form, then correct its composition."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shown = "/certifications/<id>/deliberations/<n>/composition"
    page.goto(f"/certifications/{certification_id}/deliberation/confirmer")
    page.locator("#held_on").fill(datetime.now(ZoneInfo("Europe/Paris")).date().isoformat())
    for row, name in enumerate(("Sophie Salairée", "Éric Employeur", "Paule Permanente")):
        page.locator(f"#members-{row}-name").fill(name)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.get_by_role("link", name="Corriger la composition").first.click()
    expect(page.locator("#members-0-name")).to_have_value("Sophie Salairée")
    audit.check(page, axe_source, "Délibération : corriger la composition du jury", shown)
    page.locator("#members-1-name").fill("")
    page.get_by_role("button", name="Corriger la composition").click()
    expect(page.locator(".field-errors").first).to_be_visible()
    audit.check(
        page, axe_source, "Délibération : corriger la composition (erreurs de saisie)", shown
    )
