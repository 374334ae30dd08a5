"""Rules on an item's text fields, shared by the bank validator, the imports and the editor.

What the database holds (id and competency widths), what the editor takes (lengths), what the
sanitiser leaves (a lone script shows nothing), and which characters no export can carry.
"""

from __future__ import annotations

import html
import re

from questionnaire.banks.models import Item, ItemVersion
from questionnaire.richtext import plain, sanitise

#: An item id is a path segment of the item pages, stored in a 40-character column; a longer
#: id or competency code would stop PostgreSQL with an error instead of a report.
ID_MAX_LENGTH = Item.__table__.c.external_id.type.length
ITEM_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
COMPETENCY_MAX_LENGTH = ItemVersion.__table__.c.competency.type.length
#: How a text that the sanitiser empties is refused, in the editor as in an import.
EMPTIED = "vide une fois retirée la mise en forme non permise (scripts, images…)"


#: The editor's limits (``authoring.forms``), on the text as stored (sanitised): a file may not
#: bring in a draft that its author could not save.
MAX_LENGTHS = {"stem": 5000, "option": 2000, "rationale": 5000, "reference": 500}
_LENGTH_LABELS = {
    "stem": "énoncé trop long",
    "option": "option {key} trop longue",
    "rationale": "justification trop longue",
    "reference": "référence trop longue",
}


def length_problem(field: str, text: str, key: str = "") -> str | None:
    """Why ``text`` is too long for ``field`` of the editor (None when it fits), unpunctuated."""
    size = len(text if field == "reference" else sanitise(text))
    limit = MAX_LENGTHS[field]
    if size <= limit:
        return None
    label = _LENGTH_LABELS[field].format(key=key)
    return f"{label} : {_thousands(size)} caractères, {_thousands(limit)} au plus"


def _thousands(number: int) -> str:
    """12345 → « 12 345 » (no-break space between thousands, as in French)."""
    return f"{number:,}".replace(",", "\u00a0")


# Control characters: a vertical tab or form feed (Word's manual line break, pasted into a sheet)
# and the Unicode line separators are new lines (GIFT already reads them so); the other C0
# controls show nothing, and XML (QTI) and XLSX cannot hold them. A C1 control other than NEL
# (U+0080 to U+009F) is Windows-1252 text read as Latin-1 somewhere upstream (« l\x92article »):
# it becomes the Windows-1252 character of its byte, as HTML reads « &#x92; » (« l’article »),
# and is removed where that byte has none (0x81, 0x8D, 0x8F, 0x90, 0x9D).
def _windows_1252(code: int) -> str | None:
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return None


_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]),
    **{code: _windows_1252(code) for code in range(0x80, 0xA0)},
    **dict.fromkeys(map(ord, "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), "\n"),
}


def without_controls(text: str) -> str:
    """``text`` with line-breaking controls as new lines and the other controls removed."""
    return text.translate(_CONTROLS)


def one_line(text: str) -> str:
    """A one-line field (reference, competency, topic): controls cleaned, any run of white space
    (a new line included) one space, as the editor's single-line inputs would have it."""
    return " ".join(without_controls(text).split())


def shows_text(text: str) -> bool:
    """Whether any text is left once sanitised: a lone ``<script>`` or ``<img>`` leaves none,
    nor do white space and its entities (``&nbsp;``, which the sanitiser writes for U+00A0)."""
    return bool(html.unescape(plain(sanitise(text))).strip())


def shows_nothing(text: str) -> bool:
    """Whether a stored text shows nothing: sanitised and without its control characters (an
    import before they were refused may have stored a lone ``<img>`` or a ``\\x01``)."""
    text = without_controls(text)
    if "<" not in text and "&" not in text:  # no markup: the sanitiser would keep every character
        return not text.strip()  # (the fast path of the workshop's « texte vide » filter)
    return not shows_text(text)


def id_problem(item_id: str) -> str | None:
    """Why ``item_id`` cannot identify an item (None when it can)."""
    if len(item_id) > ID_MAX_LENGTH:
        return f"l'identifiant « {item_id} » dépasse {ID_MAX_LENGTH} caractères."
    if not ITEM_ID.match(item_id):
        return (
            f"l'identifiant « {item_id} » ne peut servir : lettres sans accent, chiffres, « - », "
            "« _ » ou « . », en commençant par une lettre (par exemple FISC-0123)."
        )
    return None


def competency_problem(code: str) -> str | None:
    """Why ``code`` cannot be stored as a competency (None when it can)."""
    if len(code) > COMPETENCY_MAX_LENGTH:
        return (
            f"« competency » vaut « {code} » : un code de compétence a au plus "
            f"{COMPETENCY_MAX_LENGTH} caractères (par exemple C9)."
        )
    return None
