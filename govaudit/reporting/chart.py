"""Geometry of the inline SVG pass-rate trend chart (the template draws it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from govaudit.reporting.views import TrendPoint


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value: Decimal
    current: bool


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[ChartPoint] = field(default_factory=list)
    ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, percent)
    xlabels: list[tuple[float, str]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trend_chart(trend: list[TrendPoint], width: int = 640, height: int = 240) -> Chart:
    left, right, top, bottom = 44, 16, 16, 36
    chart = Chart(width, height, left, right, top, bottom)
    rated = [p for p in trend if p.pass_rate is not None]
    if not rated:
        return chart
    low = min(float(p.pass_rate) for p in rated)  # type: ignore[arg-type]
    floor = max(0, min(80, int(low // 10) * 10))
    span_y = height - top - bottom
    span_x = width - left - right

    def y_of(value: float) -> float:
        return top + span_y * (100 - value) / (100 - floor)

    for tick in range(floor, 101, 10 if 100 - floor > 20 else 5):
        chart.ticks.append((y_of(tick), tick))
    n = len(rated)
    for i, p in enumerate(rated):
        x = left + (span_x * i / (n - 1) if n > 1 else span_x / 2)
        label = p.asof.isoformat()
        chart.points.append(ChartPoint(x, y_of(float(p.pass_rate)), label, p.pass_rate, p.current))  # type: ignore[arg-type]
    step = max(1, n // 6)
    chart.xlabels = [(pt.x, pt.label) for i, pt in enumerate(chart.points) if i % step == 0 or i == n - 1]
    return chart
