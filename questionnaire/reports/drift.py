"""The drift section of the period report: items compared across the halves, cohort adjusted."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from analytics import ResponseData, item_drift, prepare
from analytics.io import natural_key
from questionnaire.reports.dif import MIN_ITEM_COPIES, ets_label
from questionnaire.reports.tables import Column, Kind, Table, finite

#: ETS classes flagged as drift: B (moderate) and C (large).
FLAGGED = {"B": "dérive modérée", "C": "dérive forte"}
BEFORE, AFTER = "1re moitié", "2e moitié"
DRIFT_METHOD = (
    "L'écart brut de facilité mêle deux choses : l'évolution de l'item et celle du niveau des "
    "candidats (une cohorte plus forte trouve tous les items plus faciles). La dérive est donc "
    "mesurée à niveau égal, comme un DIF entre les deux moitiés (Mantel-Haenszel, Holland et "
    "Thayer 1988) : les copies sont appariées sur leur score total (et sur le score maximal "
    "avec des formes tirées au hasard), l'item compris. D = −2,35 ln(alpha MH) sur l'échelle "
    "delta de l'ETS : négatif, l'item est devenu plus difficile à score égal ; positif, plus "
    "facile. Classes ETS au seuil de 5 % : A (négligeable), B (modérée), C (forte) ; dérive "
    "signalée à partir de la classe B. Une cohorte seulement plus forte ou plus faible ne fait "
    f"dériver aucun item. « non évaluable » : moins de {MIN_ITEM_COPIES} copies dans une "
    "moitié ; avec moins de 100 copies par moitié, les classes sont indicatives ; « n.d. » : "
    "D non défini. Lignes triées par |D| décroissant."
)

COLUMNS = (
    Column("item_id", "Item"),
    Column("n_first", f"Copies ({BEFORE})", Kind.INT),
    Column("facility_first", f"Facilité ({BEFORE})", Kind.DECIMAL),
    Column("n_second", f"Copies ({AFTER})", Kind.INT),
    Column("facility_second", f"Facilité ({AFTER})", Kind.DECIMAL),
    Column("change", "Écart brut de facilité (non ajusté)", Kind.DECIMAL),
    Column("mh_alpha", "Alpha MH", Kind.DECIMAL),
    Column("mh_p", "p", Kind.PVALUE),
    Column("mh_d", "D (delta ETS, à score égal)", Kind.DECIMAL),
    Column("mh_d_se", "Erreur type de D", Kind.DECIMAL),
    Column("ets_class", "Classe ETS"),
    Column("flag", "Signalement"),
)


def drift_table(
    table: pd.DataFrame | ResponseData, started: dict[str, datetime], middle: datetime
) -> Table:
    """Each item version seen in both halves of the period, its drift measured at equal score
    (``table`` already prepared by the period report: not validated again)."""
    data = prepare(table)
    first_half = np.array([started[a] < middle for a in data.attempt_ids], dtype=bool)
    rows: list[tuple] = []
    if first_half.any() and not first_half.all():
        halves = data.with_column("half", np.where(first_half, BEFORE, AFTER)[data.row_attempt])
        drift = item_drift(halves, "half", BEFORE, AFTER)
        rows = sorted((_row(row) for row in drift.itertuples(index=False)), key=_by_size)
    return Table(
        "derive",
        "Dérive des items (première et seconde moitié de la période, à niveau égal)",
        COLUMNS,
        tuple(rows),
        sheet="Dérive des items",
    )


def _row(row) -> tuple:
    d = finite(row.mh_d)
    n_first, n_second = int(row.n_before), int(row.n_after)
    label = ets_label(n_first, n_second, d, row.ets_class)
    flag = ""
    if label in FLAGGED:
        flag = f"{FLAGGED[label]} ({'plus difficile' if d < 0 else 'plus facile'})"
    return (
        row.item_id,
        n_first,
        float(row.facility_before),
        n_second,
        float(row.facility_after),
        float(row.raw_change),
        finite(row.mh_alpha),
        finite(row.mh_p),
        d,
        finite(row.mh_d_se),
        label,
        flag,
    )


def _by_size(row: tuple) -> tuple:
    """|D| descending, undefined last, then by item (natural order: I2 before I10)."""
    d = row[8]
    return (d is None, -abs(d) if d is not None else 0.0, natural_key(row[0]))
