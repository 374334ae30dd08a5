"""The audit log viewer, for administrators."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, stream_with_context, url_for

from questionnaire.access import roles_required
from questionnaire.audit import bp
from questionnaire.audit.display import describe_events
from questionnaire.audit.export import count_selected, journal_csv
from questionnaire.audit.forms import JournalFilterForm
from questionnaire.audit.services import events_page, record_action
from questionnaire.clock import PARIS, current_time
from questionnaire.extensions import db
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


@bp.get("/admin/journal/export.csv")
@roles_required(Role.ADMIN)
def export():
    """The events the filters select, every page of them, as a CSV file (itself audited)."""
    form = JournalFilterForm(request.args)
    if not form.validate():  # the journal page says what is wrong with the filters
        return redirect(url_for("audit.index", **request.args))
    filters = form.filters()
    total, people = count_selected(filters)
    details = {"events": total, **filters.query_args()}
    if people is not None:  # how many accounts matched; never the text typed (an address)
        details["person"] = people
    record_action("audit.export", details=details)
    db.session.commit()
    stamp = current_time().astimezone(PARIS).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(journal_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="journal-audit-{stamp}.csv"'},
    )
