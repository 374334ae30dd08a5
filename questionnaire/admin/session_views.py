"""Administration pages for sessions: schedule, enrolment (one by one or CSV), release, closing."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from wtforms.fields.choices import SelectChoice

from questionnaire.access import roles_required
from questionnaire.admin import bp, services
from questionnaire.admin.forms import (
    EnrolForm,
    EnrolmentForm,
    EnrolmentImportForm,
    SessionForm,
    to_local,
    to_utc,
)
from questionnaire.audit.services import record_action
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role, User
from questionnaire.clock import current_time
from questionnaire.exams.models import (
    Enrolment,
    ExamSession,
    Questionnaire,
    ReleasePolicy,
    SessionPurpose,
)
from questionnaire.exams.services import (
    ExamConfigError,
    PurposeLocked,
    ReleasePolicyRefused,
    certification_sessions_sharing_bank,
    create_session,
)
from questionnaire.extensions import db
from questionnaire.web import french_duration, paris_time, render_form

ADMIN = Role.ADMIN


def _grace() -> int:
    return current_app.config["GRACE_SECONDS"]


def _session_form(**kwargs) -> SessionForm:
    form = SessionForm(**kwargs)
    questionnaires = db.session.execute(
        select(Questionnaire).order_by(Questionnaire.title)
    ).scalars()
    form.questionnaire.choices = [SelectChoice(q.id, q.title) for q in questionnaires]
    return form


@bp.get("/sessions")
@roles_required(ADMIN)
def list_sessions():
    sessions = db.session.execute(
        select(ExamSession).order_by(ExamSession.opens_at.desc())
    ).scalars()
    return render_template("admin/sessions.html", sessions=list(sessions), now=current_time())


@bp.route("/sessions/nouvelle", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_session():
    form = _session_form()
    if form.validate_on_submit():
        questionnaire = db.get_or_404(Questionnaire, form.questionnaire.data)
        try:
            services.check_new_session_closing(to_utc(form.closes_at.data), current_time())
            services.check_drawable(questionnaire)
            session = create_session(
                questionnaire,
                form.title.data.strip(),
                to_utc(form.opens_at.data),
                to_utc(form.closes_at.data),
                current_time(),
                ReleasePolicy(form.release_policy.data),
                SessionPurpose(form.purpose.data),
            )
        except ReleasePolicyRefused as exc:
            form.release_policy.errors.append(str(exc))
        except services.UndrawableQuestionnaire as exc:
            form.questionnaire.errors.append(str(exc))
        except ExamConfigError as exc:
            form.closes_at.errors.append(str(exc))
        else:
            db.session.flush()
            record_action(
                "admin.session_create",
                target=f"session:{session.id}",
                details={
                    "opens_at": session.opens_at.isoformat(),
                    "closes_at": session.closes_at.isoformat(),
                    "purpose": session.purpose.value,
                    "release_policy": session.release_policy.value,
                },
            )
            db.session.commit()
            flash("Session créée : inscrivez maintenant les candidats.", "success")
            return redirect(url_for(".show_session", session_id=session.id))
    return render_form("admin/session_form.html", form=form, session=None)


@bp.route("/sessions/<int:session_id>/modifier", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_session(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    form = _session_form(obj=session)
    del form.questionnaire
    form.keep_times(session.opens_at, session.closes_at)
    if not form.is_submitted():
        form.opens_at.data, form.closes_at.data = (
            to_local(session.opens_at),
            to_local(session.closes_at),
        )
        # a certification session saved « dès la remise » before training existed: what applies
        form.release_policy.data = session.effective_release_policy.value
        form.purpose.data = session.purpose.value
    if form.validate_on_submit():
        try:
            services.reschedule(
                session,
                form.title.data.strip(),
                form.instant(form.opens_at),
                form.instant(form.closes_at),
                ReleasePolicy(form.release_policy.data),
                current_time(),
                SessionPurpose(form.purpose.data),
            )
        except PurposeLocked as exc:
            form.purpose.errors.append(str(exc))
        except ReleasePolicyRefused as exc:
            form.release_policy.errors.append(str(exc))
        except ExamConfigError as exc:
            form.closes_at.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Session modifiée.", "success")
            return redirect(url_for(".show_session", session_id=session.id))
    return render_form("admin/session_form.html", form=form, session=session)


def _render_session(
    session: ExamSession,
    *,
    enrol_form=None,
    import_form=None,
    import_errors=None,
    enrolment_form=None,
    enrolment_id=None,
):
    """The session page; a refused form comes back with what was typed and its errors."""
    enrolments = db.session.execute(
        select(Enrolment)
        .join(User)
        .where(Enrolment.session_id == session.id)
        .order_by(User.sort_name, User.email)
        # every row shows its candidate: loaded by the join, not one query per enrolment
        .options(contains_eager(Enrolment.user))
    ).scalars()
    now = current_time()
    blocker = services.correction_release_blocker(session, now, _grace())
    return render_form(
        "admin/session.html",
        session=session,
        enrolments=list(enrolments),
        enrol_form=enrol_form or EnrolForm(),
        import_form=import_form or EnrolmentImportForm(),
        import_errors=import_errors,
        enrolment_form=enrolment_form,
        enrolment_id=enrolment_id,
        erased=services.erased_in_session(session),
        # one look at the copies still composing serves both the button and its explanation
        can_release=services.awaits_manual_release(session) and blocker is None,
        release_blocker=blocker,
        sharing_bank=certification_sessions_sharing_bank(session, now)
        if session.is_training
        else [],
        button_form=EmptyForm(),
        # items retired since: every start would fail on exam day, the administrator is told
        draw_blocker=None
        if session.is_closed(now)
        else services.draw_blocker(session.questionnaire),
        now=now,
    )


@bp.get("/sessions/<int:session_id>")
@roles_required(ADMIN)
def show_session(session_id: int):
    return _render_session(db.get_or_404(ExamSession, session_id))


@bp.post("/sessions/<int:session_id>/inscriptions")
@roles_required(ADMIN)
def enrol_one(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            enrolment = services.enrol_candidate(
                session,
                form.email.data,
                form.extra_time_percent.data,
                form.note.data or "",
                current_time(),
            )
        except (services.AdminError, ExamConfigError) as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{enrolment.user.display_name} est inscrit(e).", "success")
            return redirect(url_for(".show_session", session_id=session.id))
    return _render_session(session, enrol_form=form)


@bp.post("/sessions/<int:session_id>/inscriptions/csv")
@roles_required(ADMIN)
def import_enrolments(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    form = EnrolmentImportForm()
    if not form.validate_on_submit():
        return _render_session(session, import_form=form)
    try:
        result = services.import_enrolments(
            session, form.file.data.read(), current_time(), _grace()
        )
    except services.EnrolmentImportError as exc:
        db.session.rollback()
        return _render_session(session, import_form=form, import_errors=exc.errors)
    db.session.commit()
    flash(_import_summary(result), "success")
    return redirect(url_for(".show_session", session_id=session.id))


NAMES_LISTED = 10


def _import_summary(result: services.EnrolmentImport) -> str:
    """Who was enrolled by the file, and who already was (named: the file changed them)."""
    message = f"{result.created} candidat(s) inscrit(s) depuis le fichier."
    if result.updated:
        names = ", ".join(result.already_enrolled[:NAMES_LISTED])
        if len(result.already_enrolled) > NAMES_LISTED:
            names += f" et {len(result.already_enrolled) - NAMES_LISTED} autre(s)"
        message += (
            f" {result.updated} déjà inscrit(s), inscription conservée : temps supplémentaire, "
            f"aménagement et groupe d'analyse remplacés par ceux du fichier là où ses cellules "
            f"sont remplies ({names})."
        )
    if result.extended:
        message += (
            f" Copie en cours prolongée du temps supplémentaire ajouté : "
            f"{', '.join(result.extended)}."
        )
    if result.warning:
        message += f" Attention : {result.warning}"
    return message


def _enrolment_or_404(session: ExamSession, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != session.id:
        abort(404)
    return enrolment


@bp.post("/sessions/<int:session_id>/inscriptions/<int:enrolment_id>")
@roles_required(ADMIN)
def update_enrolment(session_id: int, enrolment_id: int):
    session = db.get_or_404(ExamSession, session_id)
    enrolment = _enrolment_or_404(session, enrolment_id)
    form = EnrolmentForm()
    if not form.validate_on_submit():
        return _render_session(session, enrolment_form=form, enrolment_id=enrolment.id)
    try:
        change = services.update_enrolment(
            enrolment,
            form.extra_time_percent.data,
            form.note.data or "",
            form.group.data or "",
            now=current_time(),
            grace_seconds=_grace(),
        )
    except services.EnrolmentGone as exc:
        db.session.rollback()
        flash(str(exc), "error")  # no row left to show the error in
        return redirect(url_for(".show_session", session_id=session.id))
    except services.AdminError as exc:
        db.session.rollback()
        form.extra_time_percent.errors.append(str(exc))
        return _render_session(session, enrolment_form=form, enrolment_id=enrolment.id)
    db.session.commit()
    name = enrolment.user.display_name
    flash(f"Aménagement de {name} enregistré.", "success")
    if change is not None and change.added:
        flash(
            f"La copie en cours de {name} est prolongée de "
            f"{french_duration(change.added.total_seconds())} : nouvelle fin le "
            f"{paris_time(change.deadline)}.",
            "success",
        )
    elif change is not None:
        flash(
            f"{name} compose déjà : sa copie garde sa fin, le {paris_time(change.deadline)} "
            "(moins de temps supplémentaire ne raccourcit pas une copie commencée).",
            "warning",
        )
    elif services.has_started(enrolment):
        flash(
            f"{name} a déjà terminé sa copie : le temps supplémentaire ne la rouvre pas, pas "
            "plus qu'un incident (la page « Incidents » ne prolonge que les copies en cours).",
            "warning",
        )
    return redirect(url_for(".show_session", session_id=session.id))


def _confirm(session: ExamSession, question: str, consequence: str, action: str, label: str):
    """The page that asks before an irreversible action; « Confirmer » posts to the same address."""
    return render_template(
        "admin/session.html",
        session=session,
        confirm={
            "question": question,
            "consequence": consequence,
            "action": action,
            "label": label,
        },
        now=current_time(),
    )


@bp.get("/sessions/<int:session_id>/inscriptions/<int:enrolment_id>/supprimer")
@roles_required(ADMIN)
def confirm_remove_enrolment(session_id: int, enrolment_id: int):
    session = db.get_or_404(ExamSession, session_id)
    enrolment = _enrolment_or_404(session, enrolment_id)
    name = enrolment.user.display_name
    return _confirm(
        session,
        f"Désinscrire {name} ?",
        "Son temps supplémentaire et sa note seront supprimés.",
        url_for(".remove_enrolment", session_id=session.id, enrolment_id=enrolment.id),
        f"Désinscrire {name}",
    )


@bp.post("/sessions/<int:session_id>/inscriptions/<int:enrolment_id>/supprimer")
@roles_required(ADMIN)
def remove_enrolment(session_id: int, enrolment_id: int):
    session = db.get_or_404(ExamSession, session_id)
    enrolment = _enrolment_or_404(session, enrolment_id)
    return _session_action(
        session,
        EmptyForm(),
        lambda: services.unenrol(enrolment, current_time()),
        "Inscription supprimée.",
    )


def _session_action(session: ExamSession, form, action, message: str):
    if form.validate_on_submit():
        try:
            action()
        except services.AdminError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for(".show_session", session_id=session.id))


@bp.get("/sessions/<int:session_id>/cloturer")
@roles_required(ADMIN)
def confirm_close_session(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    return _confirm(
        session,
        "Clore maintenant ?",
        "Plus aucun candidat ne pourra commencer ; les copies en cours gardent leur échéance.",
        url_for(".close_session", session_id=session.id),
        "Clore la session maintenant",
    )


@bp.post("/sessions/<int:session_id>/cloturer")
@roles_required(ADMIN)
def close_session(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    return _session_action(
        session,
        EmptyForm(),
        lambda: services.close_session(session, current_time()),
        "Session close : plus aucun candidat ne peut commencer.",
    )


@bp.get("/sessions/<int:session_id>/publier-correction")
@roles_required(ADMIN)
def confirm_release_correction(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    return _confirm(
        session,
        "Publier la correction ?",
        "Les candidats verront les bonnes réponses.",
        url_for(".release_correction", session_id=session.id),
        "Publier la correction",
    )


@bp.post("/sessions/<int:session_id>/publier-correction")
@roles_required(ADMIN)
def release_correction(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    return _session_action(
        session,
        EmptyForm(),
        lambda: services.release_correction(session, current_time(), _grace()),
        "Correction publiée : les candidats la voient avec leur résultat.",
    )
