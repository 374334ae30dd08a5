"""Modified Angoff standard setting: panels, judges' ratings and the recommended cut.

A judge may save part of the ratings and come back later. As the method defines it (Cizek &
Bunch 2007, Standard Setting), a judge's cut rests on every item: so only judges who rated all
the items still scored count; the others are counted apart, never mixed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from questionnaire.attempts.models import Attempt
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.banks.models import Item, ItemVersion, Topic, VersionStatus
from questionnaire.exams.models import BASIS_POINTS, ExamSession
from questionnaire.extensions import db
from questionnaire.reports.angoff_judges import (
    NOT_A_JUDGE,
    is_judge,
    judge_labels,
    lock_judge,
    name_judges,
)
from questionnaire.reports.models import AngoffPanel, AngoffRating
from questionnaire.reports.services import (
    ReportError,
    neutralised_version_ids,
    split_by_neutralisation,
)
from questionnaire.reports.tables import Column, Kind, Section, Table

#: Why a judge with missing ratings is left out, said wherever the cut is shown.
COMPLETE_JUDGES_RULE = (
    "Seuls comptent les juges qui ont estimé tous les items encore notés : le seuil d'un juge "
    "porte sur tous les items, et un juge dont la saisie est incomplète (enregistrée pour "
    "être reprise plus tard) n'est pas compté tant qu'il ne l'a pas terminée."
)


@dataclass(frozen=True)
class AngoffResult:
    """Recommended cut (share of the maximum score) from the judges who rated every item."""

    n_items: int
    judge_cuts: tuple[tuple[str, float], ...]
    incomplete_judges: int
    cut: float | None
    standard_error: float | None
    sd: float | None
    lowest: float | None
    highest: float | None

    @property
    def n_judges(self) -> int:
        return len(self.judge_cuts)


def angoff_cut(ratings: Mapping[str, Mapping[int, float]], item_ids: Sequence[int]) -> AngoffResult:
    """Each judge's cut = sum of ratings / items; cut = mean; SE = SD of judges' cuts / √judges.

    Without any item (every item of the panel neutralised) there is no cut and no judge counts.
    """
    complete = {
        judge: values
        for judge, values in ratings.items()
        if item_ids and all(i in values for i in item_ids)
    }
    judges = sorted(complete)
    matrix = np.array([[complete[j][i] for i in item_ids] for j in judges], dtype=float)
    cuts = matrix.sum(axis=1) / len(item_ids) if len(judges) and len(item_ids) else np.array([])
    sd = float(np.std(cuts, ddof=1)) if len(cuts) >= 2 else None
    return AngoffResult(
        n_items=len(item_ids),
        judge_cuts=tuple(zip(judges, (float(c) for c in cuts), strict=True)),
        incomplete_judges=len(ratings) - len(complete) if item_ids else 0,
        cut=float(cuts.mean()) if len(cuts) else None,
        standard_error=sd / math.sqrt(len(cuts)) if sd is not None else None,
        sd=sd,
        lowest=float(cuts.min()) if len(cuts) else None,
        highest=float(cuts.max()) if len(cuts) else None,
    )


def panel_items(session: ExamSession) -> list[ItemVersion]:
    """The session's scored items, or before any sitting the published items it draws from.

    Items neutralised in the session no longer count: a cut on them would not be the cut of
    the scored questionnaire.
    """
    scored, neutralised = split_by_neutralisation(session)
    if scored or neutralised:
        return scored
    questionnaire = session.questionnaire
    query = (
        select(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .join(Topic, Topic.id == ItemVersion.topic_id)
        .where(
            Item.theme_id == questionnaire.theme_id, ItemVersion.status == VersionStatus.PUBLISHED
        )
        .order_by(Item.external_id)
    )
    if questionnaire.blueprint:
        query = query.where(Topic.slug.in_(list(questionnaire.blueprint)))
    return list(db.session.execute(query).scalars())


def create_panel(
    session: ExamSession, title: str, judges: Sequence[User], actor: User, now: datetime
) -> AngoffPanel:
    """A panel on the session's items (fixed at creation), with the jury members who judge it
    (more may be named later by its creator, the facilitator, or an administrator)."""
    versions = panel_items(session)
    if not versions:
        raise ReportError("Cette session n'a aucun item à évaluer.")
    panel = AngoffPanel(
        session=session,
        title=title.strip(),
        item_version_ids=[v.id for v in versions],
        created_by=actor,
        created_at=now,
    )
    name_judges(panel, judges, actor, now, audit=False)
    db.session.add(panel)
    db.session.flush()
    record(
        "angoff.panel_created",
        now,
        actor_id=actor.id,
        target=f"angoff_panel:{panel.id}",
        details={
            "panel": panel.title,
            "session_id": session.id,
            "items": len(versions),
            "judges": [j.judge_id for j in panel.judges],
        },
    )
    return panel


def versions_of(panel: AngoffPanel) -> list[ItemVersion]:
    versions = {
        v.id: v
        for v in db.session.execute(
            # each rating field is labelled with its item's bank id: loaded with the versions
            select(ItemVersion)
            .where(ItemVersion.id.in_(panel.item_version_ids))
            .options(joinedload(ItemVersion.item))
        ).scalars()
    }
    return [versions[i] for i in panel.item_version_ids]


def scored_item_ids(panel: AngoffPanel) -> list[int]:
    """The panel's items still scored in the session (an item neutralised since leaves the cut)."""
    neutralised = neutralised_version_ids(panel.session)
    return [i for i in panel.item_version_ids if i not in neutralised]


@dataclass(frozen=True)
class JudgeProgress:
    """How far a judge has got: items rated and items left among those still scored."""

    rated: int
    total: int
    remaining: tuple[ItemVersion, ...]
    #: items of the panel neutralised in the session since: shown, but outside the cut
    neutralised: frozenset[int]

    @property
    def complete(self) -> bool:
        return self.total > 0 and not self.remaining


def judge_progress(panel: AngoffPanel, judge: User, versions: list[ItemVersion]) -> JudgeProgress:
    """The judge's saved ratings against the panel's items still scored."""
    scored = set(scored_item_ids(panel))
    rated = {r.item_version_id for r in panel.ratings if r.judge_id == judge.id}
    return JudgeProgress(
        rated=len(scored & rated),
        total=len(scored),
        remaining=tuple(v for v in versions if v.id in scored and v.id not in rated),
        neutralised=frozenset(v.id for v in versions if v.id not in scored),
    )


def own_estimates_pending(panel: AngoffPanel, viewer: User) -> bool:
    """Whether ``viewer`` judges the panel and has not yet estimated every item still scored:
    until then they see none of the other judges' estimates, nor the cut (the first round of a
    modified Angoff is independent)."""
    if not is_judge(viewer, panel):
        return False
    rated = {r.item_version_id for r in panel.ratings if r.judge_id == viewer.id}
    return not set(scored_item_ids(panel)) <= rated


def judge_ratings(panel: AngoffPanel, judge: User) -> dict[int, Decimal]:
    """A judge's current ratings (item version id → probability)."""
    return {
        r.item_version_id: Decimal(r.value_bp) / BASIS_POINTS
        for r in panel.ratings
        if r.judge_id == judge.id
    }


def save_ratings(
    panel: AngoffPanel, judge: User, values: Mapping[int, Decimal | None], now: datetime
) -> None:
    """Record (or replace) a judge's ratings, each a probability between 0 and 1.

    A partial save is allowed: ``None`` means no rating for that item (yet), and removes the
    judge's earlier rating of it (the saved ratings are what the judge's form shows). Only the
    panel's named judges estimate.
    """
    lock_judge(panel, judge)
    if not is_judge(judge, panel):
        raise ReportError(NOT_A_JUDGE)
    existing = {r.item_version_id: r for r in panel.ratings if r.judge_id == judge.id}
    for version_id, value in values.items():
        if version_id not in panel.item_version_ids:
            raise ReportError("Cet item ne fait pas partie du panel.")
        if value is None:
            if version_id in existing:
                panel.ratings.remove(existing[version_id])
            continue
        if not 0 <= value <= 1:
            raise ReportError("Chaque estimation est une probabilité entre 0 et 1.")
        value_bp = int((value * BASIS_POINTS).to_integral_value())
        rating = existing.get(version_id)
        if rating is None:
            panel.ratings.append(
                AngoffRating(
                    judge=judge, item_version_id=version_id, value_bp=value_bp, rated_at=now
                )
            )
        else:
            rating.value_bp, rating.rated_at = value_bp, now


def panel_result(panel: AngoffPanel, labels: Mapping[int, str] | None = None) -> AngoffResult:
    """The panel's cut, one judge per account (two judges may share a display name).

    An item neutralised in the session after the panel was set up leaves the calculation too
    (its ratings are kept): the cut is always that of the items still scored. ``labels``
    name the judges in ``judge_cuts`` (by default their names, see ``judge_labels``).
    """
    ratings: dict[int, dict[int, float]] = {}
    for rating in panel.ratings:
        ratings.setdefault(rating.judge_id, {})[rating.item_version_id] = (
            rating.value_bp / BASIS_POINTS
        )
    labels = judge_labels(panel) if labels is None else labels
    return angoff_cut({labels[j]: values for j, values in ratings.items()}, scored_item_ids(panel))


def progress_table(panel: AngoffPanel, labels: Mapping[int, str]) -> Table:
    """Every judge of the panel, named and ordered by ``labels``: how many items rated (none
    yet for a judge who has not started), how many left, counted or not."""
    scored = set(scored_item_ids(panel))
    rated: dict[int, set[int]] = {}
    for rating in panel.ratings:
        rated.setdefault(rating.judge_id, set()).add(rating.item_version_id)
    rows = tuple(
        (
            label,
            len(rated.get(judge, set()) & scored),
            len(scored - rated.get(judge, set())),
            bool(scored) and scored <= rated.get(judge, set()),
        )
        for judge, label in labels.items()
    )
    return Table(
        f"avancement_{panel.id}",
        f"Avancement des juges — panel « {panel.title} »",
        (
            Column("judge", "Juge"),
            Column("rated", "Items estimés", Kind.INT),
            Column("remaining", "Items restant à estimer", Kind.INT),
            Column("counted", "Compté dans le seuil"),
        ),
        rows,
        sheet=f"Avancement — {panel.title}",
    )


def copy_points(session: ExamSession) -> int | None:
    """The points of a candidate's copy: one per scored question.

    The graded copies' maximum when they share one (a neutralised item leaves it, as grading
    does); the questionnaire's number of questions before any copy; None when copies differ
    (forms drawn at random, some holding a neutralised item): no single cut in points then.
    """
    maxima = set(
        db.session.execute(
            select(Attempt.max_score)
            .where(Attempt.session_id == session.id, Attempt.max_score.is_not(None))
            .distinct()
        ).scalars()
    )
    if not maxima:
        return session.questionnaire.item_count
    return maxima.pop() if len(maxima) == 1 else None


def result_table(panel: AngoffPanel, result: AngoffResult, pass_mark: float) -> Table:
    """The recommended cut next to the pass mark in force (one row).

    In points, the cut is on the candidate's copy (its scored items, one point each), not on
    the panel, which rates every item a random form may draw.
    """
    max_score = copy_points(panel.session)
    return Table(
        f"angoff_{panel.id}",
        f"Panel « {panel.title} »",
        (
            Column("judges", "Juges à saisie complète (comptés)", Kind.INT),
            Column("items", "Items", Kind.INT),
            Column("cut", "Seuil recommandé (Angoff)", Kind.PERCENT),
            Column("cut_score", "Seuil recommandé en points", Kind.DECIMAL, 2),
            Column("standard_error", "Erreur type du seuil", Kind.PERCENT),
            Column("sd", "Écart-type entre juges", Kind.PERCENT),
            Column("lowest", "Seuil du juge le plus bas", Kind.PERCENT),
            Column("highest", "Seuil du juge le plus haut", Kind.PERCENT),
            Column("incomplete", "Juges à saisie incomplète (non comptés)", Kind.INT),
            Column("pass_mark", "Seuil de réussite en vigueur", Kind.PERCENT),
        ),
        (
            (
                result.n_judges,
                result.n_items,
                result.cut,
                result.cut * max_score if result.cut is not None and max_score else None,
                result.standard_error,
                result.sd,
                result.lowest,
                result.highest,
                result.incomplete_judges,
                pass_mark,
            ),
        ),
        sheet=f"Angoff — {panel.title}",
    )


def judges_table(panel: AngoffPanel, result: AngoffResult, labels: Mapping[int, str]) -> Table:
    """Each counted judge's cut, listed in the order of ``labels`` (those of ``panel_result``)."""
    order = {label: n for n, label in enumerate(labels.values())}
    return Table(
        f"juges_{panel.id}",
        f"Seuil de chaque juge — panel « {panel.title} »",
        (Column("judge", "Juge"), Column("cut", "Seuil du juge", Kind.PERCENT)),
        tuple(sorted(result.judge_cuts, key=lambda row: order[row[0]])),
        sheet=f"Juges — {panel.title}",
    )


def counted_sentence(title: str, result: AngoffResult) -> str:
    """What the panel's cut rests on: judges counted, judges left out, items."""
    return (
        f"Panel « {title} » : seuil calculé sur {result.n_judges} juge(s) à saisie complète et "
        f"{result.n_items} item(s) ; {result.incomplete_judges} juge(s) à saisie incomplète "
        "non compté(s)."
    )


def session_panels(session: ExamSession) -> list[AngoffPanel]:
    return list(
        db.session.execute(
            select(AngoffPanel).where(AngoffPanel.session_id == session.id).order_by(AngoffPanel.id)
        ).scalars()
    )


def standard_setting_section(session: ExamSession, viewer: User | None = None) -> Section | None:
    """The report section of the session's Angoff panels (None without a panel); a panel whose
    estimates ``viewer`` has still to complete is named without its cut."""
    panels = session_panels(session)
    if not panels:
        return None
    pass_mark = float(session.questionnaire.pass_mark)
    tables = []
    paragraphs = [
        "Chaque juge estime, pour chaque item, la probabilité qu'un candidat « limite » "
        "y réponde correctement. Seuil d'un juge = somme de ses estimations / nombre "
        "d'items ; seuil recommandé = moyenne des seuils des juges ; erreur type = "
        "écart-type des seuils des juges / racine du nombre de juges.",
        COMPLETE_JUDGES_RULE,
    ]
    for panel in panels:
        if viewer is not None and own_estimates_pending(panel, viewer):
            paragraphs.append(
                f"Panel « {panel.title} » : vous en êtes juge et vos estimations ne sont pas "
                "complètes ; son seuil vous sera montré quand elles le seront (chaque juge estime "
                "d'abord seul)."
            )
            continue
        result = panel_result(panel)
        tables.append(result_table(panel, result, pass_mark))
        paragraphs.append(counted_sentence(panel.title, result))
        if not result.n_items:
            paragraphs.append(
                f"Panel « {panel.title} » : tous ses items ont été neutralisés dans la session ; "
                "aucun seuil n'est recommandé et aucun juge n'est compté."
            )
    return Section(
        "angoff",
        "Détermination du seuil (Angoff modifié)",
        tuple(paragraphs),
        tuple(tables),
    )
