"""Multiplicity control."""

from __future__ import annotations

from collections.abc import Sequence


def _checked(p_values: Sequence[float]) -> list[float]:
    values = []
    for i, p in enumerate(p_values):
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p <= 1.0:
            raise ValueError(f"p_values[{i}] must be a probability in [0, 1], got {p!r}")
        values.append(float(p))
    return values


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm (1979) step-down adjusted p-values, in the input order.

    Sorted ascending p_(1) <= ... <= p_(m): adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)).
    Controls the family-wise error rate with no assumption on dependence.
    """
    values = _checked(p_values)
    m = len(values)
    order = sorted(range(m), key=lambda i: values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * values[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values), in the input order.

    Sorted ascending p_(1) <= ... <= p_(m): q_(i) = min_{j >= i} min(1, m p_(j) / j). Rejecting
    every q < alpha controls the false discovery rate at alpha for independent or positively
    dependent tests; used for the many secondary outcomes of a run, where a few false leads
    are tolerable but a flood is not.
    """
    values = _checked(p_values)
    m = len(values)
    order = sorted(range(m), key=lambda i: values[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for position, i in enumerate(order):
        rank = m - position
        running = min(running, values[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted
