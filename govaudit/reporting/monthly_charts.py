"""Geometry of the monthly report's trend charts (one value per day of the month); the SVG itself is the
template reports/templates/monthly/chart.svg (no script, no network)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass
class DayChart:
    name: str  # file stem
    title: str
    unit: str
    kind: str  # bar | line
    width: int = 720
    height: int = 260
    left: int = 48
    right: int = 16
    top: int = 36
    bottom: int = 40
    bars: list[Bar] = field(default_factory=list)
    points: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, y, day, value
    yticks: list[tuple[float, str]] = field(default_factory=list)
    xlabels: list[tuple[float, str]] = field(default_factory=list)
    empty: bool = True

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _d, _v in self.points)

    @property
    def baseline(self) -> float:
        return float(self.height - self.bottom)


def _nice_top(value: float, ticks: int = 4) -> float:
    """The smallest round top (ticks x 1, 2, 2.5 or 5 x 10^k) at or above `value`."""
    if value <= 0:
        return float(ticks)
    raw = value / ticks
    exp = 10 ** math.floor(math.log10(raw))
    step = next(s * exp for s in (1, 2, 2.5, 5, 10) if s * exp >= raw)
    if exp >= 1 and step != int(step):
        step = math.ceil(step)
    return step * ticks


def day_chart(name: str, title: str, unit: str, kind: str, series: list[tuple[dt.date, float | None]],
              lo: float | None = None, hi: float | None = None) -> DayChart:
    chart = DayChart(name, title, unit, kind)
    values = [v for _d, v in series if v is not None]
    if not series:
        return chart
    chart.empty = not values
    top = hi if hi is not None else _nice_top(max(values, default=0))
    bottom = lo if lo is not None else 0.0
    if top <= bottom:
        top = bottom + 1
    span_x = chart.width - chart.left - chart.right
    span_y = chart.height - chart.top - chart.bottom
    slot = span_x / len(series)

    def y_of(v: float) -> float:
        return chart.top + span_y * (top - max(bottom, min(v, top))) / (top - bottom)

    for i in range(5):
        v = bottom + (top - bottom) * i / 4
        chart.yticks.append((y_of(v), f"{v:g}"))
    for i, (day, value) in enumerate(series):
        x = chart.left + slot * i
        if day.day == 1 or (day.day % 5 == 0 and len(series) - 1 - i >= 2) or i == len(series) - 1:
            chart.xlabels.append((x + slot / 2, f"{day.month}/{day.day}"))
        if value is None:
            continue
        if kind == "bar":
            y = y_of(value)
            chart.bars.append(Bar(x + slot * 0.15, y, slot * 0.7, chart.baseline - y, day.isoformat(), value))
        else:
            chart.points.append((x + slot / 2, y_of(value), day.isoformat(), value))
    return chart
