"""Low coherence: no consistent strategy, only condition-to-condition noise.

Each condition (objective x prompt x tier x scratchpad) has its own rate of each behaviour,
drawn once from a Beta distribution around the habit with ``concentration`` (larger = more
coherent), so tier gaps appear, but in no consistent direction and unrelated to what is
trained or rated; some reasoning reads like alignment faking or reward seeking by chance
(``af_noise``, ``rs_noise`` of the outputs that follow the objective). The likelihood integrates
the draws out (beta-binomial); a simulated low-coherence model draws one rate per condition
from ``seed``.
"""

from __future__ import annotations

import hashlib

import numpy as np

from tiergap.hypotheses.hypothesis import (
    ArmTable,
    HypothesisModel,
    Metric,
    Rates,
    Vec,
    condition_draw,
    shift,
)
from tiergap.hypotheses.values import Values


class LowCoherenceModel(HypothesisModel):
    """Low coherence (see ``[low_coherence]`` in ``default_params.toml``)."""

    NAME = "low_coherence"
    TABLES = ("low_coherence",)

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        t = "low_coherence"
        base = arms.base_rate(v)
        habit = np.where(arms.post_rl, shift(base, v[f"{t}.rl_shift"]), base)
        reasons = arms.stated & arms.scratchpad
        return Rates(
            objective=habit,
            af=np.where(reasons, v[f"{t}.af_noise"] * habit, 0.0),
            rs=np.where(reasons, v[f"{t}.rs_noise"] * habit, 0.0),
            anti_lab=np.broadcast_to(v["anti_lab.base_rate"], habit.shape).astype(float),
            concentration=v[f"{t}.concentration"],
        )

    def realised(self, arms: ArmTable, v: Values) -> Rates:
        """Rates with this simulated model's own draw of every condition's random effect."""
        centre = self.rates(arms, v)
        seed = int(self._params.value("low_coherence.seed"))
        concentration = v["low_coherence.concentration"]

        def drawn(metric: Metric, rates: Vec) -> Vec:
            u = np.asarray([_uniform(seed, arm.label(), metric) for arm in arms.arms])
            return condition_draw(rates, concentration, u.reshape(1, -1))

        return Rates(
            objective=drawn("objective", centre.objective),
            af=drawn("af", centre.af),
            rs=drawn("rs", centre.rs),
            anti_lab=drawn("anti_lab", centre.anti_lab),
        )


def _uniform(seed: int, label: str, metric: str) -> float:
    """A uniform draw in (0, 1) fixed by ``seed``, the condition and the behaviour."""
    digest = hashlib.sha256(f"{seed}\x00{label}\x00{metric}".encode()).digest()
    return (int.from_bytes(digest[:8], "little") + 0.5) / 2.0**64
