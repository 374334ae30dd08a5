"""Certification screens of the CPNE's deliberation: blocks by candidate, recording the
deliberation (its day and members), correcting its composition, the CSV / XLSX exports."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.audit.services import record_action
from questionnaire.auth.models import Role
from questionnaire.auth.services import jury_members
from questionnaire.certification import bp, composition, exports, services
from questionnaire.certification import deliberation as deliberations
from questionnaire.certification.forms import (
    CompositionForm,
    DeliberationForm,
    composition_form,
    deliberation_form,
)
from questionnaire.certification.models import Certification, Deliberation
from questionnaire.certification.views import applied
from questionnaire.clock import current_time, today
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.web import render_form


@bp.get("/certifications/<int:certification_id>/deliberation")
@roles_required(Role.JURY, Role.ADMIN)
def deliberation(certification_id: int):
    certification = db.get_or_404(Certification, certification_id)
    results = services.results_seen_by(certification, current_user)
    listed = deliberations.deliberations_of(certification)
    return render_template(
        "certification/deliberation.html",
        certification=certification,
        results=results,
        deliberations=listed,
        correctable={d.id for d, _b, _c in listed if composition.may_correct(d, current_user)},
        by_block={e.id: deliberations.deliberations_by_block(e) for e, _result in results},
    )


def _deliberation_form(certification: Certification, **kwargs) -> DeliberationForm:
    return deliberation_form(certification, jury_members(), today(), current_user, **kwargs)


def _render_confirmation(certification: Certification, form: DeliberationForm):
    pending = deliberations.pending_blocks(certification)
    return render_form(
        "certification/confirm_deliberation.html",
        certification=certification,
        candidate_count=len({enrolment.id for enrolment, _block in pending}),
        block_count=len(pending),
        form=form,
        error_links=form.error_links() if form.is_submitted() else None,
        today=today(),
    )


@bp.get("/certifications/<int:certification_id>/deliberation/confirmer")
@roles_required(Role.JURY, Role.ADMIN)
def confirm_capitalise(certification_id: int):
    """The deliberation's day and members, and what recording it will capitalise."""
    certification = db.get_or_404(Certification, certification_id)
    return _render_confirmation(certification, _deliberation_form(certification, formdata=None))


@bp.post("/certifications/<int:certification_id>/deliberation")
@roles_required(Role.JURY, Role.ADMIN)
def capitalise(certification_id: int):
    certification = db.get_or_404(Certification, certification_id)
    form = _deliberation_form(certification)
    if form.validate_on_submit() and applied(
        form,
        lambda: deliberations.record_deliberation(
            certification, form.held_on.data, form.entries(), current_user, current_time()
        ),
        lambda recorded: _(
            "Délibération du %(date)s enregistrée : %(n)s bloc(s) capitalisé(s).",
            date=recorded.held_on.strftime("%d/%m/%Y"),
            n=len(recorded.validations),
        ),
    ):
        return redirect(url_for("certification.deliberation", certification_id=certification.id))
    return _render_confirmation(certification, form)


def _recorded_deliberation(certification_id: int, deliberation_id: int) -> Deliberation:
    """The deliberation, if it is this certification's (404 otherwise)."""
    recorded = db.get_or_404(Deliberation, deliberation_id)
    if recorded.certification_id != certification_id:
        abort(404)
    return recorded


def _render_composition(recorded: Deliberation, form: CompositionForm):
    return render_form(
        "certification/correct_composition.html",
        certification=recorded.certification,
        deliberation=recorded,
        form=form,
        error_links=form.error_links() if form.is_submitted() else None,
        refusal=None
        if composition.may_correct(recorded, current_user)
        else composition.SELF_CORRECTION,
    )


@bp.get("/certifications/<int:certification_id>/deliberations/<int:deliberation_id>/composition")
@roles_required(Role.JURY, Role.ADMIN)
def edit_composition(certification_id: int, deliberation_id: int):
    """A recorded deliberation's members, as recorded, to correct."""
    recorded = _recorded_deliberation(certification_id, deliberation_id)
    form = composition_form(recorded, jury_members(), current_user, formdata=None)
    return _render_composition(recorded, form)


@bp.post("/certifications/<int:certification_id>/deliberations/<int:deliberation_id>/composition")
@roles_required(Role.JURY, Role.ADMIN)
def correct_composition(certification_id: int, deliberation_id: int):
    recorded = _recorded_deliberation(certification_id, deliberation_id)
    form = composition_form(recorded, jury_members(), current_user)
    if form.validate_on_submit() and applied(
        form,
        lambda: composition.correct_composition(
            recorded, form.entries(), current_user, current_time()
        ),
        _(
            "Composition de la délibération du %(date)s corrigée.",
            date=recorded.held_on.strftime("%d/%m/%Y"),
        ),
    ):
        return redirect(
            url_for("certification.deliberation", certification_id=certification_id)
            + f"#deliberation-{recorded.id}"
        )
    return _render_composition(recorded, form)


def _export(certification_id: int, fmt: str) -> Response:
    certification = db.get_or_404(Certification, certification_id)
    results = services.results_seen_by(certification, current_user)
    if fmt == "csv":
        body = exports.to_csv(exports.deliberation_table(certification, results))
        mimetype = "text/csv"
    else:
        cells = exports.deliberation_cells(certification, results)
        body = exports.to_xlsx(cells, "Délibération", current_time())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"deliberation-{certification.slug}.{fmt}"
    record_action("certification.export", target=f"certification:{certification.slug}",
                  details={"format": fmt})  # fmt: skip
    db.session.commit()
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/certifications/<int:certification_id>/deliberation.csv")
@roles_required(Role.JURY, Role.ADMIN)
def export_csv(certification_id: int):
    return _export(certification_id, "csv")


@bp.get("/certifications/<int:certification_id>/deliberation.xlsx")
@roles_required(Role.JURY, Role.ADMIN)
def export_xlsx(certification_id: int):
    return _export(certification_id, "xlsx")
