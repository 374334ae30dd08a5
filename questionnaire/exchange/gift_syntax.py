"""Cutting a GIFT file into questions, and a question into title, text and answers.

Moodle reads a malformed question without a word (a title left open becomes text, a second
answer block or a stray brace ends up in the question); here each is refused, with its line and
the question it belongs to, as the other imports report theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from questionnaire.exchange.items import METADATA_FIELDS
from questionnaire.exchange.report import ImportReport

# Escaped control characters become private-use placeholders while the question is cut up
# (``\n`` too, so that the cut-up text keeps the file's lines).
_PLACEHOLDERS = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_RESTORE = str.maketrans({v: "\n" if k == "n" else k for k, v in _PLACEHOLDERS.items()})
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_META = re.compile(r"^//\s*@([a-z_]+)\s*:\s*(.*)$", re.IGNORECASE)
_TITLE = re.compile(r"^\s*::(.*?)::", re.DOTALL)
_NAME_LENGTH = 40


@dataclass
class Block:
    line: int
    text: str
    category: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    #: the file line of each line of ``text`` (comment lines inside a question are left out)
    numbers: list[int] = field(default_factory=list)

    def line_at(self, text: str, position: int) -> int:
        """The file line of ``position`` in ``text``, this block's text once unescaped."""
        return self.numbers[text.count("\n", 0, position)]


class Malformed(Exception):
    """A question whose structure cannot be read: where (file line) and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def unescape(text: str) -> str:
    """Escaped characters (``\\{``, ``\\n``…) as placeholders, which no rule takes for syntax."""
    return _ESCAPE.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


def restore(text: str) -> str:
    """A piece of a question with its escaped characters back, trimmed."""
    return text.translate(_RESTORE).strip()


def question_name(text: str) -> str:
    """How a report names a question: its title, else the start of its text, on one line."""
    words = " ".join(restore(text).split())
    return words if len(words) <= _NAME_LENGTH else words[: _NAME_LENGTH - 1].rstrip() + "…"


def cut_blocks(text: str, report: ImportReport) -> list[Block]:
    """Questions are separated by blank lines; ``//`` lines are comments, ``$CATEGORY:`` lines
    set the category."""
    blocks: list[Block] = []
    category: str | None = None
    lines: list[str] = []
    numbers: list[int] = []
    metadata: dict[str, str] = {}
    metadata_line = 0

    def close() -> None:
        nonlocal lines, numbers, metadata
        if lines:
            blocks.append(Block(numbers[0], "\n".join(lines), category, metadata, numbers))
            metadata = {}
        lines, numbers = [], []

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            close()
        elif stripped.startswith("//"):
            match = _META.match(stripped)
            if match:
                name, value = match.group(1).lower(), match.group(2)
                if name in METADATA_FIELDS or name == "id":
                    metadata_line = metadata_line if metadata else number
                    metadata[name] = value.strip()
                else:
                    report.warn(f"ligne {number}", f"métadonnée inconnue « {name} » ignorée.")
        elif stripped.startswith("$CATEGORY:"):
            close()
            category = stripped.removeprefix("$CATEGORY:").strip()
        else:
            lines.append(line)
            numbers.append(number)
    close()
    if metadata:
        fields = ", ".join(f"@{name}" for name in metadata)
        report.warn(
            f"ligne {metadata_line}",
            f"métadonnées ({fields}) sans question à leur suite : ignorées.",
        )
    return blocks


def read_title(block: Block, text: str) -> tuple[str, int]:
    """The question's ``::title::`` and where its text starts; an unclosed title is refused.

    A title holding a brace is one whose closing ``::`` was not found before the answers
    (Moodle escapes braces in the titles it writes): the « :: » closes further on, by chance.
    """
    if not text.lstrip().startswith("::"):
        return "", 0
    match = _TITLE.match(text)
    if match is None or any(brace in match.group(1) for brace in "{}"):
        opening = text.index("::")
        raise Malformed(
            block.line_at(text, opening),
            f"titre non fermé : « ::{question_name(text[opening + 2 :].split('{', 1)[0])} » "
            "n'a pas de « :: » final avant l'énoncé ; écrivez « ::Titre:: Énoncé {…} » "
            "(et « \\: » pour un deux-points dans le titre).",
        )
    return restore(match.group(1)), match.end()


def answer_braces(block: Block, text: str, start: int, title: str) -> tuple[int, int] | None:
    """Where the one answer block opens and closes (None: no block, a description).

    Moodle takes the first « { » and the first « } » and reads whatever is left as text: a
    second block or a stray brace would then become a wrong question, never an error.
    """
    open_at = close_at = None

    def name() -> str:
        return title or question_name(text[start:open_at])

    for position in range(start, len(text)):
        char = text[position]
        if char == "{":
            if open_at is not None and close_at is None:
                raise Malformed(
                    block.line_at(text, position),
                    f"accolade « {{ » à l'intérieur des réponses de la question « {name()} » "
                    f"(ouvertes ligne {block.line_at(text, open_at)}) : fermez d'abord les "
                    "réponses par « } », ou écrivez « \\{ » pour une accolade dans le texte.",
                )
            if close_at is not None:
                raise Malformed(
                    block.line_at(text, position),
                    f"second bloc de réponses {{…}} dans la question « {name()} » (le premier "
                    f"est ligne {block.line_at(text, open_at)}) : une question n'en a qu'un ; "
                    "séparez deux questions par une ligne vide, ou écrivez « \\{ » et « \\} » "
                    "pour des accolades dans le texte.",
                )
            open_at = position
        elif char == "}":
            if open_at is None or close_at is not None:
                raise Malformed(
                    block.line_at(text, position), _stray_close(text, start, position, title)
                )
            close_at = position
    if open_at is None:
        return None
    if close_at is None:
        escaped = "\ue005" in text[open_at:]
        raise Malformed(
            block.line_at(text, open_at),
            f"accolade fermante « }} » manquante : les réponses de la question « {name()} » "
            "sont ouvertes par « { » et jamais fermées"
            + (" (« \\} » est une accolade de texte, qui ne ferme rien)" if escaped else "")
            + " ; une ligne vide termine la question : pas de ligne vide entre « { » et « } ».",
        )
    return open_at, close_at


def _stray_close(text: str, start: int, position: int, title: str) -> str:
    """Why a « } » that closes nothing is refused, naming its question when it has text.

    Nothing before it, or answers (« ~c »), is the end of the previous question's answers, cut
    off by a blank line.
    """
    before = text[start:position]
    if "{" not in before and not title and before.lstrip()[:1] in ("", "=", "~", "#"):
        return (
            "accolade « } » sans accolade « { » ouverte avant elle : une ligne vide au milieu "
            "des réponses de la question précédente les a coupées (retirez-la), ou écrivez "
            "« \\} » pour une accolade dans le texte."
        )
    name = title or question_name(before.split("{", 1)[0])
    return (
        f"accolade « }} » sans accolade « {{ » ouverte avant elle, dans la question « {name} » : "
        "écrivez « \\} » pour une accolade dans le texte."
    )


def check_after(block: Block, text: str, close_at: int, name: str) -> None:
    """A ``//`` after the answers is a comment to its author, text to Moodle: refused."""
    after = text[close_at + 1 :]
    if after.lstrip().startswith("//"):
        raise Malformed(
            block.line_at(text, text.index("//", close_at)),
            f"commentaire « // » après les réponses de la question « {name} » : un commentaire "
            "occupe sa propre ligne (à la suite des réponses, il deviendrait du texte de la "
            "question).",
        )
