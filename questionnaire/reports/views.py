"""Report pages and downloads for the jury (CPNE) and administrators."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from questionnaire.access import refuse_pending_candidates, roles_required
from questionnaire.attempts.grading import GradingError
from questionnaire.audit.services import record_action
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import jury_members
from questionnaire.banks.models import Theme
from questionnaire.clock import current_time
from questionnaire.exams.models import ExamSession, SessionPurpose
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.reports import angoff, angoff_judges, bp, services
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.forms import (
    DifForm,
    JudgesForm,
    NeutraliseForm,
    PanelForm,
    PeriodForm,
    RekeyChoiceForm,
    RekeyForm,
    rating_form,
)
from questionnaire.reports.models import AngoffPanel
from questionnaire.reports.period_report import build_period_report, find_theme
from questionnaire.reports.render_html import render_report_html, table_view
from questionnaire.reports.session_report import build_session_report
from questionnaire.web import render_form

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
        viewer=current_user,
        reference=form.reference.data if chosen else None,
        focal=form.focal.data if chosen else None,
    )


@bp.get("/sessions/<int:session_id>")
@roles_required(*READERS)
def session_report(session_id: int):
    session = _session_or_404(session_id)
    refuse_pending_candidates(session.questionnaire.theme)  # items to review quote questions
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
    refuse_pending_candidates(session.questionnaire.theme)
    form = _dif_form(session)
    if fmt not in EXPORTS or (request.args and not form.validate()):
        abort(404)
    report = _session_report(session, form)
    return _download(services.export_bytes(report, fmt), fmt, f"rapport-session-{session.id}")


@bp.route("/sessions/<int:session_id>/neutraliser", methods=["GET", "POST"])
@roles_required(Role.JURY)
def neutralise(session_id: int):
    session = _session_or_404(session_id)
    # which items of the theme count: not decided by someone whose own copy they will grade
    refuse_pending_candidates(session.questionnaire.theme)
    versions, neutralised = services.split_by_neutralisation(session)
    form = NeutraliseForm()
    form.neutralised = frozenset(v.id for v in neutralised)
    form.item.choices = [
        (v.id, f"{v.item.external_id} v{v.number} — {v.topic.title}") for v in versions
    ]
    if form.validate_on_submit():
        decided = _regrade(
            session,
            form.reason,
            lambda: services.neutralise_in_session(
                session, form.item.data, current_user, form.reason.data, current_time()
            ),
            _("Item neutralisé : %(n)s copie(s) recalculée(s), %(c)s note(s) modifiée(s)."),
        )
        if decided:
            return decided
    return render_form("reports/neutralise.html", session=session, form=form)


def _regrade(session: ExamSession, field, decide, done: str):
    """Apply a scoring decision (``decide``): committed and ``done`` flashed with its counts
    (%(n)s copies re-graded, %(c)s grades changed), then back to the session report; refused,
    rolled back and its reason added to ``field``'s errors (None returned)."""
    try:
        result = decide()
    except (services.ReportError, GradingError) as exc:
        db.session.rollback()
        field.errors = [*field.errors, str(exc)]
        return None
    db.session.commit()
    flash(done % {"n": result.attempts_regraded, "c": len(result.changes)}, "success")
    return redirect(url_for("reports.session_report", session_id=session.id))


@bp.route("/sessions/<int:session_id>/corriger-cle", methods=["GET", "POST"])
@roles_required(Role.JURY)
def rekey(session_id: int):
    """Correct an item's key for this session: choose the item (a GET form), then its keys."""
    session = _session_or_404(session_id)
    refuse_pending_candidates(session.questionnaire.theme)  # the item's text and its key
    versions = services.scorable_versions(session)
    choice = RekeyChoiceForm(request.args)
    choice.item.choices = [
        (v.id, f"{v.item.external_id} v{v.number} — {v.topic.title}") for v in versions
    ]
    if "item" not in request.args or not choice.validate():
        refused = "item" in request.args or request.method == "POST"
        return render_form("reports/rekey.html", session=session, choice=choice, refused=refused)
    version = next(v for v in versions if v.id == choice.item.data)
    in_effect = services.key_in_effect(session, version)
    form = RekeyForm(data={"keys": sorted(in_effect)} if request.method == "GET" else None)
    form.keys.choices = [(option.key, option.key) for option in version.options]
    if form.validate_on_submit():
        decided = _regrade(
            session,
            form.keys,
            lambda: services.rekey_in_session(
                session,
                version.id,
                form.keys.data,
                current_user,
                form.reason.data,
                current_time(),
            ),
            _("Clé corrigée : %(n)s copie(s) recalculée(s), %(c)s note(s) modifiée(s)."),
        )
        if decided:
            return decided
    return render_form(
        "reports/rekey.html",
        session=session,
        choice=choice,
        version=version,
        in_effect=sorted(in_effect),
        form=form,
    )


@bp.route("/sessions/<int:session_id>/angoff", methods=["GET", "POST"])
@roles_required(*READERS)
def angoff_panels(session_id: int):
    session = _session_or_404(session_id)
    form = PanelForm()
    form.set_jury(jury_members())
    if form.validate_on_submit():
        judges = [db.session.get(User, judge_id) for judge_id in form.judges.data]
        try:
            panel = angoff.create_panel(
                session, form.title.data, judges, current_user, current_time()
            )
        except angoff_judges.JudgeRefused as exc:
            db.session.rollback()
            form.judges.errors = [*form.judges.errors, str(exc)]
        except services.ReportError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                _(
                    "Panel créé : ses %(count)s juge(s) peuvent saisir leurs estimations.",
                    count=len(panel.judges),
                ),
                "success",
            )
            return redirect(url_for("reports.angoff_summary", panel_id=panel.id))
    panels = angoff.session_panels(session)
    return render_form(
        "reports/angoff_panels.html",
        session=session,
        panels=panels,
        form=form,
        judging={p.id for p in panels if angoff_judges.is_judge(current_user, p)},
    )


def _panel_or_404(panel_id: int) -> AngoffPanel:
    panel = db.session.get(AngoffPanel, panel_id)
    if panel is None:
        abort(404)
    return panel


@bp.route("/angoff/<int:panel_id>/estimations", methods=["GET", "POST"])
@roles_required(Role.JURY)
def angoff_rate(panel_id: int):
    panel = _panel_or_404(panel_id)
    if not angoff_judges.is_judge(current_user, panel):
        abort(403, description=angoff_judges.NOT_A_JUDGE)
    refuse_pending_candidates(panel.session.questionnaire.theme)
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
    return render_form(
        "reports/angoff_rate.html", panel=panel, versions=versions, form=form, progress=progress
    )


def _render_summary(panel: AngoffPanel, judges_form=None, refusal: str | None = None):
    """The panel's summary; a judge whose own estimates are not complete sees only how far
    each judge has got (the first round is independent)."""
    labels = angoff_judges.labels_for(panel, current_user)
    result = angoff.panel_result(panel, labels)
    pass_mark = float(panel.session.questionnaire.pass_mark)
    withheld = angoff.own_estimates_pending(panel, current_user)
    tables = [angoff.progress_table(panel, labels)]
    if not withheld:
        tables[:0] = [
            angoff.result_table(panel, result, pass_mark),
            angoff.judges_table(panel, result, labels),
        ]
    facilitator = angoff_judges.is_facilitator(current_user, panel)
    if facilitator and judges_form is None:
        judges_form = JudgesForm(formdata=None)
    if judges_form is not None:
        named = set(angoff_judges.judge_ids(panel))
        judges_form.set_jury([m for m in jury_members() if m.id not in named])
    rated = {r.judge_id for r in panel.ratings}
    return render_form(
        "reports/angoff_summary.html",
        panel=panel,
        result=result,
        tables=[table_view(table) for table in tables],
        withheld=withheld,
        judging=angoff_judges.is_judge(current_user, panel),
        anonymous=not angoff_judges.can_see_judge_names(current_user, panel),
        counted=angoff.counted_sentence(panel.title, result),
        rule=angoff.COMPLETE_JUDGES_RULE,
        facilitator=facilitator,
        judges_form=judges_form if facilitator else None,
        roster=[(j.judge, j.judge_id in rated) for j in panel.judges] if facilitator else [],
        refusal=refusal,
    )


@bp.get("/angoff/<int:panel_id>")
@roles_required(*READERS)
def angoff_summary(panel_id: int):
    return _render_summary(_panel_or_404(panel_id))


def _facilitated_panel(panel_id: int) -> AngoffPanel:
    panel = _panel_or_404(panel_id)
    if not angoff_judges.is_facilitator(current_user, panel):
        abort(403, description=angoff_judges.NOT_FACILITATOR)
    return panel


@bp.post("/angoff/<int:panel_id>/juges")
@roles_required(*READERS)
def angoff_name_judges(panel_id: int):
    panel = _facilitated_panel(panel_id)
    form = JudgesForm()
    named = set(angoff_judges.judge_ids(panel))
    form.set_jury([m for m in jury_members() if m.id not in named])
    if not form.validate_on_submit():
        return _render_summary(panel, judges_form=form)
    judges = [db.session.get(User, judge_id) for judge_id in form.judges.data]
    try:
        added = angoff_judges.name_judges(panel, judges, current_user, current_time())
    except services.ReportError as exc:
        db.session.rollback()
        form.judges.errors = [*form.judges.errors, str(exc)]
        return _render_summary(panel, judges_form=form)
    db.session.commit()
    flash(
        _("Juge(s) nommé(s) : %(names)s.", names=", ".join(u.display_name for u in added)),
        "success",
    )
    return redirect(url_for("reports.angoff_summary", panel_id=panel.id))


@bp.post("/angoff/<int:panel_id>/juges/<int:judge_id>/retrait")
@roles_required(*READERS)
def angoff_remove_judge(panel_id: int, judge_id: int):
    panel = _facilitated_panel(panel_id)
    judge = db.get_or_404(User, judge_id)
    try:
        angoff_judges.remove_judge(panel, judge, current_user, current_time())
    except services.ReportError as exc:
        db.session.rollback()
        return _render_summary(panel, refusal=str(exc))
    db.session.commit()
    flash(_("%(name)s n'est plus juge du panel.", name=judge.display_name), "success")
    return redirect(url_for("reports.angoff_summary", panel_id=panel.id))


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
