"""Text as French readers compare and sort it: case, accents, ligatures and curly apostrophes
ignored (« EPARGNE » finds « épargne », « Émilie » sorts among the E)."""

from __future__ import annotations

import unicodedata

# typographic apostrophes and ligatures (Word, macOS) read as their plain spelling
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "œ": "oe", "æ": "ae", "\u00a0": " "})


def folded(text: str) -> str:
    """Text as a search compares it: case, accents, ligatures and curly apostrophes ignored.

    Capitals are often written without accents in French (« EPARGNE » for « épargne »).
    """
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(ch for ch in text if not unicodedata.combining(ch))
