"""The roles a user may hold (several at once)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a user may do; a user may hold several roles."""

    CANDIDATE = "candidate"
    AUTHOR = "author"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    JURY = "jury"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CANDIDATE: "Candidat",
    Role.AUTHOR: "Auteur",
    Role.REVIEWER: "Relecteur",
    Role.ADMIN: "Administrateur",
    Role.JURY: "Jury / CPNE",
}
