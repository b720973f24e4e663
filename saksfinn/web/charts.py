"""Plain SVG charts as geometry: pure functions from counts to rectangles and labels.

A :class:`Chart` is drawn by one template macro (``_chart.html``); no JavaScript and
no external library. Labels are plain strings and are escaped by the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PALETTE = (
    "#1f6f8b", "#e07a1f", "#3a9a4a", "#c0392b", "#7d5ba6", "#8c6d3f",
    "#d45d9e", "#6c7a89", "#a3a32b", "#2bb3c0", "#34495e", "#b3876b",
)
POSITIVE, NEGATIVE = "#2e8b57", "#c0392b"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str  # tooltip


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    css: str = "lbl"


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, text)

    @property
    def empty(self) -> bool:
        return not self.rects


def theme_colours(themes: list[str]) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}


def heatmap(
    rows: list[str], cols: list[str], counts: dict[tuple[str, str], int], *,
    row_label: dict[str, str] | None = None, cell: float = 44, left: float = 210, top: float = 90,
) -> Chart:
    """A grid of ``rows`` × ``cols``; darker cells hold more; the count is printed in the cell."""
    row_label = row_label or {}
    peak = max(counts.values(), default=0)
    rects, labels = [], []
    for j, col in enumerate(cols):
        x = left + j * cell + cell / 2
        labels.append(Label(x, top - 8, col, anchor="start", css="lbl col"))
    for i, row in enumerate(rows):
        y = top + i * cell
        name = row_label.get(row, row)
        labels.append(Label(left - 8, y + cell / 2 + 4, name, anchor="end"))
        for j, col in enumerate(cols):
            n = counts.get((row, col), 0)
            rects.append(Rect(left + j * cell + 1, y + 1, cell - 2, cell - 2, _shade(n, peak), f"{name}, {col}: {n}"))
            if n:
                labels.append(Label(left + j * cell + cell / 2, y + cell / 2 + 4, str(n), anchor="middle",
                                    css="num light" if peak and n / peak > 0.55 else "num"))
    return Chart(left + len(cols) * cell + 20, top + len(rows) * cell + 10, rects, labels)


def stacked_columns(
    groups: list[int | str], series: list[str], counts: dict[tuple[str, int | str], int], *,
    series_label: dict[str, str] | None = None, height: float = 260, bar: float = 46, left: float = 50,
) -> Chart:
    """One column per group (e.g. year), stacked by series (e.g. theme), with a legend."""
    series_label = series_label or {}
    colours = theme_colours(series)
    totals = {g: sum(counts.get((s, g), 0) for s in series) for g in groups}
    peak = max(totals.values(), default=0) or 1
    top, rects, labels = 20.0, [], []
    base = top + height
    for k in (0, peak // 2, peak):
        y = base - height * k / peak
        labels.append(Label(left - 6, y + 4, str(k), anchor="end", css="num"))
    for j, g in enumerate(groups):
        x = left + j * (bar + 14) + 8
        y = base
        for s in series:
            n = counts.get((s, g), 0)
            if not n:
                continue
            h = height * n / peak
            y -= h
            rects.append(Rect(x, y, bar, h, colours[s], f"{g}, {series_label.get(s, s)}: {n}"))
        labels.append(Label(x + bar / 2, base + 16, str(g), anchor="middle"))
        labels.append(Label(x + bar / 2, y - 4, str(totals[g]), anchor="middle", css="num"))
    legend = [(colours[s], series_label.get(s, s)) for s in series]
    return Chart(left + len(groups) * (bar + 14) + 20, base + 30, rects, labels, legend)


def diverging_bars(
    rows: list[str], negative: dict[str, int], positive: dict[str, int], *,
    row_label: dict[str, str] | None = None, half: float = 220, left: float = 210, row_h: float = 28,
) -> Chart:
    """Negative counts to the left of a centre line, positive to the right, one row each."""
    row_label = row_label or {}
    peak = max([*negative.values(), *positive.values(), 1])
    centre, top = left + half, 30.0
    rects = []
    labels = [Label(centre - 6, top - 10, "Negative", anchor="end", css="lbl neg"),
              Label(centre + 6, top - 10, "Positive", css="lbl pos")]
    for i, row in enumerate(rows):
        y = top + i * row_h
        name = row_label.get(row, row)
        labels.append(Label(left - 8, y + row_h / 2 + 4, name, anchor="end"))
        neg, pos = negative.get(row, 0), positive.get(row, 0)
        if neg:
            w = half * neg / peak
            rects.append(Rect(centre - w, y + 4, w, row_h - 8, NEGATIVE, f"{name}: {neg} negative"))
            labels.append(Label(centre - w - 4, y + row_h / 2 + 4, str(neg), anchor="end", css="num"))
        if pos:
            w = half * pos / peak
            rects.append(Rect(centre, y + 4, w, row_h - 8, POSITIVE, f"{name}: {pos} positive"))
            labels.append(Label(centre + w + 4, y + row_h / 2 + 4, str(pos), css="num"))
    rects.append(Rect(centre - 0.5, top - 4, 1, len(rows) * row_h + 8, "#444", "0"))
    return Chart(centre + half + 50, top + len(rows) * row_h + 20, rects, labels,
                 [(NEGATIVE, "Negative erfaringer"), (POSITIVE, "Positive erfaringer")])


def _shade(n: int, peak: int) -> str:
    """White to deep blue by ``n / peak``."""
    if n == 0 or peak == 0:
        return "#f3f5f7"
    f = 0.15 + 0.85 * n / peak
    r, g, b = (int(255 - (255 - c) * f) for c in (22, 78, 130))
    return f"#{r:02x}{g:02x}{b:02x}"
