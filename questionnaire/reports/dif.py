"""The DIF section of the session report: analysis groups, their choice, Mantel-Haenszel tables."""

from __future__ import annotations

from analytics import ResponseData, mh_dif
from analytics.io import natural_key
from questionnaire.reports.tables import Column, Kind, Table, finite

#: Below this many copies in either group an item's ETS class is « non évaluable ».
MIN_ITEM_COPIES = 20
#: Groups with fewer finalised attempts are neither analysed nor shown with their size: too few
#: to compare, and a small group could point at a person.
MIN_GROUP_SIZE = 5
NO_GROUP = (
    "Aucun groupe d'analyse n'est renseigné sur les inscriptions de cette session : l'analyse "
    "du fonctionnement différentiel des items (DIF, Mantel-Haenszel) n'est pas réalisée."
)
DIF_METHOD = (
    "Mantel-Haenszel : candidats appariés sur le score total (bibliothèque analytics, mh_dif) ; "
    "alpha MH = rapport de cotes commun (> 1 : item favorable au groupe de référence) ; "
    "D-DIF = −2,35 ln(alpha MH) sur l'échelle delta de l'ETS (négatif : item plus difficile "
    "pour le groupe focal à niveau égal) ; classes ETS A (négligeable), B (modérée), "
    "C (forte), au seuil de 5 %. Avec moins de 100 copies par groupe, les classes sont "
    "indicatives ; « n.d. » : D-DIF non défini ; « non évaluable » : moins de 20 copies dans "
    "un groupe. Lignes triées par |D-DIF| décroissant."
)


class DifChoiceError(ValueError):
    """The reference or focal group asked for cannot be analysed."""


def group_sizes(data: ResponseData) -> dict[str, int]:
    """Finalised attempts per analysis group ('' = no group), largest first."""
    if "group" not in data.table.columns:
        return {}
    per_attempt = data.table.drop_duplicates("attempt_id")["group"].astype(str)
    counts = per_attempt.value_counts()
    return dict(sorted(((str(g), int(n)) for g, n in counts.items()), key=lambda x: (-x[1], x[0])))


def eligible_groups(sizes: dict[str, int]) -> list[str]:
    """Named groups large enough to be compared, largest first (ties by name)."""
    return [group for group, n in sizes.items() if group and n >= MIN_GROUP_SIZE]


def choose_groups(
    sizes: dict[str, int], reference: str | None = None, focal: str | None = None
) -> tuple[str, str] | None:
    """The (reference, focal) pair: as asked, else the two largest groups; None if impossible."""
    eligible = eligible_groups(sizes)
    if not reference and not focal:
        return (eligible[0], eligible[1]) if len(eligible) >= 2 else None
    if not reference or not focal:
        raise DifChoiceError("Choisissez à la fois le groupe de référence et le groupe focal.")
    for name in (reference, focal):
        if name not in eligible:
            raise DifChoiceError(
                f"Groupe « {name} » inconnu ou de moins de {MIN_GROUP_SIZE} copies."
            )
    if reference == focal:
        raise DifChoiceError("Les groupes de référence et focal doivent être différents.")
    return reference, focal


def group_table(sizes: dict[str, int]) -> Table:
    """Attempts per group; groups under the minimum are pooled, not named."""
    rows = [(g, n) for g, n in sizes.items() if g and n >= MIN_GROUP_SIZE]
    small = [n for g, n in sizes.items() if g and n < MIN_GROUP_SIZE]
    if small:
        rows.append((f"Autres groupes (moins de {MIN_GROUP_SIZE} copies chacun)", sum(small)))
    if sizes.get(""):
        rows.append(("Sans groupe", sizes[""]))
    return Table(
        "dif_groupes",
        "Groupes d'analyse (copies notées)",
        (Column("group", "Groupe"), Column("count", "Copies", Kind.INT)),
        tuple(rows),
        sheet="Groupes d'analyse DIF",
    )


def dif_table(data: ResponseData, reference: str, focal: str) -> Table:
    """Mantel-Haenszel DIF of every item between the two groups (the library's numbers)."""
    rows = mh_dif(data, "group", reference, focal)
    return Table(
        "dif",
        f"DIF Mantel-Haenszel : référence « {reference} », focal « {focal} »",
        (
            Column("item_id", "Item"),
            Column("n_reference", "Copies (référence)", Kind.INT),
            Column("n_focal", "Copies (focal)", Kind.INT),
            Column("mh_alpha", "Alpha MH", Kind.DECIMAL),
            Column("mh_chi2", "Khi-deux MH", Kind.DECIMAL),
            Column("mh_p", "p", Kind.PVALUE),
            Column("mh_d_dif", "D-DIF (delta ETS)", Kind.DECIMAL),
            Column("mh_d_dif_se", "Erreur type de D-DIF", Kind.DECIMAL),
            Column("ets_class", "Classe ETS"),
        ),
        tuple(sorted((_dif_row(row) for row in rows.itertuples(index=False)), key=_by_size)),
        sheet="DIF Mantel-Haenszel",
    )


def ets_label(n_reference: int, n_focal: int, d_dif: float | None, ets_class: str) -> str:
    """The ETS class shown: « non évaluable » on too few copies, « n.d. » without a D-DIF."""
    if min(n_reference, n_focal) < MIN_ITEM_COPIES:
        return "non évaluable"
    if d_dif is None or not ets_class:
        return "n.d."
    return ets_class


def _dif_row(row) -> tuple:
    d_dif = finite(row.mh_d_dif)
    n_reference, n_focal = int(row.n_reference), int(row.n_focal)
    return (
        row.item_id,
        n_reference,
        n_focal,
        finite(row.mh_alpha),
        finite(row.mh_chi2),
        finite(row.mh_p),
        d_dif,
        finite(row.mh_d_dif_se),
        ets_label(n_reference, n_focal, d_dif, row.ets_class),
    )


def _by_size(row: tuple) -> tuple:
    """|D-DIF| descending, undefined last, then by item (natural order: I2 before I10)."""
    d_dif = row[6]
    return (d_dif is None, -abs(d_dif) if d_dif is not None else 0.0, natural_key(row[0]))


def dif_section_parts(
    data: ResponseData, reference: str | None = None, focal: str | None = None
) -> tuple[tuple[str, ...], tuple[Table, ...]]:
    """Paragraphs and tables of the DIF section (DifChoiceError for an impossible choice)."""
    sizes = group_sizes(data)
    if not any(sizes.get(g) for g in sizes if g):
        if reference or focal:  # groups asked for where there is none: refused, not ignored
            choose_groups(sizes, reference, focal)
        return (NO_GROUP,), ()
    pair = choose_groups(sizes, reference, focal)
    if pair is None:
        return (
            f"Moins de deux groupes d'analyse comptent au moins {MIN_GROUP_SIZE} copies : "
            "l'analyse DIF n'est pas réalisée.",
        ), (group_table(sizes),)
    how = "choisis" if reference else "les deux plus nombreux"
    return (
        f"Groupes comparés ({how}) : référence « {pair[0]} » ({sizes[pair[0]]} copies), "
        f"focal « {pair[1]} » ({sizes[pair[1]]} copies).",
        DIF_METHOD,
    ), (group_table(sizes), dif_table(data, *pair))
