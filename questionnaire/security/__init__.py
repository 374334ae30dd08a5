"""Abuse protection: login rate limits and lockout, per-route request size limits, proxies.

The blueprint has no routes: registering it attaches the protections to the application.
"""

from flask import Blueprint

bp = Blueprint("security", __name__)


@bp.record_once
def _attach(state) -> None:
    from questionnaire.security import body_limits, limits

    limits.init_app(state.app)
    body_limits.init_app(state.app)
