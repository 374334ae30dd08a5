"""API: the sessions a candidate may take."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import current_user

from questionnaire.access import roles_required
from questionnaire.api import bp as api_bp
from questionnaire.api.helpers import iso
from questionnaire.auth.models import Role
from questionnaire.clock import current_time
from questionnaire.exams.services import enrolments_to_sit


@api_bp.get("/sessions")
@roles_required(Role.CANDIDATE)
def list_sessions():
    # imported here: the incidents package imports the attempts models, which import this one's
    from questionnaire.incidents.services import session_extra_minutes

    now = current_time()
    payload = []
    for enrolment in enrolments_to_sit(current_user, now, current_app.config["GRACE_SECONDS"]):
        session, questionnaire = enrolment.session, enrolment.session.questionnaire
        payload.append(
            {
                "id": session.id,
                "title": session.title,
                "theme": questionnaire.theme.slug,
                "purpose": session.purpose.value,
                "opens_at": iso(session.opens_at),
                "closes_at": iso(session.closes_at),
                "duration_minutes": questionnaire.duration_minutes,
                "extra_time_percent": enrolment.extra_time_percent,
                # granted to the whole session after an incident: added to every copy's time
                "incident_minutes": session_extra_minutes(session.id),
                "item_count": questionnaire.item_count,
                "pass_mark": float(questionnaire.pass_mark),
            }
        )
    return jsonify(payload)
