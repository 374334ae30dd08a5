"""Sessions overview for administrators and the jury."""

from __future__ import annotations

from flask import current_app, render_template

from questionnaire.access import roles_required
from questionnaire.auth.models import Role
from questionnaire.clock import current_time
from questionnaire.exams import bp
from questionnaire.exams.services import session_overview


@bp.get("/gestion/sessions")
@roles_required(Role.ADMIN, Role.JURY)
def overview():
    now = current_time()
    return render_template(
        "exams/overview.html",
        rows=session_overview(now, current_app.config["GRACE_SECONDS"]),
        now=now,
    )
