"""Server-side SVG charts: accessible names, values printed next to the bars, hidden figures drawn
as no bar, text escaped. Pure functions, no app."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.reports.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup we just generated


def test_chart_is_an_image_named_by_its_title_and_description():
    svg = parse(
        bar_chart(
            "c1",
            "Pabeigušo īpatsvars",
            "Tie paši skaitļi ir tabulā zemāk.",
            [Bar("Sensorā lasītava", (0.5,), ("50,0%",))],
            [Series("Pabeigušo īpatsvars")],
            maximum=1,
        )
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}title").text == "Pabeigušo īpatsvars"
    assert svg.find(f"{SVG}desc").text == "Tie paši skaitļi ir tabulā zemāk."


def test_bars_are_proportional_and_values_printed():
    svg = parse(
        bar_chart(
            "c2",
            "t",
            "d",
            [Bar("A", (1.0,), ("100%",)), Bar("B", (0.25,), ("25%",)), Bar("C", (None,), ("–",))],
            [Series("s")],
            maximum=1,
        )
    )
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    widths = [float(r.get("width")) for r in bars]
    full = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert widths == [full, full / 4]  # nothing is drawn for the hidden value
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert ["A", "100%", "B", "25%", "C", "–"] == texts


def test_second_series_is_hatched_and_has_a_legend():
    markup = str(
        bar_chart(
            "c3",
            "t",
            "d",
            [Bar("1. Sveiciens", (6, 4), ("6", "4"))],
            [Series("Atvēruši"), Series("Pabeiguši", hatched=True)],
            maximum=7,
        )
    )
    svg = parse(markup)
    hatched = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-bar-hatched"]
    assert hatched and all(r.get("fill") == "url(#c3-hatch)" for r in hatched)
    assert svg.find(f".//{SVG}pattern").get("id") == "c3-hatch"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:2] == ["Atvēruši", "Pabeiguši"]  # the legend


def test_labels_are_escaped_and_long_ones_shortened():
    markup = str(
        bar_chart(
            "c4",
            "<script>alert(1)</script>",
            "d",
            [Bar("Pasvalio Mariaus Katiliškio viešoji biblioteka <b>", (1,), ("1",))],
            [Series("s")],
        )
    )
    assert "<script>" not in markup and "<b>" not in markup
    svg = parse(markup)
    label = next(t.text for t in svg.iter(f"{SVG}text") if t.text.startswith("Pasvalio"))
    assert label.endswith("…") and len(label) <= 34


def test_an_empty_chart_is_still_valid_svg():
    svg = parse(bar_chart("c5", "t", "d", [], [Series("s")]))
    assert svg.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox"))
