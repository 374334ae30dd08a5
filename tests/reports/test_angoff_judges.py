"""The judges of an Angoff panel: named by its facilitator, the only ones who estimate, each on
their own first (no other judge's estimate, nor the cut, before their own are complete)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.auth.models import Role
from questionnaire.reports import angoff, angoff_judges
from questionnaire.reports.models import AngoffPanel
from questionnaire.reports.services import ReportError
from questionnaire.reports.session_report import build_session_report
from tests.conftest import form_token, login
from tests.reports.test_angoff import _rate, jury_choices

FOUR = ["0,5", "0,6", "0,7", "0,8"]


@pytest.fixture
def panel_of_two(client, make_user, sit_session, db):
    """A session, its panel created by Ada (a jury member) naming Ada and Bruno; Chloé is of
    the jury but not named."""
    session, _, _ = sit_session()
    ada = make_user(Role.JURY, email="ada@example.org", name="Ada Arnaud")
    bruno = make_user(Role.JURY, email="bruno@example.org", name="Bruno Blanc")
    chloe = make_user(Role.JURY, email="chloe@example.org", name="Chloé Colin")
    login(client, ada.email)
    url = f"/rapports/sessions/{session.id}/angoff"
    data = {"csrf_token": form_token(client, url), "title": "Panel", "judges": [ada.id, bruno.id]}
    assert client.post(url, data=data).status_code == 302
    panel = db.session.execute(select(AngoffPanel)).scalar_one()
    return session, panel, ada, bruno, chloe


def test_the_panel_page_offers_the_jury_and_refuses_a_panel_without_judges(
    client, make_user, sit_session, db
):
    session, _, _ = sit_session()
    ada = make_user(Role.JURY, email="ada@example.org", name="Ada Arnaud")
    make_user(Role.JURY, email="old@example.org").active = False
    author = make_user(Role.AUTHOR, email="author@example.org")
    login(client, ada.email)
    url = f"/rapports/sessions/{session.id}/angoff"
    page = client.get(url).get_data(as_text=True)
    assert jury_choices(page) == [str(ada.id)]  # the inactive account and the author are not
    assert "<legend>Juges du panel" in page
    token = form_token(client, url)
    response = client.post(url, data={"csrf_token": token, "title": "Sans juge"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nommez au moins un juge du panel." in html
    assert 'href="#judges-0"' in html and 'value="Sans juge"' in html
    response = client.post(url, data={"csrf_token": token, "title": "X", "judges": [author.id]})
    assert "Choisissez des membres du jury proposés." in response.get_data(as_text=True)
    assert db.session.execute(select(AngoffPanel)).first() is None


def test_only_the_named_judges_estimate(client, panel_of_two, db, clock):
    _session, panel, _ada, bruno, chloe = panel_of_two
    login(client, chloe.email)
    response = client.get(f"/rapports/angoff/{panel.id}/estimations")
    assert response.status_code == 403
    assert "pas juge de ce panel" in response.get_data(as_text=True).replace("&#39;", "'")
    response = client.post(
        f"/rapports/angoff/{panel.id}/estimations",
        data={"csrf_token": form_token(client, "/"), f"item_{panel.item_version_ids[0]}": "0,5"},
    )
    assert response.status_code == 403 and panel.ratings == []
    panels = client.get(f"/rapports/sessions/{panel.session_id}/angoff").get_data(as_text=True)
    assert "Saisir mes estimations" not in panels and "2 juge(s)" in panels
    with pytest.raises(ReportError, match="pas juge de ce panel"):
        angoff.save_ratings(panel, chloe, {panel.item_version_ids[0]: Decimal("0.5")}, clock())
    login(client, bruno.email)
    panels = client.get(f"/rapports/sessions/{panel.session_id}/angoff").get_data(as_text=True)
    assert "Saisir mes estimations" in panels
    response, _ = _rate(client, panel.id, FOUR)
    assert response.status_code == 302 and len(panel.ratings) == 4


def test_a_judge_sees_nobody_elses_estimates_before_completing_their_own(
    client, panel_of_two, db, clock
):
    session, panel, ada, bruno, chloe = panel_of_two
    login(client, ada.email)
    _rate(client, panel.id, FOUR)
    summary_url = f"/rapports/angoff/{panel.id}"

    login(client, bruno.email)
    summary = client.get(summary_url).get_data(as_text=True)
    assert "Vos estimations d'abord" in summary
    assert f'id="table-avancement_{panel.id}"' in summary  # how far each has got
    assert f'id="table-angoff_{panel.id}"' not in summary  # no cut
    assert f'id="table-juges_{panel.id}"' not in summary  # no judge's cut
    assert "65,0\u00a0%" not in summary and "Ada Arnaud" not in summary
    report = build_session_report(session, clock(), viewer=bruno).section("angoff")
    assert report.tables == () and "vos estimations ne sont pas complètes" in report.paragraphs[-1]
    _rate(client, panel.id, [*FOUR[:2], "", ""])  # half done: still withheld
    assert "Vos estimations d'abord" in client.get(summary_url).get_data(as_text=True)
    _rate(client, panel.id, ["0,4", "0,5", "0,6", "0,7"])
    summary = client.get(summary_url).get_data(as_text=True)
    assert "Vos estimations d'abord" not in summary
    assert f'id="table-juges_{panel.id}"' in summary and "65,0\u00a0%" in summary
    assert "Ada Arnaud" not in summary  # the discussion round stays anonymous
    assert build_session_report(session, clock(), viewer=bruno).section("angoff").tables

    login(client, chloe.email)  # a jury member who does not judge reads it all, by name
    summary = client.get(summary_url).get_data(as_text=True)
    assert "Vos estimations d'abord" not in summary and "Ada Arnaud" in summary


def test_the_facilitator_names_and_removes_judges_audited(
    client, panel_of_two, db, make_user, clock
):
    _session, panel, ada, bruno, chloe = panel_of_two
    summary_url = f"/rapports/angoff/{panel.id}"
    login(client, bruno.email)  # a judge, not the facilitator: no roster form, refused
    page = client.get(summary_url).get_data(as_text=True)
    assert "Nommer les juges cochés" not in page
    token = form_token(client, summary_url)
    refused = client.post(f"{summary_url}/juges", data={"csrf_token": token, "judges": [chloe.id]})
    assert refused.status_code == 403
    _rate(client, panel.id, FOUR)

    login(client, ada.email)
    page = client.get(summary_url).get_data(as_text=True)
    assert jury_choices(page) == [str(chloe.id)]  # the jury members not named yet
    # one CSRF field id for the roster's removal buttons and the naming form (RGAA 8.2)
    assert "Retirer Ada" in page and page.count('id="csrf_token"') == 1
    assert "Retirer Bruno Blanc" not in page  # he has estimated
    token = form_token(client, summary_url)
    empty = client.post(f"{summary_url}/juges", data={"csrf_token": token})
    assert empty.status_code == 422 and "Nommez au moins un juge" in empty.get_data(as_text=True)
    assert "<title>Erreur : " in empty.get_data(as_text=True)
    named = client.post(f"{summary_url}/juges", data={"csrf_token": token, "judges": [chloe.id]})
    assert named.status_code == 302
    assert [j.judge_id for j in panel.judges] == [ada.id, bruno.id, chloe.id]
    refused = client.post(f"{summary_url}/juges/{bruno.id}/retrait", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "a déjà enregistré des estimations" in refused.get_data(as_text=True)
    assert "<title>Erreur : " in refused.get_data(as_text=True)
    assert "<title>Erreur" not in client.get(summary_url).get_data(as_text=True)
    removed = client.post(f"{summary_url}/juges/{chloe.id}/retrait", data={"csrf_token": token})
    assert removed.status_code == 302
    db.session.expire_all()
    assert [j.judge_id for j in panel.judges] == [ada.id, bruno.id]

    admin = make_user(Role.ADMIN, email="admin@example.org")
    assert angoff_judges.is_facilitator(admin, panel) and not angoff_judges.is_facilitator(
        bruno, panel
    )
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action.like("angoff.%")).order_by(AuditEvent.id)
    ).scalars()
    assert [(e.action, e.actor_id) for e in events] == [
        ("angoff.panel_created", ada.id),
        ("angoff.judges_named", ada.id),
        ("angoff.judge_removed", ada.id),
    ]
    assert {"angoff.panel_created", "angoff.judges_named", "angoff.judge_removed"} <= set(
        ACTION_LABELS
    )
    login(client, admin.email)  # the journal names the panel and the judges
    journal = client.get("/admin/journal?action=angoff.judges_named").get_data(as_text=True)
    assert f'href="/rapports/angoff/{panel.id}"' in journal and "Panel Angoff n" in journal
    assert "Juges" in journal and "Chloé Colin" in journal
    # the last judge stays (exploratory test of 04/12/2026: a panel had been left with none)
    alone = angoff.create_panel(panel.session, "Seul", [ada], ada, clock())
    with pytest.raises(ReportError, match="seul juge du panel"):
        angoff_judges.remove_judge(alone, ada, ada, clock())


def test_an_inactive_or_non_jury_account_is_never_named(panel_of_two, make_user, clock):
    _session, panel, ada, _bruno, _chloe = panel_of_two
    inactive = make_user(Role.JURY)
    inactive.active = False
    for user in (make_user(Role.AUTHOR), inactive):
        with pytest.raises(ReportError, match="membre actif du jury"):
            angoff_judges.name_judges(panel, [user], ada, clock())
    with pytest.raises(ReportError, match="au moins un juge"):
        angoff_judges.name_judges(panel, [], ada, clock())


def test_a_judge_exports_their_own_panels_and_estimates_only(client, panel_of_two, clock):
    from questionnaire.privacy.services import export_user_data

    _session, panel, ada, bruno, _chloe = panel_of_two
    login(client, ada.email)
    _rate(client, panel.id, FOUR)
    login(client, bruno.email)
    _rate(client, panel.id, ["0,1", "", "", ""])
    [judged] = export_user_data(bruno, clock())["angoff_panels_judged"]
    assert judged["panel"] == "Panel" and judged["session"] == panel.session.title
    assert [e["probability"] for e in judged["estimates"]] == [0.1]
    assert len(export_user_data(ada, clock())["angoff_panels_judged"][0]["estimates"]) == 4
