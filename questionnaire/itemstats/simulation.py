"""A simulated history for the demo: closed past sessions per theme, answered by 2PL candidates.

The candidates are pseudonymous, inactive accounts (``simu-NNN@example.invalid``) that cannot
log in; their attempts are graded by the normal grading code, then the statistics refreshed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import insert, select, update

from questionnaire.attempts.grading import grade_attempt
from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
from questionnaire.attempts.services import deadline_for
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import hash_password
from questionnaire.banks.models import Difficulty, Item, ItemVersion, Theme, VersionStatus
from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire, ReleasePolicy
from questionnaire.exams.services import (
    ExamConfigError,
    create_questionnaire,
    create_session,
    default_blueprint,
)
from questionnaire.extensions import db
from questionnaire.itemstats.services import refresh_statistics

HISTORY_TITLE = "Historique simulé — {theme}"
SIMULATED_EMAIL = "simu-{number:03d}@example.invalid"
DURATION_MINUTES = 30
#: The history's sessions per theme, closed this many days ago (oldest first): a trend to show.
CLOSED_DAYS_AGO = (90, 60, 30)
#: Prior difficulty (b) by the author's own estimate; the simulation adds noise around it.
DIFFICULTY_B = {Difficulty.FACILE: -1.4, Difficulty.MOYEN: -0.5, Difficulty.DIFFICILE: 0.4}
#: Share of items simulated as ambiguous: the stronger candidates pick a distractor.
AMBIGUOUS_SHARE = 0.03
OMIT_RATE = 0.02
ATTEMPT_COLUMNS = (
    "status",
    "started_at",
    "deadline",
    "submitted_at",
    "score",
    "max_score",
    "pass_mark_bp",
    "passed",
    "graded_at",
)
ITEM_COLUMNS = ("position", "item_version_id", "option_order", "flagged", "score")
#: Job profile recorded as the enrolment's analysis group (DIF in the CPNE reports), by rank.
PROFILES = ("Particuliers", "Particuliers", "Particuliers", "Professionnels", "Accueil")


def _simulated_users(count: int, now: datetime) -> list[User]:
    """The first ``count`` simulated candidates, created once, inactive, unusable password."""
    emails = [SIMULATED_EMAIL.format(number=n) for n in range(1, count + 1)]
    existing = {
        user.email: user
        for user in db.session.execute(select(User).where(User.email.in_(emails))).scalars()
    }
    unusable = hash_password(secrets.token_urlsafe(24))  # nobody knows it; accounts are inactive
    users = []
    for number, email in enumerate(emails, start=1):
        user = existing.get(email)
        if user is None:
            user = User(
                email=email,
                display_name=f"Candidat simulé {number:03d}",
                password_hash=unusable,
                active=False,
                created_at=now,
            )
            user.set_roles([Role.CANDIDATE])
            db.session.add(user)
        users.append(user)
    return users


def _draw_forms(
    rng: np.random.Generator, versions: list[ItemVersion], blueprint: dict[str, int], n: int
) -> np.ndarray:
    """Per attempt, the indices of its items drawn per the blueprint, in random order."""
    columns = []
    for slug, count in blueprint.items():
        pool = np.array([i for i, v in enumerate(versions) if v.topic.slug == slug])
        ranks = np.argsort(rng.random((n, len(pool))), axis=1)[:, :count]
        columns.append(pool[ranks])
    forms = np.concatenate(columns, axis=1)
    order = np.argsort(rng.random(forms.shape), axis=1)
    return np.take_along_axis(forms, order, axis=1)


@dataclass(frozen=True)
class _ItemParameters:
    """True 2PL parameters and distractor appeal of a theme's items, shared by its sessions."""

    a: np.ndarray
    b: np.ndarray
    weights: list[np.ndarray]


def _item_parameters(rng: np.random.Generator, versions: list[ItemVersion]) -> _ItemParameters:
    n_items = len(versions)
    b = np.array([DIFFICULTY_B[v.difficulty] for v in versions]) + rng.normal(0, 0.6, n_items)
    a = np.clip(rng.lognormal(0.2, 0.3, n_items), 0.4, 2.5)
    ambiguous = rng.random(n_items) < AMBIGUOUS_SHARE
    a[ambiguous] = -0.8
    counts = [len(v.option_keys - v.correct_keys) for v in versions]
    weights = [rng.dirichlet(np.full(count, 4.0)).cumsum() for count in counts]
    return _ItemParameters(a, b, weights)


def _responses(
    rng: np.random.Generator,
    versions: list[ItemVersion],
    forms: np.ndarray,
    parameters: _ItemParameters,
) -> list[list[list[str]]]:
    """Selected keys per attempt and item: correct with the 2PL probability, else a distractor."""
    a, b, weights = parameters.a, parameters.b, parameters.weights
    theta = rng.normal(0.0, 1.0, forms.shape[0])
    p_correct = 1.0 / (1.0 + np.exp(-a[forms] * (theta[:, None] - b[forms])))
    correct = rng.random(forms.shape) < p_correct
    omitted = ~correct & (rng.random(forms.shape) < OMIT_RATE)
    draws = rng.random(forms.shape)
    distractors = [sorted(v.option_keys - v.correct_keys) for v in versions]
    selections = []
    for row in range(forms.shape[0]):
        chosen = []
        for col, index in enumerate(forms[row]):
            version = versions[index]
            if omitted[row, col]:
                chosen.append([])
            elif correct[row, col]:
                chosen.append(sorted(version.correct_keys))
            else:
                pick = int(np.searchsorted(weights[index], draws[row, col]))
                wrong = {distractors[index][min(pick, len(distractors[index]) - 1)]}
                if version.is_multiple:
                    wrong.add(min(version.correct_keys))
                chosen.append(sorted(wrong))
        selections.append(chosen)
    return selections


def _simulate_theme(
    theme: Theme, users: list[User], now: datetime, rng: np.random.Generator
) -> int:
    """Create the theme's closed past sessions, the users shared among them; returns #attempts."""
    blueprint = default_blueprint(theme)
    item_count = sum(blueprint.values())
    title = HISTORY_TITLE.format(theme=theme.title)
    try:
        questionnaire = create_questionnaire(
            theme, title, item_count, DURATION_MINUTES, now, blueprint=blueprint
        )
    except ExamConfigError:
        return 0  # the bank cannot fill its own plan: no history for this theme
    versions = list(
        db.session.execute(
            select(ItemVersion)
            .join(Item, Item.id == ItemVersion.item_id)
            .where(Item.theme_id == theme.id, ItemVersion.status == VersionStatus.PUBLISHED)
            .order_by(Item.external_id)
        ).scalars()
    )
    parameters = _item_parameters(rng, versions)
    groups = np.array_split(np.arange(len(users)), len(CLOSED_DAYS_AGO))
    created = 0
    for number, (days_ago, group) in enumerate(zip(CLOSED_DAYS_AGO, groups, strict=True), 1):
        closes_at = now - timedelta(days=days_ago)
        session = create_session(
            questionnaire,
            f"{title} ({number}/{len(CLOSED_DAYS_AGO)})",
            closes_at - timedelta(days=1),
            closes_at,
            closes_at - timedelta(days=1),
            ReleasePolicy.AFTER_CLOSE,
        )
        created += _simulate_session(
            session, questionnaire, versions, parameters, [users[i] for i in group], rng
        )
    return created


def _simulate_session(
    session: ExamSession,
    questionnaire: Questionnaire,
    versions: list[ItemVersion],
    parameters: _ItemParameters,
    users: list[User],
    rng: np.random.Generator,
) -> int:
    """One graded attempt per user in a closed session, bulk-inserted; returns #attempts."""
    if not users:
        return 0
    opens_at = session.opens_at
    forms = _draw_forms(rng, versions, questionnaire.blueprint, len(users))
    selections = _responses(rng, versions, forms, parameters)
    starts = rng.uniform(0, 20 * 3600, len(users))
    durations = rng.uniform(8 * 60, DURATION_MINUTES * 60, len(users))
    db.session.flush()  # user and session ids
    enrolment_ids = _insert(
        Enrolment,
        [
            {
                "session_id": session.id,
                "user_id": u.id,
                "created_at": opens_at,
                "analysis_group": PROFILES[rank % len(PROFILES)],
            }
            for rank, u in enumerate(users)
        ],
    )
    graded = []
    for form, chosen, start, duration in zip(forms, selections, starts, durations, strict=True):
        started_at = opens_at + timedelta(seconds=float(start))
        attempt = _graded_attempt(
            session, questionnaire, [versions[i] for i in form], chosen, started_at, duration
        )
        graded.append(attempt)
    attempt_ids = _insert(
        Attempt,
        [
            {
                "enrolment_id": enrolment_id,
                "session_id": session.id,
                "user_id": user.id,
                **{name: getattr(attempt, name) for name in ATTEMPT_COLUMNS},
            }
            for attempt, enrolment_id, user in zip(graded, enrolment_ids, users, strict=True)
        ],
    )
    items = [
        (attempt_id, item)
        for attempt, attempt_id in zip(graded, attempt_ids, strict=True)
        for item in attempt.items
    ]
    item_ids = _insert(
        AttemptItem,
        [
            {"attempt_id": attempt_id, **{name: getattr(item, name) for name in ITEM_COLUMNS}}
            for attempt_id, item in items
        ],
    )
    responses = [
        {
            "attempt_id": attempt_id,
            "attempt_item_id": item_id,
            "selected": item.response.selected,
            "seq": 1,
            "saved_at": item.response.saved_at,
        }
        for (attempt_id, item), item_id in zip(items, item_ids, strict=True)
        if item.response is not None
    ]
    if responses:
        db.session.execute(insert(Response), responses)
    db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.id.in_([v.id for v in versions]), ItemVersion.first_used_at.is_(None))
        .values(first_used_at=opens_at)
        .execution_options(synchronize_session=False)
    )
    return len(graded)


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk insert; the new ids in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _graded_attempt(
    session: ExamSession,
    questionnaire: Questionnaire,
    versions: list[ItemVersion],
    chosen: list[list[str]],
    started_at: datetime,
    duration: float,
) -> Attempt:
    """An attempt graded by ``grade_attempt``, kept out of the ORM session (bulk-inserted)."""
    submitted_at = started_at + timedelta(seconds=float(duration))
    attempt = Attempt(
        session_id=session.id,
        status=AttemptStatus.SUBMITTED,
        started_at=started_at,
        deadline=deadline_for(started_at, DURATION_MINUTES, 0),
        submitted_at=submitted_at,
        pass_mark_bp=questionnaire.pass_mark_bp,
        items=[
            AttemptItem(
                position=position,
                version=version,
                item_version_id=version.id,
                option_order=[option.key for option in version.options],
                flagged=False,
                response=Response(selected=keys, seq=1, saved_at=submitted_at) if keys else None,
            )
            for position, (version, keys) in enumerate(zip(versions, chosen, strict=True), 1)
        ],
    )
    return grade_attempt(attempt, submitted_at)


def simulate_history(now: datetime, attempts_per_theme: int = 300, seed: int = 2026) -> str:
    """Once per theme, sessions closed 90, 60 and 30 days ago sharing the simulated attempts."""
    themes = db.session.execute(select(Theme).order_by(Theme.position)).scalars().all()
    done = set(
        db.session.execute(
            select(Questionnaire.theme_id).where(Questionnaire.title.like("Historique simulé — %"))
        ).scalars()
    )
    missing = [theme for theme in themes if theme.id not in done]
    if attempts_per_theme <= 0:
        return "Historique simulé : désactivé."
    if not missing:
        return "Historique simulé : déjà présent."
    users = _simulated_users(attempts_per_theme, now)
    rng = np.random.default_rng(seed)
    created = sum(_simulate_theme(theme, users, now, rng) for theme in missing)
    db.session.flush()
    report = refresh_statistics(now)
    return (
        f"Historique simulé : {created} copie(s) dans {report.sessions} session(s) close(s), "
        f"statistiques de {report.versions} version(s) d'item."
    )
