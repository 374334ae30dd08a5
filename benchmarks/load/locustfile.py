"""Exam-day start spike: candidates log in, start, autosave 20 answers, submit.

Run by ``run.py`` (which prepares the database and the server); standalone use:
``locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8000`` with the environment
variables below. Each candidate also calls ``/sante`` after every BENCH_PROBE_EVERY-th save
(default 5), so the run measures a trivial endpoint on the same server at the same moment, for
the ratio, without doubling the load it measures.

Like the exam page's script (``exam.js``), a candidate retries a request that met a network
error, a 5xx or a 429, after 1 s and then twice as long each time up to 15 s: a fault run
(``run.py --fault``) then shows what a killed worker or dropped database connections cost the
candidates. Each failed try is a locust failure; the retries and the requests given up after
``MAX_TRIES`` are counted apart.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

SESSION_ID = int(os.environ.get("BENCH_SESSION_ID", "1"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "benchmark-password")
EMAILS = os.environ.get("BENCH_EMAILS", "")  # file: one e-mail per line
ACK_LOG = os.environ.get("BENCH_ACK_LOG", "acks.jsonl")
RETRY_LOG = os.environ.get("BENCH_RETRY_LOG", "retries.json")
PROBE_EVERY = int(os.environ.get("BENCH_PROBE_EVERY", "5"))
# the same scenario, same pacing and request names, with every request sent to the trivial
# /sante endpoint instead: the ceiling of this machine and stack, for the ratio
TRIVIAL = os.environ.get("BENCH_TRIVIAL") == "1"
MAX_TRIES = 8  # 1 + 2 + 4 + 8 + 15 + 15 + 15 s of waiting: a minute, then the candidate gives up

_emails: list[str] = []
_lock = threading.Lock()
_acks: list[str] = []
_progress = {"total": 0, "finished": 0}
_retries: Counter[str] = Counter()
_given_up: Counter[str] = Counter()


@events.init.add_listener
def _load_emails(**_kwargs) -> None:
    with open(EMAILS, encoding="utf-8") as handle:
        _emails.extend(line.strip() for line in handle if line.strip())
    _emails.reverse()
    _progress["total"] = len(_emails)


@events.quitting.add_listener
def _write_acks(**_kwargs) -> None:
    with open(ACK_LOG, "w", encoding="utf-8") as handle:
        handle.write("\n".join(_acks) + ("\n" if _acks else ""))
    with open(RETRY_LOG, "w", encoding="utf-8") as handle:
        json.dump({"retries": _retries, "given_up": _given_up, "max_tries": MAX_TRIES}, handle)


def _json(response) -> bool:
    """Every answer of the scenario is JSON: one that does not parse was cut short."""
    response.json()
    return True


def _acknowledges(body: dict, seq: int) -> bool:
    """Applied, or a retry of a save that did arrive finding its own seq stored."""
    return bool(body.get("applied")) or body.get("seq") == seq


def _retryable(status: int) -> bool:
    """A network error (0), a server error or too many requests: the page tries again."""
    return status == 0 or status >= 500 or status == 429


class Candidate(FastHttpUser):
    """One candidate: the page's script saves each answer as soon as it is chosen."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.finished = True
        with _lock:
            if not _emails:
                return
            email = _emails.pop()
        if TRIVIAL:
            self._start_trivially()
            return
        response = self._call(
            "POST", "/api/v1/auth/login", "login", json={"email": email, "password": PASSWORD}
        )
        self.finished = response is None
        if self.finished:
            self._count_finished()
            return
        self.headers = {"X-CSRFToken": response.json()["csrf_token"]}
        response = self._call(
            "POST", f"/api/v1/sessions/{SESSION_ID}/attempt", "start", headers=self.headers
        )
        self.finished = response is None
        if self.finished:
            self._count_finished()
            return
        attempt = response.json()
        self.attempt_id = attempt["attempt_id"]
        self.items = attempt["items"]
        self.seq = 0

    def _call(self, method: str, path: str, name: str, accepted=None, **kwargs):
        """The response once accepted (2xx with a JSON body, and ``accepted(response)`` when
        given), retrying like the page; None when refused (4xx) or given up."""
        delay = 1.0
        for _try in range(MAX_TRIES):
            with self.client.request(
                method, path, name=name, catch_response=True, **kwargs
            ) as response:
                status = response.status_code
                try:
                    ok = 200 <= status < 300 and (accepted or _json)(response)
                except ValueError:  # an answer cut short (a killed worker): sent again
                    ok, status = False, 0
                if ok:
                    response.success()
                    return response
                response.failure(f"{name}: {status or response.error}")
            if not _retryable(status):
                return None
            with _lock:
                _retries[name] += 1
            gevent.sleep(delay)
            delay = min(delay * 2, 15.0)
        with _lock:
            _given_up[name] += 1
        return None

    def _start_trivially(self) -> None:
        self._call("GET", "/sante", "login")
        self._call("GET", "/sante", "start")
        self.finished, self.attempt_id, self.seq = False, 0, 0
        self.items = [{"item_id": "", "options": [{"key": "A"}]}] * 20

    def _count_finished(self) -> None:
        """The last candidate to finish (or fail to start) ends the run."""
        with _lock:
            _progress["finished"] += 1
            last = _progress["finished"] == _progress["total"]
        if last:
            # a moment for the last responses to reach the statistics before they are written
            gevent.spawn_later(2, self.environment.runner.quit)

    @task
    def answer_next(self) -> None:
        if self.finished:
            raise StopUser()
        if self.seq >= len(self.items):
            if TRIVIAL:
                self._call("GET", "/sante", "submit")
            else:
                # submitting again returns the same result: a retried submit is harmless
                self._call(
                    "POST",
                    f"/api/v1/attempts/{self.attempt_id}/submit",
                    "submit",
                    headers=self.headers,
                )
            self.finished = True
            self._count_finished()
            raise StopUser()
        item = self.items[self.seq]
        self.seq += 1
        selected = [random.choice(item["options"])["key"]]
        if TRIVIAL:
            if self._call("GET", "/sante", "save") is not None:
                with _lock:
                    _acks.append(json.dumps([0, "", self.seq, selected, time.time()]))
            return
        seq = self.seq
        response = self._call(
            "PUT",
            f"/api/v1/attempts/{self.attempt_id}/responses/{item['item_id']}",
            "save",
            accepted=lambda r: _acknowledges(r.json(), seq),
            json={"selected": selected, "seq": seq},
            headers=self.headers,
        )
        if response is not None:
            record = [self.attempt_id, item["item_id"], seq, selected, time.time()]
            with _lock:
                _acks.append(json.dumps(record))
        if self.seq % PROBE_EVERY == 0:
            self.client.get("/sante", name="sante")
