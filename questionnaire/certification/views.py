"""Certification screens: candidates, transcripts and attestations, the jury grid, evaluators."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from questionnaire.access import login_required, roles_required
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import jury_members
from questionnaire.certification import bp, exports, observations, services
from questionnaire.certification import deliberation as deliberations
from questionnaire.certification.forms import (
    AccommodationForm,
    DesignationForm,
    RegisterCandidateForm,
    evaluation_form,
    prerequisite_form,
)
from questionnaire.certification.models import (
    Accommodation,
    Certification,
    CertificationEnrolment,
    Competency,
    EvaluatorQuality,
    Prerequisite,
    theme_label,
)
from questionnaire.clock import current_time, today
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.paging import filter_args
from questionnaire.web import database_int, render_form

bp.add_app_template_filter(exports.format_score, "grid_score")
bp.add_app_template_filter(theme_label, "theme_label")

T = TypeVar("T")


def applied(form, action: Callable[[], T], message: str | Callable[[T], str]) -> bool:
    """Run a certification service for a validated form: commit and flash ``message`` (or the
    message made from the service's result); its refusal is rolled back and shown on the form
    (a deliberation's row by row, any other as the form's error). True if applied."""
    try:
        result = action()
    except deliberations.DeliberationRefused as exc:
        db.session.rollback()
        form.attach(exc.problems)
        return False
    except services.CertificationError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return False
    db.session.commit()
    flash(message(result) if callable(message) else message, "success")
    return True


def _viewable_enrolment(enrolment_id: int) -> CertificationEnrolment:
    """The enrolment if the current user may see it; 404 otherwise (its existence stays hidden)."""
    enrolment = db.session.get(CertificationEnrolment, enrolment_id)
    if enrolment is None or not services.can_view_transcript(current_user, enrolment):
        abort(404)
    return enrolment


@bp.get("/certifications")
@login_required
def index():
    is_staff = current_user.has_any_role((Role.JURY, Role.ADMIN))
    return render_template(
        "certification/index.html",
        certifications=services.certifications() if is_staff else [],
        enrolments=services.enrolments_of(current_user),
    )


@bp.get("/certifications/<int:certification_id>/referentiel")
@roles_required(Role.JURY, Role.ADMIN)
def referential(certification_id: int):
    certification = db.get_or_404(Certification, certification_id)
    return render_template("certification/referential.html", certification=certification)


@bp.route("/certifications/<int:certification_id>/candidats", methods=["GET", "POST"])
@roles_required(Role.JURY, Role.ADMIN)
def candidates(certification_id: int):
    certification = db.get_or_404(Certification, certification_id)
    form = RegisterCandidateForm()
    if form.validate_on_submit():
        try:
            enrolment = services.register_candidate(
                certification, form.email.data, current_user, current_time()
            )
        except services.CertificationError as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s est inscrit.", name=enrolment.user.display_name), "success")
            return redirect(url_for("certification.candidates", certification_id=certification.id))
    text = request.args.get("q", "")[:200]
    return render_form(
        "certification/candidates.html",
        certification=certification,
        listing=services.candidates_page(
            certification, text, request.args.get("page", 1, type=database_int)
        ),
        q=text.strip(),
        args={**filter_args(request.args), "certification_id": certification.id},
        form=form,
    )


def _render_transcript(
    enrolment: CertificationEnrolment,
    form=None,
    failed_prerequisite: tuple[int, object] | None = None,
    designation_form: DesignationForm | None = None,
    delete_errors: list[str] | None = None,
):
    """The transcript; a refused form (accommodation, prerequisite) comes back with its errors."""
    is_staff = current_user.has_any_role((Role.JURY, Role.ADMIN))
    # an erased candidate's record takes nothing more: the page says so instead of offering forms
    record_barrier = services.erased_record_barrier(enrolment) if is_staff else None
    editable = is_staff and record_barrier is None
    attested = {r.prerequisite_id for r in enrolment.prerequisite_records}
    prerequisite_forms = {}
    if is_staff:
        if editable:
            prerequisite_forms = {
                p.id: prerequisite_form(p.id, today(), formdata=None)
                for p in enrolment.certification.prerequisites
                if p.id not in attested
            }
        if failed_prerequisite:
            prerequisite_forms[failed_prerequisite[0]] = failed_prerequisite[1]
        if designation_form is None and editable and enrolment.certification.two_evaluators:
            designation_form = _designation_form(enrolment, formdata=None)
    result = services.transcript_for(enrolment, current_user)
    return render_form(
        "certification/transcript.html",
        enrolment=enrolment,
        certification=enrolment.certification,
        result=result,
        awarded_on=deliberations.title_awarded_on(enrolment, result),
        competencies={c.code: c for c in enrolment.certification.competencies},
        is_staff=is_staff,
        exam_accommodations=services.exam_accommodations(enrolment.user_id),
        accommodation_form=form
        or (_accommodation_form(enrolment, formdata=None) if editable else None),
        button_form=EmptyForm(formdata=None),
        # nobody removes the accommodations of their own candidacy
        accommodation_delete_form=EmptyForm(formdata=None)
        if editable and current_user.id != enrolment.user_id
        else None,
        record_barrier=record_barrier,
        delete_errors=delete_errors,
        prerequisite_forms=prerequisite_forms,
        failed_prerequisite_form=failed_prerequisite[1] if failed_prerequisite else None,
        today=today(),
        designation_form=designation_form,
        block_deliberations=deliberations.deliberations_by_block(enrolment),
        juries=deliberations.juries_of(enrolment),
        observed_blocks=observations.observed_blocks(enrolment),
        evidence=services.questionnaire_evidence(enrolment),
    )


@bp.get("/certifications/inscriptions/<int:enrolment_id>")
@login_required
def transcript(enrolment_id: int):
    return _render_transcript(_viewable_enrolment(enrolment_id))


@bp.get("/certifications/inscriptions/<int:enrolment_id>/attestation.pdf")
@login_required
def attestation(enrolment_id: int):
    enrolment = _viewable_enrolment(enrolment_id)
    body = exports.attestation_pdf(enrolment, services.transcript(enrolment), current_time())
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="attestation-{enrolment.certification.slug}.pdf"'
        },
    )


def _render_grid(
    enrolment: CertificationEnrolment,
    failed: dict | None = None,
    error_links: list[dict] | None = None,
):
    certification = enrolment.certification
    result = services.transcript(enrolment)
    evaluations = services.evaluations_by_competency(enrolment)
    # whoever may evaluate nothing here is told why first, and offered no form to fill in vain
    barrier = services.evaluation_barrier(enrolment, current_user)
    if barrier is not None and error_links is not None:
        error_links = [{"label": "", "message": barrier, "target": "evaluation-refusee"}]
    # seed 003: the observed interviews come first; the grid says what is missing up front
    observed = observations.observed_blocks(enrolment)
    summaries = {o.block.id: o.summary for o in observed}
    waiting = {
        c.id: message
        for c in certification.competencies
        if (message := observations.barrier(enrolment, c, summaries)) is not None
    }
    if barrier is None and error_links is not None and set(failed or ()) & set(waiting):
        error_links = [
            {
                "label": "",
                "message": next(iter(waiting.values())),
                "target": "observations-attendues",
            }
        ]
    forms = {}
    for competency in certification.competencies if barrier is None else ():
        if competency.id in waiting:
            continue
        if failed and competency.id in failed:
            forms[competency.id] = failed[competency.id]
            continue
        mine = next(
            (e for e in evaluations.get(competency.id, []) if e.evaluator_id == current_user.id),
            None,
        )
        data = {}
        if mine is not None:
            data = {
                "outcome": "acquired" if mine.acquired else "not_acquired",
                "score": str(mine.grid_score) if mine.grid_score is not None else None,
                "comment": mine.comment,
            }
        forms[competency.id] = evaluation_form(
            certification,
            competency.id,
            competency.block.comments_required,
            formdata=None,
            data=data,
        )
    return render_form(
        "certification/grid.html",
        enrolment=enrolment,
        certification=certification,
        result=result,
        competency_results={c.code: c for block in result.blocks for c in block.competencies},
        evaluations=evaluations,
        forms=forms,
        barrier=barrier,
        waiting=waiting,
        observed_blocks=[o for o in observed if o.shortfall],
        error_links=error_links,
        exam_accommodations=services.exam_accommodations(enrolment.user_id),
        block_deliberations=deliberations.deliberations_by_block(enrolment),
        juries=deliberations.juries_of(enrolment),
        evidence=services.questionnaire_evidence(enrolment),
    )


def _error_links(competency: Competency, form) -> list[dict]:
    """The summary lines of a refused competency form, each leading to the control to correct."""
    choice = form.score if "score" in form else form.outcome
    links = [
        {
            "label": f"{competency.code} — {field.label.text}",
            "message": message,
            "target": f"{field.id}-0" if field is choice else field.id,
        }
        for field in (choice, form.comment)
        for message in field.errors
    ]
    links += [
        {"label": competency.code, "message": message, "target": f"{choice.id}-0"}
        for message in form.form_errors
    ]
    return links


def _graded_enrolment(enrolment_id: int) -> CertificationEnrolment:
    """The enrolment whose grid the jury member opens; 403 on their own candidacy, whose grid
    shows the other members' evaluations and disagreements (the candidate's transcript hides
    them until the deliberation)."""
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    if enrolment.user_id == current_user.id:
        abort(403, description=services.OWN_GRID)
    return enrolment


@bp.get("/certifications/inscriptions/<int:enrolment_id>/evaluation")
@roles_required(Role.JURY)
def grid(enrolment_id: int):
    return _render_grid(_graded_enrolment(enrolment_id))


@bp.post("/certifications/inscriptions/<int:enrolment_id>/evaluation")
@roles_required(Role.JURY)
def evaluate(enrolment_id: int):
    """One competency's line of the grid, posted to the grid's own address (a refusal stays there)."""
    enrolment = _graded_enrolment(enrolment_id)
    competency_id = request.form.get("competency", type=database_int)
    if competency_id is None:
        abort(400)
    competency = db.get_or_404(Competency, competency_id)
    if competency.block.certification_id != enrolment.certification_id:
        abort(404)
    form = evaluation_form(
        enrolment.certification, competency.id, competency.block.comments_required
    )
    if form.validate_on_submit() and applied(
        form,
        lambda: services.record_evaluation(
            enrolment, competency, current_user, current_time(), **form.values()
        ),
        _("Évaluation de %(code)s enregistrée.", code=competency.code),
    ):
        return redirect(
            url_for("certification.grid", enrolment_id=enrolment.id)
            + f"#competence-{competency.id}"
        )
    return _render_grid(
        enrolment, {competency.id: form}, error_links=_error_links(competency, form)
    )


@bp.post("/certifications/inscriptions/<int:enrolment_id>/amenagements")
@roles_required(Role.JURY, Role.ADMIN)
def add_accommodation(enrolment_id: int):
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    form = _accommodation_form(enrolment)
    if form.validate_on_submit():
        try:
            services.add_accommodation(
                enrolment, form.description.data, current_user, current_time(), **form.values()
            )
        except services.CertificationError as exc:
            db.session.rollback()
            # a refused replacement is said beside the questionnaire chosen
            field = form.replaced_theme if form.replaced_theme.data else form.description
            field.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Aménagement enregistré."), "success")
            return redirect(
                url_for("certification.transcript", enrolment_id=enrolment.id) + "#amenagements"
            )
    return _render_transcript(enrolment, form)


@bp.post(
    "/certifications/inscriptions/<int:enrolment_id>/amenagements/<int:accommodation_id>/suppression"
)
@roles_required(Role.JURY, Role.ADMIN)
def delete_accommodation(enrolment_id: int, accommodation_id: int):
    enrolment, accommodation = record_of(enrolment_id, Accommodation, accommodation_id)
    try:
        services.delete_accommodation(accommodation, current_user, current_time())
    except services.CertificationError as exc:
        db.session.rollback()
        return _render_transcript(enrolment, delete_errors=[str(exc)])
    db.session.commit()
    flash(_("Aménagement supprimé."), "success")
    return redirect(
        url_for("certification.transcript", enrolment_id=enrolment.id) + "#amenagements"
    )


def record_of(
    enrolment_id: int, model: type[T], record_id: int
) -> tuple[CertificationEnrolment, T]:
    """The enrolment and one of its records (an accommodation, an observation): 404 when either
    is unknown or the record belongs to another enrolment."""
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    record = db.get_or_404(model, record_id)
    if record.enrolment_id != enrolment.id:
        abort(404)
    return enrolment, record


def _accommodation_form(enrolment: CertificationEnrolment, **kwargs) -> AccommodationForm:
    form = AccommodationForm(**kwargs)
    form.set_themes(enrolment.certification.questionnaire_themes)
    return form


def _designation_form(enrolment: CertificationEnrolment, **kwargs) -> DesignationForm:
    form = DesignationForm(**kwargs)
    form.set_jury(jury_members())
    if kwargs.get("formdata", True) is None:  # shown: the current designation, if any
        for designated in enrolment.designated_evaluators:
            if designated.quality is EvaluatorQuality.EXPERT_HABILITE:
                form.expert.data = designated.evaluator_id
            else:
                form.second.data = designated.evaluator_id
                form.second_quality.data = designated.quality.value
    return form


@bp.post("/certifications/inscriptions/<int:enrolment_id>/evaluateurs")
@roles_required(Role.JURY, Role.ADMIN)
def designate_evaluators(enrolment_id: int):
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    if not enrolment.certification.two_evaluators:
        abort(404)
    form = _designation_form(enrolment)
    if form.validate_on_submit() and applied(
        form,
        lambda: services.designate_evaluators(
            enrolment,
            db.session.get(User, form.expert.data),
            db.session.get(User, form.second.data),
            EvaluatorQuality(form.second_quality.data),
            current_user,
            current_time(),
        ),
        _("Évaluateurs désignés."),
    ):
        return redirect(
            url_for("certification.transcript", enrolment_id=enrolment.id) + "#evaluateurs"
        )
    return _render_transcript(enrolment, designation_form=form)


@bp.post("/certifications/inscriptions/<int:enrolment_id>/prerequis/<int:prerequisite_id>")
@roles_required(Role.JURY, Role.ADMIN)
def record_prerequisite(enrolment_id: int, prerequisite_id: int):
    enrolment = db.get_or_404(CertificationEnrolment, enrolment_id)
    prerequisite = db.get_or_404(Prerequisite, prerequisite_id)
    if prerequisite.certification_id != enrolment.certification_id:
        abort(404)
    transcript = url_for("certification.transcript", enrolment_id=enrolment.id) + "#prerequis"
    if services.attestation_of(enrolment, prerequisite) is not None:
        # attested meanwhile (another tab, another jury member): the page no longer has the
        # form, so whatever was typed, the refusal is that, said on the page that shows it
        flash(_("Ce prérequis est déjà attesté : rien n'a été changé."), "warning")
        return redirect(transcript)
    form = prerequisite_form(prerequisite.id, today())
    if form.validate_on_submit():
        try:
            services.record_prerequisite(
                enrolment, prerequisite, form.met_on.data, current_user, current_time()
            )
        except services.CertificationError as exc:
            form.met_on.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Prérequis attesté."), "success")
            return redirect(transcript)
    return _render_transcript(enrolment, failed_prerequisite=(prerequisite.id, form))
