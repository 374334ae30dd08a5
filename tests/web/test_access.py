"""Every route declares who may call it; walking the URL map proves it."""

import pytest
from werkzeug.routing import IntegerConverter

from questionnaire.access import PUBLIC
from questionnaire.auth.models import Role
from tests.conftest import login

PUBLIC_ENDPOINTS = {
    "auth.login",
    "main.health",
    "api.login",
    "static",
    "privacy.notice",
    "accessibility.declaration",
}


# open to every role, and would end the walk's session
LOG_OUT = {"auth.logout", "api.logout"}


def _sample_url(rule) -> str:
    values = {
        arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "X"
        for arg in rule.arguments
    }
    if rule.endpoint == "static":
        values["filename"] = "css/app.css"
    return rule.build(values)[1]


def test_every_route_declares_an_access_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) is None:
            missing.append(rule.endpoint)
    assert missing == []
    declared_public = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "access_rule", None) == PUBLIC
    }
    assert declared_public == PUBLIC_ENDPOINTS - {"static"}


def test_anonymous_requests_are_sent_to_login(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code in (400, 401), (method, url, response.status_code)
                assert response.is_json
            elif method == "GET":
                assert (
                    response.status_code == 302 and "/connexion" in response.headers["Location"]
                ), url
            else:  # refused by the CSRF check first: the session has ended, log in again
                assert response.status_code in (302, 303), (method, url)
                assert "/connexion" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("role", list(Role))
def test_roles_are_enforced_on_every_get_route(app, client, make_user, role):
    user = make_user(role)
    login(client, user.email)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        allowed = app.view_functions[rule.endpoint].access_rule
        response = client.get(_sample_url(rule))
        if role in allowed:
            assert response.status_code != 403, (role, rule.endpoint)
        else:
            assert response.status_code == 403, (role, rule.endpoint, response.status_code)


def test_public_endpoints_answer_without_login(client):
    assert client.get("/sante").get_json() == {"status": "ok"}
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/connexion").status_code == 200
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_roles_are_enforced_on_every_state_changing_route(app, client, make_user, role):
    """The POST, PUT and DELETE routes too: a valid CSRF token does not open another role's
    action (refused before any work, whatever the body)."""
    from tests.conftest import form_token

    user = make_user(role)
    login(client, user.email)
    token = form_token(client, "/")
    walked, wrong = 0, []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS | LOG_OUT:
            continue
        allowed = app.view_functions[rule.endpoint].access_rule
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            walked += 1
            status = client.open(
                _sample_url(rule),
                method=method,
                data={"csrf_token": token},
                headers={"X-CSRFToken": token},
            ).status_code
            if (status == 403) == (role in allowed):
                wrong.append((method, rule.endpoint, status))
    assert walked > 40
    assert wrong == []
