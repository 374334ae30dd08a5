"""Production behind a reverse proxy without QUESTIONNAIRE_PROXY_COUNT: every request seems to
come from the proxy's address, so the per-address login limits count every candidate together;
the first forwarded request says so in the log."""

import logging

from questionnaire import create_app


def _production(monkeypatch, tmp_path, proxies: str | None):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    if proxies is None:
        monkeypatch.delenv("QUESTIONNAIRE_PROXY_COUNT", raising=False)
    else:
        monkeypatch.setenv("QUESTIONNAIRE_PROXY_COUNT", proxies)
    return create_app("production").test_client()


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if "QUESTIONNAIRE_PROXY_COUNT" in r.getMessage()]


def test_a_forwarded_request_without_proxy_count_is_reported_once(monkeypatch, tmp_path, caplog):
    client = _production(monkeypatch, tmp_path, None)
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    with caplog.at_level(logging.WARNING):
        client.get("/sante", headers=forwarded, base_url="https://localhost")
        client.get("/sante", headers=forwarded, base_url="https://localhost")
    [warning] = _warnings(caplog)
    assert "QUESTIONNAIRE_PROXY_COUNT=1" in warning


def test_no_warning_when_the_proxy_is_declared(monkeypatch, tmp_path, caplog):
    client = _production(monkeypatch, tmp_path, "1")
    with caplog.at_level(logging.WARNING):
        client.get("/sante", headers={"X-Forwarded-For": "203.0.113.7"})
    assert _warnings(caplog) == []
