"""Error pages and JSON errors: a user never sees a traceback."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from urllib.parse import urlsplit

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from questionnaire.access import is_api_request
from questionnaire.extensions import db, login_manager
from questionnaire.i18n import _

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("bad_request", _("Requête invalide.")),
    401: ("unauthenticated", _("Veuillez vous connecter.")),
    403: ("forbidden", _("Vous n'avez pas accès à cette page.")),
    404: ("not_found", _("Page ou ressource introuvable.")),
    405: ("method_not_allowed", _("Méthode non autorisée pour cette adresse.")),
    409: ("conflict", _("L'opération n'est plus possible dans l'état actuel.")),
    411: (
        "length_required",
        _(
            "La requête doit annoncer la taille de son corps (en-tête Content-Length) : ce "
            "serveur ne lit pas un corps envoyé en morceaux (Transfer-Encoding: chunked). Rien "
            "n'a été enregistré."
        ),
    ),
    413: ("payload_too_large", _("La requête est trop volumineuse.")),
    415: ("unsupported_media_type", _("Le corps de la requête doit être du JSON.")),
    416: (
        "range_not_satisfiable",
        _(
            "La partie demandée du fichier n'existe pas (il a changé depuis le début du "
            "téléchargement) : téléchargez-le de nouveau en entier."
        ),
    ),
    422: ("unprocessable", _("Les données envoyées sont invalides.")),
    429: ("too_many_requests", _("Trop de tentatives : réessayez dans quelques instants.")),
    500: ("server_error", _("Une erreur interne est survenue ; elle a été enregistrée.")),
    503: (
        "unavailable",
        _("Service momentanément indisponible : réessayez dans quelques instants."),
    ),
}

# seconds a client waits before sending again a request the database could not serve
RETRY_AFTER_SECONDS = 1


class ApiError(Exception):
    """An error answered as JSON ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def json_error(status: int, code: str, message: str, details: dict | None = None):
    """Build the JSON error response used by the whole API."""
    body: dict = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    return response


def _render(status: int, message: str | None = None):
    # a status without its own words: a client error is not called an internal one
    code, default = MESSAGES.get(status) or MESSAGES[400 if status < 500 else 500]
    if is_api_request():
        return json_error(status, code, message or default)
    return render_template("errors/error.html", status=status, message=message or default), status


# What psycopg refuses before sending a statement, raised as an OperationalError although the
# database is fine: a server bug (an unbounded IN list), which a retry would only repeat.
_CLIENT_REFUSALS = ("number of parameters must be between",)


def _transient(error: DBAPIError) -> bool:
    """A database error that passes: a lost connection, PostgreSQL's operational errors (server
    shutting down, connection terminated, statement timeout), SQLite's busy database. Not
    SQLite's other "operational" errors (a missing table), nor a statement psycopg refuses to
    send (more than 65,535 parameters), which no retry mends."""
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        return "locked" in str(error.orig) or "busy" in str(error.orig)
    if any(marker in str(error.orig) for marker in _CLIENT_REFUSALS):
        return False
    return isinstance(error, OperationalError)


# SQLSTATE (PostgreSQL) and extended result codes (SQLite) of the integrity errors that a
# race between two requests explains
_UNIQUE_STATES = {"23505"}
_FOREIGN_KEY_STATES = {"23503"}
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
_SQLITE_FOREIGN_KEY = {"SQLITE_CONSTRAINT_FOREIGNKEY"}


def integrity_kind(error: IntegrityError) -> str:
    """``unique``, ``foreign_key`` or ``other``: which constraint an IntegrityError broke,
    from PostgreSQL's SQLSTATE or SQLite's extended result code."""
    orig = error.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        if state in _UNIQUE_STATES:
            return "unique"
        return "foreign_key" if state in _FOREIGN_KEY_STATES else "other"
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "")
        if name in _SQLITE_UNIQUE:
            return "unique"
        if name in _SQLITE_FOREIGN_KEY:
            return "foreign_key"
        if name:
            return "other"
        text = str(orig)
        if text.startswith("UNIQUE constraint failed"):
            return "unique"
        return "foreign_key" if text.startswith("FOREIGN KEY constraint failed") else "other"
    # an unknown driver: keep the former reading (a race between two requests)
    return "unique"


def is_local_path(target: str) -> bool:
    """A path of this site that a redirect may follow (no open redirect).

    Refused: a scheme or host, a protocol-relative ``//host`` however many slashes, a backslash,
    and any control character or space (browsers drop tabs and newlines: ``/\t/host``).
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ch <= " " or ch == "\x7f" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def same_site_referrer() -> str | None:
    """The page a form was sent from, when it is one of ours (its path and query)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not is_local_path(referrer.path):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def form_sent_after_session_end():
    """A form sent once its session had ended: to the login, then back to the form's page,
    told that what was sent was not saved."""
    flash(
        _(
            "Votre session a pris fin : ce que vous venez d'envoyer n'a pas été "
            "enregistré. Reconnectez-vous, puis envoyez-le de nouveau."
        ),
        "warning",
    )
    return redirect(url_for("auth.login", next=same_site_referrer()), 303)


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return json_error(error.status, error.code, error.message, error.details)

    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        message = _("Jeton de sécurité (CSRF) absent ou invalide : rechargez la page.")
        if is_api_request():
            # without a session the call is refused for that first (401, as the document
            # says): the CSRF check runs before the view's own login check
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            return json_error(400, "csrf_failed", message)
        if not current_user.is_authenticated:
            # a form sent after its session ended (browser closed, logout elsewhere, idle):
            # the token went with the session; logging in again is the way on, not a reload
            if request.endpoint == "auth.login":
                flash(
                    _(
                        "Le formulaire de connexion avait expiré : saisissez de nouveau vos "
                        "identifiants. Si ce message revient, autorisez les cookies de ce site."
                    ),
                    "warning",
                )
                return redirect(url_for("auth.login", next=request.args.get("next")), 303)
            return form_sent_after_session_end()
        back = same_site_referrer()
        if back is not None:
            # a page of ours older than the session's token (logged out and in again in another
            # tab): back to it, told the entry was not saved; reloading the 400 page would only
            # send the same stale form again
            flash(
                _(
                    "Cette page avait expiré (vous vous êtes reconnecté depuis, dans un autre "
                    "onglet par exemple) : ce que vous venez d'envoyer n'a pas été enregistré. "
                    "Envoyez-le de nouveau."
                ),
                "warning",
            )
            return redirect(back, 303)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        message = None
        if (
            status in (400, 403, 409, 422)
            and error.description
            and not error.description.startswith(
                ("The browser", "The server", "The request", "You don't")
            )
        ):
            message = error.description
        response = make_response(_render(status, message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110 § 15.5.6: a 405 names the methods the address serves
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(IntegrityError)
    def handle_integrity(error: IntegrityError):
        # Two requests raced to create the same row (a double click, two tabs): the first won,
        # nothing of the second was written. Services check their rules first, so only such
        # races reach here; they are conflicts to retry, not server errors. A row referred to
        # that another request just deleted is a conflict too, told as such; any other broken
        # constraint (a check, a missing value) is a rule no service checked: a server bug.
        db.session.rollback()
        kind = integrity_kind(error)
        if kind not in ("unique", "foreign_key"):
            return handle_unexpected(error)
        # the first line names the constraint; PostgreSQL's DETAIL quotes the values (an e-mail)
        log.warning("integrity conflict (%s): %s", kind, (str(error.orig).splitlines() or [""])[0])
        if kind == "foreign_key":
            return _render(
                409,
                _(
                    "Cette action n'a pas pu être enregistrée : une donnée qu'elle concerne "
                    "vient d'être modifiée ou supprimée par une autre requête. Rien n'a été "
                    "enregistré : rechargez la page pour voir l'état à jour."
                ),
            )
        return _render(
            409,
            _(
                "Cette action vient d'être enregistrée par une autre requête (double envoi ou "
                "autre onglet) : rechargez la page pour voir l'état à jour."
            ),
        )

    @app.errorhandler(DBAPIError)
    def handle_database(error: DBAPIError):
        # The database out of reach for a moment (restarted, failed over, our connection
        # terminated): the request is not acknowledged, and sending it again is safe whether
        # or not a commit cut short went through (a save carries its seq and finds it stored,
        # a start or a submit resumes the same attempt). A 503 to retry, not a 500.
        if not _transient(error):
            return handle_unexpected(error)
        return _unavailable(error.orig)

    @app.errorhandler(PoolTimeout)
    def handle_pool_timeout(error: PoolTimeout):
        # every connection of this process busy for pool_timeout seconds: an overload that
        # passes, to be retried like a lost connection
        return _unavailable(error)

    def _unavailable(cause: BaseException):
        with contextlib.suppress(DBAPIError):
            db.session.rollback()
        log.warning("database unavailable: %s", cause)
        # the page is shown without the user's menu: loading the user (or reloading it, expired
        # by the rollback) would fail again inside this handler, or wait pool_timeout again,
        # and the server's bare error would replace this page; the session itself is kept
        g._login_user = login_manager.anonymous_user()
        response = make_response(_render(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        # the address, not its query string (a search may hold a name or an e-mail)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _render(500)
