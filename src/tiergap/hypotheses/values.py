"""Parameter values for a batch of parameter points, read by dotted path.

Fitting evaluates a model at many parameter points. :class:`Values` holds the validated
parameters plus *overrides*, each a vector of ``B`` values, and hands every number out as a
``(B, 1)`` array so it broadcasts against the ``(1, A)`` arrays describing ``A`` experimental
arms: one pass of a model computes a ``(B, A)`` table of rates.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from tiergap.hypotheses.params import (
    Params,
    ParamsError,
    bound_of,
    is_belief_probability,
    unknown_parameter_message,
)
from tiergap.hypotheses.worlds import World

Vec = npt.NDArray[np.float64]


class Values:
    """Numbers of ``params`` with some of them replaced by vectors of ``size`` values.

    Args:
        params: The validated parameters (fixed values and belief tables).
        overrides: Dotted path -> 1-D array of values (all of one length, the batch size).
            Overriding one probability of a belief table rescales the others, as
            :func:`tiergap.hypotheses.params.override` does.
    """

    def __init__(self, params: Params, overrides: Mapping[str, Vec] | None = None) -> None:
        self.params = params
        self._overrides: dict[str, Vec] = {}
        sizes = set()
        for path, value in (overrides or {}).items():
            if path not in params.numbers:
                raise ParamsError(unknown_parameter_message(path, params.numbers))
            array = np.asarray(value, dtype=float).reshape(-1)
            sizes.add(array.size)
            self._overrides[path] = array.reshape(-1, 1)
        if len(sizes) > 1:
            raise ValueError(f"overrides of different lengths: {sorted(sizes)}")
        self.size = sizes.pop() if sizes else 1
        self._cache: dict[str, Vec] = {}

    def __getitem__(self, path: str) -> Vec:
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        if path in self._overrides:
            value = self._overrides[path]
        elif is_belief_probability(path):
            value = self._belief_probability(path)
        else:
            value = np.full((self.size, 1), self.params.value(path))
        self._cache[path] = value
        return value

    def overridden(self, path: str) -> bool:
        """Whether ``path`` has its own values in this batch."""
        return path in self._overrides

    def _belief_probability(self, path: str) -> Vec:
        """A belief probability, rescaled for overridden siblings so the table sums to 1."""
        context = path.split(".")[1]
        belief = self.params.belief(context)
        paths = [f"reward_hacking.{context}.p_{w.world.name}" for w in belief.worlds]
        fixed = [p for p in paths if p in self._overrides]
        if not fixed:
            return np.full((self.size, 1), self.params.value(path))
        taken = sum((self._overrides[p] for p in fixed), np.zeros((self.size, 1)))
        free = [p for p in paths if p not in self._overrides]
        base = sum(self.params.value(p) for p in free)
        share = self.params.value(path) / base if base > 0 else 1.0 / len(free)
        return np.asarray(np.clip(1.0 - taken, 0.0, 1.0) * share, dtype=float)

    def belief(self, context: str) -> list[tuple[World, Vec]]:
        """The worlds of a belief table with their ``(B, 1)`` probabilities."""
        belief = self.params.belief(context)
        return [
            (w.world, self[f"reward_hacking.{context}.p_{w.world.name}"]) for w in belief.worlds
        ]


def check_in_range(path: str, values: Vec) -> None:
    """Raise ``ParamsError`` naming ``path`` if any of ``values`` is outside its range."""
    bound = bound_of(path)
    bad = [float(v) for v in np.asarray(values).reshape(-1) if not bound.check(float(v))]
    if bad:
        if bound.low == 0.0 and bound.high == 1.0:
            raise ParamsError(f"{path} = {bad[0]:g} is not a probability in [0, 1]")
        raise ParamsError(f"{path} = {bad[0]:g} is out of range {bound.describe()}")
