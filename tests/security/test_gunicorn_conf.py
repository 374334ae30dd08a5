"""The gunicorn configuration: workers' connection pools fit in PostgreSQL's default limit."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from questionnaire.config import ConfigurationError, ProductionConfig


def test_default_workers_on_two_cores_stay_below_postgresql_max_connections(monkeypatch):
    monkeypatch.delenv("QUESTIONNAIRE_WORKERS", raising=False)
    monkeypatch.delenv("QUESTIONNAIRE_THREADS", raising=False)
    monkeypatch.delenv("QUESTIONNAIRE_WORKER_CLASS", raising=False)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    import questionnaire.gunicorn_conf as conf

    conf = importlib.reload(conf)
    pool = ProductionConfig.SQLALCHEMY_ENGINE_OPTIONS
    assert (conf.workers, conf.threads, conf.worker_class) == (2, 4, "gthread")
    # each thread holds one connection at most: the pool never makes a request wait
    assert pool["pool_size"] >= conf.threads
    # 100 is PostgreSQL's default max_connections; keep room for cron jobs and psql
    assert conf.workers * (pool["pool_size"] + pool["max_overflow"]) <= 80
    assert conf.preload_app and conf.timeout == 30


def test_workers_are_not_recycled_mid_exam_unless_asked(monkeypatch):
    import questionnaire.gunicorn_conf as conf

    monkeypatch.delenv("QUESTIONNAIRE_MAX_REQUESTS", raising=False)
    assert importlib.reload(conf).max_requests == 0
    monkeypatch.setenv("QUESTIONNAIRE_MAX_REQUESTS", "20000")
    conf = importlib.reload(conf)
    assert (conf.max_requests, conf.max_requests_jitter) == (20000, 2000)


def test_processes_threads_and_worker_class_come_from_the_environment(monkeypatch):
    import questionnaire.gunicorn_conf as conf

    monkeypatch.setenv("QUESTIONNAIRE_WORKERS", "3")
    monkeypatch.setenv("QUESTIONNAIRE_THREADS", "2")
    monkeypatch.setenv("QUESTIONNAIRE_WORKER_CLASS", "sync")
    conf = importlib.reload(conf)
    assert (conf.workers, conf.threads, conf.worker_class) == (3, 2, "sync")


def test_a_gevent_worker_is_not_preloaded(monkeypatch):
    """gevent must patch the standard library before the application imports it."""
    import questionnaire.gunicorn_conf as conf

    monkeypatch.setenv("QUESTIONNAIRE_WORKER_CLASS", "gevent")
    conf = importlib.reload(conf)
    assert (conf.worker_class, conf.preload_app) == ("gevent", False)
    monkeypatch.setenv("QUESTIONNAIRE_WORKER_CLASS", "gthread")
    assert importlib.reload(conf).preload_app


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("QUESTIONNAIRE_WORKERS", "abc", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_WORKERS", "0", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_THREADS", "-2", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_WORKER_TIMEOUT", "30s", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_MAX_REQUESTS", "-1", "un nombre entier positif ou nul"),
    ],
)
def test_a_malformed_number_names_its_variable_and_the_form_expected(
    monkeypatch, variable, value, expected
):
    import questionnaire.gunicorn_conf as conf

    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as refused:
        importlib.reload(conf)
    assert str(refused.value).startswith(f"{variable} invalide : '{value}' (attendu : {expected}")
    monkeypatch.delenv(variable)
    importlib.reload(conf)  # leave the module as the other tests expect it


def test_gunicorn_says_which_variable_is_malformed_in_one_line(tmp_path):
    """Gunicorn prints the configuration file's error as « Error: … » and stops, no traceback."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    environment = {**os.environ, "QUESTIONNAIRE_WORKERS": "deux"}
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "python:questionnaire.gunicorn_conf", "x:y"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode != 0
    assert "QUESTIONNAIRE_WORKERS invalide : 'deux'" in result.stderr
    assert "Traceback" not in result.stderr
