"""Server-side SVG bar charts (no JavaScript).

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; the page
puts the table with the same figures right after it (the accessible equivalent, and what the
exports contain). Values are printed next to the bars, and a second series is hatched, so nothing
depends on colour. Pure functions: plain data in, markup out.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
LABEL_WIDTH = 250
VALUE_WIDTH = 120
BAR_HEIGHT = 18
SERIES_GAP = 4
GROUP_GAP = 14
LEGEND_HEIGHT = 30
MAX_LABEL = 34


@dataclass(frozen=True)
class Series:
    name: str
    hatched: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float | None, ...]  # one per series; None draws no bar (unknown or hidden)
    texts: tuple[str, ...]  # the printed value per series, as in the table


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    series: list[Series],
    maximum: float | None = None,
) -> Markup:
    """A horizontal bar chart; ``maximum`` is the value of a full-width bar (default: the largest
    value). Returns SVG markup for direct inclusion in a page."""
    chart_id = str(escape(chart_id))
    values = [v for bar in bars for v in bar.values if v is not None]
    top = maximum if maximum else max(values, default=0) or 1
    legend = len(series) > 1
    group = len(series) * (BAR_HEIGHT + SERIES_GAP) - SERIES_GAP
    offset = LEGEND_HEIGHT if legend else 6
    height = offset + max(len(bars), 1) * (group + GROUP_GAP) + 4
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="report-chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect class="chart-hatch-bg" width="6" height="6"/>'
        f'<line class="chart-hatch-line" x1="0" y1="0" x2="0" y2="6" stroke-width="3"/></pattern></defs>',
    ]
    if legend:
        x = LABEL_WIDTH
        for index, s in enumerate(series):
            fill = f"url(#{chart_id}-hatch)" if s.hatched else ""
            cls = "chart-bar-hatched" if s.hatched else "chart-bar"
            fill_attr = f' fill="{fill}"' if fill else ""
            parts.append(
                f'<rect class="{cls}"{fill_attr} x="{x}" y="6" width="16" height="16"/>'
                f'<text class="chart-text" x="{x + 22}" y="19">{escape(s.name)}</text>'
            )
            x += 30 + 9 * len(s.name) + (10 if index == 0 else 0)
    if not bars:
        parts.append("</svg>")
        return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
    parts.append(
        f'<line class="chart-axis" x1="{LABEL_WIDTH}" y1="{offset - 3}" x2="{LABEL_WIDTH}" '
        f'y2="{height - 2}" stroke-width="1"/>'
    )
    y = offset
    for bar in bars:
        label_y = y + group / 2 + 5
        parts.append(
            f'<text class="chart-text" x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
        )
        for index, s in enumerate(series):
            value = bar.values[index] if index < len(bar.values) else None
            text = bar.texts[index] if index < len(bar.texts) else ""
            by = y + index * (BAR_HEIGHT + SERIES_GAP)
            width = 0.0
            if value is not None and value > 0:
                width = max(1.0, min(value / top, 1.0) * bar_area)
                fill = f' fill="url(#{chart_id}-hatch)"' if s.hatched else ""
                cls = "chart-bar-hatched" if s.hatched else "chart-bar"
                parts.append(
                    f'<rect class="{cls}"{fill} x="{LABEL_WIDTH}" y="{by}" width="{width:.1f}" '
                    f'height="{BAR_HEIGHT}"/>'
                )
            parts.append(
                f'<text class="chart-text chart-value" x="{LABEL_WIDTH + width + 6:.1f}" '
                f'y="{by + BAR_HEIGHT - 4}">{escape(text)}</text>'
            )
        y += group + GROUP_GAP
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
