"""Pass rates and their change, rounded the way the published notices round (half up, one decimal)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def pass_rate(qualified: int, unqualified: int) -> Decimal | None:
    """qualified / (qualified + unqualified) in percent, one decimal, half up: 166/170 -> 97.6."""
    total = qualified + unqualified
    if total <= 0:
        return None
    return (Decimal(qualified) * 100 / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def rate_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change in percentage points between the two published (rounded) rates, so the notice adds up."""
    if current is None or previous is None:
        return None
    return (current - previous).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
