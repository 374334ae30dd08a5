"""Gunicorn settings: ``gunicorn -c python:questionnaire.gunicorn_conf "questionnaire:create_app()"``.

Every value can be overridden from the environment, so one file serves every machine.
Application processes are stateless: sessions are signed cookies, data is in PostgreSQL and
the rate-limit counters are in Redis (QUESTIONNAIRE_REDIS_URL), so several machines can run
this behind one reverse proxy.
"""

from __future__ import annotations

import multiprocessing
import os

from questionnaire.config import environment_setting, non_negative_int, positive_int

bind = os.environ.get("QUESTIONNAIRE_BIND", "127.0.0.1:8000")
# Each worker holds its own connection pool: workers × (pool_size + max_overflow) must stay
# below PostgreSQL's max_connections (100 by default).
# One process per core, each with a few threads: on the 2-core load benchmark, 2 workers × 4
# threads served more saves per second with less CPU per request than 4 × 4, 2 × 8 or 4 sync
# workers (BENCHMARKS.md, "Gunicorn processes"): the threads overlap database waits and argon2,
# which releases the GIL, while more processes than cores only add switching.
workers = environment_setting("QUESTIONNAIRE_WORKERS", positive_int, multiprocessing.cpu_count())
worker_class = os.environ.get("QUESTIONNAIRE_WORKER_CLASS", "gthread")
threads = environment_setting("QUESTIONNAIRE_THREADS", positive_int, 4)
# A worker stuck this long is killed and replaced; requests are short (no long polling).
timeout = environment_setting("QUESTIONNAIRE_WORKER_TIMEOUT", positive_int, 30)
graceful_timeout = 30
# Import the application once in the master: a worker that dies is replaced by a fork in
# milliseconds. Safe because create_app opens no connection (each worker opens its own).
# Not with gevent, whose worker must patch the standard library before the application
# imports it (tried on the benchmark: more CPU than gthread, BENCHMARKS.md).
preload_app = worker_class != "gevent"
keepalive = 5
# Recycle workers now and then (memory), with jitter so they do not all restart together.
# Recycling a worker after N requests closes its keep-alive connections, and a request already
# on its way over one fails ("connection closed"): off by default, so an exam-morning spike is
# never cut; set QUESTIONNAIRE_MAX_REQUESTS to recycle workers on a quiet schedule.
max_requests = environment_setting("QUESTIONNAIRE_MAX_REQUESTS", non_negative_int, 0)
max_requests_jitter = max_requests // 10
# The reverse proxy on this machine sets X-Forwarded-*; see also QUESTIONNAIRE_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("QUESTIONNAIRE_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("QUESTIONNAIRE_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("QUESTIONNAIRE_LOG_LEVEL", "info")


def on_starting(server) -> None:
    """Gunicorn serves users: a configuration other than production (an environment file
    without QUESTIONNAIRE_CONFIG=production) is said at start, not discovered later."""
    config = os.environ.get("QUESTIONNAIRE_CONFIG", "development")
    if config != "production":
        server.log.warning(
            "QUESTIONNAIRE_CONFIG vaut « %s » et non « production » : cookies sans l'attribut "
            "Secure, clé secrète non vérifiée, paramètres SQL dans les journaux. Pour servir des "
            "utilisateurs, ajoutez QUESTIONNAIRE_CONFIG=production à l'environnement du service.",
            config,
        )
