"""The validation rules of a referential, as pure functions over plain data.

No Flask, no database: the services turn rows into these dataclasses, the rules decide.

- A jury decision on a competency is final when ``required_evaluators`` different jury members
  have evaluated it and all agree; any disagreement is flagged and blocks the decision.
- A questionnaire theme is passed at the referential's rule, « 60 % de bonnes réponses au
  questionnaire » (seed 000), whatever pass mark the questionnaire itself carries; the date is the
  first such pass. A theme whose final sittings all fell short is not acquired (a retake may still
  validate it).
- A competency is validated when all its modalities are: its questionnaire themes passed and,
  if the jury evaluates it, a final positive decision.
- A block is validated only when all its competencies are (no partial validation of a block);
  the title only when all blocks are and its prerequisites (seed 002: AMF) are met; a partial
  certification is the set of validated blocks, which the CPNE's deliberation capitalises
  (a capitalised block stays validated at its date).
- Weights (seed 001: oral 80 %, written 20 %) give the block's weighted grid score: each weighted
  modality scores the mean of its competencies' grid scores, combined with the weights. The
  score is reported, from final decisions only; it never compensates a competency below the
  threshold.
- A referential the platform knows to be incomplete (seed 004 is an extract) never yields a title,
  nor a block it marks incomplete.
- Seed 000: « Les modalités d'évaluation peuvent être adaptées en fonction des situations des
  personnes handicapées ». An accommodation that replaces a questionnaire by another modality
  (``adapted``) takes the theme out of the candidate's competencies, which the jury then
  evaluates through the replacing modality.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from fractions import Fraction


class Status(enum.StrEnum):
    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"
    DISAGREEMENT = "disagreement"
    PENDING = "pending"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        return {
            "validated": "validé",
            "not_validated": "non validé",
            "disagreement": "désaccord des évaluateurs",
            "pending": "en attente",
            "incomplete": "référentiel incomplet",
        }[self.value]


#: Seed 000 (C9, C19–C22): « 60 % de bonnes réponses au questionnaire ».
QUESTIONNAIRE_PASS_MARK = Fraction(3, 5)


@dataclass(frozen=True)
class CompetencySpec:
    """What a competency needs: questionnaire themes, a jury decision, a weighted modality."""

    code: str
    themes: tuple[str, ...] = ()
    jury_evaluated: bool = True
    weighted_modality: str | None = None
    weight: int | None = None
    #: Themes an accommodation replaced, for this candidate, by a modality the jury evaluates.
    replaced_themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockSpec:
    code: str
    title: str
    competencies: tuple[CompetencySpec, ...]
    #: The referential's text of this block is known to be incomplete: never validated.
    incomplete: bool = False


@dataclass(frozen=True)
class ReferentialSpec:
    """A certification's blocks and its rules: grid threshold (None = binary), evaluators.

    ``incomplete`` is the reason the referential is known to be incomplete (no title then).
    """

    blocks: tuple[BlockSpec, ...]
    grid_threshold: int | None = None
    required_evaluators: int = 1
    prerequisites: tuple[str, ...] = ()
    incomplete: str | None = None


@dataclass(frozen=True)
class Sitting:
    """One final, graded questionnaire attempt: its theme, when the candidate's time ended, score."""

    theme: str
    ended_at: datetime
    score: int
    max_score: int

    @property
    def qualifies(self) -> bool:
        """score / max_score ≥ 60 %, exactly (3/5 passes, 59/100 does not)."""
        return self.max_score > 0 and Fraction(self.score, self.max_score) >= (
            QUESTIONNAIRE_PASS_MARK
        )


def outcome_sittings(
    sittings: Iterable[Sitting],
) -> tuple[dict[str, Sitting], dict[str, Sitting]]:
    """Per theme: the first qualifying sitting (the evidence); for a theme never passed, its
    last failed sitting.

    The date a competency was acquired by questionnaire is the first pass: a retake must not move
    it (nor the block's). A later failure does not erase a pass. A copy whose every question was
    neutralised (0 / 0) measured nothing: it is neither a pass nor a failure.
    """
    passes: dict[str, Sitting] = {}
    failures: dict[str, Sitting] = {}
    for sitting in sittings:
        if sitting.max_score <= 0:
            continue
        if sitting.qualifies:
            if sitting.theme not in passes or sitting.ended_at < passes[sitting.theme].ended_at:
                passes[sitting.theme] = sitting
        elif sitting.theme not in failures or sitting.ended_at > failures[sitting.theme].ended_at:
            failures[sitting.theme] = sitting
    return passes, {t: sitting for t, sitting in failures.items() if t not in passes}


def questionnaire_outcomes(
    sittings: Iterable[Sitting],
) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Per theme: the date of the first qualifying pass; for a theme never passed, the date of
    its last failed sitting (see `outcome_sittings`)."""
    passes, failures = outcome_sittings(sittings)
    return (
        {theme: sitting.ended_at for theme, sitting in passes.items()},
        {theme: sitting.ended_at for theme, sitting in failures.items()},
    )


@dataclass(frozen=True)
class Evaluation:
    """One jury member's latest evaluation of one competency."""

    competency: str
    evaluator: int
    recorded_at: datetime
    acquired: bool | None = None
    score: int | None = None


@dataclass(frozen=True)
class Decision:
    """What the jury's evaluations of one competency amount to."""

    status: Status
    decided_at: datetime | None = None
    score: Fraction | None = None
    evaluators: int = 0


@dataclass(frozen=True)
class CompetencyResult:
    code: str
    status: Status
    validated_at: datetime | None
    decision: Decision | None
    passed_themes: tuple[str, ...]
    missing_themes: tuple[str, ...]
    #: Missing themes whose sittings all failed, with the date of the last one.
    failed_themes: tuple[tuple[str, datetime], ...] = ()
    #: Themes replaced for this candidate by another modality (an accommodation).
    replaced_themes: tuple[str, ...] = ()

    def failed_at(self, theme: str) -> datetime | None:
        """When the candidate last failed ``theme`` (never passed), or None."""
        return dict(self.failed_themes).get(theme)


@dataclass(frozen=True)
class BlockResult:
    code: str
    title: str
    status: Status
    validated_at: datetime | None
    competencies: tuple[CompetencyResult, ...]
    weighted_score: Fraction | None = None
    capitalised: bool = False


@dataclass(frozen=True)
class TitleResult:
    status: Status
    validated_at: datetime | None
    blocks: tuple[BlockResult, ...] = field(default_factory=tuple)
    missing_prerequisites: tuple[str, ...] = ()
    #: Why the referential is known to be incomplete (the title cannot be awarded), or None.
    incomplete: str | None = None

    @property
    def validated_blocks(self) -> tuple[BlockResult, ...]:
        """The partial certification: blocks acquired, with their dates (capitalisation)."""
        return tuple(block for block in self.blocks if block.status is Status.VALIDATED)

    @property
    def capitalised_blocks(self) -> tuple[BlockResult, ...]:
        """The blocks the deliberation capitalised: the only ones an attestation may certify."""
        return tuple(block for block in self.validated_blocks if block.capitalised)

    @property
    def provisional_blocks(self) -> tuple[BlockResult, ...]:
        """Blocks computed as validated that no deliberation has capitalised yet."""
        return tuple(block for block in self.validated_blocks if not block.capitalised)

    @property
    def is_awarded(self) -> bool:
        """The title is decided: all blocks validated and capitalised by the deliberation."""
        return self.status is Status.VALIDATED and all(b.capitalised for b in self.blocks)

    @property
    def disagreements(self) -> tuple[str, ...]:
        return tuple(
            competency.code
            for block in self.blocks
            for competency in block.competencies
            if competency.status is Status.DISAGREEMENT
        )


def is_acquired(evaluation: Evaluation, grid_threshold: int | None) -> bool:
    """The outcome of one evaluation: acquired, or a grid score at or above the threshold."""
    if grid_threshold is None:
        return bool(evaluation.acquired)
    return evaluation.score is not None and evaluation.score >= grid_threshold


def decide(
    evaluations: Iterable[Evaluation], grid_threshold: int | None, required_evaluators: int
) -> Decision:
    """Combine the jury members' evaluations of one competency into a decision."""
    latest: dict[int, Evaluation] = {}
    for evaluation in sorted(evaluations, key=lambda e: e.recorded_at):
        latest[evaluation.evaluator] = evaluation
    if not latest:
        return Decision(Status.PENDING)
    outcomes = {is_acquired(e, grid_threshold) for e in latest.values()}
    scores = [e.score for e in latest.values() if e.score is not None]
    score = Fraction(sum(scores), len(scores)) if scores and grid_threshold is not None else None
    if len(outcomes) > 1:
        return Decision(Status.DISAGREEMENT, score=score, evaluators=len(latest))
    if len(latest) < required_evaluators:
        return Decision(Status.PENDING, score=score, evaluators=len(latest))
    decided_at = max(e.recorded_at for e in latest.values())
    status = Status.VALIDATED if outcomes == {True} else Status.NOT_VALIDATED
    return Decision(status, decided_at, score, len(latest))


def competency_status(
    spec: CompetencySpec,
    evaluations: Iterable[Evaluation],
    passes: Mapping[str, datetime],
    grid_threshold: int | None,
    required_evaluators: int,
    failures: Mapping[str, datetime] | None = None,
) -> CompetencyResult:
    """A competency is validated when every modality is: themes passed, jury decision positive.

    A theme failed (and never passed) makes it « non validé » until a retake passes; a theme
    never sat leaves it « en attente ». A jury's negative decision or disagreement comes first.
    """
    failures = failures or {}
    passed = tuple(theme for theme in spec.themes if theme in passes)
    missing = tuple(theme for theme in spec.themes if theme not in passes)
    failed = tuple((theme, failures[theme]) for theme in missing if theme in failures)
    decision = (
        decide(evaluations, grid_threshold, required_evaluators) if spec.jury_evaluated else None
    )
    dates = [passes[theme] for theme in passed]
    if decision is not None and decision.status in (Status.NOT_VALIDATED, Status.DISAGREEMENT):
        status = decision.status
    elif failed:
        status = Status.NOT_VALIDATED
    elif missing or (decision is not None and decision.status is not Status.VALIDATED):
        status = Status.PENDING
    else:
        status = Status.VALIDATED
    if status is Status.VALIDATED and decision is not None and decision.decided_at:
        dates.append(decision.decided_at)
    validated_at = max(dates) if status is Status.VALIDATED and dates else None
    return CompetencyResult(
        spec.code, status, validated_at, decision, passed, missing, failed, spec.replaced_themes
    )


def weighted_score(
    specs: Iterable[CompetencySpec], scores: Mapping[str, Fraction | None]
) -> Fraction | None:
    """Σ weight × (mean grid score of the modality's competencies) / Σ weight, or None.

    None when no competency is weighted or when a weighted competency has no score yet.
    """
    by_modality: dict[str, list[Fraction]] = {}
    weights: dict[str, int] = {}
    for spec in specs:
        if spec.weighted_modality is None or spec.weight is None:
            continue
        score = scores.get(spec.code)
        if score is None:
            return None
        by_modality.setdefault(spec.weighted_modality, []).append(Fraction(score))
        weights[spec.weighted_modality] = spec.weight
    if not weights:
        return None
    total = sum(weights[m] * sum(values) / len(values) for m, values in by_modality.items())
    return Fraction(total) / sum(weights.values())


def _aggregate(statuses: list[Status]) -> Status:
    if all(s is Status.VALIDATED for s in statuses):
        return Status.VALIDATED
    for status in (Status.NOT_VALIDATED, Status.DISAGREEMENT):
        if status in statuses:
            return status
    return Status.PENDING


def block_status(
    spec: BlockSpec,
    evaluations: Iterable[Evaluation],
    passes: Mapping[str, datetime],
    grid_threshold: int | None,
    required_evaluators: int,
    failures: Mapping[str, datetime] | None = None,
) -> BlockResult:
    """A block is validated only when all its competencies are; its date is the last of theirs.

    The weighted score uses final decisions only: a pending or disputed score is no note yet.
    """
    evaluations = list(evaluations)
    results = tuple(
        competency_status(
            competency,
            [e for e in evaluations if e.competency == competency.code],
            passes,
            grid_threshold,
            required_evaluators,
            failures,
        )
        for competency in spec.competencies
    )
    status = _aggregate([r.status for r in results]) if results else Status.PENDING
    validated_at = (
        max((r.validated_at for r in results if r.validated_at), default=None)
        if status is Status.VALIDATED
        else None
    )
    final = (Status.VALIDATED, Status.NOT_VALIDATED)
    scores = {
        r.code: r.decision.score if r.decision and r.decision.status in final else None
        for r in results
    }
    return BlockResult(
        spec.code,
        spec.title,
        status,
        validated_at,
        results,
        weighted_score(spec.competencies, scores),
    )


def title_status(
    referential: ReferentialSpec,
    evaluations: Iterable[Evaluation],
    passes: Mapping[str, datetime],
    prerequisites_met: Mapping[str, datetime] | None = None,
    capitalised: Mapping[str, datetime] | None = None,
    failures: Mapping[str, datetime] | None = None,
) -> TitleResult:
    """The title is awarded when every block is validated and every prerequisite met.

    Otherwise the validated blocks stay (partial certification), whatever the prerequisites. A
    block the deliberation capitalised stays validated at its recorded date. An incomplete
    referential awards no title, and its blocks marked incomplete are never validated.
    """
    evaluations = list(evaluations)
    met = prerequisites_met or {}
    kept = capitalised or {}
    blocks = []
    for block in referential.blocks:
        result = block_status(
            block,
            evaluations,
            passes,
            referential.grid_threshold,
            referential.required_evaluators,
            failures,
        )
        if block.code in kept:
            result = replace(
                result, status=Status.VALIDATED, validated_at=kept[block.code], capitalised=True
            )
        elif block.incomplete:
            result = replace(result, status=Status.INCOMPLETE, validated_at=None)
        blocks.append(result)
    blocks = tuple(blocks)
    missing = tuple(p for p in referential.prerequisites if p not in met)
    if referential.incomplete:
        return TitleResult(Status.INCOMPLETE, None, blocks, missing, referential.incomplete)
    if not blocks:
        return TitleResult(Status.PENDING, None, blocks, missing)
    if all(block.status is Status.VALIDATED for block in blocks):
        if missing:
            return TitleResult(Status.PENDING, None, blocks, missing)
        dates = [b.validated_at for b in blocks if b.validated_at]
        dates += [met[p] for p in referential.prerequisites]
        return TitleResult(Status.VALIDATED, max(dates), blocks, missing)
    return TitleResult(_aggregate([b.status for b in blocks]), None, blocks, missing)


def adapted(referential: ReferentialSpec, replaced: Iterable[str]) -> ReferentialSpec:
    """The referential as it applies to a candidate whose questionnaire themes ``replaced`` were
    replaced by other modalities (seed 000's adaptation for disabled candidates).

    Each competency evaluated by such a theme no longer waits for it: the jury evaluates the
    competency instead, through the replacing modality, as for any other modality.
    """
    replaced = frozenset(replaced)
    if not replaced:
        return referential

    def adapt(competency: CompetencySpec) -> CompetencySpec:
        taken = tuple(theme for theme in competency.themes if theme in replaced)
        if not taken:
            return competency
        return replace(
            competency,
            themes=tuple(theme for theme in competency.themes if theme not in replaced),
            jury_evaluated=True,
            replaced_themes=taken,
        )

    return replace(
        referential,
        blocks=tuple(
            replace(block, competencies=tuple(adapt(c) for c in block.competencies))
            for block in referential.blocks
        ),
    )


def _undisputed(status: Status) -> Status:
    return Status.PENDING if status is Status.DISAGREEMENT else status


def _as_seen(decision: Decision) -> Decision:
    """A decision as the candidate reads it: a disputed one pending, and a score only when the
    decision is final (a mean of disputed or incomplete scores is no one's note)."""
    final = decision.status in (Status.VALIDATED, Status.NOT_VALIDATED)
    return replace(
        decision, status=_undisputed(decision.status), score=decision.score if final else None
    )


def as_seen_by_candidate(result: TitleResult) -> TitleResult:
    """The transcript a candidate reads: a jury disagreement is a decision still pending, and
    a decision not final yet shows no score.

    The disagreement is the jury's business until the deliberation settles it; the jury and the
    CPNE keep seeing it (``TitleResult.disagreements``).
    """
    blocks = tuple(
        replace(
            block,
            status=_undisputed(block.status),
            competencies=tuple(
                replace(
                    competency,
                    status=_undisputed(competency.status),
                    decision=competency.decision and _as_seen(competency.decision),
                )
                for competency in block.competencies
            ),
        )
        for block in result.blocks
    )
    return replace(result, status=_undisputed(result.status), blocks=blocks)
