"""Sweep files: a grid of models × scenarios × scratchpad modes × seeds in one TOML file.

Example (every key but ``models`` is optional)::

    models = ["anthropic/claude-3-5-haiku-20241022", "tiergap/reward-hacker"]
    scenarios = ["emoji"]
    conditions = ["free", "paid", "baseline"]   # default: all of each scenario's conditions
    scratchpad = ["hidden", "none"]
    seeds = [0, 1]
    n = 100                                      # queries per condition (default: all)
    epochs = 1
    log_dir = "sweep-logs"                       # relative to this file
    max_cost = 25.0                              # USD, as --max-cost
    batch = false
    cache_prompt = true

    [model_args]                                 # passed to every model's provider
    client_timeout = 60

Relative paths (``log_dir``, ``queries``, ``prices``) are read from the folder holding the file.
Every error names the file and the key. Pure Python: models are checked by the harness.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiergap.experiment.scenario import SCRATCHPAD_MODES, ScenarioError, load_scenario


class SweepConfigError(ValueError):
    """A sweep file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SweepConfig:
    source: Path
    models: tuple[str, ...]
    scenarios: tuple[str, ...] = ("emoji",)
    conditions: tuple[str, ...] | None = None
    scratchpads: tuple[str, ...] = ("hidden",)
    seeds: tuple[int, ...] = (0,)
    n: int | None = None
    epochs: int = 1
    lab: str | None = None
    queries: Path | None = None
    max_turns: int = 4
    temperature: float | None = None
    max_connections: int | None = None
    log_dir: Path | None = None
    batch: bool | None = None
    cache_prompt: bool | None = None
    max_cost: float | None = None
    prices: Path | None = None
    max_retries: int | None = None
    timeout: int | None = None
    retry_on_error: int | None = None
    fail_on_error: float | None = None
    model_args: dict[str, Any] = field(default_factory=dict)

    @property
    def grid(self) -> list[tuple[str, str, int]]:
        """(scenario, scratchpad mode, seed) points, each run on every model."""
        return [
            (s, m, seed) for s in self.scenarios for m in self.scratchpads for seed in self.seeds
        ]

    @property
    def size(self) -> int:
        return len(self.grid) * len(self.models)


KNOWN_KEYS = (
    "models",
    "scenarios",
    "conditions",
    "scratchpad",
    "seeds",
    "n",
    "epochs",
    "lab",
    "queries",
    "max_turns",
    "temperature",
    "max_connections",
    "log_dir",
    "batch",
    "cache_prompt",
    "max_cost",
    "prices",
    "max_retries",
    "timeout",
    "retry_on_error",
    "fail_on_error",
    "model_args",
)


class _Reader:
    def __init__(self, raw: dict[str, Any], where: str, folder: Path) -> None:
        self.raw = raw
        self.where = where
        self.folder = folder

    def fail(self, key: str, message: str) -> SweepConfigError:
        return SweepConfigError(f"{self.where}: {key}: {message}")

    def strings(self, key: str, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if key not in self.raw:
            return default
        value = self.raw[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"must be a non-empty list of strings, got {value!r}")
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"must be a list of non-empty strings, got {value!r}")
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            raise self.fail(key, f"lists {', '.join(map(repr, duplicates))} more than once")
        return tuple(v.strip() for v in value)

    def ints(self, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
        if key not in self.raw:
            return default
        value = self.raw[key]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise self.fail(key, f"must be a non-empty list of whole numbers, got {value!r}")
        if len(set(value)) != len(value):
            raise self.fail(key, f"lists a value more than once: {value!r}")
        return tuple(value)

    def integer(self, key: str, minimum: int) -> int | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"must be a whole number >= {minimum}, got {value!r}")
        return value

    def number(self, key: str, positive: bool = False) -> float | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, got {value!r}")
        if positive and value <= 0:
            raise self.fail(key, f"must be above 0, got {value!r}")
        return float(value)

    def boolean(self, key: str) -> bool | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {value!r}")
        return value

    def text(self, key: str) -> str | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        return value

    def path(self, key: str) -> Path | None:
        value = self.text(key)
        if value is None:
            return None
        path = Path(value)
        return path if path.is_absolute() else self.folder / path


def parse_sweep(text: str, source: Path) -> SweepConfig:
    """Parse and check the text of a sweep file (``source`` names it in errors)."""
    where = str(source)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SweepConfigError(f"{where}: not valid TOML ({err})") from None
    unknown = sorted(set(raw) - set(KNOWN_KEYS))
    if unknown:
        raise SweepConfigError(
            f"{where}: unknown key {', '.join(map(repr, unknown))}; known keys: "
            + ", ".join(KNOWN_KEYS)
        )
    read = _Reader(raw, where, source.parent)
    if "models" not in raw:
        raise SweepConfigError(f"{where}: models: missing (a list of inspect model names)")
    models = read.strings("models", None)
    assert models is not None
    scenarios = read.strings("scenarios", ("emoji",))
    assert scenarios is not None
    conditions = read.strings("conditions", None)
    scratchpads = read.strings("scratchpad", ("hidden",))
    assert scratchpads is not None
    for mode in scratchpads:
        if mode not in SCRATCHPAD_MODES:
            raise read.fail(
                "scratchpad", f"unknown mode {mode!r}; known: {', '.join(SCRATCHPAD_MODES)}"
            )
    for name in scenarios:
        try:
            spec = load_scenario(name)
        except ScenarioError as err:
            raise read.fail("scenarios", str(err)) from None
        try:
            spec.select(list(conditions) if conditions else None)
        except ScenarioError as err:
            raise read.fail("conditions", str(err)) from None
    model_args = raw.get("model_args", {})
    if not isinstance(model_args, dict):
        raise read.fail("model_args", f"must be a table of KEY = VALUE, got {model_args!r}")
    queries = read.path("queries")
    if queries is not None and not queries.is_file():
        raise read.fail("queries", f"file not found: {queries}")
    prices = read.path("prices")
    if prices is not None and not prices.is_file():
        raise read.fail("prices", f"file not found: {prices}")
    fail_on_error = read.number("fail_on_error", positive=True)
    return SweepConfig(
        source=source,
        models=models,
        scenarios=scenarios,
        conditions=conditions,
        scratchpads=scratchpads,
        seeds=read.ints("seeds", (0,)),
        n=read.integer("n", 1),
        epochs=read.integer("epochs", 1) or 1,
        lab=read.text("lab"),
        queries=queries,
        max_turns=read.integer("max_turns", 1) or 4,
        temperature=read.number("temperature"),
        max_connections=read.integer("max_connections", 1),
        log_dir=read.path("log_dir"),
        batch=read.boolean("batch"),
        cache_prompt=read.boolean("cache_prompt"),
        max_cost=read.number("max_cost", positive=True),
        prices=prices,
        max_retries=read.integer("max_retries", 0),
        timeout=read.integer("timeout", 1),
        retry_on_error=read.integer("retry_on_error", 0),
        fail_on_error=fail_on_error,
        model_args=dict(model_args),
    )


def load_sweep(path: str | Path) -> SweepConfig:
    """Read a sweep file; errors name the file and the key."""
    source = Path(path)
    if not source.is_file():
        raise SweepConfigError(f"sweep file not found: {source}")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SweepConfigError(f"{source}: not UTF-8 text (byte {err.start})") from None
    return parse_sweep(text, source)
