"""Bar charts drawn on the server as SVG: the geometry here, the markup by `dashboard_chart`
(cases/reporting/templatetags/reporting.py). No JavaScript. Every chart is a picture of the
table printed with it (the table is the accessible version), and carries a text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
# Each row's label sits on its own line above its bars, so a long label is never cut off.
LABEL_HEIGHT = 18
BAR_AREA = WIDTH - 70
ROW_HEIGHT = 20
BAR_HEIGHT = 14
# GOV.UK blue and dark grey: each has more than 3:1 contrast with white (WCAG 1.4.11).
COLOURS = ("#1d70b8", "#505a5f")


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    colour: str
    value_text: str
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Column:
    x: int
    y: int
    width: int
    height: int
    label: str  # printed under the axis for some columns only, so the labels do not collide
    label_x: int


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    height: int
    rows: list[Row] = field(default_factory=list)
    series: list[tuple[str, str]] = field(default_factory=list)  # (name, colour) for the key
    width: int = WIDTH
    columns: list[Column] = field(default_factory=list)
    axis_y: int = 0
    top_text: str = ""


def _text(value: float | None, unit: str) -> str:
    if value is None:
        return "none"
    return f"{value:g}{unit}"


def bar_chart(
    key: str,
    title: str,
    description: str,
    items: list[tuple[str, list[float | None]]],
    *,
    series: list[str] | None = None,
    unit: str = "",
    maximum: float | None = None,
) -> Chart:
    """Horizontal bars: one row per item, one bar per series in it."""
    series = series or [""]
    top = max([maximum or 0.0] + [v for _, values in items for v in values if v is not None]) or 1.0
    per_row = LABEL_HEIGHT + ROW_HEIGHT * len(series) + 10
    rows = []
    for i, (label, values) in enumerate(items):
        y0 = i * per_row + 4
        bars = []
        for s, value in enumerate(values):
            width = round(BAR_AREA * (value or 0) / top)
            y = y0 + LABEL_HEIGHT + s * ROW_HEIGHT
            bars.append(
                Bar(
                    x=0,
                    y=y,
                    width=max(width, 1 if value else 0),
                    height=BAR_HEIGHT,
                    colour=COLOURS[s % len(COLOURS)],
                    value_text=_text(value, unit),
                    text_x=width + 6,
                    text_y=y + BAR_HEIGHT - 2,
                )
            )
        rows.append(Row(label=label, label_y=y0 + LABEL_HEIGHT - 5, bars=bars))
    return Chart(
        key=key,
        title=title,
        description=description,
        height=max(per_row * len(items) + 8, 30),
        rows=rows,
        series=[(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series) if name],
    )


COLUMN_AREA_HEIGHT = 160


def column_chart(
    key: str, title: str, description: str, items: list[tuple[str, int]], *, labels: int = 8
) -> Chart:
    """Vertical columns, one per item (the weeks of a period), with about `labels` of their
    labels printed under the axis."""
    top = max([v for _, v in items] + [1])
    n = max(len(items), 1)
    step = BAR_AREA / n
    every = max(1, -(-n // labels))
    columns = []
    for i, (label, value) in enumerate(items):
        height = round(COLUMN_AREA_HEIGHT * value / top)
        x = round(i * step)
        columns.append(
            Column(
                x=x,
                y=20 + COLUMN_AREA_HEIGHT - height,
                width=max(1, round(step) - 2),
                height=height,
                label=label if i % every == 0 else "",
                label_x=x,
            )
        )
    return Chart(
        key=key,
        title=title,
        description=description,
        height=20 + COLUMN_AREA_HEIGHT + 24,
        columns=columns,
        axis_y=20 + COLUMN_AREA_HEIGHT,
        top_text=f"Highest: {top}",
    )
