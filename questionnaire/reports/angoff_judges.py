"""Who judges an Angoff panel, and how its judges are named to whoever reads its summary.

The facilitator (who created the panel, or an administrator) names the judges; only they
estimate. As the modified Angoff has it, each judge estimates on their own first: a judge sees
none of the other judges' estimates (nor the cut they give) until their own are complete. In the
discussion round that follows, a judge sees the others' estimates without their names; the
facilitator and the readers who do not judge the panel see the names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from questionnaire.audit.services import record
from questionnaire.auth.models import Role, User
from questionnaire.banks.models import ItemVersion, Theme, VersionStatus
from questionnaire.exams.models import ExamSession, Questionnaire
from questionnaire.exams.services import pending_candidacy
from questionnaire.extensions import db
from questionnaire.reports.models import AngoffJudge, AngoffPanel, AngoffRating
from questionnaire.reports.services import ReportError

NOT_A_JUDGE = (
    "Vous n'êtes pas juge de ce panel : seuls les membres du jury que son animateur a nommés "
    "saisissent des estimations."
)
NO_JUDGE = "Nommez au moins un juge du panel."
NOT_JURY = "Un juge est un membre actif du jury."
NOT_FACILITATOR = "Seuls l'animateur du panel (qui l'a créé) et les administrateurs nomment ou retirent ses juges."


def judge_ids(panel: AngoffPanel) -> list[int]:
    """The panel's judges, in the order they were named; those who saved estimates without
    having been named (none since migration 0019) are added after them."""
    named = [j.judge_id for j in panel.judges]
    return named + sorted({r.judge_id for r in panel.ratings} - set(named))


def _judge_users(panel: AngoffPanel) -> dict[int, User]:
    users = {j.judge_id: j.judge for j in panel.judges}
    for rating in panel.ratings:
        users.setdefault(rating.judge_id, rating.judge)
    return users


def judge_labels(panel: AngoffPanel) -> dict[int, str]:
    """Each judge's name (followed by the account number when two judges share a name),
    in the order of the names."""
    names = {judge: user.display_name for judge, user in _judge_users(panel).items()}
    shared = {name for name, count in Counter(names.values()).items() if count > 1}
    labels = {
        judge: f"{name} (compte n° {judge})" if name in shared else name
        for judge, name in names.items()
    }
    return dict(sorted(labels.items(), key=lambda pair: (pair[1], pair[0])))


def is_judge(user: User, panel: AngoffPanel) -> bool:
    """Whether the user judges the panel (named on it), not only reads it."""
    return user.id in judge_ids(panel)


def is_facilitator(user: User, panel: AngoffPanel) -> bool:
    """Whether the user names and removes the panel's judges: its creator, or an administrator."""
    creator = panel.created_by.id if panel.created_by is not None else panel.created_by_id
    return user.id == creator or user.has_role(Role.ADMIN)


def can_see_judge_names(user: User, panel: AngoffPanel) -> bool:
    """Whether the user reads the other judges' estimates under their names.

    In the discussion round of a modified Angoff, a judge sees the others' estimates without
    their names, so that nobody aligns on a senior colleague; the facilitator (an
    administrator) and the report readers who do not judge the panel keep the names.
    """
    return not is_judge(user, panel)


def anonymous_judge_labels(panel: AngoffPanel, viewer: User) -> dict[int, str]:
    """« Juge 1 », « Juge 2 »… in the order the accounts were created (the same numbers for
    every judge of the panel, whatever their names), the viewer's own marked « (vous) »."""
    return {
        judge: f"Juge {number}" + (" (vous)" if judge == viewer.id else "")
        for number, judge in enumerate(sorted(judge_ids(panel)), start=1)
    }


def labels_for(panel: AngoffPanel, viewer: User) -> dict[int, str]:
    """How the panel's judges are named for this viewer, in the order they are listed."""
    if can_see_judge_names(viewer, panel):
        return judge_labels(panel)
    return anonymous_judge_labels(panel, viewer)


class JudgeRefused(ReportError):
    """An account named as a judge may not judge the panel."""


def pending_candidate_refusal(user: User, session: ExamSession) -> str:
    """Why a jury member enrolled in a session of the panel's theme may not judge its items."""
    return (
        f"{user.display_name} est inscrit comme candidat à la session « {session.title} » de ce "
        "thème : il ne peut pas juger ses items avant de l'avoir passée."
    )


def _checked_judges(users: Iterable[User], panel: AngoffPanel, now: datetime) -> list[User]:
    users = list(users)
    if not users:
        raise JudgeRefused(NO_JUDGE)
    if any(not (u.active and u.has_role(Role.JURY)) for u in users):
        raise JudgeRefused(NOT_JURY)
    theme = panel.session.questionnaire.theme
    for user in users:  # a judge reads every item text of the panel
        pending = pending_candidacy(user, theme, now)
        if pending is not None:
            raise JudgeRefused(pending_candidate_refusal(user, pending))
    return users


def panels_judged_on(user: User, theme: Theme) -> list[AngoffPanel]:
    """The Angoff panels of the theme the user judges (named, or with saved estimates) whose
    items the bank can still draw: one of their items still has a published version (a new
    version of an item keeps most of its text, so the item counts, not the version)."""
    return panels_judged_by([user.id], theme).get(user.id, [])


def panels_judged_by(user_ids: Iterable[int], theme: Theme) -> dict[int, list[AngoffPanel]]:
    """``panels_judged_on`` for many users at once (an enrolment file): by user id, only the
    users who judge such a panel. The theme's few panels are read with all their judges, so
    that thousands of ids are never bound to a query."""
    wanted = set(user_ids)
    of_theme = (
        select(AngoffPanel.id)
        .join(ExamSession, ExamSession.id == AngoffPanel.session_id)
        .join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id)
        .where(Questionnaire.theme_id == theme.id)
    )
    judged = (
        select(AngoffJudge.judge_id.label("judge_id"), AngoffJudge.panel_id.label("panel_id"))
        .where(AngoffJudge.panel_id.in_(of_theme))
        .union(
            select(AngoffRating.judge_id, AngoffRating.panel_id).where(
                AngoffRating.panel_id.in_(of_theme)
            )
        )
        .subquery()
    )
    rows = db.session.execute(
        select(judged.c.judge_id, AngoffPanel)
        .join(AngoffPanel, AngoffPanel.id == judged.c.panel_id)
        .order_by(AngoffPanel.id)
    ).all()
    drawable: dict[int, bool] = {}
    panels: dict[int, list[AngoffPanel]] = {}
    for judge_id, panel in rows:
        if judge_id not in wanted:
            continue
        if panel.id not in drawable:
            drawable[panel.id] = _still_drawable(panel)
        if drawable[panel.id]:
            panels.setdefault(judge_id, []).append(panel)
    return panels


def _still_drawable(panel: AngoffPanel) -> bool:
    items = select(ItemVersion.item_id).where(ItemVersion.id.in_(panel.item_version_ids))
    published = select(ItemVersion.id).where(
        ItemVersion.item_id.in_(items), ItemVersion.status == VersionStatus.PUBLISHED
    )
    return db.session.execute(published.limit(1)).first() is not None


def name_judges(
    panel: AngoffPanel, users: Iterable[User], actor: User, now: datetime, *, audit: bool = True
) -> list[User]:
    """Add jury members to the panel's judges (those already named are left as they are)."""
    if not is_facilitator(actor, panel):
        raise ReportError(NOT_FACILITATOR)
    named = set(judge_ids(panel))
    added = [u for u in _checked_judges(users, panel, now) if u.id not in named]
    for user in added:
        panel.judges.append(AngoffJudge(judge=user, added_by_id=actor.id, added_at=now))
    if audit and added:
        _audit("angoff.judges_named", panel, actor, now, judges=[u.id for u in added])
    return added


def lock_judge(panel: AngoffPanel, judge: User) -> None:
    """Serialise a judge's saves on a panel (two tabs) and their removal, then read again.

    Two tabs of the same judge saving at once each changed the ratings they had read: one
    clearing an estimate while the other changed it made the second's UPDATE find no row
    (an error page); a judge removed while saving kept estimates without being named. The
    judge's row on the panel is locked until the commit; the panel's judges and ratings are
    then read afresh, so the later save applies on what the earlier one stored.
    """
    if panel.id is None:
        return
    db.session.execute(
        select(AngoffJudge.id)
        .where(AngoffJudge.panel_id == panel.id, AngoffJudge.judge_id == judge.id)
        .with_for_update()
    )
    db.session.expire(panel, ["ratings", "judges"])


def remove_judge(panel: AngoffPanel, judge: User, actor: User, now: datetime) -> None:
    """Take a judge off the panel, unless they have saved estimates (the cut may rest on them)."""
    if not is_facilitator(actor, panel):
        raise ReportError(NOT_FACILITATOR)
    # the panel's row first (PostgreSQL): two facilitators removing two different judges at
    # once each saw the other judge still named, and could leave the panel with none
    db.session.execute(select(AngoffPanel.id).where(AngoffPanel.id == panel.id).with_for_update())
    lock_judge(panel, judge)
    link = next((j for j in panel.judges if j.judge_id == judge.id), None)
    if link is None:
        raise ReportError("Ce compte n'est pas juge du panel.")
    if any(r.judge_id == judge.id for r in panel.ratings):
        raise ReportError(
            f"{judge.display_name} a déjà enregistré des estimations : un juge qui a estimé "
            "reste au panel (son seuil compte dès que sa saisie est complète)."
        )
    if len(panel.judges) == 1:
        raise ReportError(
            f"{judge.display_name} est le seul juge du panel : nommez-en un autre avant de le "
            "retirer (un panel compte au moins un juge)."
        )
    panel.judges.remove(link)
    _audit("angoff.judge_removed", panel, actor, now, judge=judge.id)


def _audit(action: str, panel: AngoffPanel, actor: User, now: datetime, **details) -> None:
    record(
        action,
        now,
        actor_id=actor.id,
        target=f"angoff_panel:{panel.id}",
        details={"panel": panel.title, **details},
    )
