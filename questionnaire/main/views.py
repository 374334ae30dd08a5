"""The dashboard each role lands on, and the health check."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from questionnaire.access import current_workspace_barrier, login_required, public
from questionnaire.attempts.services import copy_time_allowed, sessions_state, time_allowed
from questionnaire.auth.models import Role
from questionnaire.clock import current_time
from questionnaire.extensions import db
from questionnaire.main import bp


@bp.get("/")
@login_required
def dashboard():
    now = current_time()
    rows = sessions_state(current_user, now) if current_user.has_role(Role.CANDIDATE) else []
    db.session.commit()  # copies whose time was up are finalised
    # a copy under way stays here after its session closes (extra time, an incident's minutes)
    open_rows = [
        r
        for r in rows
        if (r[2] is not None and not r[2].status.is_final) or (r[0].is_open(now) and r[2] is None)
    ]
    finished = [r for r in rows if r[2] is not None and r[2].status.is_final]
    upcoming = [r for r in rows if r[0].opens_at > now and r[2] is None]
    staff = current_user.has_any_role([Role.AUTHOR, Role.REVIEWER, Role.ADMIN])
    return render_template(
        "main/dashboard.html",
        open_rows=open_rows,
        # as the session page states it: the time a copy started now gets, or the one the
        # copy under way was given
        times={
            enrolment.id: copy_time_allowed(attempt) if attempt else time_allowed(enrolment)
            for _session, enrolment, attempt in open_rows
        },
        finished=finished,
        upcoming=upcoming,
        now=now,
        # a certification still to sit closes the workspace (403): say why instead of its links
        workspace_closed=current_workspace_barrier() if staff else None,
        Role=Role,
    )


@bp.get("/sante")
@public
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})
