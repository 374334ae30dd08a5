"""Structural validation of bank files: every problem with file, item id and what is wrong."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from questionnaire import yamlfiles
from questionnaire.banks.fields import (
    EMPTIED,
    competency_problem,
    id_problem,
    length_problem,
    one_line,
    shows_text,
    without_controls,
)
from questionnaire.banks.findings import Finding, Severity
from questionnaire.banks.models import (
    DURATION_MINUTES_MAX,
    FORM_ITEMS_MAX,
    CognitiveLevel,
    Difficulty,
    ItemType,
    Volatility,
)
from questionnaire.parse_errors import read_error, shown_value, yaml_error

REQUIRED_ITEM_FIELDS = (
    "id",
    "topic",
    "competency",
    "type",
    "stem",
    "options",
    "rationale",
    "reference",
    "cognitive_level",
    "difficulty",
    "valid_as_of",
    "volatility",
)
OPTION_KEYS = string.ascii_uppercase[:5]
#: What a draft may still lack: publication needs it (the reviewer sees the warning).
DRAFT_OPTIONAL = {
    "rationale": "justification absente : à rédiger avant publication.",
    "reference": "référence absente : à compléter avant publication.",
}
#: A draft (imported, not yet reviewed) may have up to 10 options, as QTI and GIFT allow.
DRAFT_OPTION_KEYS = string.ascii_uppercase[:10]
#: How control characters are cleaned, as in every import: PyYAML refuses most of them written
#: as such, but passes a double-quoted escape (``"\v"``, ``"\x01"``, ``"\N"``) and the Unicode
#: line separators U+2028 and U+2029, written as such or escaped (``"\L"``, ``"\P"``).
_CLEANERS = {
    "stem": without_controls,
    "rationale": without_controls,
    "reference": one_line,
    "competency": one_line,
    "topic": one_line,
}


@dataclass
class ParsedOption:
    key: str
    text: str
    correct: bool


@dataclass
class ParsedItem:
    id: str
    topic: str
    competency: str
    type: ItemType
    stem: str
    options: list[ParsedOption]
    rationale: str
    reference: str
    cognitive_level: CognitiveLevel
    difficulty: Difficulty
    valid_as_of: date
    volatility: Volatility

    @property
    def correct_keys(self) -> list[str]:
        return [option.key for option in self.options if option.correct]


@dataclass
class ParsedTopic:
    slug: str
    title: str
    draw: int


@dataclass
class ParsedBank:
    """A bank file that passed structural validation (items with errors are left out)."""

    path: str
    theme: str
    title: str
    competencies: list[str]
    form_items: int
    duration_minutes: int
    topics: list[ParsedTopic] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)


class _Collector:
    def __init__(self, path: str, drafts: bool = False, partial: bool = False):
        self.path = path
        self.drafts = drafts
        self.partial = partial
        self.findings: list[Finding] = []

    def error(self, item_id: str | None, rule: str, message: str) -> None:
        self.findings.append(Finding(self.path, item_id, rule, Severity.ERROR, message))

    def warning(self, item_id: str | None, rule: str, message: str) -> None:
        self.findings.append(Finding(self.path, item_id, rule, Severity.WARNING, message))


def bank_files(path: str | Path) -> list[Path]:
    """The bank files at ``path``: the file itself, or every ``*.yaml`` / ``*.yml`` in it."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]


def parse_bank_text(
    text: str, path: str, drafts: bool = False, partial: bool = False
) -> tuple[ParsedBank | None, list[Finding]]:
    """Parse and check one bank's YAML text.

    ``drafts``: the items are imported as drafts for review, so what publication will demand
    (a rationale, a reference, 3 to 5 options) is a warning, not an error.
    ``partial``: the file adds items to a theme whose blueprint is already loaded, so its
    header need not describe a whole form (draws summing to ``form_items``, enough items per
    topic); its structure is still checked.
    """
    out = _Collector(path, drafts, partial)
    try:
        data = yamlfiles.load(text)
    except yaml.YAMLError as exc:
        out.error(None, "yaml", yaml_error(exc, text))
        return None, out.findings
    if not isinstance(data, dict):
        out.error(None, "structure", "le fichier doit contenir un dictionnaire (theme, items…).")
        return None, out.findings
    bank = _parse_header(data, path, out)
    if bank is None:
        return None, out.findings
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        out.error(None, "structure", "« items » doit être une liste non vide.")
        return bank, out.findings
    topic_slugs = {topic.slug for topic in bank.topics}
    seen: set[str] = set()
    for index, raw in enumerate(raw_items, start=1):
        item = _parse_item(raw, index, topic_slugs, out)
        if item is None:
            continue
        if item.id in seen:
            out.error(item.id, "duplicate-id", "identifiant déjà utilisé dans ce fichier.")
            continue
        seen.add(item.id)
        bank.items.append(item)
    if not partial:
        _check_blueprint_feasible(bank, out)
    return bank, out.findings


def parse_bank_file(path: Path) -> tuple[ParsedBank | None, list[Finding]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Finding(str(path), None, "file", Severity.ERROR, read_error(exc))]
    bank, findings = parse_bank_text(text, str(path))
    if bank is not None and bank.theme != path.stem:
        findings.append(
            Finding(
                str(path),
                None,
                "theme-file",
                Severity.ERROR,
                f"le thème « {bank.theme} » ne correspond pas au nom du fichier ({path.stem}).",
            )
        )
    return bank, findings


def validate_paths(paths: list[Path]) -> tuple[list[ParsedBank], list[Finding]]:
    """Parse every file and check ids across files."""
    banks: list[ParsedBank] = []
    findings: list[Finding] = []
    owner: dict[str, str] = {}
    theme_files: dict[str, str] = {}
    for path in paths:
        bank, file_findings = parse_bank_file(path)
        findings.extend(file_findings)
        if bank is None:
            continue
        if bank.theme in theme_files:
            # two files of one theme (« rgpd.yaml » and a left-over « rgpd.yml ») would be
            # merged into it: items twice under other ids, the plan of the last one read
            findings.append(
                Finding(
                    bank.path,
                    None,
                    "duplicate-theme",
                    Severity.ERROR,
                    f"le thème « {bank.theme} » est déjà celui de {theme_files[bank.theme]} : "
                    "un seul fichier par thème.",
                )
            )
            continue
        theme_files[bank.theme] = bank.path
        for item in bank.items:
            if item.id in owner and owner[item.id] != bank.path:
                findings.append(
                    Finding(
                        bank.path,
                        item.id,
                        "duplicate-id",
                        Severity.ERROR,
                        f"identifiant déjà utilisé dans {owner[item.id]}.",
                    )
                )
            owner.setdefault(item.id, bank.path)
        banks.append(bank)
    return banks, findings


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _read(value: object) -> str:
    return "absent" if value is None else f"lu : {shown_value(value)}"


def _parse_header(data: dict, path: str, out: _Collector) -> ParsedBank | None:
    theme, title = data.get("theme"), data.get("title")
    ok = True
    if not isinstance(theme, str) or not theme.strip():
        out.error(None, "structure", "« theme » (slug du thème) est obligatoire.")
        ok = False
    if not isinstance(title, str) or not title.strip():
        out.error(None, "structure", "« title » est obligatoire.")
        ok = False
    competencies = data.get("competencies", [])
    if not isinstance(competencies, list) or not all(isinstance(c, str) for c in competencies):
        out.error(None, "structure", "« competencies » doit être une liste de codes.")
        ok = False
    blueprint = data.get("blueprint")
    if not isinstance(blueprint, dict):
        out.error(None, "blueprint", "« blueprint » (plan de tirage) est obligatoire.")
        return None
    form_items, duration = blueprint.get("form_items"), blueprint.get("duration_minutes")
    if not _positive_int(form_items) or form_items > FORM_ITEMS_MAX:
        out.error(
            None,
            "blueprint",
            f"« blueprint.form_items » doit être un entier entre 1 et {FORM_ITEMS_MAX} "
            f"({_read(form_items)}).",
        )
        ok = False
    if not _positive_int(duration) or duration > DURATION_MINUTES_MAX:
        out.error(
            None,
            "blueprint",
            f"« blueprint.duration_minutes » doit être un entier entre 1 et "
            f"{DURATION_MINUTES_MAX} minutes ({_read(duration)}).",
        )
        ok = False
    raw_topics = blueprint.get("topics")
    topics: list[ParsedTopic] = []
    if not isinstance(raw_topics, dict) or not raw_topics:
        out.error(None, "blueprint", "« blueprint.topics » doit lister les sujets du thème.")
        ok = False
    else:
        for slug, spec in raw_topics.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("title"), str):
                out.error(None, "blueprint", f"sujet « {slug} » : « title » manquant.")
                ok = False
                continue
            draw = spec.get("draw", 0)
            if not isinstance(draw, int) or isinstance(draw, bool) or draw < 0:
                out.error(
                    None, "blueprint", f"sujet « {slug} » : « draw » doit être un entier ≥ 0."
                )
                ok = False
                continue
            topics.append(ParsedTopic(str(slug), spec["title"].strip(), draw))
        total = sum(topic.draw for topic in topics)
        if ok and total != form_items and not out.partial:
            out.error(
                None,
                "blueprint",
                f"la somme des tirages par sujet ({total}) diffère de form_items ({form_items}).",
            )
            ok = False
    if not ok:
        return None
    return ParsedBank(
        path=path,
        theme=theme.strip(),
        title=title.strip(),
        competencies=list(competencies),
        form_items=form_items,
        duration_minutes=duration,
        topics=topics,
    )


def _field_names(keys: set) -> str:
    """Keys YAML read as they were written: « ~: … » or « 1: … » are not text (None, 1)."""
    return ", ".join(sorted("(clé vide)" if key is None else str(key) for key in keys))


def _enum_value(enum_cls, value, item_id: str, name: str, out: _Collector):
    try:
        # the values are all text; anything else is refused before Enum writes its repr
        if isinstance(value, str):
            return enum_cls(value)
        raise ValueError(name)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_cls)
        out.error(
            item_id, "invalid-value", f"« {name} » vaut {shown_value(value)} ; attendu : {allowed}."
        )
        return None


def _parse_item(raw: object, index: int, topics: set[str], out: _Collector) -> ParsedItem | None:
    if not isinstance(raw, dict):
        out.error(f"item n° {index}", "structure", "chaque item doit être un dictionnaire.")
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id.strip():
        out.error(f"item n° {index}", "missing-field", "« id » est obligatoire.")
        return None
    item_id = item_id.strip()
    problem = id_problem(item_id)
    if problem is not None:
        out.error(f"item n° {index}", "invalid-id", problem)
        return None
    for name, clean in _CLEANERS.items():
        if isinstance(raw.get(name), str):
            # before the checks: a text of control characters only is missing, as in an import
            raw[name] = clean(raw[name])
    before = len(out.findings)
    for name in REQUIRED_ITEM_FIELDS:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if out.drafts and name in DRAFT_OPTIONAL:
                raw[name] = ""
                out.warning(item_id, f"missing-{name}", DRAFT_OPTIONAL[name])
                continue
            rule = f"missing-{name}" if name in ("rationale", "reference") else "missing-field"
            out.error(item_id, rule, f"« {name} » est obligatoire.")
    unknown = set(raw) - set(REQUIRED_ITEM_FIELDS)
    if unknown:
        out.warning(item_id, "unknown-field", f"champs inconnus ignorés : {_field_names(unknown)}.")
    if len(out.findings) > before and any(
        f.item_id == item_id for f in out.findings[before:] if f.severity is Severity.ERROR
    ):
        return None
    for name in ("stem", "rationale", "reference", "competency", "topic"):
        if not isinstance(raw[name], str):
            out.error(item_id, "invalid-value", f"« {name} » doit être du texte.")
            return None
    problem = competency_problem(raw["competency"].strip())
    if problem is not None:
        out.error(item_id, "invalid-value", problem)
        return None
    for name in ("stem", "rationale", "reference"):
        problem = length_problem(name, raw[name].strip())
        if problem is not None:
            out.error(item_id, "text-length", f"« {name} » : {problem}.")
            return None
    if not shows_text(raw["stem"]):
        out.error(item_id, "empty-text", f"« stem » : énoncé {EMPTIED}.")
        return None
    if raw["rationale"].strip() and not shows_text(raw["rationale"]):
        if out.drafts:
            out.warning(item_id, "missing-rationale", DRAFT_OPTIONAL["rationale"])
        else:
            out.error(item_id, "missing-rationale", f"« rationale » : justification {EMPTIED}.")
    if raw["topic"] not in topics:
        out.error(item_id, "unknown-topic", f"sujet « {raw['topic']} » absent du plan de tirage.")
        return None
    item_type = _enum_value(ItemType, raw["type"], item_id, "type", out)
    level = _enum_value(CognitiveLevel, raw["cognitive_level"], item_id, "cognitive_level", out)
    difficulty = _enum_value(Difficulty, raw["difficulty"], item_id, "difficulty", out)
    volatility = _enum_value(Volatility, raw["volatility"], item_id, "volatility", out)
    valid_as_of = raw["valid_as_of"]
    if isinstance(valid_as_of, str):
        try:
            valid_as_of = date.fromisoformat(valid_as_of)
        except ValueError:
            valid_as_of = None
    if isinstance(valid_as_of, datetime):  # « 2026-01-01 10:00:00 »: its day, as the imports
        valid_as_of = valid_as_of.date()
    if not isinstance(valid_as_of, date):
        out.error(item_id, "invalid-value", "« valid_as_of » doit être une date AAAA-MM-JJ.")
        valid_as_of = None
    options = _parse_options(raw["options"], item_id, item_type, out)
    if None in (item_type, level, difficulty, volatility, valid_as_of, options):
        return None
    return ParsedItem(
        id=item_id,
        topic=raw["topic"],
        competency=raw["competency"].strip(),
        type=item_type,
        stem=raw["stem"].strip(),
        options=options,
        rationale=raw["rationale"].strip(),
        reference=raw["reference"].strip(),
        cognitive_level=level,
        difficulty=difficulty,
        valid_as_of=valid_as_of,
        volatility=volatility,
    )


def _parse_options(
    raw: object, item_id: str, item_type: ItemType | None, out: _Collector
) -> list[ParsedOption] | None:
    keys = DRAFT_OPTION_KEYS if out.drafts else OPTION_KEYS
    low = 2 if out.drafts else 3
    if not isinstance(raw, list) or not low <= len(raw) <= len(keys):
        out.error(item_id, "option-count", f"un item a de {low} à {len(keys)} options.")
        return None
    if not 3 <= len(raw) <= 5:
        out.warning(
            item_id,
            "option-count",
            f"{len(raw)} options : une banque en demande 3 à 5 ; à corriger en relecture.",
        )
    options: list[ParsedOption] = []
    for position, option in enumerate(raw):
        expected = keys[position]
        if not isinstance(option, dict):
            out.error(item_id, "option", f"l'option n° {position + 1} doit être un dictionnaire.")
            return None
        key, text, correct = option.get("key"), option.get("text"), option.get("correct", False)
        if isinstance(text, str):
            text = without_controls(text)
        if key != expected:
            out.error(
                item_id,
                "option-key",
                f"option n° {position + 1} : clé {shown_value(key)}, attendu « {expected} ».",
            )
            return None
        if (
            not isinstance(text, str | int | float)
            or isinstance(text, bool)
            or not str(text).strip()
        ):
            out.error(item_id, "option-text", f"option {key} : texte vide ou invalide.")
            return None
        if not shows_text(str(text)):
            out.error(item_id, "option-text", f"option {key} : texte {EMPTIED}.")
            return None
        problem = length_problem("option", str(text).strip(), key)
        if problem is not None:
            out.error(item_id, "text-length", f"{problem}.")
            return None
        if not isinstance(correct, bool):
            out.error(
                item_id, "option-correct", f"option {key} : « correct » doit valoir true ou false."
            )
            return None
        unknown = set(option) - {"key", "text", "correct"}
        if unknown:
            out.warning(
                item_id,
                "unknown-field",
                f"option {key} : champs ignorés {_field_names(unknown)}.",
            )
        options.append(ParsedOption(key, str(text).strip(), correct))
    n_correct = sum(option.correct for option in options)
    if item_type is ItemType.SINGLE and n_correct != 1:
        out.error(
            item_id,
            "key-count",
            f"item à réponse unique avec {n_correct} bonne(s) réponse(s) ; il en faut exactement une.",
        )
        return None
    if item_type is ItemType.MULTIPLE and (n_correct < 2 or n_correct == len(options)):
        out.error(
            item_id,
            "key-count",
            "item à réponses multiples : au moins deux bonnes réponses et au moins une fausse.",
        )
        return None
    return options


def _check_blueprint_feasible(bank: ParsedBank, out: _Collector) -> None:
    counts: dict[str, int] = {}
    for item in bank.items:
        counts[item.topic] = counts.get(item.topic, 0) + 1
    for topic in bank.topics:
        have = counts.get(topic.slug, 0)
        if have < topic.draw:
            out.error(
                None,
                "blueprint",
                f"sujet « {topic.slug} » : {have} item(s) pour {topic.draw} tiré(s) par formulaire.",
            )
