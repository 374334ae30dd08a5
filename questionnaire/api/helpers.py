"""Helpers shared by every area's ``api.py``."""

from __future__ import annotations

from datetime import datetime

from flask import request

from questionnaire.errors import ApiError


def json_body(*fields: str) -> dict:
    """The request's JSON object, or a 415 / 400 JSON error; a 422 names any member other than
    ``fields`` (the OpenAPI document declares no others: a typo is said, never ignored)."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Le corps de la requête doit être du JSON (application/json).",
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "invalid_json",
            "Le corps de la requête doit être un objet JSON valide, encodé en UTF-8.",
        )
    unknown = sorted(set(data) - set(fields))
    if unknown:
        named = ", ".join(f"« {name[:40]} »" for name in unknown[:5])
        raise ApiError(
            422,
            "unknown_fields",
            f"Champ(s) inconnu(s) : {named}"
            + (f" et {len(unknown) - 5} autre(s)" if len(unknown) > 5 else "")
            + f". Champs attendus : {', '.join(fields)}.",
        )
    return data


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with an explicit UTC offset."""
    return moment.isoformat().replace("+00:00", "Z") if moment else None
