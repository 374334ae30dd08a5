"""Reading and validating long-format response tables, and pivoting them to a matrix."""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import IO

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("attempt_id", "item_id", "score")
OPTIONAL_COLUMNS = ("max_score", "option", "key", "group", "seconds")
NUMERIC_COLUMNS = ("score", "max_score", "seconds")
STRING_COLUMNS = ("attempt_id", "item_id", "option", "key", "group")

_NATURAL = re.compile(r"(\d+)")

#: A file is refused beyond this many rows, or attempts × items cells: the analyses work on
#: several attempts × items arrays (item-stats on 50,000 attempts × 2,000 items, 1 million
#: rows, peaked at 9.4 GB and took 36 s; 1 million attempts × 1 million items asked for
#: 931 GB), so a larger file is split first (by period, by bank). It is the largest table
#: `simulate` writes (MAX_SIMULATED_CELLS).
MAX_CELLS = 10_000_000
#: Bounds of `max_score`: beyond the upper one sums of squares overflow (1e308 gave inf and
#: NaN totals); below the lower one the 1e-6 grid on which totals meet the cut, and the
#: histogram's 1e-9 rounding, no longer tell scores apart.
MAX_SCORE_RANGE = (0.001, 1_000_000)


class AnalyticsInputError(ValueError):
    """Malformed input table; the message names the line (header = line 1) and column.

    An error about data rows keeps them (``rows``, 0-based positions) and its message as
    ``parts`` (text, or an index into ``rows`` where a line number goes), so a reader that
    knows the real line of each row (blank lines skipped in a CSV) can renumber it.
    """

    def __init__(
        self, message: str = "", *, parts: Sequence[str | int] = (), rows: Sequence[int] = ()
    ) -> None:
        self.parts = tuple(parts)
        self.rows = tuple(int(r) for r in rows)
        super().__init__(self._render(_line) if self.parts else message)

    def _render(self, line_of: Callable[[int], int]) -> str:
        return "".join(str(line_of(self.rows[p])) if isinstance(p, int) else p for p in self.parts)

    def at_lines(self, line_of: Callable[[int], int]) -> AnalyticsInputError:
        """The same error with its rows numbered by ``line_of`` (0-based row → line)."""
        if not self.parts:
            return self
        return AnalyticsInputError(self._render(line_of))


def natural_key(text: str) -> tuple:
    """Sort key putting 'Item 2' before 'Item 10'.

    The split alternates text and runs of decimal digits, so only the odd parts are numbers:
    a text part may still pass ``str.isdigit`` ('²', '①') without being one ``int`` reads.
    """
    parts = _NATURAL.split(str(text))
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _line(position: int) -> int:
    """CSV line number of a 0-based data row (header = line 1)."""
    return int(position) + 2


def _fail(
    position: int, column: str, *message: str | int, refs: Iterable[int] = ()
) -> AnalyticsInputError:
    """Error on a data row; an int in ``message`` is the line of ``refs[int - 1]``."""
    parts = ("ligne ", 0, f", colonne {column} : ", *message)
    return AnalyticsInputError(parts=parts, rows=(position, *refs))


def _records(fh: IO[str], sep: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each CSV record, numbered by the file line where it starts."""
    reader = csv.reader(fh, delimiter=sep, skipinitialspace=True)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _record_lines(source: str | os.PathLike | None, text: str | None, sep: str) -> list[int]:
    """Line where each data record of a CSV starts, blank lines skipped as pandas does."""
    with (
        io.StringIO(text) if text is not None else open(source, encoding="utf-8-sig", newline="")
    ) as fh:
        return [
            start
            for start, row in _records(fh, sep)
            if start > 1 and any(field.strip() for field in row)
        ]


def _drop_blank_records(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of separators alone (« ;; », a spreadsheet's formatted empty rows) are blank lines.

    Only rows whose first cell is empty are looked at, so a large file pays one comparison."""
    if df.empty:
        return df
    first = df.iloc[:, 0]
    maybe = np.flatnonzero((first.isna() | (first == "")).to_numpy())
    if not len(maybe):
        return df
    rows = df.iloc[maybe]
    blank = np.ones(len(rows), dtype=bool)
    for column in rows.columns:
        values = rows[column]
        blank &= (values.isna() | (values.astype(str).str.strip() == "")).to_numpy()
    if not blank.any():
        return df
    return df.drop(index=df.index[maybe[blank]]).reset_index(drop=True)


def _sniff_sep(header: str) -> str:
    return ";" if ";" in header and "," not in header else ","


def _ragged(text: str, sep: str, n_fields: int) -> AnalyticsInputError:
    """Error naming the first line whose number of fields differs from the header."""
    for number, row in _records(io.StringIO(text), sep):
        if row and len(row) > n_fields:
            return AnalyticsInputError(f"ligne {number} : {len(row)} champs au lieu de {n_fields}")
    return AnalyticsInputError("nombre de champs incohérent avec l'en-tête")


def _not_utf8(source: str | os.PathLike) -> AnalyticsInputError:
    """Error naming the line and column of the first byte that is not UTF-8."""
    with open(source, "rb") as fh:
        data = fh.read()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        return AnalyticsInputError(
            f"fichier non UTF-8 : {source} (ligne {line}, colonne {column}) ; "
            "enregistrez-le en UTF-8"
        )
    return AnalyticsInputError(f"fichier non UTF-8 : {source}")


def read_responses(source: str | os.PathLike | IO, *, sep: str | None = None) -> pd.DataFrame:
    """Read a long-format CSV (`,` or `;` separated, UTF-8) and return the validated table."""
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, encoding="utf-8-sig") as fh:
                header = fh.readline()
        except FileNotFoundError as exc:
            raise AnalyticsInputError(f"fichier introuvable : {source}") from exc
        except IsADirectoryError as exc:
            raise AnalyticsInputError(f"pas un fichier : {source}") from exc
        except PermissionError as exc:
            raise AnalyticsInputError(f"lecture refusée : {source} (permission refusée)") from exc
        except UnicodeDecodeError as exc:
            raise _not_utf8(source) from exc
        text = None
    else:
        raw = source.read()
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise AnalyticsInputError("flux non UTF-8") from exc
        text = raw.removeprefix("\ufeff")
        header = text[: text.find("\n")] if "\n" in text else text
    if not header.strip():
        raise AnalyticsInputError("table vide : aucune ligne d'en-tête")
    if "\x00" in header:  # « colonne obligatoire absente » would not say what to change
        raise AnalyticsInputError(
            "octets nuls dans l'en-tête : le fichier semble en UTF-16 sans marque d'ordre ; "
            "enregistrez-le en UTF-8"
        )
    hint = header.strip()
    if re.fullmatch(r"sep=.", hint, flags=re.IGNORECASE):  # Excel's hint, before the header
        raise AnalyticsInputError(
            f"ligne 1 : « {hint} » indique le séparateur à Excel, ce n'est pas l'en-tête attendu "
            "(attempt_id, item_id, score…) : supprimez cette ligne (le séparateur , ou ; est "
            "reconnu sur l'en-tête)"
        )
    if sep is None and "\t" in header and "," not in header and ";" not in header:
        raise AnalyticsInputError(
            "en-tête séparé par des tabulations : la virgule ou le point-virgule sont attendus"
        )
    sep = sep or _sniff_sep(header)
    header_fields = csv.reader([header.rstrip("\r\n")], delimiter=sep, skipinitialspace=True)
    names = [c.strip() for c in next(header_fields)]
    # empty names are a spreadsheet's empty formatted columns (« ;; » at the end of each line)
    doubled = [c for i, c in enumerate(names) if c and c in names[:i]]
    if doubled:  # pandas would silently rename the second one "score.1"
        raise AnalyticsInputError(f"colonne en double : {doubled[0]}")
    dtype = {c: str for c in names if c.lower() not in NUMERIC_COLUMNS}
    na_values = {c: [""] for c in names if c.lower() in NUMERIC_COLUMNS}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text) if text is not None else source,
                sep=sep,
                encoding="utf-8-sig",
                dtype=dtype,
                keep_default_na=False,
                na_values=na_values,
                skipinitialspace=True,
                index_col=False,
                nrows=MAX_CELLS + 1,  # one more tells a file too large, without reading it all
            )
    except pd.errors.ParserWarning as exc:
        if text is None:
            with open(source, encoding="utf-8-sig") as fh:
                text = fh.read()
        raise _ragged(text, sep, len(names)) from exc
    except UnicodeDecodeError as exc:
        raise _not_utf8(source) from exc
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise AnalyticsInputError(
                f"ligne {m.group(2)} : {m.group(3)} champs au lieu de {m.group(1)}"
            ) from exc
        m = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if m:  # pandas counts rows from 0, the header included
            raise AnalyticsInputError(
                f"ligne {int(m.group(1)) + 1} : guillemet ouvert jamais fermé"
            ) from exc
        raise AnalyticsInputError(f"CSV illisible (détail technique : {exc})") from exc
    except pd.errors.EmptyDataError as exc:
        raise AnalyticsInputError("table vide") from exc
    df.columns = [str(c).strip() for c in df.columns]
    df = _drop_blank_records(df)
    if len(df) > MAX_CELLS:
        raise AnalyticsInputError(
            f"plus de {_count(MAX_CELLS)} lignes, la limite : analysez le fichier par parties "
            "(par période, par banque d'items)"
        )
    try:
        return validate_responses(df, max_cells=MAX_CELLS)
    except AnalyticsInputError as exc:
        if not exc.parts:
            raise
        raise _renumbered(exc, None if text is not None else source, text, sep) from None


def _renumbered(
    error: AnalyticsInputError, source: str | os.PathLike | None, text: str | None, sep: str
) -> AnalyticsInputError:
    starts = _record_lines(source, text, sep)
    return error.at_lines(lambda r: starts[r] if r < len(starts) else _line(r))


def at_file_lines(error: AnalyticsInputError, path: str | os.PathLike) -> AnalyticsInputError:
    """``error`` about rows of the table read from the CSV ``path``, with the file's real line
    numbers (blank lines, skipped when reading, shift them); unchanged if it names no row."""
    if not error.parts:
        return error
    try:
        with open(path, encoding="utf-8-sig") as fh:
            sep = _sniff_sep(fh.readline())
        return _renumbered(error, path, None, sep)
    except (OSError, UnicodeDecodeError):
        return error


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorise a column to (codes, stripped string uniques); missing values become ""."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = np.asarray(s.cat.codes, dtype=np.int64)
        uniques = pd.Index(s.cat.categories)
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        uniques = pd.Index(uniques)
    values = uniques.to_numpy()
    if values.dtype.kind == "f" and np.all(np.mod(values[np.isfinite(values)], 1) == 0):
        values = values.astype(np.int64)
    text = np.array([str(v).strip() for v in values] + [""], dtype=object)
    merged_codes, merged = pd.factorize(text)
    merged_codes = np.asarray(merged_codes, dtype=np.int64)
    has_missing = bool((codes < 0).any())
    if has_missing:
        codes = np.where(codes < 0, len(values), codes)  # missing -> ""
    if has_missing or not np.array_equal(merged_codes[:-1], np.arange(len(values))):
        codes = merged_codes[codes]
    return codes, np.asarray(merged, dtype=object)


def _ids(df: pd.DataFrame, column: str, *, natural: bool) -> pd.Categorical:
    """Convert an id column to a Categorical of non-empty strings."""
    codes, uniques = _codes(df[column])
    missing = (uniques == "")[codes]
    if missing.any():
        raise _fail(int(np.flatnonzero(missing)[0]), column, "valeur manquante")
    used = np.flatnonzero(np.bincount(codes, minlength=len(uniques)) > 0)
    if natural:
        used = np.array(sorted(used, key=lambda u: natural_key(uniques[u])), dtype=np.int64)
    categories = pd.Index(uniques[used].astype(str), dtype=object)
    if not np.array_equal(used, np.arange(len(uniques))):
        remap = np.full(len(uniques), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        codes = remap[codes]
    return pd.Categorical.from_codes(codes, categories=categories)


def _text(df: pd.DataFrame, column: str) -> pd.Categorical:
    """Convert a free-text column (option, key, group...) to a Categorical; missing = ""."""
    codes, uniques = _codes(df[column])
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _numeric(df: pd.DataFrame, column: str, *, required: bool) -> np.ndarray:
    """Column as float64; error naming the line of the first non-numeric/missing value."""
    s = df[column]
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.isinf(values)
    else:
        text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
        values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = (np.isnan(values) & (text != "").to_numpy()) | np.isinf(values)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise _fail(pos, column, f"valeur non numérique « {s.iloc[pos]} »")
    if required:
        missing = np.isnan(values)
        if missing.any():
            raise _fail(int(np.flatnonzero(missing)[0]), column, "valeur manquante")
    return values


def _first_rows(items: np.ndarray, n_items: int) -> np.ndarray:
    """Position of the first row of each item."""
    first = np.full(n_items, len(items), dtype=np.int64)
    np.minimum.at(first, items, np.arange(len(items), dtype=np.int64))
    return first


def _check_constant(codes: np.ndarray, labels: Sequence, items: np.ndarray, column: str) -> None:
    """Error if a per-item attribute (max_score, key) differs between rows of an item."""
    reference = np.empty(int(items.max()) + 1, dtype=codes.dtype)
    reference[items] = codes  # any row of the item will do when the values are consistent
    if (codes != reference[items]).any():
        first_rows = _first_rows(items, len(reference))
        bad = codes != codes[first_rows][items]
        pos = int(np.flatnonzero(bad)[0])
        ref_pos = int(first_rows[items[pos]])
        raise _fail(
            pos,
            column,
            f"« {labels[pos]} » différent de « {labels[ref_pos]} » donné ligne ",
            1,
            " pour le même item",
            refs=(ref_pos,),
        )


def _canonical_names(columns: Sequence[str]) -> dict[str, str]:
    """'Attempt_ID' → 'attempt_id' when the exact name is absent (``group`` is named by the
    caller, e.g. ``dif --group COL``, so it keeps its spelling)."""
    present = set(columns)
    known = (*REQUIRED_COLUMNS, "max_score", "option", "key", "seconds")
    return {
        c: c.lower()
        for c in columns
        if c.lower() in known and c != c.lower() and c.lower() not in present
    }


def _count(n: int) -> str:
    """A count as French writes it: 10 000 000 (narrow no-break spaces)."""
    return f"{n:,}".replace(",", "\u202f")


def validate_responses(df: pd.DataFrame, *, max_cells: int | None = None) -> pd.DataFrame:
    """Check a long table and return a canonical copy (categorical ids, float scores).

    With ``max_cells``, a table of more attempts × items than that is refused before any
    matrix is made (`read_responses` gives MAX_CELLS)."""
    if not isinstance(df, pd.DataFrame):
        raise AnalyticsInputError("une table (DataFrame) est attendue")
    df = df.rename(columns=lambda c: str(c).strip())
    df = df.rename(columns=_canonical_names(df.columns))
    if df.columns.duplicated().any():
        raise AnalyticsInputError(f"colonne en double : {df.columns[df.columns.duplicated()][0]}")
    for column in REQUIRED_COLUMNS:
        if column not in df.columns:
            raise AnalyticsInputError(f"colonne obligatoire absente : {column}")
    if len(df) == 0:
        raise AnalyticsInputError("table vide : aucune réponse")
    df = df.reset_index(drop=True)
    out: dict[str, object] = {}
    attempts = _ids(df, "attempt_id", natural=False)
    items = _ids(df, "item_id", natural=True)
    a_codes = np.asarray(attempts.codes, dtype=np.int64)
    i_codes = np.asarray(items.codes, dtype=np.int64)
    n_items = len(items.categories)
    n_cells = len(attempts.categories) * n_items
    if max_cells is not None and n_cells > max_cells:
        raise AnalyticsInputError(
            f"{len(attempts.categories)} tentatives × {n_items} items = {_count(n_cells)} "
            f"cellules, au-delà de la limite de {_count(max_cells)} : analysez le fichier par "
            "parties (par période, par banque d'items)"
        )
    out["attempt_id"] = attempts
    out["item_id"] = items

    score = _numeric(df, "score", required=True)
    if "max_score" in df.columns:
        max_score = _numeric(df, "max_score", required=True)
        nonpos = max_score <= 0
        if nonpos.any():
            pos = int(np.flatnonzero(nonpos)[0])
            raise _fail(pos, "max_score", f"doit être > 0 (lu « {df['max_score'].iloc[pos]} »)")
        low, high = MAX_SCORE_RANGE
        outside = (max_score < low) | (max_score > high)
        if outside.any():
            pos = int(np.flatnonzero(outside)[0])
            raise _fail(
                pos,
                "max_score",
                f"{max_score[pos]:g} hors de l'intervalle [{low:g}, {_count(high)}]",
            )
        _check_constant(max_score, max_score, i_codes, "max_score")
    else:
        max_score = np.ones(len(df))
    out_of_range = (score < 0) | (score > max_score * (1 + 1e-12))
    if out_of_range.any():
        pos = int(np.flatnonzero(out_of_range)[0])
        raise _fail(
            pos, "score", f"score {score[pos]:g} hors de l'intervalle [0, {max_score[pos]:g}]"
        )
    out["score"] = score
    out["max_score"] = max_score

    cell = a_codes * n_items + i_codes
    seen = np.zeros(n_cells, dtype=bool)
    seen[cell] = True
    if np.count_nonzero(seen) < len(cell):  # fewer distinct cells than rows: a duplicate
        pos = int(np.flatnonzero(pd.Series(cell).duplicated(keep="first").to_numpy())[0])
        first = int(np.flatnonzero(cell == cell[pos])[0])
        raise _fail(
            pos,
            "attempt_id, item_id",
            "doublon de la ligne ",
            1,
            f" (attempt_id={attempts[pos]}, item_id={items[pos]})",
            refs=(first,),
        )

    for column in df.columns:
        if column in out:
            continue
        if column == "seconds":
            seconds = _numeric(df, "seconds", required=False)
            if (seconds < 0).any():
                raise _fail(int(np.flatnonzero(seconds < 0)[0]), "seconds", "durée négative")
            out["seconds"] = seconds
        else:
            out[column] = _text(df, column)
    if "key" in out:
        key = out["key"]
        _check_constant(np.asarray(key.codes), key, i_codes, "key")
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Forms:
    """Attempts grouped by the exact set of items presented (largest form first)."""

    index: np.ndarray
    patterns: np.ndarray
    counts: np.ndarray


def find_forms(presented: np.ndarray) -> Forms:
    """Group the rows of a presentation mask by identical pattern."""
    n, k = presented.shape
    if presented.all():
        return Forms(np.zeros(n, dtype=np.int64), np.ones((1, k), dtype=bool), np.array([n]))
    packed = np.ascontiguousarray(np.packbits(presented, axis=1))
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse, counts = np.unique(
        rows, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -counts))  # most attempts first, then first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return Forms(rank[inverse.ravel()], presented[first[order]], counts[order])


@dataclass(frozen=True)
class ResponseData:
    """A validated long table and its attempts × items score matrix (NaN = not presented)."""

    table: pd.DataFrame
    attempt_ids: np.ndarray
    item_ids: np.ndarray
    row_attempt: np.ndarray
    row_item: np.ndarray
    scores: np.ndarray
    max_scores: np.ndarray

    @property
    def n_attempts(self) -> int:
        """Number of attempts (rows of the matrix)."""
        return len(self.attempt_ids)

    @property
    def n_items(self) -> int:
        """Number of distinct items (columns of the matrix)."""
        return len(self.item_ids)

    @cached_property
    def presented(self) -> np.ndarray:
        """Boolean matrix: item presented to the attempt."""
        return ~np.isnan(self.scores)

    @cached_property
    def filled(self) -> np.ndarray:
        """Score matrix with 0 where not presented."""
        return np.nan_to_num(self.scores, nan=0.0)

    @cached_property
    def complete(self) -> bool:
        """True when every attempt saw every item."""
        return bool(self.presented.all())

    @cached_property
    def forms(self) -> Forms:
        """Attempts grouped by identical sets of presented items."""
        return find_forms(self.presented)

    @cached_property
    def pairwise_cov(self) -> np.ndarray:
        """Item covariances (n − 1) over the attempts that saw both items (NaN if < 2)."""
        if self.complete:
            xc = self.scores - self.scores.mean(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                return (xc.T @ xc) / (self.n_attempts - 1)
        n, k = self.scores.shape
        if n * k * k >= SPARSE_MIN_WORK and self.presented.mean() <= SPARSE_MAX_DENSITY:
            return _pairwise_cov_sparse(self.scores, self.presented)
        return _pairwise_cov_dense(self.scores, self.presented)

    def with_column(self, name: str, values: Sequence | np.ndarray) -> ResponseData:
        """The same data with one more text column (a value per row of ``table``), such as
        the grouping `mh_dif` or `item_drift` compares, without validating the table again;
        the matrices already computed are kept."""
        column = _text(pd.DataFrame({name: np.asarray(values, dtype=object)}), name)
        data = replace(self, table=self.table.assign(**{name: column}))
        data.__dict__.update(
            (key, value) for key, value in self.__dict__.items() if key not in data.__dict__
        )
        return data

    @cached_property
    def group_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Upper and lower 27 % group weights (``classical.upper_lower_weights``), computed
        once for the item statistics and the distractor analysis of the same data."""
        from analytics.classical import upper_lower_weights

        return upper_lower_weights(self)

    @cached_property
    def totals(self) -> np.ndarray:
        """Raw total score of each attempt (sum over presented items)."""
        return self.filled.sum(axis=1)

    @cached_property
    def max_totals(self) -> np.ndarray:
        """Maximum possible total of each attempt (sum of max_score over presented items)."""
        return self.presented @ self.max_scores

    @cached_property
    def proportions(self) -> np.ndarray:
        """Proportion-correct total of each attempt (total / max total)."""
        return self.totals / self.max_totals


#: An incomplete matrix whose dense products would cost at least this much (attempts × items²)
#: and of which at most this share was presented takes the sparse products: a period drawing
#: 20 items from a bank of 400 (5 %) over 2,000 attempts, 21 → 15 ms, over 20,000, 181 → 87 ms
#: (and the dense products slow down several times when other work shares the cores, the
#: sparse ones much less); a smaller or denser matrix keeps the dense products (BLAS), faster
#: there (500 × 400 at 5 %: 4.8 ms dense, 7.8 sparse; 5,000 × 100 at 40 %: 11 and 40 ms).
#: Measured by hand on the quiet 2-core machine, 2026-12-06 21:28 UTC (BENCHMARKS.md).
SPARSE_MIN_WORK = 200_000_000
SPARSE_MAX_DENSITY = 0.1


def _pairwise_cov_dense(scores: np.ndarray, presented: np.ndarray) -> np.ndarray:
    """``ResponseData.pairwise_cov`` of an incomplete design, from dense matrix products."""
    p = presented.astype(np.float32)
    n_pair = (p.T @ p).astype(np.float64)  # integer counts: exact in float32 below 2**24
    p = p.astype(np.float64)
    means = np.nan_to_num(scores, nan=0.0).sum(axis=0) / presented.sum(axis=0)
    xc = np.where(presented, scores - means, 0.0)
    s_pair = xc.T @ p  # [i, j]: sum of x_i over the attempts that saw i and j
    return _pairwise_cov_from(xc.T @ xc, s_pair, n_pair)


def _pairwise_cov_sparse(scores: np.ndarray, presented: np.ndarray) -> np.ndarray:
    """The same from sparse products: each attempt saw few of the period's items."""
    from scipy import sparse

    rows, cols = np.nonzero(presented)
    values = scores[rows, cols]
    k = scores.shape[1]
    means = np.bincount(cols, weights=values, minlength=k) / np.bincount(cols, minlength=k)
    p = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=scores.shape)
    xc = sparse.csr_array((values - means[cols], (rows, cols)), shape=scores.shape)
    return _pairwise_cov_from((xc.T @ xc).toarray(), (xc.T @ p).toarray(), (p.T @ p).toarray())


def _pairwise_cov_from(xx: np.ndarray, s_pair: np.ndarray, n_pair: np.ndarray) -> np.ndarray:
    """Covariances (n − 1) from the centred cross-products, the sums of x_i over the attempts
    that saw i and j, and the pair counts; NaN where fewer than 2 attempts saw both."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (xx - s_pair * s_pair.T / n_pair) / (n_pair - 1)
    cov[n_pair < 2] = np.nan
    return cov


def prepare(data: pd.DataFrame | ResponseData) -> ResponseData:
    """Validate a long table once and pivot it to the attempts × items matrix."""
    if isinstance(data, ResponseData):
        return data
    return _pivot(validate_responses(data))


def select_rows(data: ResponseData, rows: np.ndarray) -> ResponseData:
    """The rows of ``data`` where the boolean mask ``rows`` is true, as `prepare` makes them
    from the same rows of the table it was given, without validating them again.

    Rows of a valid table are valid, so only the categories are made again, as validation
    makes them from those rows: ids and texts in their order of first appearance (items in
    natural order), "" last among the texts when absent. This holds for text columns given as
    strings (as the application's loader gives them): validation puts the "" of a missing
    value (None, NaN) last rather than where it first appears, and keeps the unused
    categories of a categorical column.
    """
    table = data.table.loc[np.asarray(rows, dtype=bool)]
    if table.empty:
        raise AnalyticsInputError("table vide : aucune réponse")
    columns: dict[str, object] = {}
    for name in table.columns:
        values = table[name].array
        if not isinstance(values, pd.Categorical):
            columns[name] = np.asarray(values)
            continue
        used = pd.unique(np.asarray(values.codes, dtype=np.int64))
        categories = list(np.asarray(values.categories, dtype=object)[used])
        if name == "item_id":
            order = sorted(range(len(used)), key=lambda u: natural_key(categories[u]))
            used, categories = used[order], [categories[u] for u in order]
        elif name != "attempt_id" and "" not in categories:
            categories.append("")
        remap = np.full(len(values.categories), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        columns[name] = pd.Categorical.from_codes(
            remap[np.asarray(values.codes, dtype=np.int64)],
            categories=pd.Index(np.array(categories, dtype=object), dtype=object),
        )
    return _pivot(pd.DataFrame(columns))


def _pivot(table: pd.DataFrame) -> ResponseData:
    """The matrix of a validated table."""
    attempts = table["attempt_id"].array
    items = table["item_id"].array
    row_attempt = np.asarray(attempts.codes, dtype=np.int64)
    row_item = np.asarray(items.codes, dtype=np.int64)
    n_a, n_i = len(attempts.categories), len(items.categories)
    scores = np.full(n_a * n_i, np.nan)
    scores[row_attempt * n_i + row_item] = table["score"].to_numpy()
    max_scores = np.empty(n_i)
    max_scores[row_item] = table["max_score"].to_numpy()
    return ResponseData(
        table=table,
        attempt_ids=np.asarray(attempts.categories, dtype=object),
        item_ids=np.asarray(items.categories, dtype=object),
        row_attempt=row_attempt,
        row_item=row_item,
        scores=scores.reshape(n_a, n_i),
        max_scores=max_scores,
    )
