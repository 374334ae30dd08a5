"""Exam-day start spike: candidates log in, start, autosave 20 answers, submit.

Run by ``run.py`` (which prepares the database and the server); standalone use:
``locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8000`` with the environment
variables below. Each candidate also calls ``/sante`` after every BENCH_PROBE_EVERY-th save
(default 5), so the run measures a trivial endpoint on the same server at the same moment, for
the ratio, without doubling the load it measures.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

SESSION_ID = int(os.environ.get("BENCH_SESSION_ID", "1"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "benchmark-password")
EMAILS = os.environ.get("BENCH_EMAILS", "")  # file: one e-mail per line
ACK_LOG = os.environ.get("BENCH_ACK_LOG", "acks.jsonl")
PROBE_EVERY = int(os.environ.get("BENCH_PROBE_EVERY", "5"))
# the same scenario, same pacing and request names, with every request sent to the trivial
# /sante endpoint instead: the ceiling of this machine and stack, for the ratio
TRIVIAL = os.environ.get("BENCH_TRIVIAL") == "1"

_emails: list[str] = []
_lock = threading.Lock()
_acks: list[str] = []
_progress = {"total": 0, "finished": 0}


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
        response = self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}, name="login"
        )
        self.finished = response.status_code != 200
        if self.finished:
            self._count_finished()
            return
        self.headers = {"X-CSRFToken": response.json()["csrf_token"]}
        response = self.client.post(
            f"/api/v1/sessions/{SESSION_ID}/attempt", headers=self.headers, name="start"
        )
        self.finished = response.status_code not in (200, 201)
        if self.finished:
            self._count_finished()
            return
        attempt = response.json()
        self.attempt_id = attempt["attempt_id"]
        self.items = attempt["items"]
        self.seq = 0

    def _start_trivially(self) -> None:
        self.client.get("/sante", name="login")
        self.client.get("/sante", name="start")
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
                self.client.get("/sante", name="submit")
            else:
                self.client.post(
                    f"/api/v1/attempts/{self.attempt_id}/submit",
                    headers=self.headers,
                    name="submit",
                )
            self.finished = True
            self._count_finished()
            raise StopUser()
        item = self.items[self.seq]
        self.seq += 1
        selected = [random.choice(item["options"])["key"]]
        if TRIVIAL:
            self.client.get("/sante", name="save")
            with _lock:
                _acks.append(json.dumps([0, "", self.seq, selected, time.time()]))
            return
        with self.client.put(
            f"/api/v1/attempts/{self.attempt_id}/responses/{item['item_id']}",
            json={"selected": selected, "seq": self.seq},
            headers=self.headers,
            name="save",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json().get("applied"):
                response.success()
                record = [self.attempt_id, item["item_id"], self.seq, selected, time.time()]
                with _lock:
                    _acks.append(json.dumps(record))
            else:
                response.failure(f"save not applied: {response.status_code}")
        if self.seq % PROBE_EVERY == 0:
            self.client.get("/sante", name="sante")
