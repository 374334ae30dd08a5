"""The columns of an enrolment CSV, recognised by their usual French or English headers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column of the enrolment file: its key, its French name, the headers it answers to."""

    key: str
    label: str
    headers: tuple[str, ...]


EMAIL, EXTRA_TIME, NOTE, GROUP = "email", "extra_time", "note", "group"

#: In the file's order when it has no header line.
COLUMNS = (
    Column(
        EMAIL,
        "adresse électronique",
        (
            "Adresse électronique",
            "Adresse e-mail",
            "Adresse mail",
            "Adresse courriel",
            "Adresse",
            "Courriel",
            "E-mail",
            "Email",
            "Mail",
            "Email address",
        ),
    ),
    Column(
        EXTRA_TIME,
        "temps supplémentaire",
        (
            "Temps supplémentaire",
            "Temps supplémentaire (%)",
            "Temps supplémentaire en %",
            "Temps additionnel",
            "Majoration de temps",
            "Temps",
            "Extra time",
            "Extra time (%)",
            "Extra time percent",
            "Additional time",
        ),
    ),
    Column(
        NOTE,
        "aménagement",
        (
            "Aménagement",
            "Aménagements",
            "Note d'aménagement",
            "Note",
            "Accommodation",
            "Accommodation note",
        ),
    ),
    Column(
        GROUP,
        "groupe d'analyse",
        ("Groupe d'analyse", "Groupe", "Groupe DIF", "Analysis group", "Group"),
    ),
)

#: Where each column is when the file has no header line.
POSITIONAL = {column.key: index for index, column in enumerate(COLUMNS)}


def normalise(header: str) -> str:
    """« Adresse E-mail » → « adresseemail »: case, accents, spaces and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", header)
    return "".join(c for c in decomposed.casefold() if c.isalnum() and c.isascii())


_BY_NAME = {normalise(header): column for column in COLUMNS for header in column.headers}


def column_for(header: str) -> Column | None:
    """The column a header names, if it is one of the accepted spellings."""
    return _BY_NAME.get(normalise(header))


def is_header_line(cells: list[str]) -> bool:
    """A first line without any address is a header (or a line nobody could enrol)."""
    return any(cells) and not any("@" in cell for cell in cells)


def accepted_headers() -> str:
    """Every accepted name, column by column, for an error message."""
    return " ; ".join(
        f"{column.label} : " + ", ".join(f"« {header} »" for header in column.headers)
        for column in COLUMNS
    )


class HeaderError(ValueError):
    """The header line names a column the import does not know, twice, or not the address."""


def locate_columns(cells: list[str]) -> dict[str, int]:
    """Each column's position, read from the header line; every non-empty header must be known."""
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        header = cell.strip()
        if not header:
            continue  # a trailing separator, or a column left unnamed: ignored
        column = column_for(header)
        if column is None:
            unknown.append(header)
        elif column.key in positions:
            raise HeaderError(
                f"deux colonnes désignent la même donnée ({column.label}) : "
                f"« {names[column.key]} » et « {header} ». Gardez-en une seule."
            )
        else:
            positions[column.key], names[column.key] = index, header
    if unknown:
        quoted = ", ".join(f"« {header} »" for header in unknown)
        if positions:
            intro = (
                f"en-tête de colonne non reconnu : {quoted}."
                if len(unknown) == 1
                else f"en-têtes de colonne non reconnus : {quoted}."
            )
        else:  # nothing known on the line: a header nobody recognises, or a line without address
            intro = (
                f"{quoted} : ni une adresse électronique (première colonne d'une ligne) ni un "
                "en-tête de colonne reconnu."
            )
        raise HeaderError(
            f"{intro} En-têtes acceptés (majuscules, accents et espaces indifférents) — "
            f"{accepted_headers()}."
        )
    if EMAIL not in positions:
        raise HeaderError(
            "l'en-tête ne nomme pas la colonne des adresses électroniques. En-têtes acceptés "
            f"pour elle : {', '.join(f'« {h} »' for h in COLUMNS[0].headers)}."
        )
    usual = [column.key for column in COLUMNS[: len(positions)]]
    if sorted(positions, key=positions.get) == usual and sorted(positions.values()) == list(
        range(len(positions))
    ):  # « email » alone, or the first columns in their usual order: the others follow them
        return {**POSITIONAL, **positions}
    return positions
