"""The workspace in a browser: editor with preview and lint, review, diff, queue, access."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import start_attempt
from questionnaire.auth.models import Role
from questionnaire.banks.models import Item, ItemVersion, VersionStatus
from tests.authoring.conftest import editor_data
from tests.conftest import form_token, login

SCRIPT_STEM = 'Quel plafond en 2026 ?<script>alert("x")</script><em>livret A</em>'


def new_item_url():
    return "/atelier/items/nouveau?theme=fiscalite"


def post_editor(client, url, **overrides):
    return client.post(url, data=editor_data(form_token(client, url), **overrides))


def only_item(db):
    return db.session.execute(select(Item).where(Item.external_id == "TST-0009")).scalar_one()


def first_item_checked_on_1_may_2025(db, volatility: str) -> None:
    """TST-0001 last checked on 1 May 2025: due for revalidation on 2 March 2026 (the clock)."""
    from datetime import date

    from sqlalchemy import update

    db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.item_id == 1)
        .values(valid_as_of=date(2025, 5, 1), volatility=volatility)
    )
    db.session.commit()


def test_preview_uses_the_candidate_markup_and_strips_scripts(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    response = post_editor(client, new_item_url(), action="preview", stem=SCRIPT_STEM)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = html[html.index('id="preview-title"') :]
    assert '<fieldset class="question">' in preview
    assert "<em>livret A</em>" in preview
    assert 'type="radio" name="answer"' in preview
    # a picture of the candidate's page: readable, but no control takes focus or a click
    assert '<fieldset class="candidate-view preview-frame" disabled>' in preview
    assert "Aperçu non interactif" in preview
    # under the preview's h2, the question's own heading is an h3
    assert re.search(r'<legend>\s*<h3 class="question-number">Question 1 sur 1</h3>', preview)
    assert "<script" not in html.replace('<script src="', "")
    assert db.session.execute(select(Item).where(Item.external_id == "TST-0009")).first() is None


def test_a_script_never_reaches_the_candidate(client, make_session, author, reviewer, db, clock):
    session, candidate = make_session(item_count=8, blueprint={"alpha": 4, "beta": 4})
    login(client, author.email)
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    url = f"/atelier/items/{item.external_id}/modifier"
    assert post_editor(client, url, stem=SCRIPT_STEM).status_code == 302
    draft = item.latest_version
    db.session.refresh(draft)
    assert "<script" not in draft.stem and "<em>livret A</em>" in draft.stem
    from questionnaire.authoring import services

    services.submit(draft, author, clock())
    services.approve(draft, reviewer, clock())
    services.publish(draft, reviewer, clock())
    db.session.commit()
    attempt, _ = start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    position = next(ai.position for ai in attempt.items if ai.item_version_id == draft.id)
    login(client, candidate.email)
    html = client.get(f"/copies/{attempt.id}/questions/{position}").get_data(as_text=True)
    assert "livret A" in html
    assert "alert(" not in html


def test_save_creates_a_draft_and_shows_lint_beside_the_form(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    response = post_editor(client, new_item_url(), **{"options-3-text": "Aucune de ces réponses"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/atelier/items/TST-0009/modifier")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Brouillon enregistré (version 1)" in html
    assert "(« toutes » ou « aucune de ces réponses »)" in html
    assert "option D : « toutes / aucune de ces réponses » est proscrit." in html
    version = only_item(db).latest_version
    assert version.status is VersionStatus.DRAFT


def test_invalid_editor_input_redisplays_with_messages(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    response = post_editor(client, new_item_url(), stem="", **{"options-1-correct": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "L&#39;énoncé est obligatoire." in html
    assert 'aria-describedby="stem-hint stem-errors"' in html
    assert "Une question à réponse unique a exactement une bonne réponse." in html
    assert 'aria-describedby="options-errors"' in html
    assert (
        db.session.execute(select(ItemVersion).where(ItemVersion.status == "draft")).first() is None
    )


def test_a_check_date_after_today_is_refused_beside_its_field(
    client, loaded_bank, author, db, clock
):
    loaded_bank()
    login(client, author.email)
    tomorrow = (clock.now + timedelta(days=1)).date()
    response = post_editor(client, new_item_url(), valid_as_of=tomorrow.isoformat())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La date de vérification ne peut pas dépasser aujourd&#39;hui" in html
    assert f'value="{tomorrow.isoformat()}"' in html  # what was typed is kept
    assert (
        db.session.execute(select(ItemVersion).where(ItemVersion.status == "draft")).first() is None
    )
    today = post_editor(client, new_item_url(), valid_as_of=clock.now.date().isoformat())
    assert today.status_code == 302


def test_the_check_date_is_the_day_in_france(client, loaded_bank, author, db, clock):
    """At 23:30 UTC on 31 December it is already 1 January in Paris: the editor proposes and
    accepts that day, and a yearly figure checked in December is due again."""
    from datetime import UTC, date, datetime

    from sqlalchemy import update

    loaded_bank()
    db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.item_id == 1)
        .values(valid_as_of=date(2026, 12, 15), volatility="annuelle")
    )
    db.session.commit()
    clock.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    login(client, author.email)
    assert 'value="2027-01-01"' in client.get(new_item_url()).get_data(as_text=True)
    assert post_editor(client, new_item_url(), valid_as_of="2027-01-01").status_code == 302
    refused = post_editor(client, new_item_url(), valid_as_of="2027-01-02")
    assert "ne peut pas dépasser aujourd&#39;hui (01/01/2027)" in refused.get_data(as_text=True)
    queue = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "TST-0001" in queue and "avant le 1er janvier 2027" in queue


def test_no_field_points_to_a_missing_description(client, loaded_bank, author):
    """An attribute rendered from None (aria-describedby="None") names no element."""
    loaded_bank()
    login(client, author.email)
    html = client.get(new_item_url()).get_data(as_text=True)
    assert "rationale" in html
    assert '="None"' not in html
    invalid = post_editor(client, new_item_url(), rationale="").get_data(as_text=True)
    assert 'aria-describedby="rationale-errors"' in invalid


def test_a_text_the_sanitiser_empties_is_refused_beside_its_field(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    response = post_editor(
        client,
        new_item_url(),
        stem='<script>alert("x")</script><img src=x onerror=alert(1)>',
        **{"options-2-text": "<script>alert(2)</script>"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "Ce texte est vide une fois retirée la mise en forme non permise"
    assert re.search(r'id="stem-errors">\s*<li>' + message, html)
    assert re.search(r'id="options-2-text-errors">\s*<li>' + message, html)
    assert (
        db.session.execute(select(ItemVersion).where(ItemVersion.status == "draft")).first() is None
    )


def test_editor_messages_from_wtforms_are_in_french(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = post_editor(client, new_item_url(), topic="inconnu", competency="C" * 30).get_data(
        as_text=True
    )
    assert "Not a valid" not in html and "Field cannot" not in html
    assert re.search(r'id="topic-errors">\s*<li>N&#39;est pas un choix valide', html)
    assert re.search(
        r'id="competency-errors">\s*<li>Choisissez une compétence du thème : C9\.', html
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("competency", "n'importe quoi", "Choisissez une compétence du thème : C9."),
        ("competency", "C9 (B2.3)", "Choisissez une compétence du thème : C9."),
        ("valid_as_of", "1900-01-01", "ne peut pas précéder le 01/01/2000"),
    ],
)
def test_editor_refuses_a_competency_outside_the_theme_and_an_implausible_date(
    client, db, loaded_bank, author, field, value, message
):
    loaded_bank()
    login(client, author.email)
    response = post_editor(client, new_item_url(), **{field: value})
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-errors">\s*<li>[^<]*{re.escape(message)}', html), html
    assert db.session.execute(select(Item).where(Item.external_id == "TST-0009")).first() is None


def test_editor_offers_the_theme_competencies(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = client.get(new_item_url()).get_data(as_text=True)
    assert re.search(r'<select[^>]*id="competency"', html)
    assert '<option value="C9">C9 (B2.3)</option>' in html
    response = post_editor(client, new_item_url(), valid_as_of="2000-01-01")
    assert response.status_code == 302  # the earliest date accepted


def review_flow(client, db, author, reviewer):
    login(client, author.email)
    post_editor(client, new_item_url())
    item_url = "/atelier/items/TST-0009"
    token = form_token(client, item_url)
    assert (
        client.post(f"{item_url}/versions/1/soumettre", data={"csrf_token": token}).status_code
        == 302
    )
    assert only_item(db).latest_version.status is VersionStatus.IN_REVIEW
    login(client, reviewer.email)
    return item_url


def test_review_in_the_browser(client, loaded_bank, author, reviewer, db):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    page = client.get(item_url).get_data(as_text=True)
    assert "Approuver" in page and "Renvoyer à l'auteur" in page
    token = form_token(client, item_url)
    sent = client.post(
        f"{item_url}/versions/1/renvoyer",
        data={"csrf_token": token, "comment": "Dater le plafond."},
    )
    assert sent.status_code == 302
    page = client.get(item_url).get_data(as_text=True)
    assert "Dater le plafond." in page and "renvoyée à l&#39;auteur" in page
    assert only_item(db).latest_version.status is VersionStatus.DRAFT


def test_a_refused_comment_is_shown_beside_its_textarea_and_kept(
    client, loaded_bank, author, reviewer, db
):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)
    empty = client.post(
        f"{item_url}/versions/1/renvoyer", data={"csrf_token": token, "comment": " "}
    )
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert re.search(
        r'id="review-comment" rows="4" aria-invalid="true" '
        r'aria-describedby="review-comment-errors">\s*</textarea>\s*'
        r'<ul class="field-errors" id="review-comment-errors"><li>Dites à l&#39;auteur',
        html,
    )
    too_long = "Préciser. " * 600  # 6 000 characters: over the 5 000 allowed
    long = client.post(
        f"{item_url}/versions/1/renvoyer", data={"csrf_token": token, "comment": too_long}
    )
    html = long.get_data(as_text=True)
    assert long.status_code == 422
    assert too_long.strip() in html  # nothing typed is lost
    assert re.search(r'id="review-comment-errors"><li>Le champ ne peut pas contenir plus', html)
    thread = client.post(f"{item_url}/commentaires", data={"csrf_token": token, "comment": ""})
    assert thread.status_code == 422
    assert 'id="thread-comment-errors"><li>Le commentaire est vide.' in thread.get_data(
        as_text=True
    )
    assert only_item(db).latest_version.status is VersionStatus.IN_REVIEW


def test_a_refused_comment_for_an_action_no_longer_offered_says_so(
    client, loaded_bank, author, reviewer, db
):
    # retired from another tab meanwhile: the page has no « Motif du retrait » any more, so a
    # too-long reason's error pointed at nothing; the page says the action is no longer open
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)
    client.post(f"{item_url}/versions/1/approuver", data={"csrf_token": token, "comment": ""})
    client.post(f"{item_url}/versions/1/publier", data={"csrf_token": token})
    retire = f"{item_url}/versions/1/retirer"
    assert client.post(retire, data={"csrf_token": token, "comment": "Obsolète."}).status_code
    assert only_item(db).latest_version.status is VersionStatus.RETIRED
    again = client.post(retire, data={"csrf_token": token, "comment": "Motif. " * 1000})
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Cette action ne vous est pas ou plus ouverte sur cette version" in page
    assert "rien n&#39;a été enregistré" in page
    assert 'id="retire-comment"' not in page


def test_reviewer_approves_then_publishes(client, loaded_bank, author, reviewer, db):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)
    client.post(f"{item_url}/versions/1/approuver", data={"csrf_token": token, "comment": ""})
    page = client.get(item_url).get_data(as_text=True)
    assert "Publier cette version" in page
    client.post(f"{item_url}/versions/1/publier", data={"csrf_token": token})
    assert only_item(db).latest_version.status is VersionStatus.PUBLISHED


def test_author_with_reviewer_role_is_refused_in_the_browser(client, loaded_bank, make_user, db):
    loaded_bank()
    both = make_user(Role.AUTHOR, Role.REVIEWER, email="deux@example.org")
    login(client, both.email)
    post_editor(client, new_item_url())
    item_url = "/atelier/items/TST-0009"
    token = form_token(client, item_url)
    client.post(f"{item_url}/versions/1/soumettre", data={"csrf_token": token})
    page = client.get(item_url).get_data(as_text=True)
    assert "Approuver" not in page
    response = client.post(
        f"{item_url}/versions/1/approuver", data={"csrf_token": token}, follow_redirects=True
    )
    assert "n&#39;avoir ni écrit" in response.get_data(as_text=True)
    from questionnaire.authoring.services import authorship_of

    assert not authorship_of(only_item(db).latest_version).is_approved


def test_compare_shows_removed_and_added_words(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    url = "/atelier/items/TST-0001/modifier"
    post_editor(client, url, stem="Cas corrigé en 2026 : quelle réponse ?")
    html = client.get("/atelier/items/TST-0001/comparer").get_data(as_text=True)
    assert "<ins>corrigé en 2026</ins>" in html
    assert re.search(r"<del>[0-9a-f]{32} \(alpha\)</del>", html)
    assert '<tr class="changed">' in html


def test_queue_page_lists_reasons_and_revalidates(client, loaded_bank, author, db, clock):
    loaded_bank()
    first_item_checked_on_1_may_2025(db, "annuelle")
    login(client, author.email)
    html = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "TST-0001" in html and "avant le 1er janvier 2026" in html
    token = form_token(client, "/atelier/a-revalider")
    response = client.post(
        "/atelier/items/TST-0001/versions/1/revalider", data={"csrf_token": token, "back": "queue"}
    )
    assert response.headers["Location"].endswith("/atelier/a-revalider")
    html = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "Aucun item à revalider." in html
    item_page = client.get("/atelier/items/TST-0001").get_data(as_text=True)
    assert "revalidée au 02/03/2026 par Alix Auteur" in item_page


def test_the_queue_offers_to_correct_only_to_those_who_may_write(
    client, loaded_bank, author, reviewer, db
):
    """A reviewer revalidates but writes no version: no « Corriger » link leading to a 403."""
    loaded_bank()
    first_item_checked_on_1_may_2025(db, "annuelle")
    edit = 'href="/atelier/items/TST-0001/modifier"'
    login(client, reviewer.email)
    html = client.get("/atelier/a-revalider").get_data(as_text=True)
    assert "Revalider" in html and edit not in html
    assert client.get("/atelier/items/TST-0001/modifier").status_code == 403
    client.post("/deconnexion", data={"csrf_token": form_token(client, "/atelier/a-revalider")})
    login(client, author.email)
    assert edit in client.get("/atelier/a-revalider").get_data(as_text=True)


def test_findings_and_volatility_read_in_french(client, loaded_bank, author, db):
    """The editor names each rule in French (not its file code « stale »), dates are in the
    French form and the volatility keeps its accent, as on the item and bank pages."""
    loaded_bank()
    first_item_checked_on_1_may_2025(db, "recente")
    login(client, author.email)
    editor = client.get("/atelier/items/TST-0001/modifier").get_data(as_text=True)
    assert "(stale)" not in editor and "vérifié le 2025-05-01" not in editor
    assert (
        "<strong>Avertissement</strong> (vérification à refaire) : vérifié le 01/05/2025 : "
        "révision due (volatilité récente, période : six mois)."
    ) in editor
    item_page = client.get("/atelier/items/TST-0001").get_data(as_text=True)
    assert "01/05/2025 (volatilité récente)" in item_page
    bank_page = client.get("/banques/items/TST-0001").get_data(as_text=True)
    assert "01/05/2025 (volatilité récente)" in bank_page


PREVIEW_SECTION = re.compile(r'<section class="preview"[^>]*>')


def test_the_preview_button_brings_focus_to_the_preview(client, loaded_bank, author):
    """Without a script « Prévisualiser » reloads the page: the preview it asked for takes focus
    (not the top of the page); a refused form leaves it to the error summary."""
    loaded_bank()
    login(client, author.email)
    shown = post_editor(client, new_item_url(), action="preview").get_data(as_text=True)
    assert PREVIEW_SECTION.search(shown).group(0).endswith(' tabindex="-1" autofocus>')
    assert shown.count("autofocus") == 1
    blank = client.get(new_item_url()).get_data(as_text=True)
    assert "autofocus" not in PREVIEW_SECTION.search(blank).group(0)
    refused = post_editor(client, new_item_url(), action="preview", stem="").get_data(as_text=True)
    assert "autofocus" not in PREVIEW_SECTION.search(refused).group(0)
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in refused


def test_list_filters_by_status_and_text(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    post_editor(client, new_item_url())
    drafts = client.get("/atelier/?status=draft").get_data(as_text=True)
    assert "TST-0009" in drafts and "TST-0001" not in drafts
    found = client.get("/atelier/?q=livret").get_data(as_text=True)
    assert "1 item(s)" in found
    by_author = client.get(f"/atelier/?author={author.id}").get_data(as_text=True)
    assert "TST-0009" in by_author and "TST-0002" not in by_author


def test_list_filters_out_of_the_id_range_are_ignored_not_a_server_error(
    client, loaded_bank, author
):
    """An id no database column can hold counts as absent, like ``?theme=abc``."""
    loaded_bank()
    login(client, author.email)
    everything = client.get("/atelier/").get_data(as_text=True)
    for value in (2**31, 2**64, -(2**63) - 1):
        for name in ("theme", "topic", "author"):
            response = client.get(f"/atelier/?{name}={value}")
            assert response.status_code == 200, (name, value)
            assert "8 item(s)" in response.get_data(as_text=True) and "8 item(s)" in everything


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.JURY])
def test_candidates_and_jury_reach_none_of_the_workspace(client, loaded_bank, make_user, role):
    loaded_bank()
    login(client, make_user(role).email)
    for url in ("/atelier/", "/atelier/items/TST-0001", "/atelier/a-revalider", new_item_url()):
        assert client.get(url).status_code == 403, url


def test_reviewer_cannot_write_items(client, loaded_bank, reviewer):
    loaded_bank()
    login(client, reviewer.email)
    assert client.get(new_item_url()).status_code == 403
    assert client.get("/atelier/items/TST-0001/modifier").status_code == 403


def test_unknown_item_is_404(client, author):
    login(client, author.email)
    assert client.get("/atelier/items/NOPE-1").status_code == 404


def test_editing_a_published_item_prefills_it_and_lints_it(client, loaded_bank, author, db):
    loaded_bank()
    login(client, author.email)
    html = client.get("/atelier/items/TST-0001/modifier").get_data(as_text=True)
    assert "Justification de la question 1." in html
    assert "l&#39;enregistrement crée une nouvelle version en brouillon" not in html
    assert "l'enregistrement crée une nouvelle version en brouillon" in html
    assert "Aucune remarque : l'item respecte les règles de rédaction." in html
    assert post_editor(client, "/atelier/items/TST-0001/modifier").status_code == 302
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    assert [(v.number, v.status) for v in item.versions] == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]


def test_an_option_too_long_is_reported_beside_it(client, loaded_bank, author):
    loaded_bank()
    login(client, author.email)
    html = post_editor(client, new_item_url(), **{"options-2-text": "x" * 2001}).get_data(
        as_text=True
    )
    assert 'aria-describedby="options-2-text-errors"' in html
    assert '<ul class="field-errors" id="options-2-text-errors">' in html


def test_comments_stay_on_the_item_thread(client, loaded_bank, author, reviewer, db):
    loaded_bank()
    login(client, reviewer.email)
    url = "/atelier/items/TST-0002"
    token = form_token(client, url)
    client.post(f"{url}/commentaires", data={"csrf_token": token, "comment": "Source à citer ?"})
    login(client, author.email)
    post_editor(client, f"{url}/modifier")
    html = client.get(url).get_data(as_text=True)
    thread = html[html.index('id="thread-title"') :]
    assert "Robin Relecteur" in thread and "Source à citer ?" in thread
    assert "(version 1)" in thread and "brouillon créé (version 2)" in thread


def test_editor_shows_an_out_of_theme_competency_instead_of_replacing_it(
    client, db, loaded_bank, author
):
    loaded_bank()
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    item.latest_version.competency = "n'importe quoi"  # as an old import could have left it
    db.session.commit()
    login(client, author.email)
    html = client.get("/atelier/items/TST-0001/modifier").get_data(as_text=True)
    assert re.search(
        r'<option selected value="n&#39;importe quoi">n&#39;importe quoi \(hors du thème\)', html
    ), html
    assert "unknown-competency" in html or "absente du thème" in html
