"""Referential files → certifications, blocks, competencies: all or nothing, idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, cast, func, select

from questionnaire.certification.models import (
    Block,
    BlockValidation,
    Certification,
    Competency,
    Criterion,
    JuryEvaluation,
    JurySeat,
    Modality,
    ObservationRule,
    ObservedInterview,
    Prerequisite,
    PrerequisiteRecord,
)
from questionnaire.certification.parsing import (
    DATA_PATH,
    ParsedBlock,
    ParsedCertification,
    ParsedCompetency,
    ParsedJury,
    ParsedModality,
    ParsedPrerequisite,
    ParsedSeat,
    Problem,
    ReferentialLoadError,
    parse_referential,
    referential_files,
    validate_referentials,
)
from questionnaire.extensions import db

__all__ = [
    "DATA_PATH",
    "LoadReport",
    "ReferentialLoadError",
    "load_referentials",
    "parse_referential",
    "referential_files",
    "validate_referentials",
]


#: The advisory lock key of the referentials' load (PostgreSQL): a number no other lock of the
#: application uses (theirs are a constant shifted by 32 bits, plus an id).
REFERENTIALS_LOCK = 0x2EF_0000 << 32


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def load_referentials(path: str | Path, now: datetime) -> LoadReport:
    """Load the referential files at ``path``; nothing is written if any file is wrong.

    Idempotent: a certification is matched by its slug, its blocks and competencies by code; an
    unchanged file changes nothing. The caller commits.
    """
    parsed, problems = validate_referentials(path)
    if problems:
        raise ReferentialLoadError(problems)
    _lock_referentials()
    existing = {c.slug: c for c in db.session.execute(select(Certification)).scalars()}
    for spec in parsed:
        if spec.slug in existing:
            problems += _evaluated_removals(existing[spec.slug], spec)
    if problems:
        raise ReferentialLoadError(problems)
    report = LoadReport()
    positions = _positions(parsed, existing)
    for spec in parsed:
        position = positions[spec.slug]
        certification = existing.get(spec.slug)
        if certification is None:
            certification = Certification(slug=spec.slug, created_at=now)
            db.session.add(certification)
            report.created.append(spec.slug)
        elif certification.position == position and _fingerprint(certification) == spec:
            report.unchanged.append(spec.slug)
            continue
        else:
            report.updated.append(spec.slug)
        _sync(certification, spec, position)
        certification.updated_at = now
    db.session.flush()
    return report


def _lock_referentials() -> None:
    """Hold the referentials until the commit (PostgreSQL advisory lock, taken before reading).

    Two loads at once (a deployment script and an operator) both found the certifications
    missing and both inserted them: the second ended in an integrity error, « Erreur interne ».
    The second now waits for the first's commit, then compares with its work. SQLite lets one
    writer at a time.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(select(func.pg_advisory_xact_lock(cast(REFERENTIALS_LOCK, BigInteger))))


def _positions(parsed: list[ParsedCertification], existing: dict) -> dict[str, int]:
    """Slug → place in the list of certifications: the files' order when they hold every
    certification; otherwise (one file loaded alone) the others keep their place, so an
    unchanged file stays unchanged, and a new certification comes last."""
    if set(existing) <= {spec.slug for spec in parsed}:
        return {spec.slug: position for position, spec in enumerate(parsed)}
    after = max((c.position for c in existing.values()), default=-1) + 1
    new = [spec.slug for spec in parsed if spec.slug not in existing]
    return {
        **{spec.slug: existing[spec.slug].position for spec in parsed if spec.slug in existing},
        **{slug: after + i for i, slug in enumerate(new)},
    }


def _fingerprint(certification: Certification) -> ParsedCertification:
    """The stored certification as the parser would have read it, to detect changes."""
    return ParsedCertification(
        slug=certification.slug,
        title=certification.title,
        level=certification.level,
        rncp_code=certification.rncp_code,
        certifier=certification.certifier,
        source=certification.source,
        grading=certification.grading,
        grid_threshold=certification.grid_threshold,
        two_evaluators=certification.two_evaluators,
        notes=certification.notes,
        incomplete_reason=certification.incomplete_reason,
        blocks=tuple(
            ParsedBlock(
                block.code,
                block.title,
                tuple(
                    ParsedCompetency(
                        c.code,
                        c.title,
                        tuple(
                            ParsedModality(
                                m.kind, m.label, m.weight_percent, m.theme_slug, m.observation_rule
                            )
                            for m in c.modalities
                        ),
                        tuple(criterion.text for criterion in c.criteria),
                    )
                    for c in block.competencies
                ),
                block.comments_required,
                block.incomplete,
            )
            for block in certification.blocks
        ),
        prerequisites=tuple(
            ParsedPrerequisite(p.code, p.label) for p in certification.prerequisites
        ),
        jury=ParsedJury(
            tuple(ParsedSeat(s.code, s.label, s.source_line) for s in certification.jury_seats),
            certification.jury_basis,
            certification.jury_source_line,
        )
        if certification.jury_seats
        else None,
    )


def _evaluated_removals(certification: Certification, spec: ParsedCertification) -> list[Problem]:
    """Competencies or prerequisites the file drops although candidates depend on them."""
    _lock_parts(certification)
    wanted = {(b.code, c.code) for b in spec.blocks for c in b.competencies}
    dropped = [
        c for b in certification.blocks for c in b.competencies if (b.code, c.code) not in wanted
    ]
    evaluated = set(
        db.session.execute(
            select(JuryEvaluation.competency_id).where(
                JuryEvaluation.competency_id.in_([c.id for c in dropped])
            )
        ).scalars()
    )
    problems = [
        Problem(spec.file, c.code, "compétence déjà évaluée : elle ne peut pas être retirée.")
        for c in dropped
        if c.id in evaluated
    ]
    problems += _jury_modalities_dropped(certification, spec)
    problems += _referenced_blocks(certification, spec)
    if spec.grading is not certification.grading and _has_evaluations(certification):
        problems.append(
            Problem(
                spec.file,
                "certification",
                f"« grading » ne peut plus changer ({certification.grading.value} → "
                f"{spec.grading.value}) : le jury a déjà évalué des compétences dans l'ancienne "
                "notation.",
            )
        )
    if spec.two_evaluators is not certification.two_evaluators and _has_evaluations(certification):
        # on, no recorded evaluation is a designated evaluator's; off, the set-aside evaluations
        # of replaced evaluators count again
        rule = {False: "false", True: "true"}
        problems.append(
            Problem(
                spec.file,
                "certification",
                f"« two_evaluators » ne peut plus changer ({rule[certification.two_evaluators]} "
                f"→ {rule[spec.two_evaluators]}) : le jury a déjà évalué des compétences selon "
                "l'ancienne règle.",
            )
        )
    kept = {p.code for p in spec.prerequisites}
    gone = [p for p in certification.prerequisites if p.code not in kept]
    recorded = set(
        db.session.execute(
            select(PrerequisiteRecord.prerequisite_id).where(
                PrerequisiteRecord.prerequisite_id.in_([p.id for p in gone])
            )
        ).scalars()
    )
    problems += [
        Problem(spec.file, p.code, "prérequis déjà attesté : il ne peut pas être retiré.")
        for p in gone
        if p.id in recorded
    ]
    return problems


def _jury_modalities_dropped(
    certification: Certification, spec: ParsedCertification
) -> list[Problem]:
    """Competencies the jury evaluated that the file leaves to platform questionnaires alone:
    their evaluations would no longer be read (a « non acquis » gone without a word)."""
    kept = {(b.code, c.code): c for b in spec.blocks for c in b.competencies}
    losing = [
        c
        for b in certification.blocks
        for c in b.competencies
        if c.is_jury_evaluated
        and (b.code, c.code) in kept
        and not kept[(b.code, c.code)].is_jury_evaluated
    ]
    evaluated = set(
        db.session.execute(
            select(JuryEvaluation.competency_id).where(
                JuryEvaluation.competency_id.in_([c.id for c in losing])
            )
        ).scalars()
    )
    return [
        Problem(
            spec.file,
            c.code,
            "compétence déjà évaluée par le jury : elle garde une modalité que le jury évalue "
            "(ses évaluations ne compteraient plus).",
        )
        for c in losing
        if c.id in evaluated
    ]


def _lock_parts(certification: Certification) -> None:
    """Hold the certification's blocks, competencies and prerequisites until the commit, before
    looking for what rests on them (PostgreSQL; SQLite lets one writer at a time).

    An evaluation, a capitalisation or an attestation recorded meanwhile holds its row: the load
    waits for it, then sees it and refuses in French, instead of deleting the row under it and
    ending in a foreign-key error (« Erreur interne »); one recorded after waits for the load.
    """
    db.session.execute(
        select(Competency.id, Block.id)
        .join(Block, Competency.block_id == Block.id)
        .where(Block.certification_id == certification.id)
        .with_for_update()
    ).all()
    db.session.execute(
        select(Prerequisite.id)
        .where(Prerequisite.certification_id == certification.id)
        .with_for_update()
    ).all()


def _has_evaluations(certification: Certification) -> bool:
    """Whether the jury evaluated any competency (in the certification's current grading)."""
    ids = [c.id for block in certification.blocks for c in block.competencies]
    return (
        db.session.execute(
            select(JuryEvaluation.id).where(JuryEvaluation.competency_id.in_(ids)).limit(1)
        ).first()
        is not None
    )


def _referenced_blocks(certification: Certification, spec: ParsedCertification) -> list[Problem]:
    """Blocks the file drops (or renames) although interviews or capitalisations point to them."""
    wanted = {b.code for b in spec.blocks}
    dropped = {b.id: b for b in certification.blocks if b.code not in wanted}
    problems = []
    for model, reason in (
        (BlockValidation, "bloc déjà capitalisé : il ne peut pas être retiré."),
        (
            ObservedInterview,
            "bloc où des entretiens observés sont enregistrés : il ne peut pas être retiré.",
        ),
    ):
        referenced = set(
            db.session.execute(
                select(model.block_id).where(model.block_id.in_(list(dropped)))
            ).scalars()
        )
        problems += [
            Problem(spec.file, f"bloc {block.code}", reason)
            for block_id, block in dropped.items()
            if block_id in referenced
        ]
    return problems


def _sync(certification: Certification, spec: ParsedCertification, position: int) -> None:
    """Bring the rows in line with the file, keeping the rows whose code is unchanged."""
    certification.title = spec.title
    certification.level = spec.level
    certification.rncp_code = spec.rncp_code
    certification.certifier = spec.certifier
    certification.source = spec.source
    certification.grading = spec.grading
    certification.grid_threshold = spec.grid_threshold
    certification.two_evaluators = spec.two_evaluators
    certification.notes = spec.notes
    certification.incomplete_reason = spec.incomplete_reason
    certification.position = position
    blocks = _match_by_code(certification.blocks, spec.blocks, Block)
    for block, block_spec in blocks:
        block.title = block_spec.title
        block.comments_required = block_spec.comments_required
        block.incomplete = block_spec.incomplete
        _sync_competencies(block, block_spec)
    certification.blocks = [block for block, _ in blocks]
    prerequisites = _match_by_code(certification.prerequisites, spec.prerequisites, Prerequisite)
    for prerequisite, item in prerequisites:
        prerequisite.label = item.label
    certification.prerequisites = [prerequisite for prerequisite, _ in prerequisites]
    # deliberations keep a copy of each member's seat: the declared seats can change freely
    jury = spec.jury
    certification.jury_basis = jury.basis if jury else None
    certification.jury_source_line = jury.source_line if jury else None
    seats = _match_by_code(certification.jury_seats, jury.seats if jury else (), JurySeat)
    for seat, item in seats:
        seat.label = item.label
        seat.source_line = item.source_line
    certification.jury_seats = [seat for seat, _ in seats]


def _match_by_code(rows: list, specs: tuple, model: type) -> list[tuple]:
    """(row, spec) in the file's order: the row of the same code is kept, or a new one made."""
    existing = {row.code: row for row in rows}
    matched = []
    for position, spec in enumerate(specs):
        row = existing.get(spec.code) or model(code=spec.code)
        row.position = position
        matched.append((row, spec))
    return matched


def _sync_competencies(block: Block, spec: ParsedBlock) -> None:
    competencies = _match_by_code(block.competencies, spec.competencies, Competency)
    for competency, competency_spec in competencies:
        competency.title = competency_spec.title
        competency.modalities = [
            Modality(
                kind=m.kind,
                label=m.label,
                weight_percent=m.weight,
                theme_slug=m.theme,
                position=i,
                **_observation_columns(m.observations),
            )
            for i, m in enumerate(competency_spec.modalities)
        ]
        competency.criteria = [
            Criterion(text=text, position=i) for i, text in enumerate(competency_spec.criteria)
        ]
    block.competencies = [competency for competency, _ in competencies]


def _observation_columns(rule: ObservationRule | None) -> dict:
    """A modality's observation rule as its columns (all None: no rule)."""
    return {
        "observations_min": rule.min if rule else None,
        "observations_max": rule.max if rule else None,
        "observations_within_days": rule.within_days if rule else None,
        "observations_distinct_channels": rule.distinct_channels if rule else None,
        "observations_source_line": rule.source_line if rule else None,
    }
