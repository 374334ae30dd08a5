"""A session survives a change of the client's address.

Flask-Login's « strong » protection ended the session when the address changed: a candidate
whose bank network leaves the building by a pool of addresses (each connection may use another)
or who moved from Wi-Fi to 4G was logged out in the middle of the exam, the autosave answering
401. The session stays tied to its cookie (HttpOnly, Secure, SameSite, renewed at login).
"""

from tests.conftest import login


def test_a_new_address_keeps_the_candidate_logged_in(client, make_user):
    user = make_user(email="cand@example.org")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    login(client, user.email)
    assert client.get("/api/v1/auth/me").status_code == 200
    client.environ_base["REMOTE_ADDR"] = "203.0.113.40"  # another exit of the bank's network
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.get_json()["user"]["email"] == "cand@example.org"


def test_logging_out_still_ends_the_session(client, make_user):
    user = make_user(email="cand@example.org")
    token = login(client, user.email)
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code in (
        200,
        204,
    )
    assert client.get("/api/v1/auth/me").status_code == 401
