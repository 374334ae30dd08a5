"""API: start or resume, save, submit and read an attempt."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.api import bp as api_bp
from questionnaire.api.helpers import iso, json_body
from questionnaire.attempts import services
from questionnaire.attempts.models import Attempt
from questionnaire.attempts.results import attempt_result
from questionnaire.auth.models import Role
from questionnaire.clock import current_time
from questionnaire.errors import ApiError
from questionnaire.extensions import db


def _grace() -> int:
    return current_app.config["GRACE_SECONDS"]


def _error(exc: services.AttemptError) -> ApiError:
    return ApiError(exc.status, exc.code, str(exc))


def _takes_no_member() -> None:
    """A call that takes no body: none, or ``{}``; a member is refused, never ignored, as on
    every call (``json_body``): ignored, ``{"confirm": false}`` handed the copy in for good."""
    if not (request.content_length or request.get_data(cache=True)):
        return
    try:
        json_body()  # 415 for a body that is not JSON, 400 for one that is no object
    except ApiError as exc:
        if exc.code != "unknown_fields":
            raise
        named = ", ".join(f"« {name[:40]} »" for name in sorted(request.get_json())[:5])
        raise ApiError(
            422,
            "unknown_fields",
            f"Champ(s) inconnu(s) : {named}. Cet appel ne prend aucun champ (corps vide ou {{}}).",
        ) from None


def _load_own(attempt_id: int) -> Attempt:
    attempt = services.attempt_for_user(attempt_id, current_user)
    if attempt is None:
        raise ApiError(404, "not_found", "Copie introuvable.")
    return attempt


def attempt_json(attempt: Attempt, now) -> dict:
    """The attempt as the candidate may see it: never an answer key before release."""
    payload = {
        "attempt_id": attempt.id,
        "session_id": attempt.session_id,
        "status": attempt.status.value,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at),
        "server_time": iso(now),
        "items": [
            {
                "item_id": ai.external_id,
                "position": ai.position,
                "stem": ai.version.stem,
                "multiple": ai.version.is_multiple,
                "options": [
                    {"key": key, "text": ai.version.option(key).text} for key in ai.option_order
                ],
                "flagged": ai.flagged,
            }
            for ai in attempt.items
        ],
        "responses": {
            ai.external_id: ai.selected for ai in attempt.items if ai.response is not None
        },
        "seqs": {ai.external_id: ai.seq for ai in attempt.items if ai.response is not None},
    }
    result = attempt_result(attempt, now, _grace())
    if result is not None:
        payload["result"] = result_json(result)
    return payload


def result_json(result) -> dict:
    body = {
        "score": result.score,
        "max_score": result.max_score,
        "percent": result.percent,
        "passed": result.passed,
        "pass_mark": result.pass_mark,
        "topics": [
            {"title": t.title, "correct": t.correct, "total": t.total} for t in result.topics
        ],
        "correction_released": result.correction_released,
        "correction_withheld_for": [session.id for session in result.withheld_for],
    }
    if result.corrections is not None:
        body["correction"] = [
            {
                "item_id": c.external_id,
                "position": c.position,
                "correct_keys": [key for key, _text, correct, _sel in c.options if correct],
                "selected": [key for key, _text, _correct, sel in c.options if sel],
                "score": c.score,
                "neutralised": c.neutralised,
                "rationale": c.rationale,
                "reference": c.reference,
            }
            for c in result.corrections
        ]
    return body


@api_bp.post("/sessions/<int:session_id>/attempt")
@roles_required(Role.CANDIDATE)
def start(session_id: int):
    now = current_time()
    _takes_no_member()
    try:
        enrolment = services.find_enrolment(current_user, session_id)
        attempt, created = services.start_attempt(enrolment, now, _grace())
    except services.AttemptError as exc:
        db.session.rollback()
        raise _error(exc) from exc
    payload = attempt_json(attempt, now)  # before the commit, which would expire what it reads
    db.session.commit()
    return jsonify(payload), 201 if created else 200


@api_bp.get("/attempts/<int:attempt_id>")
@roles_required(Role.CANDIDATE)
def show(attempt_id: int):
    now = current_time()
    attempt = _load_own(attempt_id)
    if services.finalise_if_expired(attempt, now, _grace()):
        db.session.commit()
    return jsonify(attempt_json(attempt, now))


@api_bp.get("/attempts/<int:attempt_id>/deadline")
@roles_required(Role.CANDIDATE)
def deadline(attempt_id: int):
    """What the exam page's countdown asks every few minutes and at zero: the status and the
    deadline (moved by extra time after an incident), without the questions."""
    now = current_time()
    attempt = _load_own(attempt_id)
    if services.finalise_if_expired(attempt, now, _grace()):
        db.session.commit()
    return jsonify(
        {
            "attempt_id": attempt.id,
            "status": attempt.status.value,
            "deadline": iso(attempt.deadline),
            "server_time": iso(now),
        }
    )


@api_bp.put("/attempts/<int:attempt_id>/responses/<item_id>")
@roles_required(Role.CANDIDATE)
def save(attempt_id: int, item_id: str):
    # The hot path of an exam morning: the body is checked before any query, then
    # ``autosave`` checks ownership and writes in two statements.
    now = current_time()
    data = json_body("selected", "seq")
    selected, seq = data.get("selected"), data.get("seq")
    if not isinstance(selected, list) or not all(isinstance(key, str) for key in selected):
        raise ApiError(
            422, "invalid_selection", "« selected » doit être une liste de clés (texte)."
        )
    if isinstance(seq, float) and seq.is_integer():
        seq = int(seq)  # JSON has one number type: 7.0 is the integer 7 (JSON Schema agrees)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ApiError(422, "invalid_seq", "« seq » doit être un entier positif ou nul.")
    try:
        result = services.autosave(current_user, attempt_id, item_id, selected, seq, now, _grace())
    except services.AttemptError as exc:
        db.session.commit()  # keeps a finalisation triggered by the late save
        raise _error(exc) from exc
    db.session.commit()
    return jsonify({"seq": result.seq, "saved_at": iso(result.saved_at), "applied": result.applied})


@api_bp.put("/attempts/<int:attempt_id>/flags/<item_id>")
@roles_required(Role.CANDIDATE)
def flag(attempt_id: int, item_id: str):
    now = current_time()
    attempt = _load_own(attempt_id)
    flagged = json_body("flagged").get("flagged")
    if not isinstance(flagged, bool):
        raise ApiError(422, "invalid_flag", "« flagged » doit valoir true ou false.")
    try:
        attempt_item = services.attempt_item_for(attempt, item_id)
        services.set_flag(attempt, attempt_item, flagged, now, _grace())
    except services.AttemptError as exc:
        db.session.commit()
        raise _error(exc) from exc
    db.session.commit()
    return jsonify({"item_id": item_id, "flagged": flagged})


@api_bp.post("/attempts/<int:attempt_id>/submit")
@roles_required(Role.CANDIDATE)
def submit(attempt_id: int):
    now = current_time()
    _takes_no_member()
    attempt = _load_own(attempt_id)
    services.submit_attempt(attempt, now, _grace())
    db.session.commit()
    return jsonify(
        {
            "attempt_id": attempt.id,
            "status": attempt.status.value,
            "score": attempt.score,
            "max_score": attempt.max_score,
            "percent": attempt.percent or 0.0,  # as the result says of 0 out of 0
            "passed": attempt.passed,
            "pass_mark": float(attempt.pass_mark),
        }
    )
