"""A small autosave load with retries, and the check that every acknowledged save is stored."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa

from tests.postgres.conftest import Candidate

RETRIES = 50


def selection_for(keys: list[str], seq: int) -> list[str]:
    """The answer a client sends with sequence ``seq`` (known to the check afterwards)."""
    return [keys[seq % len(keys)]]


@dataclass
class SaveLoad:
    """Candidates saving answers in a loop; each save is retried until acknowledged."""

    candidates: list[Candidate]
    session_id: int
    saves_per_candidate: int
    acknowledged: list[tuple[int, str, int]] = field(default_factory=list)
    failures_seen: int = 0
    done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _retry(self, send: Callable[[], requests.Response]) -> requests.Response:
        for _ in range(RETRIES):
            try:
                response = send()
            # the connection refused or dropped, or the response cut off by a killed worker
            # (ChunkedEncodingError): not counted as acknowledged, and sent again (a save that
            # was stored finds its own seq there: acknowledged then)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                response = None
            if response is not None and response.status_code in (200, 201):
                return response
            with self._lock:
                self.failures_seen += 1
        raise AssertionError("a save was never acknowledged")

    def _candidate(self, candidate: Candidate) -> None:
        attempt = self._retry(lambda: candidate.start(self.session_id)).json()
        items = attempt["items"]
        for seq in range(1, self.saves_per_candidate + 1):
            item = items[seq % len(items)]
            keys = [option["key"] for option in item["options"]]
            selected = selection_for(sorted(keys), seq)
            self._retry(
                lambda item=item, selected=selected, seq=seq: candidate.save(
                    attempt["attempt_id"], item["item_id"], selected, seq
                )
            )
            with self._lock:
                self.acknowledged.append((attempt["attempt_id"], item["item_id"], seq))
                self.done += 1

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._candidate, args=(candidate,), daemon=True)
            for candidate in self.candidates
        ]
        for thread in threads:
            thread.start()
        return threads


def check_acknowledged(engine: sa.Engine, acknowledged: list[tuple[int, str, int]]) -> int:
    """Every acknowledged save is stored (or overtaken by a later one); returns saves checked."""
    latest: dict[tuple[int, str], int] = {}
    for attempt_id, item_id, seq in acknowledged:
        latest[attempt_id, item_id] = max(seq, latest.get((attempt_id, item_id), 0))
    query = sa.text(
        "SELECT ai.attempt_id, i.external_id, r.seq, r.selected, iv.id AS version_id "
        "FROM response r JOIN attempt_item ai ON ai.id = r.attempt_item_id "
        "JOIN item_version iv ON iv.id = ai.item_version_id JOIN item i ON i.id = iv.item_id"
    )
    options = sa.text("SELECT key FROM item_option WHERE version_id = :version ORDER BY key")
    with engine.connect() as connection:
        stored = {(row.attempt_id, row.external_id): row for row in connection.execute(query)}
        for key, seq in latest.items():
            row = stored[key]
            assert row.seq == seq, (key, row.seq, seq)
            keys = list(connection.execute(options, {"version": row.version_id}).scalars())
            assert row.selected == selection_for(keys, seq), key
    return len(acknowledged)


def check_attempts_intact(engine: sa.Engine, expected_items: int) -> None:
    """Each attempt keeps its form; each response belongs to one of its own items."""
    with engine.connect() as connection:
        counts = connection.execute(
            sa.text("SELECT attempt_id, count(*) FROM attempt_item GROUP BY attempt_id")
        ).all()
        assert counts and all(count == expected_items for _attempt, count in counts)
        strays = connection.execute(
            sa.text(
                "SELECT count(*) FROM response r JOIN attempt_item ai "
                "ON ai.id = r.attempt_item_id WHERE ai.attempt_id <> r.attempt_id"
            )
        ).scalar_one()
        assert strays == 0
