"""The SVG charts are well-formed, accessible images that carry their values as text."""

from defusedxml import ElementTree

from questionnaire.itemstats.charts import option_chart, trend_chart

NS = "{http://www.w3.org/2000/svg}"
OPTIONS = [
    {"option": "A", "is_key": False, "proportion": 0.1, "p_upper": 0.0, "p_lower": 0.25},
    {"option": "B", "is_key": True, "proportion": 0.62, "p_upper": 0.9, "p_lower": 0.33},
    {"option": "C & <D>", "is_key": False, "proportion": 0.0, "p_upper": 0.0, "p_lower": 0.0},
    {"option": "(omit)", "is_key": False, "proportion": 0.04, "p_upper": None, "p_lower": 0.1},
]


def _texts(root):
    return [element.text for element in root.iter(f"{NS}text")]


def test_option_chart_is_an_accessible_image_with_its_values():
    root = ElementTree.fromstring(str(option_chart(OPTIONS, "opt-1", "Choix des options")))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "opt-1-title opt-1-desc"
    assert root.find(f"{NS}title").get("id") == "opt-1-title"
    assert root.find(f"{NS}title").text == "Choix des options"
    texts = _texts(root)
    for value in ("10\u00a0%", "62\u00a0%", "90\u00a0%", "33\u00a0%", "25\u00a0%", "4\u00a0%"):
        assert value in texts
    assert "B (clé)" in texts and "Sans réponse" in texts
    assert "C & <D>" in texts  # escaped in the markup, intact once parsed
    legend = {"Ensemble des candidats", "Groupe fort (27 % les meilleurs)"}
    assert legend <= set(texts)
    # the groups differ by pattern, not by colour only
    assert {p.get("id") for p in root.iter(f"{NS}pattern")} == {"opt-1-hatch", "opt-1-dots"}


def test_trend_chart_writes_each_point():
    points = [("01/02/2026", 0.55, 0.31), ("01/03/2026", 0.6, None), ("01/04/2026", 0.7, -0.12)]
    root = ElementTree.fromstring(str(trend_chart(points, "trend-1")))
    assert root.get("role") == "img"
    texts = _texts(root)
    for value in ("0,55", "0,60", "0,70", "0,31", "−0,12", "01/03/2026"):
        assert value in texts
    assert len(list(root.iter(f"{NS}polyline"))) == 2


def test_trend_labels_of_close_values_do_not_overlap():
    root = ElementTree.fromstring(str(trend_chart([("a", 0.5, 0.5), ("b", 0.6, 0.6)], "t")))
    first = [e for e in root.iter(f"{NS}text") if e.text == "0,50"]
    assert len(first) == 2 and abs(float(first[0].get("y")) - float(first[1].get("y"))) >= 14


def _right_edge(element) -> float:
    """Rough right edge of a text (0.6 em per character at the chart's 12 px)."""
    width = 0.6 * 12 * len(element.text)
    anchor = element.get("text-anchor", "start")
    start = float(element.get("x")) - {"start": 0, "middle": width / 2, "end": width}[anchor]
    return start + width


def test_trend_labels_of_the_last_session_stay_inside_the_chart():
    points = [("04/09/2026", 0.58, -0.55), ("04/10/2026", 0.67, -0.38), ("03/11/2026", 0.67, -0.29)]
    root = ElementTree.fromstring(str(trend_chart(points, "trend-2")))
    width = float(root.get("width"))
    for element in root.iter(f"{NS}text"):
        assert _right_edge(element) <= width, element.text
