"""Request limits per route, and the reverse proxies whose forwarded headers are trusted."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Bodies far smaller than MAX_CONTENT_LENGTH where a larger one can only be abuse (bytes).
ROUTE_BODY_LIMITS = {
    "auth.login": 8 * 1024,
    "api.login": 4 * 1024,
    "api.save": 16 * 1024,
    "api.flag": 1024,
    "api.submit": 1024,
    "api.start": 1024,
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
    app.before_request_funcs.setdefault(None, []).insert(0, limit_body_size)
