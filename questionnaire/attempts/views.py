"""Candidate pages: session, one question per page, review, submission, result."""

from __future__ import annotations

import re

from flask import (
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.attempts import bp, services
from questionnaire.attempts.forms import AnswerForm, StartForm, SubmitForm
from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.attempts.results import attempt_result
from questionnaire.auth.models import Role
from questionnaire.clock import current_time
from questionnaire.exams.services import certification_sittings_ahead
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.web import render_form

EXPIRED_MESSAGE = _(
    "Le temps imparti est écoulé : votre copie a été remise automatiquement avec les réponses "
    "enregistrées."
)

SUBMITTED_MEANWHILE_MESSAGE = _(
    "Votre copie avait déjà été remise : la réponse que vous venez d'envoyer n'a pas été "
    "enregistrée."
)


def _grace() -> int:
    return current_app.config["GRACE_SECONDS"]


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = services.attempt_for_user(attempt_id, current_user)
    if attempt is None:
        abort(404)
    return attempt


def _closed_redirect(attempt: Attempt, now, *, posted: bool = False):
    """Close the copy once its time is up; a closed copy always leads to its result.

    A page asked for after the deadline offers nothing more to answer; a posted form is still
    taken within the grace period, which is for requests already in flight.
    """
    if posted:
        closed = services.finalise_if_expired(attempt, now, _grace())
    else:
        closed = services.close_if_time_up(attempt, now)
    if closed:
        db.session.commit()
        flash(EXPIRED_MESSAGE, "warning")
    if attempt.status.is_final:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    return None


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def session_home(session_id: int):
    now = current_time()
    try:
        enrolment = services.find_enrolment(current_user, session_id)
    except services.NotEnrolled:
        abort(404)
    attempt = services.attempt_for_enrolment(enrolment)
    form = StartForm()
    if form.validate_on_submit():
        try:
            attempt, created = services.start_attempt(enrolment, now, _grace())
        except services.AttemptError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("attempts.session_home", session_id=session_id))
        db.session.commit()
        if attempt.status.is_final:
            return redirect(url_for("attempts.result", attempt_id=attempt.id))
        position = 1 if created else services.resume_position(attempt)
        if position is None:
            return redirect(url_for("attempts.review", attempt_id=attempt.id))
        return redirect(url_for("attempts.question", attempt_id=attempt.id, position=position))
    if attempt is not None and services.close_if_time_up(attempt, now):
        db.session.commit()
    return render_form(
        "attempts/session.html",
        enrolment=enrolment,
        session=enrolment.session,
        attempt=attempt,
        form=form,
        # a copy started keeps the time it was given (a lowered extra time keeps its deadline)
        time_allowed=services.copy_time_allowed(attempt)
        if attempt is not None
        else services.time_allowed(enrolment),
        # told before starting: this session's correction waits for those sessions
        withheld_for=certification_sittings_ahead(
            enrolment.session, current_user.id, now, _grace()
        ),
        now=now,
    )


def _set_choices(form: AnswerForm, attempt_item) -> None:
    form.answer.choices = [(key, key) for key in attempt_item.option_order]


@bp.route("/copies/<int:attempt_id>/questions/<int:position>", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def question(attempt_id: int, position: int):
    now = current_time()
    attempt = _own_attempt(attempt_id)
    posted = request.method == "POST"
    if posted and attempt.status is AttemptStatus.SUBMITTED:
        # an answer from a page left open (another tab, the back button) after the hand-in
        flash(SUBMITTED_MEANWHILE_MESSAGE, "warning")
    closed = _closed_redirect(attempt, now, posted=posted)
    if closed:
        return closed
    if not 1 <= position <= len(attempt.items):
        abort(404)
    attempt_item = attempt.items[position - 1]
    form = AnswerForm()
    _set_choices(form, attempt_item)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.save_response(
                    attempt, attempt_item, form.answer.data or [], None, now, _grace()
                )
                services.set_flag(attempt, attempt_item, bool(form.flagged.data), now, _grace())
            except services.AttemptClosed:
                db.session.commit()
                if attempt.status is AttemptStatus.EXPIRED:
                    flash(EXPIRED_MESSAGE, "warning")
                else:  # handed in from another tab while this answer was on its way
                    flash(SUBMITTED_MEANWHILE_MESSAGE, "warning")
                return redirect(url_for("attempts.result", attempt_id=attempt.id))
            except services.InvalidSelection as exc:
                db.session.rollback()
                form.answer.errors = [str(exc)]
            else:
                # the save first, releasing its share of the attempt's row: two posts closing
                # the copy at once while holding it would deadlock
                db.session.commit()
                # saved within the grace period: that was the last answer, the copy closes
                time_up = services.close_if_time_up(attempt, now)
                db.session.commit()
                if time_up:
                    flash(EXPIRED_MESSAGE, "warning")
                    return redirect(url_for("attempts.result", attempt_id=attempt.id))
                return redirect(_next_url(attempt, position))
    else:
        form.answer.data = attempt_item.selected
        form.flagged.data = attempt_item.flagged
    return render_form(
        "attempts/question.html",
        attempt=attempt,
        attempt_item=attempt_item,
        form=form,
        position=position,
        now=now,
        grace=_grace(),
    )


def _next_url(attempt: Attempt, position: int) -> str:
    """Where the candidate's button leads: next, previous, review or a given question."""
    action = request.form.get("action", "next")
    target = position + 1
    if action == "previous":
        target = position - 1
    elif action == "review":
        target = 0
    elif goto := re.fullmatch(r"goto-([0-9]{1,6})", action):  # not « goto-² », nor 5,000 digits
        target = int(goto[1])
    if not 1 <= target <= len(attempt.items):
        return url_for("attempts.review", attempt_id=attempt.id)
    return url_for("attempts.question", attempt_id=attempt.id, position=target)


@bp.route("/copies/<int:attempt_id>/revue", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def review(attempt_id: int):
    now = current_time()
    attempt = _own_attempt(attempt_id)
    closed = _closed_redirect(attempt, now, posted=request.method == "POST")
    if closed:
        return closed
    form = SubmitForm()
    if form.validate_on_submit():
        services.submit_attempt(attempt, now, _grace())
        db.session.commit()
        if attempt.status is AttemptStatus.EXPIRED:
            flash(EXPIRED_MESSAGE, "warning")
        else:
            flash(_("Votre copie a été remise."), "success")
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    unanswered = [ai for ai in attempt.items if not ai.is_answered]
    flagged = [ai for ai in attempt.items if ai.flagged]
    return render_form(
        "attempts/review.html",
        attempt=attempt,
        form=form,
        unanswered=unanswered,
        flagged=flagged,
        now=now,
        grace=_grace(),
    )


@bp.get("/copies/<int:attempt_id>/resultat")
@roles_required(Role.CANDIDATE)
def result(attempt_id: int):
    now = current_time()
    attempt = _own_attempt(attempt_id)
    if services.close_if_time_up(attempt, now):
        db.session.commit()
        flash(EXPIRED_MESSAGE, "warning")
    if not attempt.status.is_final:
        return redirect(url_for("attempts.review", attempt_id=attempt.id))
    # the time-up message once: the flash announces a copy just closed, the page states it later
    announced = EXPIRED_MESSAGE in get_flashed_messages()
    return render_template(
        "attempts/result.html",
        attempt=attempt,
        result=attempt_result(attempt, now, _grace()),
        show_expiry_notice=attempt.status is AttemptStatus.EXPIRED and not announced,
        now=now,
    )
