"""An unknown e-mail costs what a wrong password costs: the delay never tells who has an account."""

from __future__ import annotations

from collections import Counter

from argon2 import PasswordHasher

from questionnaire.auth.services import authenticate


def _argon2_operations(monkeypatch, attempt) -> Counter:
    """Run ``attempt`` and count the argon2 hashes and verifications it performs."""
    counts: Counter = Counter()
    original_hash, original_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        counts["hash"] += 1
        return original_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        counts["verify"] += 1
        return original_verify(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(PasswordHasher, "hash", counting_hash)
        patch.setattr(PasswordHasher, "verify", counting_verify)
        attempt()
    return counts


def test_unknown_and_known_accounts_cost_the_same_argon2_work(app, make_user, clock, monkeypatch):
    make_user(email="cand@example.org")
    authenticate("warm-up@example.org", "x", clock())  # a one-off cost is allowed at start-up

    def wrong_password():
        assert authenticate("cand@example.org", "wrong-password", clock()) is None

    def unknown_account():
        assert authenticate("nobody@example.org", "wrong-password", clock()) is None

    known = _argon2_operations(monkeypatch, wrong_password)
    unknown = _argon2_operations(monkeypatch, unknown_account)
    assert known == Counter(verify=1)
    assert unknown == known
