"""Access rules declared once: every view says who may call it.

Each view function carries ``access_rule`` (``"public"`` or a set of roles); a test walks the
URL map and proves that no route lacks one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort, request
from flask_login import current_user

from questionnaire.roles import Role

if TYPE_CHECKING:
    from questionnaire.banks.models import Theme

PUBLIC = "public"
AUTHENTICATED = frozenset(Role)


def is_api_request() -> bool:
    """True for the JSON API, whose errors are JSON and never redirects."""
    return request.path.startswith("/api/")


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Require a logged-in user holding at least one of ``roles`` (any role if none given)."""
    allowed = frozenset(roles) if roles else AUTHENTICATED

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from questionnaire.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_any_role(allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


login_required = roles_required()


def refuse_pending_candidates(theme: Theme | None = None) -> None:
    """403 for a user still to sit a certification session, whatever their roles, until their
    sitting: on a page showing item texts of `theme`, or, without a theme, as the ``before_request``
    guard of the pages that show every bank's items and answer keys (authoring workspace, item
    exchange)."""
    if not current_user.is_authenticated:
        return
    from questionnaire.clock import current_time
    from questionnaire.exams.services import pending_candidacy_barrier

    barrier = (
        current_workspace_barrier()
        if theme is None
        else pending_candidacy_barrier(current_user, theme, current_time())
    )
    if barrier is not None:
        abort(403, description=barrier)


WORKSPACE_BARRIER = "questionnaire.workspace_barrier"


def current_workspace_barrier() -> str | None:
    """``workspace_barrier`` for the logged-in user, looked up once per request: the guard of
    the workspace pages, the dashboard's notice and the menu all ask it on one page. Kept in
    the request's environ, not ``g``: an application context may outlive one request."""
    if WORKSPACE_BARRIER not in request.environ:
        from questionnaire.clock import current_time
        from questionnaire.exams.services import workspace_barrier

        request.environ[WORKSPACE_BARRIER] = workspace_barrier(current_user, current_time())
    return request.environ[WORKSPACE_BARRIER]
