"""Demo data: accounts for every role, an open certification and training session per theme.

Idempotent: a second run finds the demo's own rows by theme and title.
"""

from __future__ import annotations

import errno
import socket
from datetime import datetime, timedelta

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user, find_user_by_email
from questionnaire.banks.models import Theme
from questionnaire.banks.services import load_banks
from questionnaire.certification.loader import DATA_PATH, load_referentials
from questionnaire.certification.services import ensure_enrolment
from questionnaire.exams.models import (
    Enrolment,
    ExamSession,
    Questionnaire,
    ReleasePolicy,
    SessionPurpose,
)
from questionnaire.exams.services import (
    create_questionnaire,
    create_session,
    default_blueprint,
    enrol,
)
from questionnaire.extensions import db
from questionnaire.itemstats.simulation import simulate_history

DEMO_PASSWORD = "demo-questionnaire"
DEMO_ACCOUNTS = (
    ("candidat@example.org", "Camille Candidat", (Role.CANDIDATE,)),
    ("auteur@example.org", "Alix Auteur", (Role.AUTHOR,)),
    ("relecteur@example.org", "Robin Relecteur", (Role.REVIEWER,)),
    ("admin@example.org", "Ada Administratrice", (Role.ADMIN,)),
    ("jury@example.org", "Jules Jury", (Role.JURY,)),
    ("jury2@example.org", "Justine Jury", (Role.JURY,)),
)
# the certification the demo candidate is registered to (seed 000, questionnaires C9–C22)
DEMO_CERTIFICATION = "charge-clientele-particuliers"


def _ensure_user(email: str, name: str, roles, now: datetime):
    user = find_user_by_email(email)
    return user or create_user(email, DEMO_PASSWORD, name, roles, now)


#: The demo's sessions of each questionnaire: their title prefix, purpose and correction policy.
DEMO_SESSIONS = (
    ("Session de démonstration", SessionPurpose.CERTIFICATION, ReleasePolicy.AFTER_CLOSE),
    # training shows the correction at once: allowed there only
    ("Entraînement", SessionPurpose.TRAINING, ReleasePolicy.IMMEDIATE),
)


def _open_demo_session(
    questionnaire: Questionnaire,
    title: str,
    purpose: SessionPurpose,
    release: ReleasePolicy,
    now: datetime,
) -> ExamSession:
    """The demo's session of that title, created or reopened for 90 days."""
    session = (
        db.session.execute(
            select(ExamSession)
            .where(ExamSession.questionnaire_id == questionnaire.id, ExamSession.title == title)
            .order_by(ExamSession.id)
        )
        .scalars()
        .first()
        if questionnaire.id
        else None
    )
    if session is None:
        return create_session(
            questionnaire,
            title,
            now - timedelta(hours=1),
            now + timedelta(days=90),
            now,
            release,
            purpose,
        )
    # a demo database made before training sessions existed showed its certification
    # corrections at submission: the demo's own rows follow the current rule
    session.purpose, session.release_policy = purpose, release
    if not session.is_open(now):
        session.opens_at, session.closes_at = now - timedelta(hours=1), now + timedelta(days=90)
    return session


def _is_enrolled(session: ExamSession, user) -> bool:
    return (
        db.session.execute(
            select(Enrolment.id).where(
                Enrolment.session_id == session.id, Enrolment.user_id == user.id
            )
        ).first()
        is not None
    )


def prepare_demo(now: datetime) -> str:
    """Migrate, load the shipped banks, create accounts and open sessions; returns a summary."""
    upgrade()
    report = load_banks(current_app.config["QUESTION_BANKS_PATH"], now)
    users = {email: _ensure_user(email, name, roles, now) for email, name, roles in DEMO_ACCOUNTS}
    candidate = users["candidat@example.org"]
    db.session.flush()
    referentials = load_referentials(DATA_PATH, now)
    certification = ensure_enrolment(
        DEMO_CERTIFICATION, candidate, users["admin@example.org"], now
    ).certification
    lines = []
    for theme in db.session.execute(select(Theme).order_by(Theme.position)).scalars():
        title = f"Démonstration — {theme.title}"
        # the demo's own rows, found by theme and title: what administrators added beside them
        # (another session of the questionnaire, a questionnaire of the same title) is left alone
        questionnaire = (
            db.session.execute(
                select(Questionnaire)
                .where(Questionnaire.theme_id == theme.id, Questionnaire.title == title)
                .order_by(Questionnaire.id)
            )
            .scalars()
            .first()
        )
        if questionnaire is None:
            plan = default_blueprint(theme)
            questionnaire = create_questionnaire(
                theme,
                title,
                sum(plan.values()),
                theme.default_duration_minutes,
                now,
                blueprint=plan,
            )
        for prefix, purpose, release in DEMO_SESSIONS:
            session = _open_demo_session(
                questionnaire, f"{prefix} — {theme.title}", purpose, release, now
            )
            db.session.flush()
            # enrol() gives an existing enrolment the accommodation it is passed (none): the
            # extra time an administrator granted the demo candidate would be lost on each run
            if not _is_enrolled(session, candidate):
                enrol(session, candidate, now)
            lines.append(f"- {session.title} ({purpose.label}, session {session.id})")
    history = simulate_history(
        now, current_app.config.get("DEMO_HISTORY_ATTEMPTS", 0 if current_app.testing else 300)
    )
    db.session.commit()
    loaded = sum(report.created.values())
    return "\n".join(
        [
            f"Banques : {loaded} item(s) créé(s), {sum(report.unchanged.values())} inchangé(s).",
            "Sessions ouvertes :",
            *lines,
            history,
            f"Référentiels : {len(referentials.created)} créé(s), "
            f"{len(referentials.updated)} mis à jour, {len(referentials.unchanged)} inchangé(s) ; "
            f"candidat inscrit à « {certification.title} ».",
            "Comptes : " + ", ".join(email for email, _n, _r in DEMO_ACCOUNTS),
        ]
    )


def listen_problem(host: str, port: int) -> str | None:
    """Why the demo server could not listen on host:port, in French (None: it can).

    Checked before the data is prepared and the address announced: werkzeug would otherwise
    print its English message after « Ouvrez http://… »."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except (socket.gaierror, UnicodeError):
        return f"Adresse d'écoute inconnue : « {host} »."
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug's server
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"Le port {port} est déjà utilisé par un autre programme : arrêtez-le ou "
                    "choisissez un autre port avec --port."
                )
            if exc.errno == errno.EACCES:
                return (
                    f"Le port {port} est réservé à l'administrateur du système : choisissez-en "
                    "un au-dessus de 1023 avec --port."
                )
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"« {host} » n'est pas une adresse de cette machine : vérifiez --host."
            return f"Impossible d'écouter sur {host}:{port} ({exc.strerror})."
    return None
