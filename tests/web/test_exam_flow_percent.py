"""The percentage a candidate reads never reaches the pass mark when the copy failed."""

from questionnaire.exams.models import ReleasePolicy
from tests.conftest import login, page_text
from tests.web.test_api import api, correct_keys  # noqa: F401 (fixture)


def sit(client, api, app, session, candidate, right: int) -> dict:  # noqa: F811
    """Answer the first ``right`` questions well and the others wrong, then hand in."""
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    keys = correct_keys(app, body["attempt_id"])
    for n, item in enumerate(body["items"]):
        good = keys[item["item_id"]]
        wrong = [o["key"] for o in item["options"] if o["key"] not in good][:1]
        api.call(
            "PUT",
            f"/api/v1/attempts/{body['attempt_id']}/responses/{item['item_id']}",
            json={"selected": good if n < right else wrong, "seq": 1},
        )
    return api.call("POST", f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()


def test_two_thirds_under_a_two_thirds_pass_mark_does_not_read_as_the_pass_mark(
    client,
    api,  # noqa: F811
    make_session,
    app,
):
    # a pass mark of « two thirds », as an administrator enters it: 66,67 %
    session, candidate = make_session(
        item_count=3, pass_mark_bp=6667, release=ReleasePolicy.IMMEDIATE
    )
    handed_in = sit(client, api, app, session, candidate, right=2)
    assert (handed_in["score"], handed_in["max_score"], handed_in["passed"]) == (2, 3, False)
    # 2/3 is 66.666…%: below the mark, so never shown as 66.67 (the mark itself)
    assert handed_in["percent"] == 66.66
    shown = api.call("GET", f"/api/v1/attempts/{handed_in['attempt_id']}").get_json()
    assert shown["result"]["percent"] == 66.66
    text = page_text(
        client.get(f"/copies/{handed_in['attempt_id']}/resultat").get_data(as_text=True)
    )
    assert "Non réussi" in text
    assert "2 / 3 bonnes réponses (66,66 %) — seuil de réussite : 66,67 %." in text


def test_a_copy_at_the_pass_mark_reads_as_it(client, api, make_session, app):  # noqa: F811
    session, candidate = make_session(
        item_count=3, pass_mark_bp=3333, release=ReleasePolicy.IMMEDIATE
    )
    handed_in = sit(client, api, app, session, candidate, right=1)
    assert (handed_in["percent"], handed_in["passed"]) == (33.33, True)
