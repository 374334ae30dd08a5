"""The audit log viewer, for administrators."""

from __future__ import annotations

from flask import render_template, request

from questionnaire.access import roles_required
from questionnaire.audit import bp
from questionnaire.audit.display import describe_events
from questionnaire.audit.models import ACTION_LABELS
from questionnaire.audit.services import events_page
from questionnaire.roles import Role


@bp.get("/admin/journal")
@roles_required(Role.ADMIN)
def index():
    action = request.args.get("action") or None
    if action not in ACTION_LABELS:
        action = None
    page = request.args.get("page", 1, type=int) or 1
    events, pages = events_page(action, page)
    return render_template(
        "audit/index.html",
        rows=describe_events(events),
        action=action,
        actions=ACTION_LABELS,
        page=min(max(page, 1), pages),
        pages=pages,
    )
