"""Shared types, constants and argument checks of the statistics package."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BinaryInput = Sequence[int] | Sequence[bool] | npt.NDArray[Any]
NumericInput = Sequence[float] | Sequence[int] | npt.NDArray[Any]
ClusterInput = Sequence[Hashable] | npt.NDArray[Any]

#: McNemar uses the exact binomial test below this many discordant pairs, else chi-square.
EXACT_MCNEMAR_BELOW = 25
#: The sign-flip test enumerates all 2**k sign patterns up to this many clusters.
EXACT_PERMUTATION_MAX_CLUSTERS = 16
#: Largest |z| searched when inverting intervals into p-values (p ~ 1e-350 beyond).
_Z_SEARCH_MAX = 40.0


def _check_probability_open(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)


def _check_count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _z_two_sided(confidence: float) -> float:
    confidence = _check_probability_open("confidence", confidence)
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def _as_1d(name: str, values: Any) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of numbers, got {values!r}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got {values!r}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name} must be finite, got {arr[i]!r} at index {i}")
    return arr


def _as_binary(name: str, values: BinaryInput) -> IntArray:
    arr = _as_1d(name, values)
    bad = np.flatnonzero((arr != 0.0) & (arr != 1.0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name} must hold only 0/1 outcomes, got {arr[i]!r} at index {i}")
    return arr.astype(np.int64)


def _check_same_length(**arrays: npt.NDArray[Any]) -> None:
    lengths = {name: int(arr.shape[0]) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"len({k})={v}" for k, v in lengths.items())
        raise ValueError(f"paired inputs must have the same length, got {shown}")


def _paired_table(a: IntArray, b: IntArray) -> tuple[int, int, int, int]:
    """Return (n11, n10, n01, n00): both 1, only a, only b, neither."""
    n11 = int(np.sum((a == 1) & (b == 1)))
    n10 = int(np.sum((a == 1) & (b == 0)))
    n01 = int(np.sum((a == 0) & (b == 1)))
    return n11, n10, n01, int(a.size) - n11 - n10 - n01
