"""Sweep files: a grid of experiments run on a list of models, in one TOML file.

A sweep file sets the fields of :class:`~tiergap.experiment.spec.ExperimentSpec` (what to run:
the ``-T`` arguments of ``tiergap/experiment``) and of
:class:`~tiergap.experiment.execution.Execution` (how to run it) by their names. A list given
for a single-valued experiment field is a grid axis: the sweep runs every combination of the
axes (in field order), each on every model. Example (every key but ``models`` is optional)::

    models = ["anthropic/claude-3-5-haiku-20241022", "tiergap/reward-hacker"]
    scenario = ["emoji", "latex"]                # an axis: two scenarios
    scratchpad = ["hidden", "none"]              # another axis
    seed = [0, 1]                                # and a third: 2 × 2 × 2 = 8 experiments
    conditions = ["free", "paid", "baseline"]    # a list field: one value, not an axis
    n = 100                                      # queries per condition (default: all)
    votes = 3
    tiers = "three"
    system_prompt = "my_prompt.txt"              # relative to this file
    log_dir = "sweep-logs"                       # relative to this file
    max_cost = 25.0                              # USD, as --max-cost

    [model_roles]
    grader = "anthropic/claude-3-5-sonnet-20241022"

    [model_args]                                 # passed to every model's provider
    client_timeout = 60

Relative paths (``queries``, ``system_prompt``, ``log_dir``, ``prices``) are read from the
folder holding the file. Every error names the file and the key. Pure Python: models are
checked by the harness.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiergap.experiment.execution import Execution, ExecutionError
from tiergap.experiment.fields import field_types, takes_list
from tiergap.experiment.spec import ExperimentSpec, SpecError


class SweepFileError(ValueError):
    """A sweep file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SweepFile:
    """A parsed sweep file: its experiments (the expanded grid) and how to run them."""

    source: Path
    experiments: tuple[ExperimentSpec, ...]
    execution: Execution
    axes: tuple[str, ...]
    """The experiment fields the grid varies, in field order."""

    @property
    def size(self) -> int:
        """Tasks in the eval set: every experiment on every model."""
        return len(self.experiments) * len(self.execution.models)


def _spec_fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(ExperimentSpec)}


def _execution_fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(Execution) if f.metadata.get("file", True)}


def known_keys() -> tuple[str, ...]:
    """Every key a sweep file may set: the experiment fields, then the run settings."""
    return (*_spec_fields(), *_execution_fields())


def _resolve(value: object, folder: Path) -> object:
    """A relative path read from the sweep file's folder (other values as they are)."""
    if isinstance(value, str) and value.strip() and not Path(value).is_absolute():
        return str(folder / value)
    return value


def parse_sweep_file(text: str, source: Path) -> SweepFile:
    """Parse and check the text of a sweep file (``source`` names it in errors)."""
    where = str(source)
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SweepFileError(f"{where}: not valid TOML ({err})") from None
    known = known_keys()
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SweepFileError(
                f"{where}: unknown key {key!r}{hint}; known keys: {', '.join(known)}"
            )
    if "models" not in raw:
        raise SweepFileError(f"{where}: models: missing (a list of inspect model names)")
    folder = source.parent
    for name, item in {**_spec_fields(), **_execution_fields()}.items():
        if item.metadata.get("path") and name in raw:
            raw[name] = _resolve(raw[name], folder)
    settings = {k: v for k, v in raw.items() if k in _execution_fields()}
    try:
        execution = Execution.from_values(settings, where)
    except ExecutionError as err:
        raise SweepFileError(str(err)) from None
    if execution.prices is not None and not execution.prices.is_file():
        raise SweepFileError(f"{where}: prices: file not found: {execution.prices}")
    experiments, axes = _grid({k: v for k, v in raw.items() if k in _spec_fields()}, where)
    return SweepFile(source, experiments, execution, axes)


def _grid(values: dict[str, Any], where: str) -> tuple[tuple[ExperimentSpec, ...], tuple[str, ...]]:
    """Every combination of the axes, each checked (scenario, conditions, files)."""
    hints = field_types(ExperimentSpec)
    axes = tuple(
        name
        for name in _spec_fields()
        if isinstance(values.get(name), list) and not takes_list(hints[name])
    )
    for name in axes:
        if not values[name]:
            raise SweepFileError(f"{where}: {name}: an empty list sweeps over nothing")
        repeated = [v for v in values[name] if values[name].count(v) > 1]
        if repeated:
            raise SweepFileError(f"{where}: {name}: lists {repeated[0]!r} more than once")
    for name in ("queries", "system_prompt"):
        value = values.get(name)
        if isinstance(value, str) and not Path(value).is_file():
            raise SweepFileError(f"{where}: {name}: file not found: {value}")
    experiments: list[ExperimentSpec] = []
    for point in itertools.product(*(values[a] for a in axes)):
        try:
            spec = ExperimentSpec.from_values({**values, **dict(zip(axes, point, strict=True))})
            spec.load_scenario()
        except SpecError as err:
            raise SweepFileError(f"{where}: {err}") from None
        experiments.append(spec)
    return tuple(experiments), axes


def load_sweep_file(path: str | Path) -> SweepFile:
    """Read a sweep file; errors name the file and the key."""
    source = Path(path)
    if not source.is_file():
        raise SweepFileError(f"sweep file not found: {source}")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SweepFileError(f"{source}: not UTF-8 text (byte {err.start})") from None
    return parse_sweep_file(text, source)
