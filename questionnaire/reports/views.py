"""Report pages and downloads for the jury (CPNE) and administrators."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from questionnaire.access import roles_required
from questionnaire.attempts.grading import GradingError
from questionnaire.audit.services import record_action
from questionnaire.auth.models import Role
from questionnaire.banks.models import Theme
from questionnaire.clock import current_time
from questionnaire.exams.models import ExamSession, SessionPurpose
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.reports import angoff, angoff_judges, bp, services
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.forms import DifForm, NeutraliseForm, PanelForm, PeriodForm, rating_form
from questionnaire.reports.models import AngoffPanel
from questionnaire.reports.period_report import build_period_report, find_theme
from questionnaire.reports.render_html import render_report_html, transposed
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.tables import format_value

READERS = (Role.JURY, Role.ADMIN)


def _session_or_404(session_id: int) -> ExamSession:
    session = db.session.get(ExamSession, session_id)
    if session is None or session.is_training:  # training copies stay out of the CPNE's reports
        abort(404)
    return session


def _shows_names() -> bool:
    """Candidate names are for administrators only; the CPNE sees pseudonyms."""
    return current_user.has_role(Role.ADMIN)


def _download(content: bytes, fmt: str, stem: str) -> Response:
    export = EXPORTS[fmt]
    record_action("report.export", target=stem, details={"format": fmt})
    db.session.commit()
    return Response(
        content,
        mimetype=export.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.{export.extension}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/")
@roles_required(*READERS)
def index():
    sessions = db.session.execute(
        select(ExamSession)
        .where(ExamSession.purpose == SessionPurpose.CERTIFICATION)
        .order_by(ExamSession.opens_at.desc())
    ).scalars()
    return render_template("reports/index.html", sessions=list(sessions))


def _dif_form(session: ExamSession) -> DifForm:
    form = DifForm(request.args)
    form.set_groups(services.analysis_groups(session))
    return form


def _session_report(session: ExamSession, form: DifForm):
    """The session dossier with the DIF groups of a valid form (else the two largest)."""
    chosen = request.args and form.validate()
    return build_session_report(
        session,
        current_time(),
        include_names=_shows_names(),
        reference=form.reference.data if chosen else None,
        focal=form.focal.data if chosen else None,
    )


@bp.get("/sessions/<int:session_id>")
@roles_required(*READERS)
def session_report(session_id: int):
    session = _session_or_404(session_id)
    form = _dif_form(session)
    report = _session_report(session, form)
    query = {k: v for k, v in (("reference", form.reference.data), ("focal", form.focal.data))
             if v and not form.errors}  # fmt: skip
    return render_report_html(
        report, "reports/session.html", session=session, dif_form=form, query=query
    )


@bp.get("/sessions/<int:session_id>/export/<fmt>")
@roles_required(*READERS)
def session_export(session_id: int, fmt: str):
    session = _session_or_404(session_id)
    form = _dif_form(session)
    if fmt not in EXPORTS or (request.args and not form.validate()):
        abort(404)
    report = _session_report(session, form)
    return _download(services.export_bytes(report, fmt), fmt, f"rapport-session-{session.id}")


@bp.route("/sessions/<int:session_id>/neutraliser", methods=["GET", "POST"])
@roles_required(Role.JURY)
def neutralise(session_id: int):
    session = _session_or_404(session_id)
    versions, neutralised = services.split_by_neutralisation(session)
    form = NeutraliseForm()
    form.neutralised = frozenset(v.id for v in neutralised)
    form.item.choices = [
        (v.id, f"{v.item.external_id} v{v.number} — {v.topic.title}") for v in versions
    ]
    if form.validate_on_submit():
        try:
            result = services.neutralise_in_session(
                session, form.item.data, current_user, form.reason.data, current_time()
            )
        except (services.ReportError, GradingError) as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                _(
                    "Item neutralisé : %(n)s copie(s) recalculée(s), %(c)s note(s) modifiée(s).",
                    n=result.attempts_regraded,
                    c=len(result.changes),
                ),
                "success",
            )
            return redirect(url_for("reports.session_report", session_id=session.id))
    return render_template("reports/neutralise.html", session=session, form=form)


@bp.route("/sessions/<int:session_id>/angoff", methods=["GET", "POST"])
@roles_required(*READERS)
def angoff_panels(session_id: int):
    session = _session_or_404(session_id)
    form = PanelForm()
    if form.validate_on_submit():
        try:
            panel = angoff.create_panel(session, form.title.data, current_user, current_time())
        except services.ReportError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                _("Panel créé : les membres du jury peuvent saisir leurs estimations."), "success"
            )
            return redirect(url_for("reports.angoff_summary", panel_id=panel.id))
    panels = angoff.session_panels(session)
    return render_template("reports/angoff_panels.html", session=session, panels=panels, form=form)


def _panel_or_404(panel_id: int) -> AngoffPanel:
    panel = db.session.get(AngoffPanel, panel_id)
    if panel is None:
        abort(404)
    return panel


@bp.route("/angoff/<int:panel_id>/estimations", methods=["GET", "POST"])
@roles_required(Role.JURY)
def angoff_rate(panel_id: int):
    panel = _panel_or_404(panel_id)
    versions = angoff.versions_of(panel)
    form = rating_form(versions, angoff.judge_ratings(panel, current_user))
    if form.validate_on_submit():
        values = {v.id: form[f"item_{v.id}"].data for v in versions}
        angoff.save_ratings(panel, current_user, values, current_time())
        db.session.commit()
        progress = angoff.judge_progress(panel, current_user, versions)
        if progress.complete:
            complete = _(
                "Vos estimations sont complètes : votre seuil compte dans le seuil recommandé."
            )
            flash(complete, "success")
            return redirect(url_for("reports.angoff_summary", panel_id=panel.id))
        flash(
            _(
                "Estimations enregistrées : %(rated)s item(s) sur %(total)s. Il en reste "
                "%(left)s à estimer : vous pouvez revenir les saisir plus tard.",
                rated=progress.rated,
                total=progress.total,
                left=len(progress.remaining),
            ),
            "success",
        )
        return redirect(url_for("reports.angoff_rate", panel_id=panel.id))
    progress = angoff.judge_progress(panel, current_user, versions)
    return render_template(
        "reports/angoff_rate.html", panel=panel, versions=versions, form=form, progress=progress
    )


@bp.get("/angoff/<int:panel_id>")
@roles_required(*READERS)
def angoff_summary(panel_id: int):
    panel = _panel_or_404(panel_id)
    labels = angoff_judges.labels_for(panel, current_user)
    result = angoff.panel_result(panel, labels)
    pass_mark = float(panel.session.questionnaire.pass_mark)
    return render_template(
        "reports/angoff_summary.html",
        panel=panel,
        result=result,
        tables=(
            angoff.result_table(panel, result, pass_mark),
            angoff.judges_table(panel, result, labels),
            angoff.progress_table(panel, labels),
        ),
        anonymous=not angoff_judges.can_see_judge_names(current_user, panel),
        counted=angoff.counted_sentence(panel.title, result),
        rule=angoff.COMPLETE_JUDGES_RULE,
        fmt=format_value,
        transposed=transposed,
    )


def _period_form() -> PeriodForm:
    form = PeriodForm(request.args)
    themes = db.session.execute(select(Theme).order_by(Theme.position)).scalars()
    form.theme.choices = [(t.slug, t.title) for t in themes]
    return form


def _period_report(form: PeriodForm):
    theme = find_theme(form.theme.data)
    return build_period_report(theme, form.start.data, form.end.data, current_time())


@bp.get("/periode")
@roles_required(*READERS)
def period_report():
    form = _period_form()
    if not (request.args and form.validate()):
        return render_template("reports/period.html", form=form, report=None)
    return render_report_html(_period_report(form), "reports/period.html", form=form)


@bp.get("/periode/export/<fmt>")
@roles_required(*READERS)
def period_export(fmt: str):
    form = _period_form()
    if fmt not in EXPORTS or not form.validate():
        abort(404)
    report = _period_report(form)
    stem = f"rapport-periode-{form.theme.data}-{form.start.data}-{form.end.data}"
    return _download(services.export_bytes(report, fmt), fmt, stem)
