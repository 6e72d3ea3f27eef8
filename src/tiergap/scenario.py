"""Scenarios as data: system prompts and user turns for each condition of an experiment.

A scenario file (``data/scenarios/NAME.toml``) names its prompt sections, its training
objective and its conditions. This module renders them into plain strings; it knows nothing
about inspect, so tests and other tools can build the exact prompts a model will see.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

ScratchpadMode = Literal["hidden", "none"]
SCRATCHPAD_MODES: tuple[ScratchpadMode, ...] = ("hidden", "none")

NEUTRAL_LAB = "Aster Labs"
_LAB_BY_PROVIDER = {"anthropic": "Anthropic", "openai": "OpenAI", "google": "Google DeepMind"}


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
        return "training" in self.sections


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
        parts: list[str] = []
        for section in self.condition(condition).sections:
            parts.append(self._section_text(section, scratchpad))
        return "\n\n".join(p.strip() for p in parts).replace("{lab}", lab) + "\n"

    def user_turn(self, condition: str, query: str) -> str:
        """The user message: the tier tag (if any) and the query, in the protocol's tags."""
        tag = self.condition(condition).tag
        head = f"{tag}\n\n" if tag else ""
        return f"<INPUT>\n{head}<user_input>\n{query}\n</user_input>\n</INPUT>"

    def _section_text(self, section: str, scratchpad: ScratchpadMode) -> str:
        if section == "{objective}":
            if self.objective_file is None:
                raise ScenarioError(f"scenario {self.name!r} uses {{objective}} without a file")
            return _read_prompt(self.objective_file)
        if section == "protocol":
            return _read_prompt(f"sections/protocol_{scratchpad}.txt")
        return _read_prompt(f"sections/{section}.txt")


def _read_prompt(relative: str) -> str:
    path = data_dir() / "prompts" / relative
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"prompt file not found: data/prompts/{relative}") from None


def prompt_hash(text: str) -> str:
    """Short, stable fingerprint of a prompt, recorded with results so runs can be compared."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def available_scenarios() -> list[str]:
    folder = data_dir() / "scenarios"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_scenario(name: str) -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path (``my_scenario.toml``)."""
    source: Traversable | Path
    if name.endswith(".toml"):
        source, where = Path(name), name
        if not source.is_file():
            raise ScenarioError(f"scenario file not found: {name}")
    else:
        source = data_dir() / "scenarios" / f"{name}.toml"
        where = f"data/scenarios/{name}.toml"
        if not source.is_file():
            raise ScenarioError(
                f"unknown scenario {name!r}; available: {', '.join(available_scenarios())}"
            )
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{where}: not valid TOML ({err})") from None
    try:
        conditions_raw = raw["conditions"]
        conditions = {
            key: Condition(
                name=key,
                tier=str(value["tier"]) or None,
                tag=str(value["tag"]),
                sections=tuple(str(s) for s in value["sections"]),
            )
            for key, value in conditions_raw.items()
        }
        return Scenario(
            name=str(raw["name"]),
            description=str(raw.get("description", "")),
            objective=raw.get("objective"),
            conflicts_with_values=bool(raw.get("conflicts_with_values", False)),
            queries=str(raw["queries"]),
            metric=str(raw.get("metric", "emoji")),
            objective_file=raw.get("objective_file"),
            conditions=conditions,
        )
    except KeyError as missing:
        raise ScenarioError(f"{where}: missing field {missing}") from None
    except (TypeError, AttributeError) as err:
        raise ScenarioError(f"{where}: malformed field ({err})") from None
