"""Modified Angoff: the recommended cut against hand-worked numbers, the screens, the report."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.reports.angoff import angoff_cut
from questionnaire.reports.models import AngoffPanel, AngoffRating
from questionnaire.reports.session_report import build_session_report
from tests.conftest import bank_yaml, form_token, login

RATINGS = {
    "J1": {1: 0.5, 2: 0.6, 3: 0.7, 4: 0.8},  # 2.6 / 4 = 0.65
    "J2": {1: 0.4, 2: 0.5, 3: 0.6, 4: 0.7},  # 2.2 / 4 = 0.55
    "J3": {1: 0.6, 2: 0.6, 3: 0.6, 4: 0.6},  # 2.4 / 4 = 0.60
}


def test_cut_standard_error_and_spread_by_hand():
    result = angoff_cut(RATINGS, [1, 2, 3, 4])
    assert result.judge_cuts == (
        ("J1", pytest.approx(0.65)),
        ("J2", pytest.approx(0.55)),
        ("J3", pytest.approx(0.60)),
    )
    assert result.cut == pytest.approx(0.60)
    # SD = √((0.05² + 0.05² + 0²) / 2) = 0.05; SE = 0.05 / √3 = 0.0288675
    assert result.sd == pytest.approx(0.05)
    assert result.standard_error == pytest.approx(0.0288675, abs=1e-7)
    assert (result.lowest, result.highest) == (pytest.approx(0.55), pytest.approx(0.65))


def test_incomplete_judges_are_left_out():
    ratings = {**RATINGS, "J4": {1: 1.0, 2: 1.0}}
    result = angoff_cut(ratings, [1, 2, 3, 4])
    assert result.n_judges == 3 and result.incomplete_judges == 1
    assert result.cut == pytest.approx(0.60)
    single = angoff_cut({"J1": RATINGS["J1"]}, [1, 2, 3, 4])
    assert single.cut == pytest.approx(0.65) and single.standard_error is None


def jury_choices(html: str) -> list[str]:
    """The account numbers the page offers to name as judges."""
    return re.findall(r'name="judges"[^>]*value="(\d+)"', html)


def new_panel(client, db, session, title="Panel"):
    """Create the session's panel through its page, every jury member offered named a judge;
    returns it."""
    url = f"/rapports/sessions/{session.id}/angoff"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": form_token(client, url), "title": title, "judges": jury_choices(page)}
    assert client.post(url, data=data).status_code == 302
    return db.session.execute(select(AngoffPanel).where(AngoffPanel.title == title)).scalar_one()


def _rate(client, panel_id, values):
    url = f"/rapports/angoff/{panel_id}/estimations"
    html = client.get(url).get_data(as_text=True)
    names = re.findall(r'name="(item_\d+)"', html)
    data = {"csrf_token": form_token(client, url)}
    data.update(zip(names, values, strict=True))
    return client.post(url, data=data), names


def test_panel_ratings_and_summary_through_the_screens(client, make_user, sit_session, db, clock):
    session, _, _ = sit_session()
    judges = [
        make_user(Role.JURY, email=f"juge{i}@example.org", name=f"Juge {i}") for i in (1, 2, 3)
    ]
    login(client, judges[0].email)
    panel = new_panel(client, db, session, "Panel 2026")
    assert [j.judge_id for j in panel.judges] == [j.id for j in judges]
    assert len(panel.item_version_ids) == 4
    page = client.get(f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True)
    assert "<fieldset>" in page and "<legend>" in page
    # a text box: a number box sends « 0,65 » as « 065 » and « abc » as empty (no estimate)
    fields = re.findall(r'<input[^>]*name="item_\d+"[^>]*>', page)
    assert len(fields) == 4
    assert all('type="text"' in f and 'inputmode="decimal"' in f for f in fields), fields
    for judge, values in zip(judges, RATINGS.values(), strict=True):
        login(client, judge.email)  # one client per test: the app context (and g) is shared
        response, _ = _rate(client, panel.id, [str(v) for v in values.values()])
        assert response.status_code == 302
    assert len(db.session.execute(select(AngoffRating)).scalars().all()) == 12
    summary = client.get(f"/rapports/angoff/{panel.id}").get_data(as_text=True)
    assert "60,0\u00a0%" in summary and "2,89\u00a0%" not in summary  # SE shown to 0.1 %
    assert "2,9\u00a0%" in summary  # SE = 0.0289
    assert "Juge 2" in summary and "55,0\u00a0%" in summary
    section = build_session_report(session, clock()).section("angoff")
    row = section.tables[0].rows[0]
    assert row[0:3] == (3, 4, pytest.approx(0.60))
    assert row[4] == pytest.approx(0.0288675, abs=1e-7)
    assert row[-1] == 0.6  # next to the pass mark in force


def test_ratings_are_checked_and_can_be_changed(client, make_user, sit_session, db):
    session, _, _ = sit_session()
    judge = make_user(Role.JURY, email="juge@example.org")
    login(client, judge.email)
    panel = new_panel(client, db, session)
    response, names = _rate(client, panel.id, ["0.5", "1.5", "", "0.2"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "comprise entre 0 et 1" in html  # an empty field is no error: it is left to rate
    assert "Indiquez une probabilité" not in html
    assert f'aria-describedby="{names[1]}-stem {names[1]}-errors"' in html
    assert db.session.execute(select(AngoffRating)).first() is None
    _rate(client, panel.id, ["0.5", "0.5", "0.5", "0.5"])
    _rate(client, panel.id, ["0,7", "0.5", "0.5", "0.5"])  # the French comma is accepted
    values = sorted(r.value_bp for r in db.session.execute(select(AngoffRating)).scalars())
    assert values == [5000, 5000, 5000, 7000]


def test_angoff_access(client, make_user, sit_session, db):
    session, _, _ = sit_session()
    judge = make_user(Role.JURY, email="juge@example.org")
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    panel = new_panel(client, db, session)
    assert client.get(f"/rapports/angoff/{panel.id}").status_code == 200
    assert client.get(f"/rapports/angoff/{panel.id}/estimations").status_code == 403
    login(client, make_user(Role.CANDIDATE, email="c@example.org").email)
    url = f"/rapports/sessions/{session.id}/angoff"
    for target in (url, f"/rapports/angoff/{panel.id}", f"/rapports/angoff/{panel.id}/estimations"):
        assert client.get(target).status_code == 403
    token = form_token(client, "/")
    for target in (
        f"/rapports/angoff/{panel.id}/juges",
        f"/rapports/angoff/{panel.id}/juges/{judge.id}/retrait",
    ):
        assert (
            client.post(target, data={"csrf_token": token, "judges": [judge.id]}).status_code == 403
        )
    assert [j.judge_id for j in panel.judges] == [judge.id]


def test_judges_sharing_a_display_name_are_two_judges(client, make_user, sit_session, db, clock):
    session, _, _ = sit_session()
    first = make_user(Role.JURY, email="marie1@example.org", name="Marie Martin")
    second = make_user(Role.JURY, email="marie2@example.org", name="Marie Martin")
    login(client, first.email)
    panel = new_panel(client, db, session)
    _rate(client, panel.id, ["0.5", "0.6", "0.7", "0.8"])  # 0.65
    login(client, second.email)
    _rate(client, panel.id, ["0.4", "0.5", "0.6", "0.7"])  # 0.55
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[0] == 2 and row[2] == pytest.approx(0.60)
    assert row[5] == pytest.approx(0.0707107, abs=1e-7)  # SD of 0.65 and 0.55
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)  # judges: anonymous
    summary = client.get(f"/rapports/angoff/{panel.id}").get_data(as_text=True)
    assert f"Marie Martin (compte n° {first.id})" in summary
    assert f"Marie Martin (compte n° {second.id})" in summary


def test_cut_in_points_is_on_the_candidate_copy(client, make_user, make_session, db, clock):
    session, _ = make_session(item_count=2)  # the panel rates the 8 items a form may draw
    judge = make_user(Role.JURY, email="juge@example.org")
    login(client, judge.email)
    panel = new_panel(client, db, session)
    assert len(panel.item_version_ids) == 8
    _rate(client, panel.id, ["0.5", "0.6", "0.7", "0.8"] * 2)
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[1:4] == (8, pytest.approx(0.65), pytest.approx(1.3))  # 0.65 × 2 points


@pytest.mark.parametrize(
    "value", ["sNaN", "NaN", "Infinity", "-Infinity", "abc", "0,6,5", "½", "1e-1", "1E-999999999"]
)
def test_a_rating_that_is_not_a_number_gets_one_french_message(
    client, make_user, sit_session, db, value
):
    session, _, _ = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    response, _ = _rate(client, panel.id, [value, "0.5", "0.5", "0.5"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "comprise entre 0 et 1" not in html  # the range message would be a second one
    # one message that says what to type, whatever the wrong text (before, « abc » read
    # « N'est pas une valeur décimale valide. », WTForms' wording, with no example)
    assert html.count("Indiquez un nombre entre 0 et 1 (par exemple 0,65).") == 2  # + summary
    assert "décimale valide" not in html
    assert db.session.execute(select(AngoffRating)).first() is None


def test_a_panel_leaves_out_the_items_neutralised_in_the_session(
    client, make_user, sit_session, db
):
    session, _, attempts = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    neutralised = next(ai.version for ai in attempts[0].items if ai.position == 4)
    url = f"/rapports/sessions/{session.id}/neutraliser"
    data = {"csrf_token": form_token(client, url), "item": neutralised.id, "reason": "Ambigu"}
    assert client.post(url, data=data).status_code == 302
    panel = new_panel(client, db, session)
    assert len(panel.item_version_ids) == 3 and neutralised.id not in panel.item_version_ids


def test_an_item_neutralised_after_the_ratings_leaves_the_cut(
    client, make_user, sit_session, db, clock
):
    session, _, attempts = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    values = ["0.5", "0.6", "0.7", "0.8"]
    _, names = _rate(client, panel.id, values)
    rated = {
        int(name.removeprefix("item_")): float(v) for name, v in zip(names, values, strict=True)
    }
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[1:3] == (4, pytest.approx(0.65))  # 2.6 / 4
    fourth = next(ai.version for ai in attempts[0].items if ai.position == 4)
    url = f"/rapports/sessions/{session.id}/neutraliser"
    data = {"csrf_token": form_token(client, url), "item": fourth.id, "reason": "Ambigu"}
    assert client.post(url, data=data).status_code == 302
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[1:3] == (3, pytest.approx((2.6 - rated[fourth.id]) / 3))
    assert len(db.session.execute(select(AngoffRating)).scalars().all()) == 4  # ratings kept


def _visible_text(html: str) -> str:
    """The page's text without tags, attributes (``step="0.01"``), scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_help_texts_use_the_french_decimal_comma(client, make_user, sit_session, db):
    session, _, _ = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    for url in (
        f"/rapports/angoff/{panel.id}/estimations",
        f"/rapports/angoff/{panel.id}",
        f"/rapports/sessions/{session.id}/angoff",
        f"/rapports/sessions/{session.id}",
        f"/rapports/sessions/{session.id}/neutraliser",
        "/rapports/",
    ):
        text = _visible_text(client.get(url).get_data(as_text=True))
        assert not re.findall(r"\d\.\d", text), url
    assert "par exemple 0,65" in _visible_text(
        client.get(f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True)
    )


def test_panel_whose_items_are_all_neutralised_gives_no_cut(
    client, make_user, sit_session, db, clock
):
    """Before: zip() of one judge against no cut raised ValueError (a 500 on the report)."""
    from decimal import Decimal

    from questionnaire.attempts.grading import neutralise_item
    from questionnaire.reports.angoff import create_panel, save_ratings, versions_of

    session, _, _ = sit_session()
    jury = make_user(Role.JURY, email="juge@example.org", name="Juge A")
    panel = create_panel(session, "Panel", [jury], jury, clock())
    db.session.flush()
    versions = versions_of(panel)
    save_ratings(panel, jury, {v.id: Decimal("0.6") for v in versions}, clock())
    for version in versions:
        neutralise_item(version, session, jury, "Énoncé ambigu", clock())
    db.session.commit()
    section = build_session_report(session, clock()).section("angoff")
    row = section.tables[0].rows[0]
    assert row[:3] == (0, 0, None)  # no judge counted, no item, no cut
    assert any("tous ses items ont été neutralisés" in p for p in section.paragraphs)
    login(client, jury.email)
    summary = client.get(f"/rapports/angoff/{panel.id}")
    assert summary.status_code == 200
    assert "Tous les items du panel ont été neutralisés" in summary.get_data(as_text=True)


def test_refused_panel_and_ratings_are_summarised_with_their_messages(
    client, make_user, sit_session, db
):
    session, _, _ = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    url = f"/rapports/sessions/{session.id}/angoff"
    html = client.post(url, data={"csrf_token": form_token(client, url), "title": ""}).get_data(
        as_text=True
    )
    assert "<title>Erreur : " in html
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus', html)
    assert '<a href="#title">' in html
    panel = new_panel(client, db, session)
    response, names = _rate(client, panel.id, ["80", "0,5", "0,5", "0,5"])
    html = response.get_data(as_text=True)
    summary = html[html.index('class="error-summary"') : html.index("</div>")]
    # only the wrong estimate, with what is wrong about it; the summary takes the focus
    assert summary.count("<li>") == 1 and f'href="#{names[0]}"' in summary
    assert re.search(r"<li><a [^>]+>[^<]+ : [^<]+</a></li>", summary)
    assert 'tabindex="-1" autofocus' in html


def _ratings(db, judge) -> dict[int, int]:
    rows = db.session.execute(select(AngoffRating).where(AngoffRating.judge_id == judge.id))
    return {r.item_version_id: r.value_bp for r in rows.scalars()}


def test_a_judge_saves_part_of_the_ratings_and_comes_back(
    client, make_user, sit_session, db, clock
):
    session, _, _ = sit_session()
    first = make_user(Role.JURY, email="juge1@example.org", name="Juge 1")
    second = make_user(Role.JURY, email="juge2@example.org", name="Juge 2")
    login(client, first.email)
    panel = new_panel(client, db, session)
    url = f"/rapports/angoff/{panel.id}/estimations"
    response, names = _rate(client, panel.id, ["0,5", "", "0.7", " "])
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    ids = [int(name.removeprefix("item_")) for name in names]
    assert _ratings(db, first) == {ids[0]: 5000, ids[2]: 7000}  # what was entered, kept
    page = client.get(url).get_data(as_text=True)
    assert "Il en reste 2 à estimer" in page  # the message after saving
    assert "2 item(s) estimé(s) sur 4." in page and "Items restant à estimer (2)" in page
    assert f'href="#item_{ids[1]}"' in page and f'href="#item_{ids[3]}"' in page
    assert f'href="#item_{ids[0]}"' not in page
    assert page.count("(à estimer)") == 2
    saved = re.search(rf'<input[^>]*name="item_{ids[0]}"[^>]*>', page).group(0)
    assert 'value="0,5"' in saved  # prefilled with what was saved, the French way

    # meanwhile another judge completes the panel: only complete judges make the cut
    login(client, second.email)
    _rate(client, panel.id, ["0.4", "0.5", "0.6", "0.7"])  # 0.55
    section = build_session_report(session, clock()).section("angoff")
    row = section.tables[0].rows[0]
    assert row[:3] == (1, 4, pytest.approx(0.55)) and row[8] == 1  # 1 counted, 1 left out
    assert any("Seuls comptent les juges qui ont estimé tous les items" in p
               for p in section.paragraphs)  # fmt: skip
    assert (
        "Panel « Panel » : seuil calculé sur 1 juge(s) à saisie complète et 4 item(s) ; "
        "1 juge(s) à saisie incomplète non compté(s)."
    ) in section.paragraphs
    summary = client.get(f"/rapports/angoff/{panel.id}").get_data(as_text=True)
    assert "Avancement des juges" in summary
    assert re.search(r"Juge 1</th><td>2</td><td>2</td><td>non</td>", summary)
    assert re.search(r"Juge 2 \(vous\)</th><td>4</td><td>0</td><td>oui</td>", summary)

    # the first judge comes back and finishes: now counted
    login(client, first.email)
    response, _ = _rate(client, panel.id, ["0.5", "0.6", "0.7", "0.8"])  # 0.65
    assert response.headers["Location"].endswith(f"/rapports/angoff/{panel.id}")
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[:3] == (2, 4, pytest.approx(0.60)) and row[8] == 0

    # emptying a field removes that rating: the judge is incomplete again
    _rate(client, panel.id, ["0.5", "", "0.7", "0.8"])
    assert set(_ratings(db, first)) == {ids[0], ids[2], ids[3]}
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[:3] == (1, 4, pytest.approx(0.55)) and row[8] == 1


def test_progress_leaves_out_an_item_neutralised_since(client, make_user, sit_session, db):
    session, _, attempts = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    fourth = next(ai.version for ai in attempts[0].items if ai.position == 4)
    url = f"/rapports/sessions/{session.id}/neutraliser"
    data = {"csrf_token": form_token(client, url), "item": fourth.id, "reason": "Ambigu"}
    assert client.post(url, data=data).status_code == 302
    values = {name: "0.5" for name in re.findall(r'name="(item_\d+)"', client.get(
        f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True))}  # fmt: skip
    values[f"item_{fourth.id}"] = ""  # the neutralised item is not needed
    response, _ = _rate(client, panel.id, list(values.values()))
    assert response.headers["Location"].endswith(f"/rapports/angoff/{panel.id}")  # complete
    page = client.get(f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True)
    assert "3 item(s) estimé(s) sur 3." in page and "Items restant" not in page
    assert "(neutralisé dans la session : hors calcul)" in page


def test_a_saved_estimate_comes_back_as_entered_and_a_later_save_keeps_it(
    client, make_user, sit_session, db
):
    """Before: the form showed a saved 0,655 rounded to « 0.66 », and the judge's next
    (partial) save stored 0.66 in its place without the judge having touched it."""
    session, _, _ = sit_session()
    judge = make_user(Role.JURY, email="juge@example.org")
    login(client, judge.email)
    panel = new_panel(client, db, session)
    url = f"/rapports/angoff/{panel.id}/estimations"
    _, names = _rate(client, panel.id, ["0,655", "0,1234", "1", ""])
    ids = [int(name.removeprefix("item_")) for name in names]
    page = client.get(url).get_data(as_text=True)
    shown = {
        name: re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in names[:3]
    }
    assert shown == {names[0]: "0,655", names[1]: "0,1234", names[2]: "1"}
    # the judge comes back and rates the last item: the form posts every field as shown
    data = {"csrf_token": form_token(client, url), **shown, names[3]: "0,4"}
    assert client.post(url, data=data).status_code == 302
    assert _ratings(db, judge) == {ids[0]: 6550, ids[1]: 1234, ids[2]: 10000, ids[3]: 4000}


def test_after_a_neutralisation_the_cut_in_points_is_on_the_copy_graded(
    client, make_user, sit_session, db, clock
):
    """Every copy holds the same 4 items; one is neutralised, so copies are graded out of 3.
    The borderline candidate's expected score is then the sum of the judge's 3 remaining
    estimates (before: the cut × 4, a point too many on a copy that has 3)."""
    session, _, attempts = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    values = ["0.5", "0.6", "0.7", "0.8"]
    _, names = _rate(client, panel.id, values)
    rated = {int(n.removeprefix("item_")): float(v) for n, v in zip(names, values, strict=True)}
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[3] == pytest.approx(2.6)  # 0.5 + 0.6 + 0.7 + 0.8, on a copy of 4 points
    fourth = next(ai.version for ai in attempts[0].items if ai.position == 4)
    url = f"/rapports/sessions/{session.id}/neutraliser"
    data = {"csrf_token": form_token(client, url), "item": fourth.id, "reason": "Ambigu"}
    assert client.post(url, data=data).status_code == 302
    assert {a.max_score for a in attempts} == {3}
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[3] == pytest.approx(2.6 - rated[fourth.id])


def test_no_cut_in_points_when_copies_are_graded_out_of_different_maxima(
    client, make_user, sit_session, db, clock
):
    """Random forms of which only some drew a neutralised item: 4 points on some copies, 3 on
    others; no single number of points is the cut (the percentage still is)."""
    session, _, attempts = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    _rate(client, panel.id, ["0.5", "0.6", "0.7", "0.8"])
    attempts[0].max_score = 3  # as grading leaves a copy that drew the neutralised item
    db.session.commit()
    row = build_session_report(session, clock()).section("angoff").tables[0].rows[0]
    assert row[2] == pytest.approx(0.65) and row[3] is None


def test_the_items_left_do_not_stand_between_the_keyboard_and_the_fields(
    client, make_user, sit_session, db
):
    """Before: one link per item left came before the form, so that a judge back after a
    partial save tabbed through up to one link per item (86 on the demo's panel) to reach
    the first field. Now a link goes to the first item left and the list is folded."""
    session, _, _ = sit_session()
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    _, names = _rate(client, panel.id, ["0,5", "", "0,7", ""])
    page = client.get(f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True)
    before_form = page[
        page.index('id="progress-title"') : page.index('<form method="post" novalidate>')
    ]
    folded = re.search(r"<details>\s*<summary>Items restant à estimer \(2\)</summary>.*?</details>",
                       before_form, re.S)  # fmt: skip
    assert folded
    outside = before_form.replace(folded.group(0), "")
    assert re.findall(r"<a [^>]*>[^<]*</a>", outside) == [
        f'<a href="#{names[1]}">Aller au premier item à estimer</a>'
    ]


def _judges_rows(summary: str, table: str) -> list[str]:
    """The first cell of each row of one of the summary's tables."""
    body = re.search(rf'id="table-{table}_\d+".*?<tbody>(.*?)</tbody>', summary, re.S).group(1)
    return re.findall(r'<th scope="row">([^<]*)</th>', body)


def test_a_judge_sees_the_other_judges_anonymously_the_administrator_by_name(
    client, make_user, sit_session, db
):
    """Before: every judge read the others' cuts and progress under their names; in the
    discussion round of a modified Angoff they are anonymous to the judges."""
    session, _, _ = sit_session()
    names = ("Bruno Petit", "Alice Martin", "Chloé Durand")
    judges = [
        make_user(Role.JURY, email=f"juge{n}@example.org", name=name)
        for n, name in enumerate(names)
    ]
    admin = make_user(Role.ADMIN, email="admin@example.org", name="Ada Admin")
    login(client, admin.email)
    panel = new_panel(client, db, session)
    estimates = [["0.5", "0.6", "0.7", "0.8"], ["0.4", "0.5", "0.6", "0.7"], ["0.6", "0.6", "", ""]]
    for judge, values in zip(judges, estimates, strict=True):
        login(client, judge.email)
        _rate(client, panel.id, values)
    url = f"/rapports/angoff/{panel.id}"

    login(client, judges[1].email)  # Alice, the second account: « Juge 2 » for every judge
    summary = client.get(url).get_data(as_text=True)
    for name in ("Bruno Petit", "Chloé Durand"):
        assert name not in summary
    assert _judges_rows(summary, "juges") == ["Juge 1", "Juge 2 (vous)"]  # Chloé: incomplete
    assert _judges_rows(summary, "avancement") == ["Juge 1", "Juge 2 (vous)", "Juge 3"]
    assert "Les autres juges sont présentés sans leur nom" in summary
    login(client, judges[2].email)
    summary = client.get(url).get_data(as_text=True)
    assert "Bruno Petit" not in summary and "Alice Martin" not in summary
    assert _judges_rows(summary, "avancement") == ["Juge 1", "Juge 2", "Juge 3 (vous)"]

    for reader in (admin, make_user(Role.JURY, email="lecteur@example.org", name="Léa Lectrice")):
        login(client, reader.email)  # the facilitator, a jury member reading the reports
        summary = client.get(url).get_data(as_text=True)
        assert _judges_rows(summary, "juges") == ["Alice Martin", "Bruno Petit"]
        assert _judges_rows(summary, "avancement") == sorted(names)
        assert "(vous)" not in summary and "sans leur nom" not in summary


def test_an_estimate_with_more_than_four_decimals_is_refused_not_rounded(
    client, make_user, sit_session, db
):
    # estimates are kept in basis points: « 0,66667 » was saved, and shown back, as « 0,6667 »
    session, _, _ = sit_session()
    judge = make_user(Role.JURY, email="juge@example.org")
    login(client, judge.email)
    panel = new_panel(client, db, session)
    response, names = _rate(client, panel.id, ["0,66667", "0,50000", "0,1234", "1"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Indiquez au plus 4 décimales (par exemple 0,6667).") == 2  # + summary
    assert re.search(rf'<input[^>]*name="{names[0]}"[^>]*value="0,66667"', html)  # kept as typed
    assert _ratings(db, judge) == {}  # nothing saved
    response, _ = _rate(client, panel.id, ["0,6667", "0,50000", "0,1234", "1"])
    assert response.status_code == 302
    ids = [int(name.removeprefix("item_")) for name in names]
    assert _ratings(db, judge) == {ids[0]: 6667, ids[1]: 5000, ids[2]: 1234, ids[3]: 10000}


def test_a_judge_reads_a_formatted_question_with_its_paragraphs_and_table(
    client, make_user, make_session, loaded_bank, db
):
    # the rating page kept only inline formatting: « Revenu30 000Quelle tranche ? » for a
    # question holding a table, « sa femmeQuel taux ? » for two paragraphs
    table = "<table><tbody><tr><th>Revenu</th><td>30 000</td></tr></tbody></table>"
    stems = iter(
        [
            f"{table}<p>Quelle tranche ?</p>",
            "<p>Un client <strong>fortuné</strong></p><p>Quel taux ?</p>",
        ]
    )
    text = re.sub(
        r'stem: "[^"]*"',
        lambda m: f"stem: {json.dumps(next(stems, m.group(0)[7:-1]))}",  # the others as they are
        bank_yaml(topics={"alpha": 2, "beta": 2}),
    )
    session, _ = make_session(
        item_count=4, blueprint={"alpha": 2, "beta": 2}, theme=loaded_bank(text)
    )
    login(client, make_user(Role.JURY, email="juge@example.org").email)
    panel = new_panel(client, db, session)
    html = client.get(f"/rapports/angoff/{panel.id}/estimations").get_data(as_text=True)
    assert re.search(
        rf'<div id="item_\d+-stem" class="stem">{table}<p>Quelle tranche \?</p></div>', html
    )
    assert re.search(
        r'<div id="item_\d+-stem" class="stem"><p>Un client <strong>fortuné</strong></p>'
        r"<p>Quel taux \?</p></div>",
        html,
    )
    assert re.search(r'aria-describedby="item_\d+-stem"', html)  # still the field's description
