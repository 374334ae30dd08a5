"""Login rate limits (flask-limiter): a lockout per account and a ceiling per address.

Only failed logins count, so an exam centre whose candidates share one address can log
everybody in at once; the counters live in Redis when configured, shared by every process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app, g, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from questionnaire.access import is_api_request
from questionnaire.clock import current_time
from questionnaire.errors import MESSAGES, json_error
from questionnaire.extensions import db
from questionnaire.i18n import _

limiter = Limiter(key_func=get_remote_address)

LOGIN_ENDPOINTS = frozenset({"auth.login", "api.login"})


def record_login_failure(email: str, now: datetime) -> None:
    """Count this failed login towards the limits and audit it (against the account, if any)."""
    from questionnaire.audit.services import record
    from questionnaire.auth.services import find_user_by_email

    g.login_failed = True
    user = find_user_by_email(email)
    record("auth.login_failed", now, subject_id=user.id if user else None)


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def account_key() -> str:
    """The normalised e-mail a login targets; empty (limit skipped) when there is none."""
    from questionnaire.auth.services import normalise_email

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
    return normalise_email(email)[:254]


def _lockout_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_LOCKOUT_ATTEMPTS']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes"


def _lockout_message() -> str:
    return _(
        "Trop d'échecs de connexion pour ce compte : il est bloqué pendant %(minutes)s minutes. "
        "Réessayez plus tard ou contactez l'administrateur.",
        minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
    )


def _address_message() -> str:
    return _("Trop d'échecs de connexion depuis cette adresse : réessayez dans quelques minutes.")


_account_lockout = limiter.shared_limit(
    _lockout_limit,
    scope="login-account",
    key_func=account_key,
    deduct_when=_login_failed,
    error_message=_lockout_message,
)
_address_ceiling = limiter.shared_limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
    scope="login-address",
    deduct_when=_login_failed,
    error_message=_address_message,
)


def login_limited(view: Callable) -> Callable:
    """Apply the account lockout and the per-address ceiling to a login view."""
    return _account_lockout(_address_ceiling(view))


def _record_blocked_login() -> None:
    from questionnaire.audit.services import record
    from questionnaire.auth.services import find_user_by_email

    email = account_key()
    user = find_user_by_email(email) if email else None
    record(
        "auth.login_blocked",
        current_time(),
        subject_id=user.id if user else None,
        details={"endpoint": request.endpoint},
    )
    db.session.commit()


def init_app(app: Flask) -> None:
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        message = error.description or MESSAGES[429][1]
        if request.endpoint in LOGIN_ENDPOINTS:
            _record_blocked_login()
        if is_api_request():
            return json_error(429, "too_many_requests", message)
        return render_template("errors/error.html", status=429, message=message), 429
