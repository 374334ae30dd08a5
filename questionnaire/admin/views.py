"""Administration pages: questionnaires and their blueprints, users and roles. Administrators only."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from questionnaire.access import roles_required
from questionnaire.admin import bp, services
from questionnaire.admin.forms import (
    NewUserForm,
    UserForm,
    questionnaire_form,
)
from questionnaire.audit.services import record_action
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import AccountError, create_user
from questionnaire.banks.models import Theme
from questionnaire.clock import current_time
from questionnaire.exams.models import Questionnaire
from questionnaire.exams.services import (
    ExamConfigError,
    create_questionnaire,
    default_blueprint,
    published_counts_by_topic,
)
from questionnaire.extensions import db
from questionnaire.paging import filter_args
from questionnaire.roles import ROLE_LABELS
from questionnaire.security.lockout import (
    LockoutUnavailable,
    locked_accounts,
    lockout_of,
    unlock_account,
)
from questionnaire.web import database_int, render_form

ADMIN = Role.ADMIN


def _themes() -> list[Theme]:
    return list(db.session.execute(select(Theme).order_by(Theme.position)).scalars())


@bp.get("/")
@roles_required(ADMIN)
def index():
    return render_template("admin/index.html")


# ---------------------------------------------------------------- questionnaires


@bp.get("/questionnaires")
@roles_required(ADMIN)
def list_questionnaires():
    questionnaires = db.session.execute(
        select(Questionnaire).order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())
    ).scalars()
    return render_template("admin/questionnaires.html", questionnaires=list(questionnaires))


def _blueprint(form, theme: Theme) -> dict[str, int]:
    return {topic.slug: field.data or 0 for topic, field in form.topic_fields}


def _pass_mark_bp(form) -> int:
    return int((Decimal(form.pass_mark.data) * 100).to_integral_value())


def _render_questionnaire(form, theme: Theme, questionnaire=None, error=None):
    return render_form(
        "admin/questionnaire_form.html",
        form=form,
        theme=theme,
        questionnaire=questionnaire,
        counts=published_counts_by_topic(theme),
        error=error,
        locked=questionnaire is not None and services.has_attempts(questionnaire),
    )


@bp.route("/questionnaires/nouveau", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_questionnaire():
    theme = db.session.execute(
        select(Theme).where(Theme.slug == request.args.get("theme", ""))
    ).scalar_one_or_none()
    if theme is None:
        return render_template("admin/choose_theme.html", themes=_themes())
    form = questionnaire_form(theme)
    if not form.is_submitted():
        plan = default_blueprint(theme)
        form.title.data = f"Questionnaire — {theme.title}"
        form.item_count.data = sum(plan.values()) or None
        form.duration_minutes.data = theme.default_duration_minutes
        for topic, field in form.topic_fields:
            field.data = plan.get(topic.slug, 0)
    if form.validate_on_submit():
        try:
            questionnaire = create_questionnaire(
                theme,
                form.title.data.strip(),
                form.item_count.data,
                form.duration_minutes.data,
                current_time(),
                pass_mark_bp=_pass_mark_bp(form),
                blueprint=_blueprint(form, theme),
                shuffle_items=form.shuffle_items.data,
                shuffle_options=form.shuffle_options.data,
            )
        except ExamConfigError as exc:
            return _render_questionnaire(form, theme, error=str(exc))
        db.session.flush()
        record_action(
            "admin.questionnaire_create",
            target=f"questionnaire:{questionnaire.id}",
            details={
                "item_count": questionnaire.item_count,
                "duration_minutes": questionnaire.duration_minutes,
                "pass_mark_bp": questionnaire.pass_mark_bp,
            },
        )
        db.session.commit()
        flash("Questionnaire créé.", "success")
        return redirect(url_for(".list_questionnaires"))
    return _render_questionnaire(form, theme)


@bp.route("/questionnaires/<int:questionnaire_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_questionnaire(questionnaire_id: int):
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    theme = questionnaire.theme
    form = questionnaire_form(theme, obj=questionnaire)
    if not form.is_submitted():
        form.pass_mark.data = Decimal(questionnaire.pass_mark_bp) / 100
        for topic, field in form.topic_fields:
            field.data = questionnaire.blueprint.get(topic.slug, 0)
    elif not form.pass_mark.raw_data:
        # sent without it: not the model's pass mark, a fraction (3/5) where the form wants 60
        form.pass_mark.data = None
    if form.validate_on_submit():
        try:
            services.update_questionnaire(
                questionnaire,
                title=form.title.data.strip(),
                item_count=form.item_count.data,
                duration_minutes=form.duration_minutes.data,
                pass_mark_bp=_pass_mark_bp(form),
                blueprint=_blueprint(form, theme),
                shuffle_items=form.shuffle_items.data,
                shuffle_options=form.shuffle_options.data,
            )
        except ExamConfigError as exc:
            db.session.rollback()
            return _render_questionnaire(form, theme, questionnaire, error=str(exc))
        db.session.commit()
        flash("Questionnaire modifié.", "success")
        return redirect(url_for(".list_questionnaires"))
    return _render_questionnaire(form, theme, questionnaire)


# ---------------------------------------------------------------- users


@bp.get("/utilisateurs")
@roles_required(ADMIN)
def list_users():
    value = request.args.get("role", "")
    role = Role(value) if value in {r.value for r in Role} else None
    text = request.args.get("q", "")[:200]
    listing = services.list_users(role, text, request.args.get("page", 1, type=database_int))
    try:
        locked = locked_accounts(listing.rows, current_time())
    except LockoutUnavailable:
        locked = None
    return render_template(
        "admin/users.html",
        listing=listing,
        role=role,
        q=text.strip(),
        roles=list(Role),
        locked=locked,
        args=filter_args(request.args),
    )


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user():
    form = NewUserForm()
    if not form.is_submitted():
        form.roles.data = [Role.CANDIDATE.value]
    submitted = form.validate_on_submit()
    if submitted and not form.roles.data:
        form.roles.errors.append("Choisissez au moins un rôle.")
    elif submitted:
        try:
            user = create_user(
                form.email.data,
                form.password.data,
                form.display_name.data.strip(),
                [Role(value) for value in form.roles.data],
                current_time(),
                must_change_password=True,
            )
            user.active = form.active.data
        except AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.flush()
            record_action(
                "admin.user_create",
                target=f"user:{user.id}",
                subject_id=user.id,
                details={
                    "roles": sorted(form.roles.data),
                    "active": user.active,
                    "must_change_password": True,
                },
            )
            db.session.commit()
            flash(f"Compte créé pour {user.email}.", "success")
            return redirect(url_for(".list_users"))
    return render_form("admin/user_form.html", form=form, user=None, labels=ROLE_LABELS)


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if not form.is_submitted():
        form.roles.data = sorted(role.value for role in user.roles)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                current_user,
                display_name=form.display_name.data,
                roles=[Role(value) for value in form.roles.data],
                active=form.active.data,
                now=current_time(),
                new_password=form.password.data or "",
            )
        except services.SelfDeactivation as exc:
            db.session.rollback()
            form.active.errors.append(str(exc))
        except services.ErasedAccount as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        except services.PasswordRefused as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        except AccountError as exc:
            db.session.rollback()
            form.roles.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Compte de {user.email} modifié.", "success")
            return redirect(url_for(".list_users"))
    try:
        lockout = lockout_of(user, current_time())
    except LockoutUnavailable:
        lockout = None
    return render_form(
        "admin/user_form.html",
        form=form,
        user=user,
        labels=ROLE_LABELS,
        lockout=lockout,
        unlock_form=EmptyForm(),
        erased_at=services.erasure_date(user),
    )


@bp.post("/utilisateurs/<int:user_id>/debloquer")
@roles_required(ADMIN)
def unlock_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            before = unlock_account(user, current_time())
        except LockoutUnavailable:
            db.session.rollback()
            flash(
                "Les compteurs de connexion (Redis) sont injoignables : le compte n'a pas été "
                "débloqué. Réessayez dans un instant.",
                "error",
            )
        else:
            db.session.commit()
            if before.is_locked:
                flash(
                    f"Connexion débloquée pour {user.email} : ses échecs sont effacés, "
                    "depuis toutes les adresses.",
                    "success",
                )
            else:
                flash(
                    f"Le compte {user.email} n'était pas bloqué ; ses échecs de connexion "
                    "récents sont effacés.",
                    "success",
                )
    return redirect(url_for(".edit_user", user_id=user.id))
