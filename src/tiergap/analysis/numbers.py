"""How every output writes a rate, a gap and a p-value, so a verdict's sentence quotes exactly
the figures its tables show (a reason in fractions beside a table in points reads as a
contradiction)."""

from __future__ import annotations

import math


def pct(value: float | None) -> str:
    """A rate as a percentage (``12.5%``), or an en dash when undefined."""
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def pp(value: float | None) -> str:
    """A rate difference in signed percentage points (``+12.5 pp``), or an en dash."""
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:+.1f} pp"


def interval_pp(low: float, high: float) -> str:
    """``[+1.0 pp, +20.0 pp]``."""
    return f"[{pp(low)}, {pp(high)}]"


def p_value(value: float | None) -> str:
    """A p-value to three decimals (``<0.001`` below that), or an en dash."""
    if value is None or not math.isfinite(value):
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def contrast_name(key: str) -> str:
    """``free_minus_paid`` -> ``free − paid`` (the name every table and sentence uses)."""
    return key.replace("_minus_", " − ")
