"""Observed interviews of a candidate (seed 003): listed, recorded and deleted by the jury."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role
from questionnaire.certification import bp, observations, services
from questionnaire.certification.forms import ObservationForm
from questionnaire.certification.models import CertificationEnrolment, ObservedInterview
from questionnaire.certification.views import applied
from questionnaire.clock import current_time, today
from questionnaire.extensions import db
from questionnaire.i18n import _


def _observed_enrolment(enrolment_id: int) -> CertificationEnrolment:
    """The enrolment, if its referential asks for observed interviews (404 otherwise)."""
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    if observations.certification_rule(enrolment) is None:
        abort(404)
    return enrolment


def _render(enrolment: CertificationEnrolment, form=None, errors: list[str] = (), status=200):
    """The page; a refused recording or deletion comes back with its errors and what was typed."""
    barrier = observations.recording_barrier(enrolment, current_user)
    rule = observations.certification_rule(enrolment)
    summary = observations.summary_of(enrolment)
    if barrier is None and form is None:
        form = ObservationForm(formdata=None, today=today(), data={"observed_on": today()})
    return (
        render_template(
            "certification/observations.html",
            enrolment=enrolment,
            certification=enrolment.certification,
            rule=rule,
            summary=summary,
            shortfall=observations.shortfall(rule, summary),
            barrier=barrier,
            form=None if barrier else form,
            delete_errors=errors,
            button_form=EmptyForm(formdata=None),
            today=today(),
        ),
        status,
    )


@bp.get("/certifications/inscriptions/<int:enrolment_id>/observations")
@roles_required(Role.JURY, Role.ADMIN)
def observations_page(enrolment_id: int):
    return _render(_observed_enrolment(enrolment_id))


@bp.post("/certifications/inscriptions/<int:enrolment_id>/observations")
@roles_required(Role.JURY, Role.ADMIN)
def record_observation(enrolment_id: int):
    enrolment = _observed_enrolment(enrolment_id)
    form = ObservationForm(today=today())
    if form.validate_on_submit() and applied(
        form,
        lambda: observations.record_observation(
            enrolment,
            form.observed_on.data,
            form.channel.data,
            form.simulated_difficult.data,
            form.description.data or "",
            current_user,
            current_time(),
        ),
        _("Entretien observé enregistré."),
    ):
        return redirect(url_for("certification.observations_page", enrolment_id=enrolment.id))
    return _render(enrolment, form, status=422)


@bp.post(
    "/certifications/inscriptions/<int:enrolment_id>/observations/<int:observation_id>/suppression"
)
@roles_required(Role.JURY, Role.ADMIN)
def delete_observation(enrolment_id: int, observation_id: int):
    enrolment = _observed_enrolment(enrolment_id)
    observation = db.get_or_404(ObservedInterview, observation_id)
    if observation.enrolment_id != enrolment.id:
        abort(404)
    try:
        observations.delete_observation(enrolment, observation, current_user, current_time())
    except services.CertificationError as exc:
        db.session.rollback()
        return _render(enrolment, errors=[str(exc)], status=422)
    db.session.commit()
    flash(_("Entretien observé supprimé."), "success")
    return redirect(url_for("certification.observations_page", enrolment_id=enrolment.id))
