"""Observed interviews of a candidate (seed 003), block by block: listed, recorded and deleted
by the jury."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role
from questionnaire.certification import bp, observations, services
from questionnaire.certification.forms import ObservationForm
from questionnaire.certification.models import CertificationEnrolment, ObservedInterview
from questionnaire.certification.views import applied, record_of
from questionnaire.clock import current_time, today
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.web import render_form


def _observed(enrolment_id: int, code: str | None = None):
    """The enrolment and its block ``code`` (the first observed block without a code), if that
    block is evaluated on observations (404 otherwise); the other observed blocks too."""
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    blocks = observations.observed_blocks(enrolment)
    current = next((b for b in blocks if code is None or b.block.code == code), None)
    if current is None:
        abort(404)
    return enrolment, current, blocks


def _page(enrolment: CertificationEnrolment, code: str):
    return url_for("certification.observations_page", enrolment_id=enrolment.id, code=code)


def _render(enrolment_id: int, code: str, form=None, errors: list[str] = ()):
    """The block's page; a refused recording or deletion comes back with its errors and what
    was typed."""
    enrolment, current, blocks = _observed(enrolment_id, code)
    barrier = observations.recording_barrier(enrolment, current_user)
    if barrier is None and current.capitalised:
        barrier = observations.capitalised(current.block)
    if barrier is None and form is None:
        form = ObservationForm(formdata=None, today=today(), data={"observed_on": today()})
    return render_form(
        "certification/observations.html",
        enrolment=enrolment,
        certification=enrolment.certification,
        current=current,
        blocks=blocks,
        observations=[o for o in enrolment.observations if o.block_id == current.block.id],
        barrier=barrier,
        form=None if barrier else form,
        delete_errors=errors,
        button_form=EmptyForm(formdata=None),
        today=today(),
    )


@bp.get("/certifications/inscriptions/<int:enrolment_id>/observations")
@roles_required(Role.JURY, Role.ADMIN)
def observations_index(enrolment_id: int):
    """The first block evaluated on observations (the grid and the transcript link here)."""
    enrolment, current, _blocks = _observed(enrolment_id)
    return redirect(_page(enrolment, current.block.code))


@bp.get("/certifications/inscriptions/<int:enrolment_id>/observations/<code>")
@roles_required(Role.JURY, Role.ADMIN)
def observations_page(enrolment_id: int, code: str):
    return _render(enrolment_id, code)


@bp.post("/certifications/inscriptions/<int:enrolment_id>/observations/<code>")
@roles_required(Role.JURY, Role.ADMIN)
def record_observation(enrolment_id: int, code: str):
    enrolment, current, _blocks = _observed(enrolment_id, code)
    form = ObservationForm(today=today())
    if form.validate_on_submit() and applied(
        form,
        lambda: observations.record_observation(
            enrolment,
            current.block,
            form.observed_on.data,
            form.channel.data,
            form.simulated_difficult.data,
            form.description.data or "",
            current_user,
            current_time(),
        ),
        _("Entretien observé enregistré."),
    ):
        return redirect(_page(enrolment, code))
    return _render(enrolment_id, code, form)


@bp.post(
    "/certifications/inscriptions/<int:enrolment_id>/observations/<int:observation_id>/suppression"
)
@roles_required(Role.JURY, Role.ADMIN)
def delete_observation(enrolment_id: int, observation_id: int):
    enrolment, observation = record_of(enrolment_id, ObservedInterview, observation_id)
    code = observation.block.code
    try:
        observations.delete_observation(enrolment, observation, current_user, current_time())
    except services.CertificationError as exc:
        db.session.rollback()
        return _render(enrolment_id, code, errors=[str(exc)])
    db.session.commit()
    flash(_("Entretien observé supprimé."), "success")
    return redirect(_page(enrolment, code))
