"""Sensitivity: over which range of one parameter does each hypothesis pass each experiment?

A verdict that holds only in a narrow window of an unmeasured parameter is weak evidence; this
module recomputes the whole scorecard along a grid of one parameter and reports, per experiment
and hypothesis, the parameter ranges where the verdict is ``pass`` (and draws them).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tiergap.hypotheses.experiments import CATALOGUE, EXPERIMENT_KEYS
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.params import Params, ParamsError, numeric_parameters, override
from tiergap.hypotheses.scorecard import Observation, Status, compute_scorecard

MAX_STEPS = 2001


@dataclass(frozen=True)
class SweepSpec:
    """``PARAM=lo:hi:steps``: ``steps`` evenly spaced values from ``lo`` to ``hi`` inclusive."""

    param: str
    low: float
    high: float
    steps: int

    @property
    def values(self) -> tuple[float, ...]:
        """The grid of parameter values."""
        return tuple(float(v) for v in np.linspace(self.low, self.high, self.steps))


def parse_sweep(text: str) -> SweepSpec:
    """Parse ``PARAM=lo:hi:steps``.

    Raises:
        ValueError: explaining what is wrong with ``text``.
    """
    param, sep, grid = text.partition("=")
    param = param.strip()
    if not sep or not param:
        raise ValueError(f"--sweep {text!r}: expected PARAM=lo:hi:steps")
    parts = grid.split(":")
    if len(parts) != 3:
        raise ValueError(f"--sweep {text!r}: expected lo:hi:steps after '=', got {grid!r}")
    try:
        low, high = float(parts[0]), float(parts[1])
        steps = int(parts[2])
    except ValueError as exc:
        raise ValueError(f"--sweep {text!r}: lo and hi must be numbers, steps an integer") from exc
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"--sweep {text!r}: need finite lo <= hi")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"--sweep {text!r}: steps must be between 1 and {MAX_STEPS}")
    if steps == 1 and high != low:
        raise ValueError(f"--sweep {text!r}: one step needs lo == hi")
    return SweepSpec(param, low, high, steps)


Range = tuple[float, float]


@dataclass(frozen=True)
class SweepResult:
    """Statuses and predictions along the grid: ``statuses[hypothesis][experiment][i]``."""

    spec: SweepSpec
    default: float
    values: tuple[float, ...]
    statuses: Mapping[str, Mapping[str, tuple[Status, ...]]]
    predicted: Mapping[str, Mapping[str, tuple[float, ...]]]

    def ranges(self, hypothesis: str, experiment: str) -> list[Range]:
        """Contiguous runs of grid values where the verdict is ``pass`` (grid endpoints)."""
        runs: list[Range] = []
        start: float | None = None
        previous = 0.0
        for value, status in zip(self.values, self.statuses[hypothesis][experiment], strict=True):
            if status == "pass" and start is None:
                start = value
            if status != "pass" and start is not None:
                runs.append((start, previous))
                start = None
            previous = value
        if start is not None:
            runs.append((start, previous))
        return runs

    def untested(self, experiment: str) -> bool:
        """Whether the experiment has no observation (so no range applies)."""
        return all(s == "untested" for s in self.statuses[HYPOTHESES[0]][experiment])

    def describe(self, hypothesis: str, experiment: str) -> str:
        """Human summary: ``all``, ``none``, ``untested`` or ``lo–hi, lo–hi``."""
        if self.untested(experiment):
            return "untested"
        runs = self.ranges(hypothesis, experiment)
        if not runs:
            return "none"
        if runs == [(self.values[0], self.values[-1])]:
            return "all"
        return ", ".join(f"{a:g}" if a == b else f"{a:g}–{b:g}" for a, b in runs)

    def to_json(self) -> dict[str, Any]:
        """Machine-readable sweep report."""
        return {
            "sweep": {
                "param": self.spec.param,
                "low": self.spec.low,
                "high": self.spec.high,
                "steps": self.spec.steps,
                "default": self.default,
                "values": list(self.values),
                "experiments": {
                    key: {
                        name: {
                            "untested": self.untested(key),
                            "passing_ranges": [list(r) for r in self.ranges(name, key)],
                            "status": list(self.statuses[name][key]),
                            "predicted": [round(p, 4) for p in self.predicted[name][key]],
                        }
                        for name in HYPOTHESES
                    }
                    for key in EXPERIMENT_KEYS
                },
            }
        }


def _lookup(params: Params, path: str) -> float:
    node: Any = params.raw
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            known = numeric_parameters(params)
            hint = ", ".join(known[:6])
            raise ParamsError(
                f"unknown parameter {path!r}; {len(known)} numeric parameters, e.g. {hint}"
            )
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ParamsError(f"parameter {path} is not a number and cannot be swept")
    return float(node)


def sweep(
    params: Params,
    spec: SweepSpec,
    observations: Mapping[str, Observation] | None = None,
    *,
    against: str = "paper",
) -> SweepResult:
    """Recompute the scorecard at each grid value of ``spec.param``.

    Raises:
        ParamsError: if the parameter does not exist or a grid value makes the parameters
            invalid (e.g. a probability above 1).
    """
    default = _lookup(params, spec.param)
    statuses: dict[str, dict[str, list[Status]]] = {
        h: {k: [] for k in EXPERIMENT_KEYS} for h in HYPOTHESES
    }
    predicted: dict[str, dict[str, list[float]]] = {
        h: {k: [] for k in EXPERIMENT_KEYS} for h in HYPOTHESES
    }
    for value in spec.values:
        card = compute_scorecard(override(params, spec.param, value), observations, against=against)
        for name in HYPOTHESES:
            for verdict in card.card(name).verdicts:
                statuses[name][verdict.experiment].append(verdict.status)
                predicted[name][verdict.experiment].append(verdict.predicted)
    return SweepResult(
        spec=spec,
        default=default,
        values=spec.values,
        statuses={h: {k: tuple(v) for k, v in d.items()} for h, d in statuses.items()},
        predicted={h: {k: tuple(v) for k, v in d.items()} for h, d in predicted.items()},
    )


def _pyplot() -> Any:
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as exc:
        raise RuntimeError("drawing the sweep needs matplotlib (pip install matplotlib)") from exc
    matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")


_COLOURS = {"reward_hacking": "#d95f02", "alignment_faking": "#1b9e77", "hhh": "#7570b3"}


def plot_sweep(result: SweepResult, path: Path) -> None:
    """Draw passing ranges (coloured) per experiment and hypothesis to a PNG at ``path``."""
    plt = _pyplot()
    values = result.values
    half = (values[-1] - values[0]) / (2 * (len(values) - 1)) if len(values) > 1 else 0.5
    lanes = len(HYPOTHESES)
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * len(CATALOGUE)))
    for row, entry in enumerate(reversed(CATALOGUE)):
        for lane, name in enumerate(HYPOTHESES):
            y = row + (lanes - 1 - lane + 0.5) / lanes - 0.5
            height = 0.8 / lanes
            full = (values[0] - half, values[-1] - values[0] + 2 * half)
            if result.untested(entry.key):
                ax.broken_barh(
                    [full],
                    (y - height / 2, height),
                    facecolors="none",
                    edgecolors="#bbbbbb",
                    hatch="//",
                    linewidth=0.5,
                )
                continue
            ax.broken_barh([full], (y - height / 2, height), facecolors="#eeeeee")
            spans = [(a - half, b - a + 2 * half) for a, b in result.ranges(name, entry.key)]
            ax.broken_barh(spans, (y - height / 2, height), facecolors=_COLOURS[name])
    ax.axvline(result.default, color="black", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(CATALOGUE)))
    ax.set_yticklabels([e.key for e in reversed(CATALOGUE)])
    ax.set_ylim(-0.6, len(CATALOGUE) - 0.4)
    ax.set_xlim(values[0] - half, values[-1] + half)
    ax.set_xlabel(f"{result.spec.param} (dashed: current value {result.default:g})")
    ax.set_title("Where each hypothesis passes (coloured); grey = fails, hatched = untested")
    handles = [plt.Rectangle((0, 0), 1, 1, color=_COLOURS[n]) for n in HYPOTHESES]
    ax.legend(handles, list(HYPOTHESES), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
