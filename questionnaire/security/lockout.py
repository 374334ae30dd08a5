"""An account's login lockout for administrators: whether and until when it holds, and unlocking.

The counts are flask-limiter's, read and cleared through its strategy and storage, never kept
here. Which addresses an account failed from (one counter each) comes from the audit log's
``auth.login_failed`` events, the only record of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from limits import RateLimitItem, parse
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.audit.services import record_action
from questionnaire.auth.models import User
from questionnaire.extensions import db
from questionnaire.security.limits import (
    ACCOUNT_SCOPE,
    DEVICE_PREFIX,
    PAIR_SCOPE,
    account_limit,
    account_name,
    blocked_count_key,
    client_network,
    limiter,
    lock_end,
    pair_key,
    pair_limit,
)

# Failures audited a little before the window still count: another machine's clock, the time
# between the audit (in the view) and the count (after the response).
CLOCK_MARGIN = timedelta(minutes=1)


class LockoutUnavailable(RuntimeError):
    """The counters' storage (Redis) cannot be reached."""


@dataclass(frozen=True)
class Lockout:
    """An account's login lockout as the counters stand now."""

    # the account-wide ceiling is reached: locked from every address until then
    account_until: datetime | None
    # (address, until): the addresses (IPv6: /64 networks) the account is locked from
    addresses: tuple[tuple[str, datetime], ...]
    # logins refused since each lock began, the first one of each audited: account-wide, and
    # per address locked (read from the limiter's storage, where the refusals are counted)
    account_refusals: int = 0
    address_refusals: Mapping[str, int] = field(default_factory=dict)

    @property
    def is_locked(self) -> bool:
        return self.account_until is not None or bool(self.addresses)

    @property
    def until(self) -> datetime | None:
        """When the last of its locks ends."""
        ends = [end for end in (self.account_until, *(u for _, u in self.addresses)) if end]
        return max(ends, default=None)

    @property
    def refusals(self) -> int:
        """Logins refused by its current locks."""
        return self.account_refusals + sum(self.address_refusals.values())

    @property
    def unrecorded(self) -> int:
        """Refusals not in the journal: all but the first of each lock, which is audited."""
        counts = (self.account_refusals, *self.address_refusals.values())
        return sum(max(0, count - 1) for count in counts)


def _identifiers(key: str, scope: str) -> list[str]:
    """The identifiers flask-limiter gives its strategy for a shared limit's key and scope."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return [prefix, key, scope] if prefix else [key, scope]


def _locked_until(item: RateLimitItem, key: str, scope: str) -> datetime | None:
    stats = limiter.limiter.get_window_stats(item, *_identifiers(key, scope))
    return lock_end(stats.reset_time) if stats.remaining <= 0 else None


def _refusals(item: RateLimitItem, key: str, scope: str) -> int:
    """How many logins a lock has refused so far (counted beside it by ``limits``)."""
    refusals = blocked_count_key(item.key_for(*_identifiers(key, scope)))
    return int(limiter.limiter.storage.get(refusals) or 0)


def _failure_networks(now: datetime, user_id: int | None = None) -> dict[int, set[str]]:
    """Where each account failed to log in from within the window (audited): its addresses,
    and its known devices (``device:…``, each with its own counter)."""
    since = now - timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]) - CLOCK_MARGIN
    query = (
        select(AuditEvent.subject_id, AuditEvent.address, AuditEvent.details).where(
            AuditEvent.action == "auth.login_failed",
            AuditEvent.occurred_at >= since,
            AuditEvent.subject_id.is_not(None),
        )
        # no DISTINCT: PostgreSQL has no equality for the JSON details; the sets below dedupe
    )
    if user_id is not None:
        query = query.where(AuditEvent.subject_id == user_id)
    networks: dict[int, set[str]] = defaultdict(set)
    for subject_id, address, details in db.session.execute(query):
        device = (details or {}).get("device")
        if isinstance(device, str) and device:
            networks[subject_id].add(DEVICE_PREFIX + device)
        elif network := client_network(address):
            networks[subject_id].add(network)
    return networks


def _lockout(account: str, networks: Iterable[str]) -> Lockout:
    pair_item, account_item = parse(pair_limit()), parse(account_limit())
    try:
        account_until = _locked_until(account_item, account, ACCOUNT_SCOPE)
        account_refusals = (
            _refusals(account_item, account, ACCOUNT_SCOPE) if account_until is not None else 0
        )
        addresses, address_refusals = [], {}
        for network in sorted(networks):
            key = pair_key(account, network)
            until = _locked_until(pair_item, key, PAIR_SCOPE)
            if until is not None:
                addresses.append((network, until))
                address_refusals[network] = _refusals(pair_item, key, PAIR_SCOPE)
    except limiter.storage.base_exceptions as exc:
        raise LockoutUnavailable(str(exc)) from exc
    return Lockout(account_until, tuple(addresses), account_refusals, address_refusals)


def lockout_of(user: User, now: datetime) -> Lockout:
    """Whether the account is locked, from where and until when."""
    networks = _failure_networks(now, user.id).get(user.id, set())
    return _lockout(account_name(user.email), networks)


def locked_accounts(users: Iterable[User], now: datetime) -> dict[int, Lockout]:
    """Each of ``users`` locked now, with its lockout (until when, refusals since).

    Only accounts with a failure audited within the window are asked about: one query, then
    one storage read per account and address that failed.
    """
    networks = _failure_networks(now)
    locked = {}
    for user in users:
        if user.id in networks:
            lockout = _lockout(account_name(user.email), networks[user.id])
            if lockout.is_locked:
                locked[user.id] = lockout
    return locked


def _counters(account: str, networks: Iterable[str]) -> list[tuple[RateLimitItem, list[str]]]:
    """The account's counters: account-wide, then one per address it failed from."""
    pair_item = parse(pair_limit())
    return [
        (parse(account_limit()), _identifiers(account, ACCOUNT_SCOPE)),
        *((pair_item, _identifiers(pair_key(account, n), PAIR_SCOPE)) for n in sorted(networks)),
    ]


def unlock_account(user: User, now: datetime) -> Lockout:
    """Clear the account's failure counters (every address and account-wide), audited.

    The refusals of its locks after the first (audited once per lock) are cleared too, and
    their number recorded. Returns the lockout as it stood, for the administrator's message.
    """
    account = account_name(user.email)
    networks = _failure_networks(now, user.id).get(user.id, set())
    before = _lockout(account, networks)
    strategy = limiter.limiter
    unrecorded = 0
    try:
        for item, identifiers in _counters(account, networks):
            strategy.clear(item, *identifiers)
            refusals = blocked_count_key(item.key_for(*identifiers))
            unrecorded += max(0, strategy.storage.get(refusals) - 1)
            strategy.storage.clear(refusals)
    except limiter.storage.base_exceptions as exc:
        raise LockoutUnavailable(str(exc)) from exc
    record_action(
        "admin.user_unlock",
        target=f"user:{user.id}",
        subject_id=user.id,
        details={
            "locked_until": before.until.isoformat() if before.until else None,
            "account_wide": before.account_until is not None,
            "addresses": [address for address, _ in before.addresses],
            "blocked_unrecorded": unrecorded,
        },
        now=now,
    )
    return before
