"""Referential files (YAML): reading and checking them, with where and why for every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from questionnaire import yamlfiles
from questionnaire.banks.services import THEME_ORDER
from questionnaire.certification.models import (
    GRID_MAX,
    Grading,
    ModalityKind,
    ObservationChannel,
    ObservationRule,
)
from questionnaire.parse_errors import read_error, shown_value, yaml_error

DATA_PATH = Path(__file__).resolve().parent / "data"
CERTIFICATION_KEYS = {
    "slug",
    "title",
    "level",
    "rncp_code",
    "certifier",
    "source",
    "grading",
    "grid_threshold",
    "two_evaluators",
    "incomplete",
    "incomplete_reason",
    "notes",
    "prerequisites",
    "jury",
    "blocks",
}
JURY_KEYS = {"basis", "source_line", "seats"}
SEAT_KEYS = {"code", "label", "source_line"}
OBSERVATION_KEYS = {"min", "max", "within_days", "distinct_channels", "source_line"}
#: The longest seat code (``certification_jury_seat.code``).
SEAT_CODE_MAX = 40
#: The longest values the columns hold: slug, codes (and level, RNCP code), titles, source.
SLUG_MAX, CODE_MAX, TITLE_MAX, SOURCE_MAX = 80, 40, 300, 200
#: A certification's slug, as the shipped seeds write it (« charge-clientele-particuliers »):
#: it names the attestation's file in a header and the journal's entries.
SLUG_FORMAT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Problem:
    """One reason a referential file was refused: file, place in the file, message."""

    file: str
    where: str
    message: str

    def format(self) -> str:
        return (
            f"{self.file}: {self.where}: {self.message}"
            if self.where
            else f"{self.file}: {self.message}"
        )


class ReferentialLoadError(Exception):
    """The referentials were not loaded; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problème(s) dans les référentiels")
        self.problems = problems


@dataclass(frozen=True)
class ParsedModality:
    kind: ModalityKind
    label: str | None
    weight: int | None
    theme: str | None
    #: The observed interviews an ``observation`` modality asks for (seed 003), or None.
    observations: ObservationRule | None = None


@dataclass(frozen=True)
class ParsedCompetency:
    code: str
    title: str
    modalities: tuple[ParsedModality, ...]
    criteria: tuple[str, ...]

    @property
    def is_jury_evaluated(self) -> bool:
        """As ``Competency.is_jury_evaluated``: some modality is not a platform questionnaire."""
        return any(not (m.kind.is_questionnaire and m.theme) for m in self.modalities)


@dataclass(frozen=True)
class ParsedBlock:
    code: str
    title: str
    competencies: tuple[ParsedCompetency, ...]
    #: The jury must comment each evaluation (seed 003: « Ils doivent apporter des précisions »).
    comments_required: bool = False
    #: The source document gives this block only in part: the platform never validates it.
    incomplete: bool = False


@dataclass(frozen=True)
class ParsedPrerequisite:
    code: str
    label: str


@dataclass(frozen=True)
class ParsedSeat:
    """A seat of the jury the referential declares, in its words, with the line it says so."""

    code: str
    label: str
    source_line: int | None = None


@dataclass(frozen=True)
class ParsedJury:
    """The jury's composition (seed 002: three members, CPNE deliberation of 23/11/2016)."""

    seats: tuple[ParsedSeat, ...]
    basis: str | None = None
    source_line: int | None = None


@dataclass(frozen=True)
class ParsedCertification:
    slug: str
    title: str
    level: str | None
    rncp_code: str | None
    certifier: str | None
    source: str | None
    grading: Grading
    grid_threshold: int | None
    two_evaluators: bool
    notes: str
    blocks: tuple[ParsedBlock, ...]
    prerequisites: tuple[ParsedPrerequisite, ...] = ()
    #: Why the referential is known to be incomplete (``incomplete: true``), or None.
    incomplete_reason: str | None = None
    #: The jury's declared composition, or None when the referential declares none.
    jury: ParsedJury | None = None
    #: The file it was read from, to place the problems found against the database.
    file: str = field(default="", compare=False)


class _Reader:
    """Reads one file's mapping, collecting problems instead of stopping at the first."""

    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.text_source = text
        self.problems: list[Problem] = []
        self._root: yaml.Node | None = None
        #: Whether the file names its ``source`` document (``source_line`` refers to it).
        self.has_source = False

    def line(self, *path: str | int) -> int | None:
        """The file's line (from 1) of the entry at ``path`` (keys and list indexes), if found:
        a key's own line, a list item's first line.

        The document is composed again only when a problem needs its line.
        """
        if self._root is None:
            self._root = yamlfiles.compose(self.text_source, yamlfiles.FastSafeLoader)
        node, mark = self._root, None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == step), None)
                mark, node = (pair[0].start_mark, pair[1]) if pair else (None, None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
                mark = node.start_mark if node is not None else None
            else:
                node = mark = None
            if node is None:
                return None
        return mark.line + 1 if mark else None

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, message))

    def text(
        self,
        data: dict,
        key: str,
        where: str,
        required: bool = True,
        max_length: int | None = None,
    ) -> str | None:
        """The key's text, spaces collapsed; ``max_length`` is its column's (PostgreSQL refuses
        a longer value with an error that names neither the file nor the field)."""
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, f"« {key} » est obligatoire.")
            return None
        if not isinstance(value, str | int):
            self.fail(where, f"« {key} » doit être un texte.")
            return None
        text = " ".join(str(value).split())
        if max_length is not None and len(text) > max_length:
            self.fail(where, f"« {key} » a {max_length} caractères au plus.")
            return None
        return text

    def known_keys(self, data: dict, allowed: set[str], where: str) -> None:
        """Refuse misspelt keys (a silent typo could change a rule); ``x-…`` keys are free."""
        for key in sorted(set(data) - allowed, key=str):
            if not str(key).startswith("x-"):
                self.fail(
                    where, f"clé inconnue « {key} » (attendu : {', '.join(sorted(allowed))})."
                )

    def items(self, data: dict, key: str, where: str) -> list:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.fail(where, f"« {key} » doit être une liste non vide.")
            return []
        return value


def _observations(
    reader: _Reader, raw: Any, kind: ModalityKind, where: str, path: tuple
) -> ObservationRule | None:
    """``observations: {min, max, within_days, distinct_channels, source_line}`` (seed 003)."""
    line = reader.line(*path, "observations")
    where = f"{where}, observations (ligne {line})" if line else f"{where}, observations"
    if kind is not ModalityKind.OBSERVATION:
        reader.fail(where, "« observations » ne s'applique qu'à une modalité « observation ».")
        return None
    if not isinstance(raw, dict):
        reader.fail(
            where,
            "« observations » est un dictionnaire {min, max, within_days, distinct_channels, "
            "source_line}.",
        )
        return None
    reader.known_keys(raw, OBSERVATION_KEYS, where)
    numbers = {}
    for key in ("min", "max", "within_days", "distinct_channels"):
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            reader.fail(where, f"« {key} » est un entier supérieur ou égal à 1.")
        else:
            numbers[key] = value
    source_line = _source_line(reader, raw, where, reader.has_source)
    if len(numbers) < 4:
        return None
    if numbers["min"] > numbers["max"]:
        reader.fail(where, "« min » ne dépasse pas « max ».")
        return None
    if numbers["distinct_channels"] > min(numbers["min"], len(ObservationChannel)):
        reader.fail(
            where,
            f"« distinct_channels » ne dépasse ni « min » ni le nombre de canaux "
            f"({len(ObservationChannel)}).",
        )
        return None
    return ObservationRule(
        numbers["min"],
        numbers["max"],
        numbers["within_days"],
        numbers["distinct_channels"],
        source_line,
    )


def _modality(reader: _Reader, raw: Any, where: str, path: tuple = ()) -> ParsedModality | None:
    entry = {"kind": raw} if isinstance(raw, str) else raw
    if not isinstance(entry, dict):
        reader.fail(
            where, "une modalité est un nom ou un dictionnaire {kind, label, weight, theme}."
        )
        return None
    reader.known_keys(entry, {"kind", "label", "weight", "theme", "observations"}, where)
    try:
        # text only: for a list, Enum would write its repr, however long an alias makes it
        kind = ModalityKind(entry.get("kind") if isinstance(entry.get("kind"), str) else None)
    except ValueError:
        allowed = ", ".join(k.value for k in ModalityKind)
        reader.fail(
            where,
            f"modalité inconnue « {shown_value(entry.get('kind'))} » (attendu : {allowed}).",
        )
        return None
    weight = entry.get("weight")
    if weight is not None and (
        not isinstance(weight, int) or isinstance(weight, bool) or not 0 < weight <= 100
    ):
        reader.fail(where, "« weight » est un pourcentage entier entre 1 et 100.")
        weight = None
    theme = entry.get("theme")
    if theme is not None and (not kind.is_questionnaire or theme not in THEME_ORDER):
        reader.fail(
            where,
            f"« theme » ne s'applique qu'à un questionnaire, parmi : {', '.join(THEME_ORDER)}.",
        )
        theme = None
    if weight is not None and theme is not None:
        # the block's weighted note combines the jury's grid scores (rules.weighted_score)
        reader.fail(
            where,
            "« weight » ne s'applique pas à un questionnaire de la plateforme (sa réussite n'a "
            "pas de note sur la grille du jury).",
        )
        weight = None
    label = reader.text(entry, "label", where, required=False)
    observations = None
    if entry.get("observations") is not None:
        observations = _observations(reader, entry["observations"], kind, where, path)
    return ParsedModality(kind, label, weight, theme, observations)


def _competency(reader: _Reader, raw: Any, where: str, path: tuple = ()) -> ParsedCompetency | None:
    if not isinstance(raw, dict):
        reader.fail(
            where, "une compétence est un dictionnaire {code, title, modalities, criteria}."
        )
        return None
    code = reader.text(raw, "code", where, max_length=CODE_MAX)
    where = f"{where} ({code})" if code else where
    reader.known_keys(raw, {"code", "title", "modalities", "criteria"}, where)
    title = reader.text(raw, "title", where)
    modalities = [
        _modality(reader, m, f"{where}, modalité {i + 1}", (*path, "modalities", i))
        for i, m in enumerate(reader.items(raw, "modalities", where))
    ]
    if sum(1 for m in modalities if m and m.weight is not None) > 1:
        reader.fail(
            where, "une compétence n'a qu'une modalité pondérée (la pondération est par bloc)."
        )
    criteria = raw.get("criteria") or []
    if not isinstance(criteria, list) or not all(
        isinstance(c, str) and c.strip() for c in criteria
    ):
        reader.fail(where, "« criteria » est une liste de textes.")
        criteria = []
    if code is None or title is None or None in modalities:
        return None
    return ParsedCompetency(
        code, title, tuple(m for m in modalities if m), tuple(" ".join(c.split()) for c in criteria)
    )


def _block(reader: _Reader, raw: Any, where: str, path: tuple = ()) -> ParsedBlock | None:
    if not isinstance(raw, dict):
        reader.fail(where, "un bloc est un dictionnaire {code, title, competencies}.")
        return None
    code = reader.text(raw, "code", where, max_length=CODE_MAX)
    where = f"bloc {code}" if code else where
    reader.known_keys(
        raw, {"code", "title", "competencies", "comments_required", "incomplete"}, where
    )
    title = reader.text(raw, "title", where, max_length=TITLE_MAX)
    comments_required = raw.get("comments_required", False)
    if not isinstance(comments_required, bool):
        reader.fail(where, "« comments_required » vaut true ou false.")
        return None
    incomplete = raw.get("incomplete", False)
    if not isinstance(incomplete, bool):
        reader.fail(where, "« incomplete » vaut true ou false.")
        return None
    competencies = [
        _competency(reader, c, f"{where}, compétence {i + 1}", (*path, "competencies", i))
        for i, c in enumerate(reader.items(raw, "competencies", where))
    ]
    # the block's weighted note reads one weight per modality (rules.weighted_score)
    weights: dict[str, list[int]] = {}
    for competency in competencies:
        for modality in competency.modalities if competency else ():
            if modality.weight is not None:
                seen = weights.setdefault(modality.kind.value, [])
                if modality.weight not in seen:
                    seen.append(modality.weight)
    for kind, given in weights.items():
        if len(given) > 1:
            reader.fail(
                where,
                f"« {kind} » a plusieurs poids dans ce bloc ({', '.join(map(str, given))}) : "
                "une épreuve a un seul poids par bloc.",
            )
    _one_observation_rule(reader, where, competencies)
    if code is None or title is None or None in competencies:
        return None
    return ParsedBlock(
        code, title, tuple(c for c in competencies if c), comments_required, incomplete
    )


def _one_observation_rule(
    reader: _Reader, where: str, competencies: list[ParsedCompetency | None]
) -> None:
    """The block's observed interviews are recorded against one rule (``observations.block_rule``,
    its first competency's) while each competency's grid waits for its own: they must agree."""

    def numbers(rule: ObservationRule) -> tuple[int, int, int, int]:
        return rule.min, rule.max, rule.within_days, rule.distinct_channels

    rules = [
        (competency.code, modality.observations)
        for competency in competencies
        if competency
        for modality in competency.modalities
        if modality.observations is not None
    ]
    first = rules[0] if rules else None
    other = next((r for r in rules if numbers(r[1]) != numbers(first[1])), None) if first else None
    if other is None:
        return

    def shown(code: str, rule: ObservationRule) -> str:
        return (
            f"{code} (min {rule.min}, max {rule.max}, within_days {rule.within_days}, "
            f"distinct_channels {rule.distinct_channels})"
        )

    reader.fail(
        where,
        "les entretiens observés s'enregistrent par bloc, selon une seule règle : "
        f"{shown(*first)} et {shown(*other)} diffèrent.",
    )


def _prerequisites(reader: _Reader, raw: Any) -> tuple[ParsedPrerequisite, ...]:
    if not isinstance(raw, list):
        reader.fail("prérequis", "« prerequisites » est une liste de {code, label}.")
        return ()
    parsed = []
    for i, entry in enumerate(raw):
        where = f"prérequis {i + 1}"
        if not isinstance(entry, dict):
            reader.fail(where, "un prérequis est un dictionnaire {code, label}.")
            continue
        reader.known_keys(entry, {"code", "label"}, where)
        code = reader.text(entry, "code", where, max_length=CODE_MAX)
        label = reader.text(entry, "label", where)
        if code and label:
            parsed.append(ParsedPrerequisite(code, label))
    codes = [p.code for p in parsed]
    for duplicate in sorted({c for c in codes if codes.count(c) > 1}):
        reader.fail("prérequis", f"prérequis « {duplicate} » en double.")
    return tuple(parsed)


def _source_line(reader: _Reader, entry: dict, where: str, has_source: bool) -> int | None:
    """``source_line``: the line of the certification's ``source`` document that says so."""
    value = entry.get("source_line")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        reader.fail(where, "« source_line » est un numéro de ligne du document source (1, 2…).")
        return None
    if not has_source:
        reader.fail(where, "« source_line » renvoie au document « source », absent du fichier.")
        return None
    return value


def _jury(reader: _Reader, raw: Any, has_source: bool) -> ParsedJury | None:
    """The declared composition: ``jury: {basis, source_line, seats: [{code, label, …}]}``."""

    def at(*path: str | int) -> str:
        line = reader.line("jury", *path)
        return f" (ligne {line})" if line else ""

    if not isinstance(raw, dict):
        reader.fail(f"jury{at()}", "« jury » est un dictionnaire {basis, source_line, seats}.")
        return None
    reader.known_keys(raw, JURY_KEYS, f"jury{at()}")
    basis = reader.text(raw, "basis", f"jury{at()}", required=False)
    source_line = _source_line(reader, raw, f"jury{at('source_line')}", has_source)
    seats = raw.get("seats")
    if not isinstance(seats, list) or not seats:
        reader.fail(
            f"jury{at('seats') or at()}",
            "« seats » est la liste non vide des sièges du jury ({code, label, source_line}).",
        )
        return None
    parsed: list[ParsedSeat] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(seats):
        where = f"jury, siège {i + 1}{at('seats', i)}"
        if not isinstance(entry, dict):
            reader.fail(where, "un siège est un dictionnaire {code, label, source_line}.")
            continue
        reader.known_keys(entry, SEAT_KEYS, where)
        code, label = reader.text(entry, "code", where), reader.text(entry, "label", where)
        if code and len(code) > SEAT_CODE_MAX:
            reader.fail(where, f"« code » a {SEAT_CODE_MAX} caractères au plus.")
            code = None
        line = _source_line(reader, entry, where, has_source)
        if code in seen:
            reader.fail(where, f"siège « {code} » en double (déjà le siège {seen[code] + 1}).")
        elif code and label:
            seen[code] = i
            parsed.append(ParsedSeat(code, label, line))
    return ParsedJury(tuple(parsed), basis, source_line)


def parse_referential(text: str, file: str) -> tuple[ParsedCertification | None, list[Problem]]:
    """Parse and check one referential file."""
    reader = _Reader(file, text)
    try:
        data = yamlfiles.load(text, yamlfiles.FastSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        return None, [Problem(file, where, yaml_error(exc, text))]
    if not isinstance(data, dict):
        return None, [
            Problem(file, "", "le fichier doit décrire une certification (dictionnaire).")
        ]
    reader.known_keys(data, CERTIFICATION_KEYS, "certification")
    slug = _slug(reader, data)
    title = reader.text(data, "title", "certification", max_length=TITLE_MAX)
    raw_grading = data.get("grading", "binary")
    try:
        grading = Grading(raw_grading if isinstance(raw_grading, str) else "")
    except ValueError:
        reader.fail("certification", "« grading » vaut binary ou grid.")
        grading = Grading.BINARY
    threshold = data.get("grid_threshold")
    if grading is Grading.GRID and (
        not isinstance(threshold, int)
        or isinstance(threshold, bool)
        or not 0 < threshold <= GRID_MAX
    ):
        reader.fail(
            "certification", f"une grille demande « grid_threshold » entre 1 et {GRID_MAX}."
        )
    if grading is Grading.BINARY and threshold is not None:
        reader.fail("certification", "« grid_threshold » ne s'applique qu'à une grille.")
    two_evaluators = data.get("two_evaluators", False)
    if not isinstance(two_evaluators, bool):
        reader.fail("certification", "« two_evaluators » vaut true ou false.")
    reader.has_source = bool(data.get("source"))
    blocks = [
        _block(reader, b, f"bloc {i + 1}", ("blocks", i))
        for i, b in enumerate(reader.items(data, "blocks", "certification"))
    ]
    incomplete_reason = _incompleteness(reader, data, blocks)
    codes = [b.code for b in blocks if b]
    for duplicate in sorted({c for c in codes if codes.count(c) > 1}):
        reader.fail("certification", f"bloc « {duplicate} » en double.")
    prerequisites = _prerequisites(reader, data.get("prerequisites") or [])
    jury = (
        None if data.get("jury") is None else _jury(reader, data["jury"], bool(data.get("source")))
    )
    competency_codes = [c.code for b in blocks if b for c in b.competencies]
    for duplicate in sorted({c for c in competency_codes if competency_codes.count(c) > 1}):
        reader.fail("certification", f"compétence « {duplicate} » en double.")
    weighted = [
        m for b in blocks if b for c in b.competencies for m in c.modalities if m.weight is not None
    ]
    if weighted and grading is not Grading.GRID:
        reader.fail("certification", "des modalités pondérées demandent une notation sur grille.")
    level = reader.text(data, "level", "certification", False, CODE_MAX)
    rncp_code = reader.text(data, "rncp_code", "certification", False, CODE_MAX)
    certifier = reader.text(data, "certifier", "certification", False, TITLE_MAX)
    source = reader.text(data, "source", "certification", False, SOURCE_MAX)
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str):
        # never str() it: a few lines of aliases make a list of millions of elements
        reader.fail("certification", "« notes » doit être un texte.")
    if reader.problems:
        return None, reader.problems
    return (
        ParsedCertification(
            file=file,
            slug=slug,
            title=title,
            level=level,
            rncp_code=rncp_code,
            certifier=certifier,
            source=source,
            grading=grading,
            grid_threshold=threshold if grading is Grading.GRID else None,
            two_evaluators=two_evaluators,
            notes=(notes or "").strip(),
            blocks=tuple(blocks),
            prerequisites=prerequisites,
            incomplete_reason=incomplete_reason,
            jury=jury,
        ),
        [],
    )


def _slug(reader: _Reader, data: dict) -> str | None:
    """The certification's ``slug``, in the seeds' format (lowercase, digits, single hyphens)."""
    slug = reader.text(data, "slug", "certification", max_length=SLUG_MAX)
    if slug is None or SLUG_FORMAT.fullmatch(slug):
        return slug
    line = reader.line("slug")
    reader.fail(
        f"certification (ligne {line})" if line else "certification",
        "« slug » s'écrit en lettres minuscules sans accent, chiffres et tirets simples "
        f"(ex. « charge-clientele-particuliers ») : « {slug} » ne convient pas.",
    )
    return None


def _incompleteness(reader: _Reader, data: dict, blocks: list) -> str | None:
    """``incomplete: true`` needs ``incomplete_reason``; a block is incomplete only in one."""
    incomplete = data.get("incomplete", False)
    if not isinstance(incomplete, bool):
        reader.fail("certification", "« incomplete » vaut true ou false.")
        return None
    reason = reader.text(data, "incomplete_reason", "certification", required=incomplete)
    if not incomplete:
        if reason is not None:
            reader.fail("certification", "« incomplete_reason » demande « incomplete: true ».")
        for block in blocks:
            if block and block.incomplete:
                reader.fail(
                    f"bloc {block.code}",
                    "un bloc incomplet demande « incomplete: true » sur la certification.",
                )
        return None
    return reason


def referential_files(path: str | Path) -> list[Path]:
    """The referential files at ``path``: the file itself, or every ``*.yaml`` in the folder."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path] if path.exists() else []


def validate_referentials(path: str | Path) -> tuple[list[ParsedCertification], list[Problem]]:
    """Parse every file at ``path``; the problems say what is wrong and where."""
    files = referential_files(path)
    if not files:
        return [], [Problem(str(path), "", "aucun fichier de référentiel trouvé.")]
    parsed, problems = [], []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(file.name, "", read_error(exc)))
            continue
        certification, found = parse_referential(text, file.name)
        problems += found
        if certification:
            parsed.append(certification)
    slugs = [c.slug for c in parsed]
    for duplicate in sorted({s for s in slugs if slugs.count(s) > 1}):
        files = ", ".join(c.file for c in parsed if c.slug == duplicate)
        problems.append(
            Problem(str(path), "", f"certification « {duplicate} » décrite deux fois ({files}).")
        )
    return parsed, problems
