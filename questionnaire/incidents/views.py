"""Administrators grant extra time after an incident: to a session, or to some copies."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.clock import current_time
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.i18n import ngettext
from questionnaire.incidents import bp
from questionnaire.incidents.forms import CopyExtraTimeForm, ExtraTimeForm
from questionnaire.incidents.services import (
    CopyRefused,
    GrantedMeanwhile,
    IncidentError,
    can_extend,
    copy_extensions_for,
    extensions_for,
    grant_copies_extra_time,
    grant_extra_time,
    running_copies,
    sessions_for_incidents,
)
from questionnaire.roles import Role
from questionnaire.web import render_form


@bp.get("/admin/incidents")
@roles_required(Role.ADMIN)
def index():
    now = current_time()
    return render_template("incidents/index.html", sessions=sessions_for_incidents(now), now=now)


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
            _refused(form, exc)
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
    return _render(session, form=form)


COPY_PREFIX = "copie"


def _refused(form, exc: IncidentError) -> None:
    """A grant refused: nothing kept, the reason beside what to change (the whole form for a
    grant recorded meanwhile, the copies ticked, otherwise the minutes)."""
    db.session.rollback()
    if isinstance(exc, GrantedMeanwhile):
        form.form_errors.append(str(exc))
    elif isinstance(exc, CopyRefused):
        form.copies.errors.append(str(exc))
    else:
        form.minutes.errors.append(str(exc))


def _render(session: ExamSession, *, form=None, copy_form=None):
    """The session's incident page; a refused form comes back with what was typed."""
    now = current_time()
    return render_form(
        "incidents/extra_time.html",
        session=session,
        form=form or ExtraTimeForm(formdata=None),
        copy_form=copy_form or CopyExtraTimeForm(prefix=COPY_PREFIX, formdata=None),
        extensions=extensions_for(session.id),
        copy_extensions=copy_extensions_for(session.id),
        copies=running_copies(session, now, current_app.config["GRACE_SECONDS"]),
        can_extend=can_extend(session, now),
        not_open_yet=session.opens_at > now,
    )


@bp.post("/admin/incidents/sessions/<int:session_id>/copies")
@roles_required(Role.ADMIN)
def copies_extra_time(session_id: int):
    """Extra time for the copies ticked only (an incident that touched some candidates)."""
    session = db.session.get(ExamSession, session_id) or abort(404)
    form = CopyExtraTimeForm(prefix=COPY_PREFIX)
    if not form.validate_on_submit():
        return _render(session, copy_form=form)
    try:
        extensions = grant_copies_extra_time(
            session,
            form.copies.data or [],
            form.minutes.data,
            form.reason.data,
            current_user,
            current_time(),
            current_app.config["GRACE_SECONDS"],
            grants_seen=form.seen_count(),
        )
    except IncidentError as exc:
        _refused(form, exc)
        return _render(session, copy_form=form)
    db.session.commit()
    granted = ngettext("%(num)d minute accordée", "%(num)d minutes accordées", form.minutes.data)
    names = ", ".join(extension.attempt.user.display_name for extension in extensions)
    flash(f"{granted} à la copie en cours de : {names}.", "success")
    return redirect(url_for("incidents.extra_time", session_id=session.id))
