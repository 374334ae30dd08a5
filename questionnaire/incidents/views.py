"""Administrators grant a session extra time after an incident."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.clock import current_time
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.i18n import ngettext
from questionnaire.incidents import bp
from questionnaire.incidents.forms import ExtraTimeForm
from questionnaire.incidents.services import (
    GrantedMeanwhile,
    IncidentError,
    can_extend,
    extensions_for,
    grant_extra_time,
    sessions_for_incidents,
)
from questionnaire.roles import Role
from questionnaire.web import render_form


@bp.get("/admin/incidents")
@roles_required(Role.ADMIN)
def index():
    return render_template("incidents/index.html", sessions=sessions_for_incidents(current_time()))


@bp.route("/admin/incidents/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def extra_time(session_id: int):
    session = db.session.get(ExamSession, session_id) or abort(404)
    form = ExtraTimeForm()
    if form.validate_on_submit():
        try:
            extension = grant_extra_time(
                session,
                form.minutes.data,
                form.reason.data,
                current_user,
                current_time(),
                current_app.config["GRACE_SECONDS"],
                grants_seen=form.seen_count(),
            )
        except IncidentError as exc:
            db.session.rollback()
            if isinstance(exc, GrantedMeanwhile):
                form.form_errors.append(str(exc))
            else:
                form.minutes.errors.append(str(exc))
        else:
            db.session.commit()
            granted = ngettext(
                "%(num)d minute accordée", "%(num)d minutes accordées", extension.minutes
            )
            moved = ngettext(
                "%(num)d copie en cours prolongée",
                "%(num)d copies en cours prolongées",
                extension.attempts_moved,
            )
            flash(f"{granted} ; {moved}.", "success")
            return redirect(url_for("incidents.extra_time", session_id=session.id))
    return render_form(
        "incidents/extra_time.html",
        session=session,
        form=form,
        extensions=extensions_for(session.id),
        can_extend=can_extend(session, current_time()),
    )
