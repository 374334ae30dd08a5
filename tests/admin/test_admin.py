"""Administrators' screens: questionnaires and blueprints, sessions and enrolment, users."""

import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from questionnaire.admin.forms import to_local
from questionnaire.auth.models import Role, User
from questionnaire.exams.models import (
    Enrolment,
    ExamSession,
    Questionnaire,
    ReleasePolicy,
    SessionPurpose,
)
from questionnaire.exams.services import correction_released
from tests.conftest import PASSWORD, form_token, login


def questionnaire_data(token, theme, **draws):
    data = {
        "csrf_token": token,
        "title": "Fiscalité — printemps",
        "item_count": "2",
        "duration_minutes": "30",
        "pass_mark": "60",
        "shuffle_items": "y",
        "shuffle_options": "y",
    }
    for topic in theme.topics:
        data[f"draw_{topic.id}"] = str(draws.get(topic.slug, 0))
    return data


def test_blueprint_editor_shows_counts_and_refuses_what_the_bank_cannot_fill(
    client, admin, loaded_bank, db
):
    theme = loaded_bank()  # alpha: 4 published, beta: 4 published
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r"Sujet alpha</label></th>\s*<td>4</td>", page)
    data = questionnaire_data(form_token(client, url), theme, alpha=5, beta=1)
    data["item_count"] = "6"
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # the topic is named as the editor shows it, not by its slug
    assert (
        "La banque ne peut pas remplir le plan : Sujet alpha (4 publié(s) pour 5 demandé(s))."
        in html
    )
    assert db.session.execute(select(Questionnaire)).first() is None
    assert "<title>Erreur : " in html and 'id="blueprint-error" tabindex="-1" autofocus' in html
    data["item_count"] = "3"
    response = client.post(url, data=data)
    assert "Le plan tire 6 items pour un questionnaire de 3." in response.get_data(as_text=True)
    data["title"] = ""  # a field error: the summary links to it and takes the focus
    html = client.post(url, data=data).get_data(as_text=True)
    assert "<title>Erreur : " in html
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus', html)
    assert '<a href="#title">' in html


def test_questionnaire_created_with_blueprint_and_pass_mark(client, admin, loaded_bank, db):
    theme = loaded_bank()
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    data = questionnaire_data(form_token(client, url), theme, alpha=1, beta=1)
    data["pass_mark"] = "62.5"
    assert client.post(url, data=data).status_code == 302
    questionnaire = db.session.execute(select(Questionnaire)).scalar_one()
    assert questionnaire.blueprint == {"alpha": 1, "beta": 1}
    assert questionnaire.pass_mark_bp == 6250


def test_questionnaire_with_attempts_cannot_change(client, admin, make_session, db, clock):
    from questionnaire.attempts.services import start_attempt

    session, _ = make_session()
    start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    url = f"/admin/questionnaires/{session.questionnaire.id}"
    assert "ne peut plus être modifié" in client.get(url).get_data(as_text=True)
    data = questionnaire_data(form_token(client, url), session.questionnaire.theme, alpha=1, beta=1)
    data["duration_minutes"] = "45"
    html = client.post(url, data=data).get_data(as_text=True)
    assert "Des candidats ont déjà composé" in html
    db.session.refresh(session.questionnaire)
    assert session.questionnaire.duration_minutes == 30


def new_session(
    client,
    existing,
    title,
    opens_at,
    closes_at,
    release_policy="after_close",
    purpose="certification",
):
    """Create a session of ``existing``'s questionnaire through the form."""
    url = "/admin/sessions/nouvelle"
    data = {
        "csrf_token": form_token(client, url),
        "questionnaire": str(existing.questionnaire.id),
        "title": title,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "release_policy": release_policy,
        "purpose": purpose,
    }
    return client.post(url, data=data)


def test_session_scheduled_in_paris_time(client, admin, make_session, db):
    existing, _ = make_session()
    response = new_session(
        client, existing, "Session de juin", "2026-06-10T09:00", "2026-06-10T12:00", "manual"
    )
    assert response.status_code == 302
    session = db.session.execute(
        select(ExamSession).where(ExamSession.title == "Session de juin")
    ).scalar_one()
    assert session.opens_at == datetime(2026, 6, 10, 7, 0, tzinfo=UTC)  # CEST = UTC+2
    assert session.release_policy is ReleasePolicy.MANUAL


def test_session_window_must_be_ordered(client, admin, make_session, db):
    existing, _ = make_session()
    html = new_session(
        client, existing, "À l'envers", "2026-06-10T12:00", "2026-06-10T09:00"
    ).get_data(as_text=True)
    assert "La clôture doit suivre l&#39;ouverture." in html
    assert 'aria-describedby="closes_at-errors"' in html


def upload(client, session, text, filename="inscrits.csv"):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def enrolled(db, session):
    return {
        e.user.email: e.extra_time_percent
        for e in db.session.execute(
            select(Enrolment).where(Enrolment.session_id == session.id)
        ).scalars()
    }


def test_csv_enrolment_is_all_or_nothing_with_line_numbers(
    client, admin, make_session, make_user, db
):
    session, first = make_session()
    make_user(email="alice@example.org")
    make_user(email="bob@example.org")
    make_user(Role.AUTHOR, email="auteur@example.org")
    text = (
        "email;temps supplémentaire;aménagement\n"
        "alice@example.org;33;tiers temps\n"
        "inconnu@example.org;0;\n"
        "bob@example.org;beaucoup;\n"
        "alice@example.org;0;\n"
        "auteur@example.org;0;\n"
    )
    response = upload(client, session, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ligne 3 : aucun compte candidat actif pour inconnu@example.org." in html
    assert "Ligne 4 : temps supplémentaire « beaucoup » : entier de 0 à 300 attendu." in html
    assert "Ligne 5 : alice@example.org figure déjà ligne 2." in html
    assert "Ligne 6 : aucun compte candidat actif pour auteur@example.org." in html
    assert enrolled(db, session) == {first.email: 0}


def test_csv_enrolment_enrols_everyone_with_accommodations(
    client, admin, make_session, make_user, db
):
    session, first = make_session()
    make_user(email="alice@example.org")
    make_user(email="bob@example.org")
    response = upload(client, session, "alice@example.org,33,tiers temps\nBob@Example.org,,\n")
    assert response.status_code == 302
    assert enrolled(db, session) == {first.email: 0, "alice@example.org": 33, "bob@example.org": 0}


def enrol_one(client, session, email, extra_time_percent):
    """Enrol one candidate from the session page; returns (page url, token, response)."""
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    response = client.post(
        f"{url}/inscriptions",
        data={"csrf_token": token, "email": email, "extra_time_percent": extra_time_percent},
    )
    return url, token, response


def test_enrol_one_and_edit_accommodation(client, admin, make_session, make_user, db):
    session, _ = make_session()
    make_user(email="carla@example.org")
    url, token, refused = enrol_one(client, session, "nobody@example.org", "0")
    assert refused.status_code == 422
    assert "Aucun compte candidat actif pour nobody@example.org." in refused.get_data(as_text=True)
    client.post(
        f"{url}/inscriptions",
        data={
            "csrf_token": token,
            "email": "carla@example.org",
            "extra_time_percent": "25",
            "note": "",
        },
    )
    assert enrolled(db, session)["carla@example.org"] == 25
    enrolment = session.enrolments[0]
    client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": token, "extra_time_percent": "50", "note": "ordinateur adapté"},
    )
    db.session.refresh(enrolment)
    assert (enrolment.extra_time_percent, enrolment.accommodation_note) == (50, "ordinateur adapté")


def test_close_now_and_publish_manual_correction(client, admin, make_session, db, clock):
    session, _ = make_session(release=ReleasePolicy.MANUAL)
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    clock.advance(minutes=10)
    client.post(f"{url}/cloturer", data={"csrf_token": token})
    assert "Publier la correction" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/publier-correction", data={"csrf_token": token})
    db.session.refresh(session)
    assert session.closes_at == clock()
    assert session.released_at == clock()
    assert correction_released(session, clock(), 0)
    again = client.post(f"{url}/cloturer", data={"csrf_token": token}, follow_redirects=True)
    assert "La session est déjà close." in again.get_data(as_text=True)


def new_user(client, **fields):
    """Submit the new-account form with ``fields``."""
    url = "/admin/utilisateurs/nouveau"
    return client.post(url, data={"csrf_token": form_token(client, url), **fields})


def edit_user(client, user, **fields):
    """Post the account form of ``user``; the page's HTML."""
    edit = f"/admin/utilisateurs/{user.id}"
    data = {"csrf_token": form_token(client, edit), "display_name": "Ada", **fields}
    return client.post(edit, data=data).get_data(as_text=True)


def test_users_created_edited_and_deactivated(client, admin, db):
    response = new_user(
        client,
        email="Nouvel.Auteur@example.org",
        display_name="Nouvel Auteur",
        roles=["author", "reviewer"],
        active="y",
        password=PASSWORD,
    )
    assert response.status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "nouvel.auteur@example.org")
    ).scalar_one()
    assert user.roles == {Role.AUTHOR, Role.REVIEWER}
    assert user.password_hash.startswith("$argon2")
    edit_user(client, user, display_name="Nouvel Auteur", roles=["author"])
    db.session.refresh(user)
    assert user.roles == {Role.AUTHOR} and not user.active
    other = client.application.test_client()
    refused = other.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 401


def test_admin_cannot_lock_themselves_out(client, admin, db):
    html = edit_user(client, admin, roles=["author"], active="y")
    assert "Vous ne pouvez pas retirer votre propre rôle" in html
    db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_short_password_refused(client, admin, db):
    html = new_user(
        client, email="x@example.org", display_name="X", roles=["candidate"], password="court"
    ).get_data(as_text=True)
    assert "12 caractères au moins." in html
    assert db.session.execute(select(User).where(User.email == "x@example.org")).first() is None


ADMIN_URLS = (
    "/admin/",
    "/admin/questionnaires",
    "/admin/questionnaires/nouveau",
    "/admin/sessions",
    "/admin/sessions/nouvelle",
    "/admin/utilisateurs",
    "/admin/utilisateurs/nouveau",
)


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.REVIEWER, Role.CANDIDATE, Role.JURY])
def test_only_administrators_reach_admin_screens(client, make_user, role):
    login(client, make_user(role).email)
    for url in ADMIN_URLS:
        assert client.get(url).status_code == 403, url


def test_pages_render_for_an_administrator(client, admin, make_session):
    session, _ = make_session()
    for url in (
        *ADMIN_URLS,
        f"/admin/sessions/{session.id}",
        f"/admin/sessions/{session.id}/modifier",
    ):
        assert client.get(url).status_code == 200, url


def test_csv_header_without_delimiter_and_semicolon_lines(
    client, admin, make_session, make_user, db
):
    session, _ = make_session()
    make_user(email="dina@example.org")
    response = upload(client, session, "email\ndina@example.org;x\n")
    assert "Ligne 2 : temps supplémentaire « x » : entier de 0 à 300 attendu." in response.get_data(
        as_text=True
    )


def test_unenrol_only_before_the_candidate_starts(client, admin, make_session, db, clock):
    from questionnaire.attempts.services import start_attempt

    session, candidate = make_session()
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    enrolment = session.enrolments[0]
    start_attempt(enrolment, clock(), 30)
    db.session.commit()
    refused = client.post(
        f"{url}/inscriptions/{enrolment.id}/supprimer",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Le candidat a déjà commencé" in refused.get_data(as_text=True)
    assert enrolled(db, session) == {candidate.email: 0}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Entre 1 et 100 %."),
        ("101", "Entre 1 et 100 %."),
        ("abc", "Indiquez un nombre, par exemple 60 ou 62,5."),
        ("NaN", "Indiquez un nombre, par exemple 60 ou 62,5."),
    ],
)
def test_pass_mark_out_of_range_is_refused_beside_its_field(
    client, admin, loaded_bank, db, typed, message
):
    theme = loaded_bank()
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    data = questionnaire_data(form_token(client, url), theme, alpha=1, beta=1)
    data["pass_mark"] = typed
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="pass_mark-errors">\s*<li>' + re.escape(message), html)
    assert db.session.execute(select(Questionnaire)).first() is None


def test_pass_mark_typed_with_a_decimal_comma(client, admin, loaded_bank, db):
    theme = loaded_bank()
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    data = questionnaire_data(form_token(client, url), theme, alpha=1, beta=1)
    data["pass_mark"] = "62,5"
    assert client.post(url, data=data).status_code == 302
    assert db.session.execute(select(Questionnaire)).scalar_one().pass_mark_bp == 6250


def test_extra_time_out_of_range_is_refused_not_a_server_error(
    client, admin, make_session, make_user, db
):
    session, candidate = make_session()
    make_user(email="carla@example.org")
    url, token, refused = enrol_one(client, session, "carla@example.org", "301")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'id="extra_time_percent-errors">\s*<li>Entre 0 et 300 %\.', html)
    enrolment = session.enrolments[0]
    updated = client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": token, "extra_time_percent": "301"},
    )
    assert updated.status_code == 422
    assert re.search(
        rf'id="extra-{enrolment.id}-errors"><li>Entre 0 et 300 %\.', updated.get_data(as_text=True)
    )
    assert enrolled(db, session) == {candidate.email: 0}


@pytest.mark.parametrize("opens_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_session_dates_outside_plausible_years_are_refused(
    client, admin, make_session, db, opens_at
):
    existing, _ = make_session()
    response = new_session(client, existing, "Hors du temps", opens_at, "2026-06-10T12:00")
    assert response.status_code == 422
    assert "Indiquez une date entre 2000 et 2099." in response.get_data(as_text=True)
    assert (
        db.session.execute(select(ExamSession).where(ExamSession.title == "Hors du temps")).first()
        is None
    )


def test_wtforms_own_messages_are_in_french(client, admin, make_session):
    make_session()
    url = "/admin/sessions/nouvelle"
    html = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "questionnaire": "999999",
            "title": "Session",
            "opens_at": "2026-13-45T09:00",
            "closes_at": "2026-06-10T12:00",
            "release_policy": "immediate",
        },
    ).get_data(as_text=True)
    assert "Not a valid" not in html
    assert re.search(r'id="opens_at-errors">\s*<li>N&#39;est pas une date/heure valide', html)


def test_csv_extra_time_with_a_superscript_digit_is_a_line_error(
    client, admin, make_session, make_user, db
):
    session, first = make_session()
    make_user(email="alice@example.org")
    response = upload(client, session, "alice@example.org;²\n")
    assert response.status_code == 422
    assert "Ligne 1 : temps supplémentaire « ² » : entier de 0 à 300 attendu." in (
        response.get_data(as_text=True)
    )
    assert enrolled(db, session) == {first.email: 0}


def test_new_user_without_a_role_is_told_beside_the_roles(client, admin, db):
    html = new_user(
        client, email="sans.role@example.org", display_name="Sans Rôle", password=PASSWORD
    ).get_data(as_text=True)
    assert re.search(r'id="roles-errors">\s*<li>Choisissez au moins un rôle\.', html)
    assert "email-errors" not in html
    assert (
        db.session.execute(select(User).where(User.email == "sans.role@example.org")).first()
        is None
    )


def test_an_hour_skipped_by_the_clocks_is_refused(client, admin, make_session, db):
    existing, _ = make_session()
    # 02:00 → 03:00 in Paris that night
    html = new_session(
        client, existing, "Nuit du changement d'heure", "2026-03-29T02:30", "2026-03-29T05:00"
    ).get_data(as_text=True)
    assert re.search(r'id="opens_at-errors">\s*<li>Cette heure n&#39;existe pas à Paris', html)
    assert (
        db.session.execute(
            select(ExamSession).where(ExamSession.title == "Nuit du changement d'heure")
        ).first()
        is None
    )


def test_csv_import_counts_new_and_already_enrolled_candidates_apart(
    client, admin, make_session, make_user, db
):
    first = make_user(email="camille@example.org", name="Camille Candidat")
    session, _ = make_session(candidate=first)
    make_user(email="alice@example.org")
    response = upload(client, session, f"alice@example.org;0\n{first.email};50\n")
    assert response.status_code == 302
    page = client.get(f"/admin/sessions/{session.id}").get_data(as_text=True)
    assert (
        "1 candidat(s) inscrit(s) depuis le fichier. 1 déjà inscrit(s), inscription conservée : "
        "temps supplémentaire, aménagement et groupe d&#39;analyse remplacés par ceux du fichier "
        f"là où ses cellules sont remplies ({first.display_name})." in page
    )
    assert enrolled(db, session) == {first.email: 50, "alice@example.org": 0}


def test_a_csv_import_keeps_what_its_empty_cells_do_not_give(
    client, admin, make_session, make_user, db
):
    """A list of addresses sent to add a few candidates takes nobody's extra time, note or
    analysis group away (exploratory pass of 2026-12-06); « 0 » does remove extra time."""
    first = make_user(email="camille@example.org", name="Camille Candidat")
    session, _ = make_session(candidate=first, extra=33)
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    enrolment.accommodation_note, enrolment.analysis_group = "Tiers temps (MDPH)", "G1"
    db.session.commit()
    make_user(email="alice@example.org")
    assert upload(client, session, f"{first.email}\nalice@example.org\n").status_code == 302
    assert enrolled(db, session) == {first.email: 33, "alice@example.org": 0}
    db.session.refresh(enrolment)
    assert (enrolment.accommodation_note, enrolment.analysis_group) == ("Tiers temps (MDPH)", "G1")
    header = "Courriel;Temps supplémentaire;Aménagement;Groupe\n"
    assert upload(client, session, f"{header}{first.email};0;;G2\n").status_code == 302
    db.session.refresh(enrolment)
    assert enrolled(db, session)[first.email] == 0
    assert (enrolment.accommodation_note, enrolment.analysis_group) == ("Tiers temps (MDPH)", "G2")


def test_csv_errors_name_the_file_line_even_after_a_multiline_cell(
    client, admin, make_session, make_user, db
):
    session, first = make_session()
    make_user(email="alice@example.org")
    text = 'email;temps;aménagement\nalice@example.org;33;"salle calme,\nordinateur"\n\ninconnu@example.org;0;\n'
    response = upload(client, session, text)
    assert response.status_code == 422
    assert "Ligne 5 : aucun compte candidat actif pour inconnu@example.org." in response.get_data(
        as_text=True
    )
    assert enrolled(db, session) == {first.email: 0}


def test_deactivating_oneself_is_told_beside_the_active_box(client, admin, db):
    html = edit_user(client, admin, roles=["admin"])
    assert re.search(
        r'id="active-errors">\s*<li>Vous ne pouvez pas désactiver votre propre compte\.', html
    )
    assert "roles-errors" not in html
    db.session.refresh(admin)
    assert admin.active


def test_questionnaire_list_names_blueprint_topics_by_their_title(client, admin, make_session):
    make_session()  # blueprint {"alpha": 1, "beta": 1}
    html = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "Sujet alpha : 1, Sujet beta : 1" in html


def test_a_closed_session_takes_no_enrolment_and_says_so(
    client, admin, make_session, make_user, db, clock
):
    session, candidate = make_session()
    make_user(email="late@example.org")
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    clock.advance(minutes=10)
    client.post(f"{url}/cloturer", data={"csrf_token": token})
    page = client.get(url).get_data(as_text=True)
    assert "on ne peut plus y inscrire de candidat" in page
    assert f'action="{url}/inscriptions"' not in page
    # forms sent from a page loaded before the close
    one = client.post(
        f"{url}/inscriptions",
        data={"csrf_token": token, "email": "late@example.org", "extra_time_percent": "0"},
    )
    assert one.status_code == 422
    assert 'role="alert">La session est close' in one.get_data(as_text=True)
    csv = upload(client, session, "late@example.org;0\n")
    assert csv.status_code == 422
    assert "La session est close" in csv.get_data(as_text=True)
    assert set(enrolled(db, session)) == {candidate.email}


def test_a_closed_session_cannot_be_reopened_by_its_dates(client, admin, make_session, db, clock):
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    clock.advance(minutes=10)
    client.post(f"{url}/cloturer", data={"csrf_token": form_token(client, url)})
    db.session.refresh(session)
    closed_at = session.closes_at
    edit = f"{url}/modifier"
    data = {
        "csrf_token": form_token(client, edit),
        "title": "Rouverte",
        "opens_at": to_local(session.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": to_local(clock() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "release_policy": "after_close",
        "purpose": "certification",
    }
    html = client.post(edit, data=data).get_data(as_text=True)
    assert "Une session close ne peut pas être rouverte" in html
    db.session.refresh(session)
    assert (session.closes_at, session.title) == (closed_at, "Session test")
    # its title can still be corrected, its dates kept
    data["closes_at"] = to_local(closed_at).strftime("%Y-%m-%dT%H:%M")
    assert client.post(edit, data=data).status_code == 302
    db.session.refresh(session)
    assert session.title == "Rouverte"
    assert session.closes_at <= clock()


# ---------------------------------------------------------------- acceptance review fixes


def test_a_decimal_pass_mark_reads_with_a_comma_in_the_list_and_the_form(
    client, admin, make_session
):
    session, _ = make_session(pass_mark_bp=6050)
    listing = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "<td>60,5\u00a0%</td>" in listing and "60.5" not in listing
    form = client.get(f"/admin/questionnaires/{session.questionnaire.id}").get_data(as_text=True)
    assert re.search(r'id="pass_mark"[^>]*value="60,5"', form)
    assert 'type="number" value="60.50"' not in form


def enrolment_row(client, session, enrolment, **fields):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/{enrolment.id}", data={"csrf_token": form_token(client, url), **fields}
    )


@pytest.mark.parametrize(
    ("extra", "group", "field", "message"),
    [
        ("abc", "Réseau Sud", "extra", "Indiquez un nombre entier de 0 à 300"),
        ("25", "G" * 61, "group", "60 caractères au plus."),
    ],
)
def test_a_refused_enrolment_row_comes_back_with_what_was_typed(
    client, admin, make_user, make_session, db, extra, group, field, message
):
    candidate = make_user(email="camille@example.org", name="Camille Candidat")
    session, _ = make_session(candidate=candidate)
    enrolment = session.enrolments[0]
    enrolment.accommodation_note, enrolment.analysis_group = "ancienne note", "Ancien"
    db.session.commit()
    response = enrolment_row(
        client, session, enrolment, extra_time_percent=extra, note="salle calme", group=group
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    row = f"{enrolment.id}"
    assert f'name="extra_time_percent" id="extra-{row}" value="{extra}"' in page
    assert f'name="note" id="note-{row}" value="salle calme"' in page
    assert f'name="group" id="group-{row}" value="{group}"' in page
    assert (
        f'id="{field}-{row}" value="{extra if field == "extra" else group}" aria-invalid="true" '
        f'aria-describedby="{field}-{row}-errors"'
    ) in page
    assert re.search(rf'<ul class="field-errors" id="{field}-{row}-errors"><li>{message}', page)
    assert 'class="error-summary" role="alert"' in page
    assert f'href="#{field}-{row}"' in page
    assert "L'aménagement de Camille Candidat n'a pas été enregistré" in page
    db.session.refresh(enrolment)
    assert (
        enrolment.extra_time_percent,
        enrolment.accommodation_note,
        enrolment.analysis_group,
    ) == (0, "ancienne note", "Ancien")


def test_a_valid_enrolment_row_is_saved_with_its_group(client, admin, make_session, db):
    session, _ = make_session()
    enrolment = session.enrolments[0]
    response = enrolment_row(
        client, session, enrolment, extra_time_percent="33", note="tiers temps", group="Sud"
    )
    assert response.status_code == 302
    db.session.refresh(enrolment)
    assert (enrolment.extra_time_percent, enrolment.analysis_group) == (33, "Sud")


def test_the_correction_is_not_published_while_the_session_is_open(
    client, admin, make_session, db, clock
):
    session, _ = make_session(release=ReleasePolicy.MANUAL)
    url = f"/admin/sessions/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert "publier-correction" not in page
    assert "La correction pourra être publiée après la clôture de la session, prévue le" in page
    # a form sent from an older page, or by hand
    refused = client.post(
        f"{url}/publier-correction",
        data={"csrf_token": form_token(client, url)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'role="alert">La session n&#39;est pas close : la correction' in refused
    db.session.refresh(session)
    assert session.released_at is None and not correction_released(session, clock(), 0)


def test_the_correction_is_not_published_before_a_session_opens(
    app, admin, make_session, db, clock
):
    from questionnaire.admin.services import AdminError, release_correction

    session, _ = make_session(release=ReleasePolicy.MANUAL, opens_in=timedelta(days=1))
    with pytest.raises(AdminError, match="n'est pas close"):
        release_correction(session, clock(), 0)
    assert session.released_at is None


def test_enrolling_someone_already_enrolled_says_so_and_changes_nothing(
    client, admin, make_user, make_session, db
):
    from questionnaire.audit.models import AuditEvent

    candidate = make_user(email="camille@example.org", name="Camille Candidat")
    session, _ = make_session(candidate=candidate, extra=33)
    url = f"/admin/sessions/{session.id}"
    response = client.post(
        f"{url}/inscriptions",
        data={
            "csrf_token": form_token(client, url),
            "email": "Camille@Example.org",
            "extra_time_percent": "0",
            "note": "autre",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Camille Candidat est déjà inscrit(e) à cette session : rien n&#39;a été modifié." in page
    )
    assert "est inscrit(e)." not in page
    assert re.search(r'id="email-errors">\s*<li>Camille Candidat est déjà inscrit', page)
    assert 'value="autre"' in page  # what was typed stays in the form
    assert enrolled(db, session) == {candidate.email: 33}
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "admin.enrol")).first()
        is None
    )


def test_the_page_says_which_copies_hold_the_correction_back(
    client, admin, make_session, db, clock
):
    from questionnaire.attempts.services import start_attempt

    session, _ = make_session(release=ReleasePolicy.MANUAL, extra=100)
    attempt, _ = start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    url = f"/admin/sessions/{session.id}"
    token = form_token(client, url)
    clock.advance(minutes=10)
    client.post(f"{url}/cloturer", data={"csrf_token": token})
    page = client.get(url).get_data(as_text=True)
    assert "publier-correction" not in page
    assert "1 copie en cours jusqu&#39;au" in page
    refused = client.post(
        f"{url}/publier-correction", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1 copie en cours jusqu&#39;au" in refused
    db.session.refresh(session)
    assert session.released_at is None
    clock.now = attempt.deadline + timedelta(minutes=1)
    assert "Publier la correction" in client.get(url).get_data(as_text=True)


def test_the_session_form_defaults_to_after_close_and_warns_about_immediate(
    client, admin, make_session
):
    make_session()
    page = client.get("/admin/sessions/nouvelle").get_data(as_text=True)
    assert '<option selected value="after_close">' in page
    assert "alors que d&#39;autres peuvent encore composer" in page
    assert "sessions d&#39;entraînement" in page


def test_once_a_copy_is_started_the_policy_cannot_become_immediate(
    client, admin, make_session, db, clock
):
    """Handed-in copies would show the keys to candidates still composing the same items."""
    from questionnaire.attempts.services import start_attempt

    session, _ = make_session(release=ReleasePolicy.AFTER_CLOSE, purpose=SessionPurpose.TRAINING)
    edit = f"/admin/sessions/{session.id}/modifier"
    data = {
        "csrf_token": form_token(client, edit),
        "title": "Session test",
        "opens_at": to_local(session.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": to_local(session.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "release_policy": "immediate",
        "purpose": "training",
    }
    start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    html = client.post(edit, data=data).get_data(as_text=True)
    assert "« Dès la remise » ne peut plus être choisi" in html
    db.session.refresh(session)
    assert session.release_policy is ReleasePolicy.AFTER_CLOSE
    data["release_policy"] = "manual"  # a stricter policy is always possible
    assert client.post(edit, data=data).status_code == 302
    db.session.refresh(session)
    assert session.release_policy is ReleasePolicy.MANUAL


def test_every_administration_tool_is_reachable_from_the_menus(client, admin):
    """From any page, « Administration »; from there, incidents, RGPD erasure and the log."""
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/">Administration</a>' in home
    assert ">Suivi des sessions</a>" in home
    for page in ("/admin/", "/admin/sessions", "/admin/incidents", "/admin/rgpd/effacement"):
        html = client.get(page).get_data(as_text=True)
        assert 'href="/admin/incidents"' in html and 'href="/admin/rgpd/effacement"' in html, page


def test_irreversible_session_actions_ask_for_confirmation_first(
    client, admin, make_session, db, clock
):
    """Closing, unenrolling and publishing are links to a page that says what will happen."""
    session, candidate = make_session(release=ReleasePolicy.MANUAL)
    url = f"/admin/sessions/{session.id}"
    enrolment = session.enrolments[0]
    page = client.get(url).get_data(as_text=True)
    # no one-click form: each action is a link to its confirmation page
    assert f'action="{url}/cloturer"' not in page and f'href="{url}/cloturer"' in page
    removal = f"{url}/inscriptions/{enrolment.id}/supprimer"
    assert f'action="{removal}"' not in page and f'href="{removal}"' in page

    confirm = client.get(removal)
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert f"Désinscrire {candidate.display_name} ?" in html
    assert "Son temps supplémentaire et sa note seront supprimés." in html
    assert re.search(
        rf'<form method="post" action="{removal}">\s*<input type="hidden" name="csrf_token"', html
    )
    assert ">Confirmer<" in html and f'href="{url}">Annuler</a>' in html
    assert enrolled(db, session) == {candidate.email: 0}  # asking deletes nothing

    close = client.get(f"{url}/cloturer").get_data(as_text=True)
    assert "<title>Clore maintenant ?" in close
    assert (
        "Plus aucun candidat ne pourra commencer ; les copies en cours gardent leur échéance."
        in close
    )
    db.session.refresh(session)
    assert session.closes_at > clock()
    client.post(f"{url}/cloturer", data={"csrf_token": form_token(client, f"{url}/cloturer")})
    db.session.refresh(session)
    assert session.closes_at == clock()

    clock.advance(minutes=1)
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}/publier-correction"' in page
    assert f'action="{url}/publier-correction"' not in page
    publish = client.get(f"{url}/publier-correction").get_data(as_text=True)
    assert "Publier la correction ?" in publish
    assert "Les candidats verront les bonnes réponses." in publish
    db.session.refresh(session)
    assert session.released_at is None
    token = form_token(client, f"{url}/publier-correction")
    client.post(f"{url}/publier-correction", data={"csrf_token": token})
    db.session.refresh(session)
    assert session.released_at is not None


def test_a_new_questionnaire_proposes_the_bank_duration(client, admin, loaded_bank, db):
    from tests.conftest import bank_yaml

    loaded_bank(bank_yaml().replace("duration_minutes: 30", "duration_minutes: 45"))
    page = client.get("/admin/questionnaires/nouveau?theme=fiscalite").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="duration_minutes"[^>]*value="45"', page)
    assert re.search(r'<input[^>]*id="item_count"[^>]*value="2"', page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("item_count", "201", "Entre 1 et 200."), ("duration_minutes", "601", "Entre 1 et 600.")],
)
def test_an_absurd_length_or_duration_is_refused_beside_its_field(
    client, admin, loaded_bank, db, field, value, message
):
    theme = loaded_bank()
    url = "/admin/questionnaires/nouveau?theme=fiscalite"
    data = questionnaire_data(form_token(client, url), theme, alpha=1, beta=1)
    data[field] = value
    response = client.post(url, data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.execute(select(Questionnaire)).first() is None


@pytest.mark.parametrize(("item_count", "minutes"), [(201, 30), (2, 601), (0, 30), (2, 0)])
def test_the_exams_service_refuses_what_the_form_refuses(
    db, clock, loaded_bank, item_count, minutes
):
    from questionnaire.exams.services import ExamConfigError, create_questionnaire

    theme = loaded_bank()
    with pytest.raises(ExamConfigError, match="compris"):
        create_questionnaire(
            theme, "Q", item_count, minutes, clock(), blueprint={"alpha": 1, "beta": 1}
        )


def send_bytes(client, session, data: bytes):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(data), "inscrits.csv")},
        content_type="multipart/form-data",
    )


def test_a_csv_file_refused_before_its_lines_is_announced_first(client, admin, make_session):
    """No file: the refusal is an error summary, announced and focused, not only a message
    under the file field at the foot of a long page; the title says « Erreur »."""
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    response = client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url)},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Erreur : " in html
    summary = html.split('<div class="error-summary" role="alert" tabindex="-1" autofocus')[1]
    assert '<a href="#file">Fichier CSV : ' in summary


def test_an_undecodable_csv_file_is_refused_with_its_reason(
    client, admin, make_session, make_user, db
):
    """Neither UTF-8 nor Windows-1252 (0x81 is no character in either): nobody is enrolled."""
    session, _ = make_session()
    make_user(email="alice@example.org")
    before = enrolled(db, session)
    response = send_bytes(client, session, b"alice@example.org;0;\x81\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Erreur : " in html
    errors = html.split('id="import-errors"')[1].split("</div>")[0]
    assert "le fichier n&#39;est ni en UTF-8 ni en Windows-1252 (octet 20)." in errors
    assert enrolled(db, session) == before


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"alice@example.org;10\nbob@example.org;0;salle\x00 2\n", 2),
        ("alice@example.org;10\n".encode("utf-16-le"), 1),  # « Texte Unicode » without its BOM
    ],
)
def test_a_csv_file_holding_a_nul_character_is_refused_with_its_line(
    client, admin, make_session, make_user, db, data, line
):
    """PostgreSQL refuses U+0000 in any query: let through, it was a server error there."""
    session, _ = make_session()
    make_user(email="alice@example.org")
    make_user(email="bob@example.org")
    before = enrolled(db, session)
    response = send_bytes(client, session, data)
    assert response.status_code == 422
    errors = unescape(response.get_data(as_text=True).split('id="import-errors"')[1])
    assert f"Ligne {line} : caractère nul (U+0000) : ce n'est pas un fichier CSV" in errors
    assert enrolled(db, session) == before


def test_a_csv_file_saved_by_excel_in_windows_1252_is_read_with_a_warning(
    client, admin, make_session, make_user, db
):
    """Excel's « CSV (séparateur : point-virgule) » on a French Windows writes Windows-1252:
    the file is read, its accents kept, and the administrator is told to check them."""
    session, _ = make_session()
    alice = make_user(email="alice@example.org")
    response = send_bytes(
        client, session, "alice@example.org;33;Salle isolée, tiers temps\n".encode("cp1252")
    )
    assert response.status_code == 302
    enrolment = db.session.execute(
        select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.user_id == alice.id)
    ).scalar_one()
    assert (enrolment.extra_time_percent, enrolment.accommodation_note) == (
        33,
        "Salle isolée, tiers temps",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "1 candidat(s) inscrit(s) depuis le fichier. Attention : fichier lu en Windows-1252 "
        "(il n&#39;est pas en UTF-8) : vérifiez les accents."
    ) in page
    # a UTF-8 file gets no such warning
    assert "fichier lu en Windows-1252" not in client.get(
        send_bytes(client, session, b"alice@example.org;0\n").headers["Location"]
    ).get_data(as_text=True)


def test_a_utf8_csv_file_with_one_stray_windows_byte_is_refused_with_its_place(
    client, admin, make_session, make_user, db
):
    """Read as Windows-1252, a UTF-8 file's accents would become two letters each (« isolÃ©e »):
    one apostrophe pasted from Windows (0x92) is named at its line and column instead."""
    session, _ = make_session()
    make_user(email="alice@example.org")
    make_user(email="bob@example.org")
    before = enrolled(db, session)
    data = "alice@example.org;33;Salle isolée\n".encode() + b"bob@example.org;0;l\x92accueil\n"
    response = send_bytes(client, session, data)
    assert response.status_code == 422
    errors = unescape(response.get_data(as_text=True).split('id="import-errors"')[1])
    assert "ligne 2, colonne 20 (octet 0x92" in errors
    assert enrolled(db, session) == before
