"""Request limits per route, and the reverse proxies whose forwarded headers are trusted."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

from questionnaire.i18n import _

# Bodies far smaller than MAX_CONTENT_LENGTH where a larger one can only be abuse (bytes).
ROUTE_BODY_LIMITS = {
    "auth.login": 8 * 1024,
    "api.login": 4 * 1024,
    "api.save": 16 * 1024,
    "api.flag": 1024,
    "api.submit": 1024,
    "api.start": 1024,
    # the same exam steps as plain HTML forms (without JavaScript): CSRF token and a few fields
    "attempts.session_home": 4 * 1024,
    "attempts.question": 16 * 1024,
    "attempts.review": 4 * 1024,
}


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )

    def limit_body_size() -> None:
        limit = ROUTE_BODY_LIMITS.get(request.endpoint or "")
        if limit is not None:
            request.max_content_length = limit

    # First of all hooks: CSRF protection reads the body, which fixes the limit in force.
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, limit_body_size)
    hooks.insert(1, refuse_nul_characters)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def refuse_nul_characters() -> None:
    """400 for a NUL character in the path, the query, a form field or a JSON body.

    PostgreSQL refuses NUL in text: let through, it would surface as a server error wherever
    the value reaches a query. Uploaded files are not inspected (binary formats contain NUL).
    """
    values: list[str] = [request.path, *request.args.values()]
    if request.mimetype in FORM_TYPES:
        values.extend(request.form.values())
    if any("\x00" in value for value in values) or (
        request.is_json and b"\\u0000" in request.get_data(cache=True)
    ):
        abort(400, description=_("Caractère nul interdit dans la requête."))
