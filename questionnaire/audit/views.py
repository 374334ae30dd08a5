"""The audit log viewer, for administrators."""

from __future__ import annotations

from flask import render_template, request

from questionnaire.access import roles_required
from questionnaire.audit import bp
from questionnaire.audit.display import describe_events
from questionnaire.audit.forms import JournalFilterForm
from questionnaire.audit.services import events_page
from questionnaire.roles import Role
from questionnaire.web import database_int


@bp.get("/admin/journal")
@roles_required(Role.ADMIN)
def index():
    form = JournalFilterForm(request.args)
    if not form.validate():  # an impossible date or range: the form says so, no events
        return render_template("audit/index.html", form=form, journal=None, rows=[], query={})
    filters = form.filters()
    journal = events_page(filters, request.args.get("page", 1, type=database_int))
    return render_template(
        "audit/index.html",
        form=form,
        journal=journal,
        rows=describe_events(journal.events),
        query=filters.query_args(),
    )
