"""Paged lists (the accounts, a certification's candidates): one page of rows and the count.

A page number out of range (0, past the end) is the nearest page, and one that is not a number
the first (``request.args.get("page", 1, type=database_int)``): a shared link to page 3 of a
list that has since shrunk still shows something. ``macros/pagination.html`` draws the links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from questionnaire.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    page: int
    pages: int
    #: the rows of every page
    total: int


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows fill (one, empty, when there are none)."""
    return max(1, -(-total // size))


def nearest_page(page: int | None, pages: int) -> int:
    """The page to show for the number asked: within 1..``pages``, the first when none."""
    return min(max(page or 1, 1), pages)


def paged(query: Select, page: int | None, size: int) -> Page:
    """One page of ``query``'s entities (in the query's order), after counting them in SQL."""
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    pages = page_count(total, size)
    page = nearest_page(page, pages)
    rows = db.session.execute(query.limit(size).offset((page - 1) * size)).scalars()
    return Page(list(rows), page, pages, total)


def filter_args(args: Mapping[str, str]) -> dict[str, str]:
    """A list's query string for the links to its other pages: its filters, without the page
    and the empty ones."""
    return {name: value for name, value in args.items() if name != "page" and value}
