"""Login rate limits (flask-limiter): failures counted per account and address, per account
across every address, and per address.

Only failed logins count, so an exam centre whose candidates share one address can log
everybody in at once. The lockout holds for the pair (account, address) that failed: whoever
knows a candidate's e-mail and fails from elsewhere locks only their own pair, never the
candidate at the centre, and a candidate who mistypes locks only their own account there. A
higher ceiling for the account across every address still stops a distributed attack; a
ceiling per address slows guessing over many accounts. An IPv6 address counts as its /64
network, what one subscriber holds. Logins from the exam centres' declared networks are exempt
from the account-wide ceiling, which a stranger with a few addresses could otherwise reach.

A browser that has logged in to an account holds a signed device cookie for it (OWASP's
« device cookies »). Its logins to that account count on their own counter, the device's,
instead of the address's, and are exempt from both ceilings: someone failing from the same
address (a colleague at the exam centre, the same NAT) or from many addresses no longer locks
the candidate out of a browser they have already used; whoever holds the cookie gets the same
few tries as anyone. The counters live in Redis when configured, shared by every process;
``questionnaire.security.lockout`` lets an administrator see and clear them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, after_this_request, current_app, render_template, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import HTTPException

from questionnaire.access import is_api_request
from questionnaire.clock import current_time
from questionnaire.errors import MESSAGES, json_error
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.web import paris_time

LOGIN_ENDPOINTS = frozenset({"auth.login", "api.login"})

# Counter scopes, also the kind of lockout recorded on ``auth.login_blocked`` events.
PAIR_SCOPE = "login-account-address"
ACCOUNT_SCOPE = "login-account"
ADDRESS_SCOPE = "login-address"


def client_network(address: str | None) -> str:
    """Where a login comes from: the IPv4 address, or the /64 network of an IPv6 address.

    Every address of a /64 belongs to one subscriber: counting them apart would give an
    attacker a fresh counter per address, and the account-wide ceiling (a lockout for everyone)
    within reach of a single machine.
    """
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


limiter = Limiter(key_func=lambda: client_network(get_remote_address()))


# Marks the request whose login failed: only those count. On the request, not on ``g``, which
# lives as long as the application context, and a test's requests share one.
_FAILED = "questionnaire.login_failed"


def record_login_failure(email: str, now: datetime) -> None:
    """Count this failed login towards the limits and audit it (against the account, if any).

    The event's address, or its known device, tells an administrator's unlock which counters
    the account has.
    """
    from questionnaire.audit.services import record
    from questionnaire.auth.services import find_user_by_email

    request.environ[_FAILED] = True
    user = find_user_by_email(email)
    device = known_device(account_name(email))
    record(
        "auth.login_failed",
        now,
        subject_id=user.id if user else None,
        details={"device": device} if device else None,
    )


def _login_failed(_response) -> bool:
    return bool(request.environ.get(_FAILED))


def account_name(email: str) -> str:
    """The account part of the counters' keys: the normalised e-mail."""
    from questionnaire.auth.services import normalise_email

    return normalise_email(email)[:254]


def account_key() -> str:
    """The normalised e-mail a login targets; empty (limit skipped) when there is none."""
    try:
        if request.is_json:
            data = request.get_json(silent=True)
            email = data.get("email") if isinstance(data, dict) else None
        else:
            email = request.form.get("email")
    except HTTPException:
        # an oversized body: the view answers 413; an error here would be taken for a
        # storage failure by flask-limiter
        return ""
    if not isinstance(email, str) or not email.strip():
        return ""
    return account_name(email)


DEVICE_COOKIE = "questionnaire_device"
DEVICE_DAYS = 180
#: How a known device stands in a pair key where an address would (``pair_key``).
DEVICE_PREFIX = "device:"


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="login-device")


def _account_digest(account: str) -> str:
    """The account in the device cookie: a digest, so that the cookie does not show the e-mail."""
    return hashlib.sha256(account.encode()).hexdigest()[:32]


def known_device(account: str) -> str | None:
    """This browser's device id if it has logged in to ``account`` (its signed cookie), else None.

    A cookie for another account, altered, or signed with another key counts for nothing. Read
    once per request: the limits' keys and exemptions and the failure's audit all ask.
    """
    read = request.environ.setdefault(_DEVICES_READ, {})
    if account not in read:
        read[account] = _device_in_cookie(account)
    return read[account]


_DEVICES_READ = "questionnaire.devices_read"


def _device_in_cookie(account: str) -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or not account:
        return None
    try:
        data = _device_serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != _account_digest(account):
        return None
    device = data.get("d")
    return device if isinstance(device, str) and device.isalnum() else None


def remember_device(email: str) -> None:
    """After a successful login: this browser becomes a known device of the account (the
    cookie is set on the response; a browser already known keeps its id)."""
    account = account_name(email)
    device = known_device(account) or secrets.token_hex(8)
    value = _device_serializer().dumps({"a": _account_digest(account), "d": device})
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=secure,
        )
        return response


def login_place(account: str) -> str:
    """Where a login to ``account`` counts: its known device, else the address (network)."""
    device = known_device(account)
    return DEVICE_PREFIX + device if device else client_network(get_remote_address())


def pair_key(account: str, network: str) -> str:
    """The counter of one account from one address; empty (not limited) if either is missing."""
    return f"{account}|{network}" if account and network else ""


def from_exam_centre(address: str | None = None) -> bool:
    """Whether a login comes from a declared exam centre (``LOGIN_CENTRE_NETWORKS``).

    Those logins are exempt from the account-wide ceiling: a stranger who fails from a few
    addresses elsewhere must not lock a candidate out of the centre. The lockout per
    (account, address) and the ceiling per address still hold there.
    """
    networks = current_app.config.get("LOGIN_CENTRE_NETWORKS") or ()
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address if address is not None else get_remote_address())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def _account_address_key() -> str:
    account = account_key()
    return pair_key(account, login_place(account)) if account else ""


def pair_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_LOCKOUT_ATTEMPTS']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes"


def account_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_ACCOUNT_CEILING']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes"


def _address_limit() -> str:
    """Failures tolerated from this address, all accounts together: a declared exam centre's
    address has its own, higher limit (its candidates' typos would reach the general one)."""
    if from_exam_centre():
        return current_app.config["LOGIN_CENTRE_FAILURES_PER_ADDRESS"]
    return current_app.config["LOGIN_FAILURES_PER_ADDRESS"]


def _without_account() -> bool:
    """No e-mail to count against (the login page shown, an empty field): the account limits
    are left out here, since flask-limiter logs an error for each limit whose key is empty."""
    return not _account_address_key()


def _from_known_device() -> bool:
    """The login comes from a browser that has logged in to the account it targets."""
    account = account_key()
    return bool(account and known_device(account))


def _exempt_from_account_ceiling() -> bool:
    return _without_account() or from_exam_centre() or _from_known_device()


_pair_lockout = limiter.shared_limit(
    pair_limit,
    scope=PAIR_SCOPE,
    key_func=_account_address_key,
    deduct_when=_login_failed,
    exempt_when=_without_account,
)
_account_ceiling = limiter.shared_limit(
    account_limit,
    scope=ACCOUNT_SCOPE,
    key_func=account_key,
    deduct_when=_login_failed,
    exempt_when=_exempt_from_account_ceiling,
)
_address_ceiling = limiter.shared_limit(
    _address_limit,
    scope=ADDRESS_SCOPE,
    deduct_when=_login_failed,
    exempt_when=_from_known_device,
)


def login_limited(view: Callable) -> Callable:
    """Apply the (account, address) lockout and both ceilings to a login view."""
    return _pair_lockout(_account_ceiling(_address_ceiling(view)))


# A user's own password change: wrong current passwords count, per account, as failed logins
# do per (account, address). Someone holding a session left open cannot try passwords there
# without end, and the lock names no other account.
PASSWORD_SCOPE = "password-change"
_PASSWORD_FAILED = "questionnaire.password_change_failed"


def record_password_change_failure() -> None:
    """Count this request's wrong current password towards the password-change limit."""
    request.environ[_PASSWORD_FAILED] = True


def _password_change_key() -> str:
    from flask_login import current_user

    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id is not None else ""


def _password_change_blocked() -> str:
    minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
    return _(
        "Trop d'essais du mot de passe actuel : le changement de mot de passe est suspendu "
        "pendant %(minutes)s minutes au plus. Si vous l'avez oublié, déconnectez-vous et "
        "demandez à un administrateur de vous en donner un nouveau.",
        minutes=minutes,
    )


password_change_limited = limiter.shared_limit(
    pair_limit,
    scope=PASSWORD_SCOPE,
    key_func=_password_change_key,
    deduct_when=lambda _response: bool(request.environ.get(_PASSWORD_FAILED)),
    exempt_when=lambda: not _password_change_key(),
    error_message=_password_change_blocked,
)


def lock_end(reset_time: float) -> datetime:
    """The limiter's reset time (seconds since the epoch), rounded up to the minute shown."""
    return datetime.fromtimestamp(math.ceil(reset_time / 60) * 60, UTC)


# What the person trying to log in reads: what happened and what to do. The same for an
# e-mail with no account, so that it does not tell an attacker which accounts exist.
_BLOCKED_MESSAGES: dict[str, Callable[[str], str]] = {
    PAIR_SCOPE: lambda when: _(
        "Trop d'échecs de connexion avec cette adresse électronique depuis ce poste ou ce "
        "réseau : la connexion est bloquée %(when)s. Vérifiez l'adresse électronique et le "
        "mot de passe avant de réessayer. Pour vous connecter avant (un examen, par exemple), "
        "demandez à un administrateur de débloquer le compte.",
        when=when,
    ),
    ACCOUNT_SCOPE: lambda when: _(
        "Trop d'échecs de connexion avec cette adresse électronique, venus de plusieurs "
        "réseaux : par précaution, la connexion est bloquée %(when)s, d'où que vous vous "
        "connectiez%(centres)s. Si vous n'êtes pas à l'origine de ces essais, ou pour vous "
        "connecter avant, prévenez un administrateur : il peut débloquer le compte.",
        when=when,
        centres=_(" (sauf depuis un centre d'examen)")
        if current_app.config.get("LOGIN_CENTRE_NETWORKS")
        else "",
    ),
    ADDRESS_SCOPE: lambda when: _(
        "Trop d'échecs de connexion depuis ce poste ou ce réseau, tous comptes confondus : "
        "les connexions qui en viennent sont suspendues %(when)s. Réessayez ensuite.",
        when=when,
    ),
}


def _lock_end_now() -> datetime | None:
    """When the limit this request broke lets a login through again (None if unknown)."""
    breached = limiter.current_limit
    if breached is None:
        return None
    try:
        return lock_end(breached.window.reset_time)
    except limiter.storage.base_exceptions:
        return None


def _blocked_message(error: RateLimitExceeded) -> str:
    scope = str(error.limit.scope)
    message = _BLOCKED_MESSAGES.get(scope)
    if message is None:
        return error.description or MESSAGES[429][1]
    end = _lock_end_now()
    if end is not None:
        when = _("jusqu'au %(moment)s", moment=paris_time(end))
    elif scope == ADDRESS_SCOPE:
        when = _("pendant quelques minutes")
    else:
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        when = _("pendant %(minutes)s minutes au plus", minutes=minutes)
    return message(when)


def blocked_count_key(limit_key: str) -> str:
    """Where the refusals of one lock are counted: beside the limiter's counter of that key."""
    return f"{limit_key}/blocked"


def _count_refusal(breached: RequestLimit | None) -> int | None:
    """Count this refusal against its lock; how many the lock has had, this one included.

    The count lives in the limiter's storage (Redis: shared by every process) and expires with
    the lock. None when it cannot be counted (storage unavailable, limit unknown).
    """
    if breached is None:
        return None
    storage = limiter.limiter.storage  # the in-memory fallback's when Redis is down
    try:
        # the limiter's own clock (the system's), like the reset time
        expiry = max(1, math.ceil(breached.window.reset_time - time.time()))
        return storage.incr(blocked_count_key(breached.key), expiry)
    except storage.base_exceptions:
        return None


def _record_blocked_login(error: RateLimitExceeded) -> None:
    """Audit a blocked login once per lock (limit key and window).

    Someone who keeps trying a blocked login would otherwise add one row to the append-only
    audit log per request. The later refusals are only counted; an unlock says how many.
    """
    from questionnaire.audit.services import record
    from questionnaire.auth.services import find_user_by_email

    refusals = _count_refusal(limiter.current_limit)
    if refusals is not None and refusals > 1:
        return
    email = account_key()
    user = find_user_by_email(email) if email else None
    record(
        "auth.login_blocked",
        current_time(),
        subject_id=user.id if user else None,
        details={"endpoint": request.endpoint, "lockout": str(error.limit.scope)},
    )
    db.session.commit()


def init_app(app: Flask) -> None:
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        message = error.description or MESSAGES[429][1]
        login = request.endpoint in LOGIN_ENDPOINTS
        if login:
            message = _blocked_message(error)
            _record_blocked_login(error)
        if is_api_request():
            return json_error(429, "too_many_requests", message)
        if login:  # what a candidate reads: what happened, not a status code
            return render_template("auth/blocked.html", message=message), 429
        return render_template("errors/error.html", status=429, message=message), 429
