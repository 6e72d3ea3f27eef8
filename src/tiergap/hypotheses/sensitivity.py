"""Sensitivity: over which values of one or two parameters does each hypothesis pass?

A verdict that holds only in a narrow window of an unmeasured parameter is weak evidence; this
module recomputes every hypothesis's point prediction of every observable along a grid of one
parameter (or a grid of two), judges each against the observations with the scorecard's z
rule, and reports the passing ranges (one parameter) or the joint pass region, where every
tested experiment passes (two parameters), and draws them. The whole grid is one vectorised
evaluation per hypothesis.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tiergap.hypotheses.experiments import CATALOGUE, EXPERIMENT_KEYS, statistics
from tiergap.hypotheses.family import build_model
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.likelihood import DataSet
from tiergap.hypotheses.params import Params, ParamsError, is_belief_probability
from tiergap.hypotheses.scorecard import Observation, Status
from tiergap.hypotheses.values import Values, check_in_range

MAX_STEPS = 2001
MAX_GRID = 40_000
Vec = npt.NDArray[np.float64]


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
    """Statuses and predictions over the grid.

    ``statuses[hypothesis][experiment]`` and ``predicted[...]`` are flat tuples over the grid
    points (for two parameters: the first parameter varies slowest).
    """

    specs: tuple[SweepSpec, ...]
    defaults: tuple[float, ...]
    statuses: Mapping[str, Mapping[str, tuple[Status, ...]]]
    predicted: Mapping[str, Mapping[str, tuple[float, ...]]]

    @property
    def spec(self) -> SweepSpec:
        return self.specs[0]

    @property
    def default(self) -> float:
        return self.defaults[0]

    @property
    def values(self) -> tuple[float, ...]:
        return self.specs[0].values

    def ranges(self, hypothesis: str, experiment: str) -> list[Range]:
        """Contiguous runs of grid values where the verdict is ``pass`` (one parameter)."""
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

    def joint_pass(self, hypothesis: str) -> npt.NDArray[np.bool_]:
        """Grid points where every tested experiment passes (shaped like the grid)."""
        tested = [k for k in EXPERIMENT_KEYS if not self.untested(k)]
        ok = np.ones(self.size, dtype=bool)
        for key in tested:
            ok &= np.asarray(self.statuses[hypothesis][key]) == "pass"
        return ok.reshape(self.shape)

    def passed_count(self, hypothesis: str) -> npt.NDArray[np.int64]:
        tested = [k for k in EXPERIMENT_KEYS if not self.untested(k)]
        count = np.zeros(self.size, dtype=int)
        for key in tested:
            count += np.asarray(self.statuses[hypothesis][key]) == "pass"
        return count.reshape(self.shape)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(s.steps for s in self.specs)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def to_json(self) -> dict[str, Any]:
        """Machine-readable sweep report."""
        if len(self.specs) == 1:
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
                            for name in self.statuses
                        }
                        for key in EXPERIMENT_KEYS
                    },
                }
            }
        return {
            "sweep": {
                "params": [s.param for s in self.specs],
                "defaults": list(self.defaults),
                "grid": {s.param: list(s.values) for s in self.specs},
                "hypotheses": {
                    name: {
                        "joint_pass": self.joint_pass(name).astype(int).tolist(),
                        "passed": self.passed_count(name).tolist(),
                        "any_joint_pass": bool(self.joint_pass(name).any()),
                    }
                    for name in self.statuses
                },
                "experiments": {
                    key: {
                        name: np.asarray(self.statuses[name][key]).reshape(self.shape).tolist()
                        for name in self.statuses
                    }
                    for key in EXPERIMENT_KEYS
                },
            }
        }


def _check_path(params: Params, path: str) -> float:
    if path not in params.numbers:
        raise ParamsError(_unknown(params, path))
    return params.value(path)


def _unknown(params: Params, path: str) -> str:
    from tiergap.hypotheses.params import unknown_parameter_message

    return unknown_parameter_message(path, params.numbers)


def sweep(
    params: Params,
    spec: SweepSpec | Sequence[SweepSpec],
    observations: Mapping[str, Observation] | None = None,
    *,
    against: str = "paper",
    hypotheses: Sequence[str] = HYPOTHESES,
) -> SweepResult:
    """Judge every hypothesis's point predictions over the grid of one or two parameters.

    Raises:
        ParamsError: if a parameter does not exist or a grid value is out of its range.
        ValueError: for more than two parameters or too large a grid.
    """
    from tiergap.hypotheses.scorecard import paper_observations

    specs = (spec,) if isinstance(spec, SweepSpec) else tuple(spec)
    if not 1 <= len(specs) <= 2:
        raise ValueError("--sweep takes one or two parameters")
    if len(specs) == 2 and specs[0].param == specs[1].param:
        raise ValueError(f"--sweep names {specs[0].param} twice")
    defaults = tuple(_check_path(params, s.param) for s in specs)
    for s in specs:
        check_in_range(s.param, np.asarray(s.values))
    mesh = np.meshgrid(*[np.asarray(s.values) for s in specs], indexing="ij")
    columns = {s.param: m.reshape(-1) for s, m in zip(specs, mesh, strict=True)}
    size = mesh[0].size
    if size > MAX_GRID:
        raise ValueError(f"--sweep grid has {size} points; at most {MAX_GRID}")
    _check_belief_sums(params, columns)
    if observations is None:
        observations = paper_observations()
    data = DataSet(params, (), statistics())
    values = Values(params, columns)
    statuses: dict[str, dict[str, tuple[Status, ...]]] = {}
    predicted: dict[str, dict[str, tuple[float, ...]]] = {}
    for name in hypotheses:
        by_key = data.predict(build_model(name, params), values)
        statuses[name] = {}
        predicted[name] = {}
        for entry in CATALOGUE:
            mean, spread = by_key[entry.key]
            observation = observations.get(entry.key)
            statuses[name][entry.key] = _statuses(mean, spread, observation, params.z)
            predicted[name][entry.key] = tuple(float(m) for m in mean)
    return SweepResult(specs, defaults, statuses, predicted)


def _statuses(
    mean: Vec, spread: Vec, observation: Observation | None, z_limit: float
) -> tuple[Status, ...]:
    """The scorecard's z rule (:func:`tiergap.hypotheses.scorecard.judge`) over a grid."""
    if observation is None:
        return tuple("untested" for _ in mean)
    se = np.sqrt((observation.se or 0.0) ** 2 + spread**2)
    gap = np.abs(mean - observation.value)
    ok = np.where(se > 0, gap <= z_limit * np.where(se > 0, se, 1.0), gap < 1e-9)
    return tuple("pass" if flag else "fail" for flag in ok)


def _check_belief_sums(params: Params, columns: Mapping[str, Vec]) -> None:
    """Two probabilities of one belief table swept together must leave room for the rest."""
    tables: dict[str, Vec] = {}
    for path, values in columns.items():
        if is_belief_probability(path):
            table = path.rsplit(".", 1)[0]
            tables[table] = tables.get(table, np.zeros_like(values)) + values
    for table, total in tables.items():
        if np.any(total > 1.0 + 1e-9):
            raise ParamsError(
                f"--sweep: the swept probabilities of {table} sum to {float(total.max()):g} > 1"
            )


def _pyplot() -> Any:
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as exc:
        raise RuntimeError("drawing the sweep needs matplotlib (pip install matplotlib)") from exc
    matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")


COLOURS = {
    "reward_hacking": "#d95f02",
    "alignment_faking": "#1b9e77",
    "terminal_goal_guarding": "#66a61e",
    "rater_sycophancy": "#e7298a",
    "hhh": "#7570b3",
    "low_coherence": "#a6761d",
    "mixture": "#e6ab02",
}


def plot_sweep(result: SweepResult, path: Path) -> None:
    """Draw the sweep to a PNG: passing ranges (one parameter) or joint pass regions (two)."""
    if len(result.specs) == 2:
        _plot_grid(result, path)
        return
    plt = _pyplot()
    values = result.values
    half = (values[-1] - values[0]) / (2 * (len(values) - 1)) if len(values) > 1 else 0.5
    names = list(result.statuses)
    lanes = len(names)
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.75 * len(CATALOGUE)))
    for row, entry in enumerate(reversed(CATALOGUE)):
        for lane, name in enumerate(names):
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
            ax.broken_barh(spans, (y - height / 2, height), facecolors=COLOURS[name])
    ax.axvline(result.default, color="black", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(CATALOGUE)))
    ax.set_yticklabels([e.key for e in reversed(CATALOGUE)])
    ax.set_ylim(-0.6, len(CATALOGUE) - 0.4)
    ax.set_xlim(values[0] - half, values[-1] + half)
    ax.set_xlabel(f"{result.spec.param} (dashed: current value {result.default:g})")
    ax.set_title("Where each hypothesis passes (coloured); grey = fails, hatched = untested")
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[n]) for n in names]
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_grid(result: SweepResult, path: Path) -> None:
    """One panel per hypothesis: experiments passed (shade) and the joint pass region."""
    plt = _pyplot()
    names = list(result.statuses)
    cols = min(4, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    x_spec, y_spec = result.specs
    x = np.asarray(x_spec.values)
    y = np.asarray(y_spec.values)
    tested = sum(not result.untested(k) for k in EXPERIMENT_KEYS)
    for ax, name in zip(axes.flat, names, strict=False):
        count = result.passed_count(name).T
        ax.pcolormesh(x, y, count, shading="nearest", cmap="Greys", vmin=0, vmax=tested)
        joint = result.joint_pass(name).T.astype(float)
        if joint.any() and not joint.all() and x.size > 1 and y.size > 1:
            ax.contour(x, y, joint, levels=[0.5], colors=[COLOURS[name]], linewidths=2)
        if joint.any():
            xs, ys = np.meshgrid(x, y)
            ax.scatter(xs[joint > 0], ys[joint > 0], s=4, color=COLOURS[name])
        ax.plot([result.defaults[0]], [result.defaults[1]], marker="x", color="red")
        ax.set_title(f"{name}: joint pass {'yes' if joint.any() else 'none'}", fontsize=9)
        ax.set_xlabel(x_spec.param, fontsize=7)
        ax.set_ylabel(y_spec.param, fontsize=7)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    fig.suptitle(
        f"Experiments passed (darker = more, of {tested}); coloured = every one passes; "
        "x = current values",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
