"""Authoring pages: item list, editor with preview and lint, item page, review actions, queues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from questionnaire.access import roles_required
from questionnaire.auth.forms import EmptyForm
from questionnaire.auth.models import Role
from questionnaire.authoring import bp, freshness, services
from questionnaire.authoring.diff import compare
from questionnaire.authoring.forms import (
    CommentForm,
    ItemForm,
    ReferenceChangeForm,
    ReviewForm,
    preview_of,
)
from questionnaire.authoring.lifecycle import TransitionError
from questionnaire.authoring.search import FLAGS, LAST_REVIEW, ItemFilters, authors, items_page
from questionnaire.banks.models import Item, ItemVersion, Theme, VersionStatus
from questionnaire.banks.versions import open_version
from questionnaire.clock import current_time, paris_day, today
from questionnaire.extensions import db
from questionnaire.itemstats.services import version_report
from questionnaire.paging import filter_args
from questionnaire.web import database_int, render_form

STAFF = (Role.AUTHOR, Role.REVIEWER, Role.ADMIN)


def _item_or_404(external_id: str) -> Item:
    item = services.find_item(external_id)
    if item is None:
        abort(404)
    return item


def _version_or_404(item: Item, number: int) -> ItemVersion:
    version = services.find_version(item, number)
    if version is None:
        abort(404)
    return version


def _themes() -> list[Theme]:
    return list(db.session.execute(select(Theme).order_by(Theme.position)).scalars())


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=database_int)


@bp.get("/")
@roles_required(*STAFF)
def list_items():
    filters = ItemFilters(
        theme_id=_int_arg("theme"),
        topic_id=_int_arg("topic"),
        status=request.args.get("status", ""),
        flag=request.args.get("flag", ""),
        author_id=_int_arg("author"),
        last_review=request.args.get("last_review", ""),
        text=request.args.get("q", ""),
    )
    themes = _themes()
    listing = items_page(filters, current_time(), _int_arg("page"))
    return render_template(
        "authoring/list.html",
        rows=listing.rows,
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
        args=filter_args(request.args),
        filters=filters,
        themes=themes,
        topics=[(theme, topic) for theme in themes for topic in theme.topics],
        statuses=list(VersionStatus),
        flags=FLAGS,
        last_reviews=LAST_REVIEW,
        authors=authors(),
    )


def _editor(form: ItemForm, theme: Theme, item: Item | None):
    """Preview, lint or save the editor's content; re-render or redirect.

    A refused save answers 422; a preview (the button, or the script while the author types)
    is a result, not a refusal, even of content that could not be saved yet.
    """
    now = current_time()
    preview = findings = None
    saving = False
    if form.is_submitted():
        valid = form.validate()
        saving = request.form.get("action") == "save"
        if saving and valid:
            try:
                version = services.save_item(
                    item, theme, form.to_parsed(), current_user, now, form.base.data
                )
            except services.StaleEdit as exc:
                flash(str(exc), "error")
                # the author has now seen that the item moved on: saving again goes through
                form.base.data = services.edit_base(item)
            except services.AuthoringError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(f"Brouillon enregistré (version {version.number}).", "success")
                return redirect(url_for(".edit_item", external_id=version.item.external_id))
        preview = preview_of(form)
        findings = services.lint(theme, form.to_parsed(), paris_day(now)) if valid else None
    else:
        form.option_errors = []
        if item is not None:
            preview = preview_of(form)
            findings = services.lint(theme, form.to_parsed(item.external_id), paris_day(now))
    return render_form(
        "authoring/edit.html",
        refused=saving,
        form=form,
        theme=theme,
        item=item,
        draft=open_version(item) if item is not None else None,
        button_form=EmptyForm(),
        preview=preview,
        findings=findings,
    )


@bp.route("/items/nouveau", methods=["GET", "POST"])
@roles_required(Role.AUTHOR)
def new_item():
    slug = request.args.get("theme", "")
    theme = db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()
    if theme is None:
        return render_template("authoring/choose_theme.html", themes=_themes())
    form = ItemForm()
    form.set_theme(theme)
    if not form.is_submitted():
        form.valid_as_of.data = today()
    return _editor(form, theme, None)


@bp.route("/items/<external_id>/modifier", methods=["GET", "POST"])
@roles_required(Role.AUTHOR)
def edit_item(external_id: str):
    item = _item_or_404(external_id)
    form = ItemForm()
    # a save sent from an editor opened before the version went to review (or to another
    # author) is refused by the service, on this page, with the text typed kept
    if not form.is_submitted() and not services.can_edit(item, current_user):
        flash("Cet item a une version en relecture ou un brouillon d'un autre auteur.", "error")
        return redirect(url_for(".show_item", external_id=external_id))
    form.set_theme(item.theme)
    if not form.is_submitted():
        form.fill_from(services.editor_source(item))
        form.base.data = services.edit_base(item)
    return _editor(form, item.theme, item)


@bp.get("/items/<external_id>")
@roles_required(*STAFF)
def show_item(external_id: str):
    item = _item_or_404(external_id)
    number = _int_arg("version")
    version = _version_or_404(item, number) if number is not None else item.latest_version
    if version is None:
        abort(404)
    return _render_item(item, version)


@dataclass(frozen=True)
class CommentError:
    """A refused comment, shown beside the textarea it was typed in, text kept."""

    field_id: str
    message: str
    text: str


def _render_item(item: Item, version: ItemVersion, comment_error: CommentError | None = None):
    now = current_time()
    records = services.authorships(item.versions)
    findings = None
    if version.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW):
        findings = services.lint(item.theme, services.parsed_from_version(version), paris_day(now))
    return render_form(
        "authoring/item.html",
        item=item,
        version=version,
        record=records.get(version.id),
        records=records,
        thread=services.thread(item),
        findings=findings,
        due=freshness.due_item(version, paris_day(now)),
        revalidation=freshness.latest_revalidations([version.id]).get(version.id),
        can_edit=services.can_edit(item, current_user),
        can_take_over=services.can_take_over(version, current_user),
        is_ownerless=services.is_ownerless_draft(version),
        is_author=services.is_author(version, current_user),
        can_review=services.can_review(version, current_user),
        can_publish=services.can_publish(version, current_user),
        can_retire=services.can_retire(version, current_user),
        can_revalidate=version.status is VersionStatus.PUBLISHED
        and current_user.has_any_role((Role.AUTHOR, Role.REVIEWER)),
        comment_form=CommentForm(),
        review_form=ReviewForm(),
        button_form=EmptyForm(),
        item_stats=version_report(version),
        item_stats_endpoint="authoring.show_item",
        comment_error=comment_error,
    )


@bp.get("/items/<external_id>/comparer")
@roles_required(*STAFF)
def compare_versions(external_id: str):
    item = _item_or_404(external_id)
    if len(item.versions) < 2:
        flash("Cet item n'a qu'une version.", "info")
        return redirect(url_for(".show_item", external_id=external_id))
    new = _version_or_404(item, _int_arg("a") or item.versions[-1].number)
    old_number = _int_arg("de") or max(1, new.number - 1)
    old = _version_or_404(item, old_number)
    return render_template(
        "authoring/compare.html", item=item, old=old, new=new, fields=compare(old, new)
    )


def _act(
    external_id: str,
    number: int,
    action: Callable,
    message: str,
    form=None,
    comment_field: str | None = None,
):
    """Run one review action on a version, commit, and go back to the item page.

    A refused comment (empty, too long) redisplays the page with the message beside the
    textarea ``comment_field`` and the typed text kept.
    """
    item = _item_or_404(external_id)
    version = _version_or_404(item, number)
    form = form or EmptyForm()
    typed = request.form.get("comment", "")
    if not form.validate_on_submit():
        if comment_field and "comment" in form.errors and "csrf_token" not in form.errors:
            offered = COMMENT_OFFERED.get(comment_field)
            if offered is not None and not offered(version, current_user):
                # the page no longer has that textarea (the version moved on meanwhile): the
                # comment's error would point at nothing
                flash(NO_LONGER_OFFERED.format(status=version.status.label), "error")
                return redirect(url_for(".show_item", external_id=external_id, version=number))
            error = CommentError(comment_field, " ".join(form.errors["comment"]), typed)
            return _render_item(item, version, error)
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for(".show_item", external_id=external_id, version=number))
    try:
        action(version)
    except services.MissingComment as exc:
        db.session.rollback()
        if comment_field is None:
            raise
        return _render_item(item, version, CommentError(comment_field, str(exc), typed))
    except (services.AuthoringError, TransitionError, freshness.FreshnessError) as exc:
        db.session.rollback()
        if comment_field is not None and typed.strip():
            # the version moved on while the comment was typed (withdrawn by its author,
            # approved or sent back by another reviewer): the text waits in the thread's box
            kept = CommentError("thread-comment", f"{exc} {COMMENT_KEPT}", typed)
            return _render_item(item, version, kept)
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    if request.form.get("back") == "queue":
        return redirect(url_for(".revalidation_queue"))
    return redirect(url_for(".show_item", external_id=external_id, version=number))


AUTHORS, REVIEWERS, PUBLISHERS = (Role.AUTHOR,), (Role.REVIEWER,), (Role.REVIEWER, Role.ADMIN)
# endpoint: URL segment, roles, service(version, user, now=…[, comment=…]), takes a comment
REVIEW_ACTIONS: dict[str, tuple[str, tuple[Role, ...], Callable, bool]] = {
    "take_over_version": ("prendre-en-charge", AUTHORS, services.take_over, False),
    "submit_version": ("soumettre", AUTHORS, services.submit, False),
    "withdraw_version": ("reprendre", AUTHORS, services.withdraw, False),
    "approve_version": ("approuver", REVIEWERS, services.approve, True),
    "send_back_version": ("renvoyer", REVIEWERS, services.send_back, True),
    "publish_version": ("publier", PUBLISHERS, services.publish, False),
    "retire_version": ("retirer", PUBLISHERS, services.retire, True),
    "revalidate_version": ("revalider", (Role.AUTHOR, Role.REVIEWER), freshness.revalidate, False),
}
# the textarea of the item page that holds each action's comment
COMMENT_FIELDS = {
    "approve_version": "review-comment",
    "send_back_version": "review-comment",
    "retire_version": "retire-comment",
}
# whether the item page shows that textarea to the user, for the version as it is now
COMMENT_OFFERED: dict[str, Callable[..., bool]] = {
    "review-comment": services.can_review,
    "retire-comment": services.can_retire,
}
COMMENT_KEPT = (
    "Votre commentaire n'a pas été enregistré : il est reporté dans « Ajouter un commentaire », "
    "à publier dans le fil de l'item si vous le souhaitez."
)
NO_LONGER_OFFERED = (
    "Cette action ne vous est pas ou plus ouverte sur cette version (« {status} ») : "
    "rien n'a été enregistré."
)
DONE_MESSAGES = {
    "take_over_version": "Brouillon pris en charge : vous en êtes maintenant l'auteur.",
    "submit_version": "Version soumise à la relecture.",
    "withdraw_version": "Version reprise en brouillon.",
    "approve_version": "Version approuvée : elle peut être publiée.",
    "send_back_version": "Version renvoyée à son auteur avec vos commentaires.",
    "publish_version": "Version publiée : elle sera tirée dans les prochains questionnaires.",
    "retire_version": "Version retirée : elle ne sera plus tirée.",
    "revalidate_version": "Revalidation enregistrée.",
}


def _action_view(endpoint: str) -> Callable:
    """The POST view of one review action: load, check, run the service, go back."""
    _, roles, service, with_comment = REVIEW_ACTIONS[endpoint]

    def view(external_id: str, number: int):
        form = ReviewForm() if with_comment else EmptyForm()
        extra = {"comment": form.comment.data or ""} if with_comment else {}
        return _act(
            external_id,
            number,
            lambda version: service(version, current_user, now=current_time(), **extra),
            DONE_MESSAGES[endpoint],
            form,
            COMMENT_FIELDS.get(endpoint),
        )

    view.__name__ = endpoint
    return roles_required(*roles)(view)


for _endpoint, (_path, *_) in REVIEW_ACTIONS.items():
    bp.add_url_rule(
        f"/items/<external_id>/versions/<int:number>/{_path}",
        _endpoint,
        _action_view(_endpoint),
        methods=["POST"],
    )


@bp.post("/items/<external_id>/commentaires")
@roles_required(*STAFF)
def comment_item(external_id: str):
    item = _item_or_404(external_id)
    version = item.latest_version
    return _act(
        external_id,
        version.number,
        lambda v: services.add_comment(
            item, v, current_user, request.form.get("comment", ""), current_time()
        ),
        "Commentaire ajouté.",
        CommentForm(),
        "thread-comment",
    )


@bp.get("/a-revalider")
@roles_required(*STAFF)
def revalidation_queue():
    theme_id = _int_arg("theme")
    return render_template(
        "authoring/revalidation.html",
        entries=freshness.revalidation_queue(today(), theme_id),
        themes=_themes(),
        theme_id=theme_id,
        button_form=EmptyForm(),
        can_revalidate=current_user.has_any_role((Role.AUTHOR, Role.REVIEWER)),
    )


@bp.route("/references", methods=["GET", "POST"])
@roles_required(*STAFF)
def reference_changes():
    form = ReferenceChangeForm()
    if form.validate_on_submit():
        now = current_time()
        try:
            change = freshness.record_reference_change(
                form.reference.data, form.changed_on.data, form.note.data or "", current_user, now
            )
        except freshness.FreshnessError as exc:
            form.reference.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                f"Changement enregistré : {freshness.citing_count(change)} item(s) publié(s) "
                "citent cette référence.",
                "success",
            )
            return redirect(url_for(".reference_changes"))
    changes = freshness.reference_changes()
    return render_form(
        "authoring/references.html",
        form=form,
        changes=[(change, freshness.citing_count(change)) for change in changes],
    )
