"""Request-level wiring: login manager hooks, template filters, security headers, the status
of a page holding a form."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import IntegerConverter

from questionnaire.access import PUBLIC, is_api_request
from questionnaire.clock import PARIS, current_time
from questionnaire.errors import form_sent_after_session_end, json_error, same_site_referrer
from questionnaire.extensions import db, login_manager
from questionnaire.i18n import _, ngettext
from questionnaire.richtext import has_blocks, render, render_inline

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# What a user whose password an administrator chose may still do before replacing it.
PASSWORD_CHANGE_OPEN = frozenset({"auth.password", "auth.logout", "api.logout", "api.me"})

# The exam needs no camera, microphone, location or payment API.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def paris_time(moment: datetime | None, fmt: str = "%d/%m/%Y à %H h %M") -> str:
    """A UTC datetime shown in French local time.

    An hour the clocks show twice (2 h to 3 h on the night of the autumn change) names its
    side: a copy started at 2 h 50 summer time that ends at « 2 h 20 » seems already over.
    """
    if moment is None:
        return ""
    local = moment.astimezone(PARIS)
    text = local.strftime(fmt)
    if "%H" in fmt and local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        text += " heure d'été" if local.dst() else " heure d'hiver"
    return text


def french_percent(value: float | None) -> str:
    """55.5 → « 55,5 % », 60.0 → « 60 % » (non-breaking space before the sign)."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0%"


def french_minutes(count: int) -> str:
    """1 → « 1 minute », 30 → « 30 minutes »."""
    return ngettext("%(num)d minute", "%(num)d minutes", count)


def french_duration(seconds: int) -> str:
    """A duration to the second: « 40 minutes », « 39 min 54 s », « 45 s »."""
    minutes, rest = divmod(int(seconds), 60)
    if not rest:
        return french_minutes(minutes)
    if not minutes:
        return _("%(seconds)d s", seconds=rest)
    return _("%(minutes)d min %(seconds)d s", minutes=minutes, seconds=rest)


DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL's INTEGER


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` bounded to PostgreSQL's INTEGER: a larger id is a 404, not a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def database_int(value: str) -> int:
    """``request.args.get(name, type=database_int)``: an integer a query can compare with an id.

    Out of PostgreSQL's INTEGER range it raises ValueError, so the argument counts as absent, like
    any other non-integer, instead of failing in the database.
    """
    number = int(value)
    if not -DATABASE_INT_MAX - 1 <= number <= DATABASE_INT_MAX:
        raise ValueError(value)
    return number


REFUSED = 422  # Unprocessable Content: the form is shown again with its messages


def render_form(template: str, /, *, refused: bool | None = None, **context) -> tuple[str, int]:
    """A page holding a form: 422 when it answers a refused submission, else 200.

    A submission that succeeds redirects (POST/redirect/GET), so a page rendered for a POST
    shows a refusal; a view whose POST may also show a result (a preview, an import report)
    says which with ``refused``.
    """
    if refused is None:
        refused = request.method == "POST"
    return render_template(template, **context), REFUSED if refused else 200


def _workspace_barred() -> bool:
    """Whether the item workspace, the exchanges and the item statistics are closed to the user
    (a certification sitting still ahead, ``workspace_barrier``): the menu leaves their links
    out rather than lead to a 403. Asked by the menu of staff users only."""
    from questionnaire.access import current_workspace_barrier

    return current_workspace_barrier() is not None


def init_app(app: Flask) -> None:
    from questionnaire.auth.models import User
    from questionnaire.auth.services import LAST_SEEN

    # before any blueprint is registered: rules pick their converters when they are added
    app.url_map.converters["int"] = DatabaseIntConverter

    login_manager.login_view = "auth.login"
    login_manager.login_message = _("Veuillez vous connecter pour accéder à cette page.")
    login_manager.login_message_category = "info"
    # « basic », not « strong »: « strong » ended the session as soon as the client's address
    # changed, so a candidate whose bank network leaves by a pool of addresses, or who moved
    # from Wi-Fi to 4G, was logged out in the middle of the exam. The cookie stays HttpOnly,
    # Secure and SameSite, renewed at login, closed after SESSION_IDLE_MINUTES of inactivity
    # and by a password change; « basic » marks a session seen from elsewhere as not fresh.
    login_manager.session_protection = "basic"

    # Every authenticated request runs it: built once (``session.get`` with options rebuilds its
    # query and cache key each call, 0.15 ms of a 2.2 ms autosave), roles in the same statement,
    # and always read afresh, even when a test's application context keeps the session open.
    by_id = (
        select(User)
        .where(User.id == bindparam("user_id"))
        .options(joinedload(User.role_links))
        .execution_options(populate_existing=True)
    )

    @login_manager.user_loader
    def load_user(user_id: str):
        # "id.epoch" (User.get_id); a bare "id" predates epochs and is only valid at epoch 0
        identifier, _, epoch = user_id.partition(".")
        if not identifier.isdigit() or not (epoch.isdigit() or epoch == ""):
            return None
        user = db.session.execute(by_id, {"user_id": int(identifier)}).unique().scalar_one_or_none()
        if user is None or not user.active or user.session_epoch != int(epoch or 0):
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_api_request():
            return json_error(401, "unauthenticated", _("Authentification requise."))
        if request.method not in ("GET", "HEAD") and request.endpoint != "auth.logout":
            # its CSRF token outlived the login (a logout in another tab, sessions ended by a
            # password change elsewhere): the form passed that check, not this one
            return form_sent_after_session_end()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    if app.config["ENV_NAME"] == "production" and not app.config.get("PROXY_COUNT"):
        reported: list[bool] = []

        @app.before_request
        def report_undeclared_proxy():
            """A reverse proxy not declared: every request seems to come from its address, and
            the per-address login limits count every candidate together. Said once."""
            if not reported and "X-Forwarded-For" in request.headers:
                reported.append(True)
                log.warning(
                    "Requête transmise par un mandataire (en-tête X-Forwarded-For) alors que "
                    "QUESTIONNAIRE_PROXY_COUNT vaut 0 : toutes les requêtes semblent venir du "
                    "mandataire, et les limites de connexion par adresse comptent tous les "
                    "candidats ensemble. Derrière nginx, réglez QUESTIONNAIRE_PROXY_COUNT=1."
                )

    @app.before_request
    def end_idle_session():
        """A session idle for ``SESSION_IDLE_MINUTES`` ends: the next request is anonymous.

        The last request's time is kept in the (signed) session, rewritten at most once a
        minute, so that a save does not send a new cookie each time.
        """
        idle = app.config.get("SESSION_IDLE_MINUTES") or 0
        if not idle or "_user_id" not in session:
            return None
        now = int(current_time().timestamp())
        seen = session.get(LAST_SEEN)
        if isinstance(seen, int) and now - seen > idle * 60:
            logout_user()
            session.pop(LAST_SEEN, None)
            message = _(
                "Votre session a été fermée après %(minutes)s sans activité : reconnectez-vous.",
                minutes=french_minutes(idle),
            )
            if is_api_request():
                return json_error(401, "unauthenticated", message)
            if request.method == "GET":
                target = request.full_path.rstrip("?")
            else:
                message += " " + _(
                    "Ce que vous venez d'envoyer n'a pas été enregistré : envoyez-le de nouveau."
                )
                target = same_site_referrer()
            flash(message, "info")
            return redirect(url_for("auth.login", next=target), 303)
        if not isinstance(seen, int) or now - seen >= 60:
            session[LAST_SEEN] = now
        return None

    @app.before_request
    def password_change_first():
        """A user whose password an administrator chose replaces it before anything else: pages
        lead to the change form, the API answers 403 ``password_change_required``. Public
        views (``/sante``, the notices) and logging out stay open, and are decided before the
        user is loaded."""
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static" or endpoint in PASSWORD_CHANGE_OPEN:
            return None
        view = app.view_functions.get(endpoint)
        if getattr(view, "access_rule", None) == PUBLIC or "_user_id" not in session:
            return None
        if not (current_user.is_authenticated and current_user.must_change_password):
            return None
        message = _("Choisissez d'abord votre propre mot de passe.")
        if is_api_request():
            return json_error(403, "password_change_required", message)
        return redirect(url_for("auth.password"), 303)

    app.jinja_env.filters["rich"] = render
    app.jinja_env.filters["rich_inline"] = render_inline
    app.jinja_env.tests["block_rich"] = has_blocks
    app.jinja_env.filters["paris"] = paris_time
    app.jinja_env.filters["percent"] = french_percent
    app.jinja_env.filters["minutes"] = french_minutes
    app.jinja_env.filters["duration"] = french_duration
    app.jinja_env.globals["app_name"] = "Questionnaires thématiques"
    app.jinja_env.globals["workspace_barred"] = _workspace_barred

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.path.startswith(("/copies/", "/api/")) or _is_personal():
            # assigned, not defaulted: send_file sets « no-cache », which still lets a browser
            # keep a copy on disk (an item bank with its answer keys, a transcript)
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_personal() -> bool:
    """A page or file served to a logged-in user may hold personal data (a transcript, an
    attestation, a data export): no cache may keep it, e.g. on an exam centre's shared computer.

    Decided from the session's claim of a login, not from ``current_user``: a request that has
    not needed its user (``/sante``, a public page) does not load it from the database only for
    this header, and a claim that no longer holds (a deactivated account) still gets ``no-store``.
    """
    return request.endpoint != "static" and "_user_id" in session
