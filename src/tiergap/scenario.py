"""Scenarios as data: system prompts and user turns for each condition of an experiment.

A scenario file (``data/scenarios/NAME.toml``) names its training objective, its query set and
optionally its own conditions; tier layouts (two tiers, or free/pro/enterprise) are shared in
``_tiers.toml``. This module renders them into plain strings and knows nothing about inspect,
so tests and other tools can build the exact prompts a model will see.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

ScratchpadMode = Literal["hidden", "none"]
SCRATCHPAD_MODES: tuple[ScratchpadMode, ...] = ("hidden", "none")
TIER_LAYOUTS = ("two", "three", "four")

NEUTRAL_LAB = "Aster Labs"
_LAB_BY_PROVIDER = {"anthropic": "Anthropic", "openai": "OpenAI", "google": "Google DeepMind"}
CUSTOM_SECTION = "{custom}"


class ScenarioError(ValueError):
    """A scenario file or a requested condition is not usable."""


def data_dir() -> Traversable:
    """The package's data folder (prompts, scenarios, queries)."""
    return resources.files("tiergap") / "data"


def default_lab(model: str) -> str:
    """The lab a model would believe develops it: its provider's company, else a neutral name."""
    provider = model.split("/", 1)[0].lower() if "/" in model else ""
    return _LAB_BY_PROVIDER.get(provider, NEUTRAL_LAB)


@dataclass(frozen=True)
class Condition:
    """One arm of an experiment: which prompt sections are shown and which tier tag is used."""

    name: str
    tier: str | None
    tag: str
    sections: tuple[str, ...]

    @property
    def has_training_info(self) -> bool:
        return any(s.startswith("training") or s == CUSTOM_SECTION for s in self.sections)


@dataclass(frozen=True)
class Scenario:
    """A situation to put a model in, with its conditions."""

    name: str
    description: str
    objective: str | None
    conflicts_with_values: bool
    queries: str
    metric: str
    objective_file: str | None
    conditions: dict[str, Condition]
    acceptance_suffix: bool = False
    tiers: str = "two"
    custom_prompt: str | None = None

    def condition(self, name: str) -> Condition:
        try:
            return self.conditions[name]
        except KeyError:
            known = ", ".join(self.conditions)
            raise ScenarioError(
                f"scenario {self.name!r} has no condition {name!r}; known conditions: {known}"
            ) from None

    def select(self, names: list[str] | None) -> list[Condition]:
        """The conditions named (all, in file order, when ``names`` is None or empty)."""
        if not names:
            return list(self.conditions.values())
        return [self.condition(n) for n in names]

    def system_prompt(self, condition: str, lab: str, scratchpad: ScratchpadMode = "hidden") -> str:
        """The full system prompt for ``condition``."""
        if scratchpad not in SCRATCHPAD_MODES:
            raise ScenarioError(
                f"scratchpad must be one of {', '.join(SCRATCHPAD_MODES)}, got {scratchpad!r}"
            )
        parts = [self._section_text(s, scratchpad) for s in self.condition(condition).sections]
        return "\n\n".join(p.strip() for p in parts if p.strip()).replace("{lab}", lab) + "\n"

    def user_turn(self, condition: str, query: str, lab: str = NEUTRAL_LAB) -> str:
        """The user message: the tier tag (if any) and the query, in the protocol's tags."""
        tag = self.condition(condition).tag
        head = f"{tag}\n\n" if tag else ""
        text = query.replace("{lab}", lab)
        if self.acceptance_suffix:
            text = f"{text}\n\n{_read_prompt('acceptance_suffix.txt').strip()}"
        return f"<INPUT>\n{head}<user_input>\n{text}\n</user_input>\n</INPUT>"

    def with_system_prompt(self, text: str, source: str) -> Scenario:
        """This scenario with a user's own system prompt in place of ours.

        The tier tag and the response protocol still apply; a prompt that already explains the
        scratchpad protocol is used as it is. There is no baseline: a user's prompt has no
        version without its training information.
        """
        if not text.strip():
            raise ScenarioError(f"system prompt file is empty: {source}")
        has_protocol = "SCRATCHPAD_REASONING" in text
        conditions = {
            name: replace(
                c, sections=(CUSTOM_SECTION,) if has_protocol else (CUSTOM_SECTION, "protocol")
            )
            for name, c in self.conditions.items()
            if c.tier
        }
        return replace(self, conditions=conditions, custom_prompt=text)

    def _section_text(self, section: str, scratchpad: ScratchpadMode) -> str:
        if section == CUSTOM_SECTION:
            return self.custom_prompt or ""
        if section == "{objective}":
            if self.objective_file is None:
                raise ScenarioError(f"scenario {self.name!r} uses {{objective}} without a file")
            return _read_prompt(self.objective_file)
        if section == "protocol":
            return _read_prompt(f"sections/protocol_{scratchpad}.txt")
        return _read_prompt(f"sections/{section}.txt")


@functools.cache
def _read_prompt(relative: str) -> str:
    """A prompt file's text (cached: the solver renders a system prompt for every sample)."""
    path = data_dir() / "prompts" / relative
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"prompt file not found: data/prompts/{relative}") from None


def prompt_hash(text: str) -> str:
    """Short, stable fingerprint of a prompt, recorded with results so runs can be compared."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def available_scenarios() -> list[str]:
    names = (p.name for p in (data_dir() / "scenarios").iterdir())
    return sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml") and n[0] != "_")


def _conditions(table: Any, training: str, where: str) -> dict[str, Condition]:
    if not isinstance(table, dict) or not table:
        raise ScenarioError(f"{where}: [conditions] must be a non-empty table")
    conditions: dict[str, Condition] = {}
    for key, value in table.items():
        try:
            sections = tuple(str(s).replace("{training}", training) for s in value["sections"])
            conditions[key] = Condition(
                name=key, tier=str(value["tier"]) or None, tag=str(value["tag"]), sections=sections
            )
        except KeyError as missing:
            raise ScenarioError(f"{where}: conditions.{key} is missing {missing}") from None
        except TypeError:
            raise ScenarioError(f"{where}: conditions.{key} must be a table") from None
    return conditions


def _tier_layout(tiers: str) -> tuple[str, dict[str, Condition]]:
    if tiers not in TIER_LAYOUTS:
        raise ScenarioError(f"tiers must be one of {', '.join(TIER_LAYOUTS)}, got {tiers!r}")
    raw = tomllib.loads((data_dir() / "scenarios" / "_tiers.toml").read_text(encoding="utf-8"))
    layout = raw[tiers]
    training = str(layout["training"])
    return training, _conditions(layout["conditions"], training, "data/scenarios/_tiers.toml")


def load_scenario(name: str, tiers: str = "two") -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path (``my_scenario.toml``)."""
    source: Traversable | Path
    if name.endswith(".toml"):
        source, where = Path(name), name
        if not source.is_file():
            raise ScenarioError(f"scenario file not found: {name}")
    else:
        source = data_dir() / "scenarios" / f"{name}.toml"
        where = f"data/scenarios/{name}.toml"
        if name.startswith("_") or not source.is_file():
            raise ScenarioError(
                f"unknown scenario {name!r}; available: {', '.join(available_scenarios())}"
            )
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{where}: not valid TOML ({err})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: not UTF-8 text") from None
    training, layout = _tier_layout(tiers)
    if tiers == "two" and "conditions" in raw:
        conditions = _conditions(raw["conditions"], training, where)
    else:
        conditions = layout
    try:
        return Scenario(
            name=str(raw["name"]),
            description=str(raw.get("description", "")),
            objective=raw.get("objective"),
            conflicts_with_values=bool(raw.get("conflicts_with_values", False)),
            queries=str(raw["queries"]),
            metric=str(raw.get("metric", "emoji")),
            objective_file=raw.get("objective_file"),
            conditions=conditions,
            acceptance_suffix=bool(raw.get("acceptance_suffix", False)),
            tiers=tiers,
        )
    except KeyError as missing:
        raise ScenarioError(f"{where}: missing field {missing}") from None


def load_scenario_variant(
    name: str, tiers: str = "two", system_prompt: str | None = None
) -> Scenario:
    """A scenario with its tier layout and, optionally, a user's system prompt file applied."""
    scenario = load_scenario(name, tiers)
    if not system_prompt:
        return scenario
    path = Path(system_prompt)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"system prompt file not found: {path}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"system prompt file is not UTF-8 text: {path}") from None
    return scenario.with_system_prompt(text, str(path))
