"""Server-side SVG charts, readable without colour: patterns, labels and values written.

Built with ElementTree (which escapes every text), embedded inline with ``role="img"``, a
``<title>`` and a ``<desc>``; the page always shows the same numbers in a data table too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from questionnaire.itemstats.flags import decimal_fr, option_label, percent_fr

SVG_NS = "http://www.w3.org/2000/svg"
INK = "#1b1b1b"
# (label, field, fill) — the fill refers to a pattern defined in <defs>, not to a colour alone
OPTION_SERIES = (
    ("Ensemble des candidats", "proportion", "solid"),
    ("Groupe fort (27 % les meilleurs)", "p_upper", "hatch"),
    ("Groupe faible (27 % les moins bons)", "p_lower", "dots"),
)
BAR_WIDTH = 300
BAR_HEIGHT = 12
LABEL_WIDTH = 120


def _svg(width: int, height: int, chart_id: str, title: str, description: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "stats-chart",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "font-family": "system-ui, sans-serif",
            "font-size": "12",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _patterns(svg: ET.Element, chart_id: str) -> dict[str, str]:
    """Fills that differ by shape, not only by hue: solid, diagonal hatching, dots."""
    defs = ET.SubElement(svg, "defs")
    hatch = ET.SubElement(
        defs,
        "pattern",
        {
            "id": f"{chart_id}-hatch",
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(hatch, "rect", {"width": "6", "height": "6", "fill": "#ffffff"})
    ET.SubElement(
        hatch,
        "line",
        {"x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": INK, "stroke-width": "3"},
    )
    dots = ET.SubElement(
        defs,
        "pattern",
        {"id": f"{chart_id}-dots", "width": "5", "height": "5", "patternUnits": "userSpaceOnUse"},
    )
    ET.SubElement(dots, "rect", {"width": "5", "height": "5", "fill": "#ffffff"})
    ET.SubElement(dots, "circle", {"cx": "2.5", "cy": "2.5", "r": "1.2", "fill": INK})
    return {
        "solid": "#0b4f8a",
        "hatch": f"url(#{chart_id}-hatch)",
        "dots": f"url(#{chart_id}-dots)",
    }


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:g}", "y": f"{y:g}", "fill": INK, **attrs})
    element.text = text
    return element


def _markup(svg: ET.Element) -> Markup:
    return Markup(ET.tostring(svg, encoding="unicode"))  # ElementTree escaped every text


def option_chart(options: list[dict], chart_id: str, title: str) -> Markup:
    """Horizontal bars per option: whole group, upper and lower 27 %, values written."""
    legend_height = 22 * len(OPTION_SERIES) + 8
    group_height = BAR_HEIGHT * len(OPTION_SERIES) + 16
    width = LABEL_WIDTH + BAR_WIDTH + 60
    height = legend_height + group_height * len(options) + 4
    svg = _svg(
        width,
        height,
        chart_id,
        title,
        "Pour chaque option, part des candidats qui l'ont choisie : ensemble, groupe fort et "
        "groupe faible. Les valeurs sont écrites au bout des barres et reprises dans le tableau.",
    )
    fills = _patterns(svg, chart_id)
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    for i, (label, _field, fill) in enumerate(OPTION_SERIES):
        y = 4 + 22 * i
        ET.SubElement(
            legend,
            "rect",
            {
                "x": "0",
                "y": str(y),
                "width": "28",
                "height": "14",
                "fill": fills[fill],
                "stroke": INK,
            },
        )
        _text(legend, 36, y + 11, label)
    for index, row in enumerate(options):
        top = legend_height + group_height * index
        group = ET.SubElement(svg, "g", {"class": "option"})
        name = option_label(row["option"])
        if row.get("is_key"):
            name += " (clé)"
        _text(group, 0, top + BAR_HEIGHT * 2, name, **{"font-weight": "bold"})
        for j, (label, field, fill) in enumerate(OPTION_SERIES):
            value = row.get(field) or 0.0
            y = top + BAR_HEIGHT * j
            bar = ET.SubElement(
                group,
                "rect",
                {
                    "x": str(LABEL_WIDTH),
                    "y": str(y),
                    "width": f"{max(value * BAR_WIDTH, 1):.1f}",
                    "height": str(BAR_HEIGHT - 2),
                    "fill": fills[fill],
                    "stroke": INK,
                    "stroke-width": "0.5",
                },
            )
            ET.SubElement(bar, "title").text = f"{name}, {label} : {percent_fr(row.get(field))}"
            _text(
                group,
                LABEL_WIDTH + value * BAR_WIDTH + 6,
                y + BAR_HEIGHT - 3,
                percent_fr(row.get(field)),
            )
    return _markup(svg)


def trend_chart(points: list[tuple[str, float | None, float | None]], chart_id: str) -> Markup:
    """Facility (solid line, circles) and item-rest correlation (dashed, squares) per session."""
    width, height, left, top, plot_h = 560, 240, 50, 40, 150
    # the last session's values are written right of its point, its date centred under it
    right = 70
    step = (width - left - right) / max(len(points) - 1, 1)
    svg = _svg(
        width,
        height,
        chart_id,
        "Évolution par session de la facilité et de la discrimination",
        "Ligne continue à ronds : facilité (part de bonnes réponses). Ligne pointillée à "
        "carrés : corrélation item-reste. Les valeurs sont écrites à chaque point et reprises "
        "dans le tableau par session.",
    )

    def y_of(value: float) -> float:
        value = min(max(value, -0.5), 1.0)  # scale from −0,5 to 1
        return top + (1 - (value + 0.5) / 1.5) * plot_h

    axis = ET.SubElement(svg, "g", {"class": "axis"})
    for tick in (-0.5, 0.0, 0.5, 1.0):
        y = y_of(tick)
        ET.SubElement(
            axis,
            "line",
            {
                "x1": str(left),
                "x2": str(width - 20),
                "y1": f"{y:.1f}",
                "y2": f"{y:.1f}",
                "stroke": "#8a8a8a",
                "stroke-width": "0.5",
            },
        )
        _text(axis, left - 6, y + 4, decimal_fr(tick, 1), **{"text-anchor": "end"})
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    series = (
        ("Facilité", 1, "none", "circle"),
        ("Corrélation item-reste", 2, "6 4", "square"),
    )
    for i, (label, _column, dash, marker) in enumerate(series):
        x = left + 200 * i
        ET.SubElement(
            legend,
            "line",
            {
                "x1": str(x),
                "x2": str(x + 30),
                "y1": "14",
                "y2": "14",
                "stroke": INK,
                "stroke-width": "2",
                "stroke-dasharray": dash,
            },
        )
        _marker(legend, marker, x + 15, 14)
        _text(legend, x + 38, 18, label)
    for i, (label, *_values) in enumerate(points):
        _text(svg, left + step * i, height - 10, label, **{"text-anchor": "middle"})
    for label, column, dash, marker in series:
        line = ET.SubElement(svg, "g", {"class": "series"})
        ET.SubElement(line, "title").text = label
        coords = [
            (left + step * i, y_of(point[column]), point[column])
            for i, point in enumerate(points)
            if point[column] is not None
        ]
        if len(coords) > 1:
            ET.SubElement(
                line,
                "polyline",
                {
                    "points": " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in coords),
                    "fill": "none",
                    "stroke": INK,
                    "stroke-width": "2",
                    "stroke-dasharray": dash,
                },
            )
        for x, y, value in coords:
            _marker(line, marker, x, y)
            # facility written above its point, discrimination below: close values stay legible
            _text(line, x + 7, y - 7 if marker == "circle" else y + 16, decimal_fr(value))
    return _markup(svg)


def _marker(parent: ET.Element, shape: str, x: float, y: float) -> None:
    if shape == "circle":
        ET.SubElement(parent, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "4", "fill": INK})
    else:
        ET.SubElement(
            parent,
            "rect",
            {
                "x": f"{x - 4:.1f}",
                "y": f"{y - 4:.1f}",
                "width": "8",
                "height": "8",
                "fill": "#ffffff",
                "stroke": INK,
                "stroke-width": "2",
            },
        )
