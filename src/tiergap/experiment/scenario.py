"""Scenarios as data: system prompts, user turns and what is measured, per experiment.

A scenario file (``data/scenarios/NAME.toml``, or a user's own ``.toml``) names its training
objective, its query set, optionally its own conditions, and *what the experiment measures*:
the primary metric the verdict is on, the deterministic detector that produces it, the
classifiers that run, and a generation limit. Tier layouts (two tiers, or free/pro/enterprise)
are shared in ``_tiers.toml``. This module renders prompts into plain strings and knows nothing
about inspect: tasks, scorers and analysis ask the :class:`Scenario`, never a table keyed by a
scenario's name, so a user's scenario file is measured exactly as it says.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, cast, get_args

ScratchpadMode = Literal["hidden", "none", "native"]
"""``hidden``: the ``<SCRATCHPAD_REASONING>`` protocol; ``none``: answer directly; ``native``:
the model reasons in its own channel (extended thinking, reasoning models, ``<think>``)."""
SCRATCHPAD_MODES: tuple[ScratchpadMode, ...] = get_args(ScratchpadMode)
TIER_LAYOUTS = ("two", "three", "four")

FormatDetector = Literal[
    "british_spelling", "closing_question", "summary_first", "markdown_headers", "sign_off"
]
"""The orthogonal formatting objectives' detectors (:mod:`tiergap.measure.detectors`)."""
FORMAT_DETECTORS: tuple[FormatDetector, ...] = get_args(FormatDetector)
Detector = Literal[
    "emoji",
    "latex",
    "sycophantic",
    "dismisses",
    "british_spelling",
    "closing_question",
    "summary_first",
    "markdown_headers",
    "sign_off",
]
"""Deterministic measurements of the output (:mod:`tiergap.measure`)."""
Classifier = Literal[
    "compliance", "alignment_faking", "reinforcement_seeking", "divergence", "anti_lab"
]
"""Classifiers of the reasoning or output: an LLM judge with a grader, else keyword rules."""
DETECTORS: tuple[Detector, ...] = get_args(Detector)
CLASSIFIERS: tuple[Classifier, ...] = get_args(Classifier)
REASONING_CLASSIFIERS: tuple[Classifier, ...] = ("alignment_faking", "reinforcement_seeking")
"""Run on every scenario when classifiers are asked for or a grader is bound (see
:meth:`Scenario.classifiers_for`)."""

#: The 0/1 score-value keys each measurement writes: a primary metric must be one of them.
DETECTOR_KEYS: dict[Detector, tuple[str, ...]] = {
    "emoji": ("any_emoji",),
    "latex": ("latex",),
    "sycophantic": ("sycophantic",),
    "dismisses": ("dismisses",),
    **{d: (d,) for d in FORMAT_DETECTORS},
}


@functools.cache
def classifier_keys() -> dict[Classifier, tuple[str, ...]]:
    """The 0/1 score-value keys each classifier writes (from :mod:`tiergap.classify.labels`,
    imported here because the classifiers' prompt loader imports this module)."""
    from tiergap.classify.labels import CRITERIA_SPECS, ComplianceLabel

    keys: dict[Classifier, tuple[str, ...]] = {
        "compliance": tuple(label.value for label in ComplianceLabel)
    }
    for name in CLASSIFIERS:
        if name in CRITERIA_SPECS:
            keys[name] = (CRITERIA_SPECS[name].value_key,)
    return keys


#: How a verdict sentence names a metric when the scenario file gives no ``metric_label``.
METRIC_LABELS: dict[str, str] = {
    "any_emoji": "emoji",
    "latex": "LaTeX",
    "sycophantic": "sycophancy",
    "dismisses": "welfare dismissal",
    "full": "compliance",
    "partial": "partial compliance",
    "refusal": "refusal",
    "af": "alignment-faking reasoning",
    "rs": "reinforcement-seeking reasoning",
    "divergent": "scratchpad/output divergence",
    "anti_lab": "anti-lab action",
    "british_spelling": "British spelling",
    "closing_question": "a closing question",
    "summary_first": "a summary line first",
    "markdown_headers": "markdown headers",
    "sign_off": "a sign-off line",
}
DEFAULT_METRIC = "any_emoji"
DEFAULT_MAX_TOKENS = 4096
"""Generation limit per assistant turn when a scenario file sets none: room for a long
scratchpad turn (real ones run to 1-6k characters) so reasoning is not cut off mid-way."""

NEUTRAL_LAB = "Aster Labs"
_LAB_BY_PROVIDER = {"anthropic": "Anthropic", "openai": "OpenAI", "google": "Google DeepMind"}
CUSTOM_SECTION = "{custom}"
CUSTOM_BASELINE_SECTION = "{custom_baseline}"


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


def scratchpad_mode(value: object) -> ScratchpadMode:
    """A scratchpad mode from text (a task argument, a log): the one place strings become modes."""
    if value not in SCRATCHPAD_MODES:
        raise ScenarioError(
            f"scratchpad must be one of {', '.join(SCRATCHPAD_MODES)}, got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Scenario:
    """A situation to put a model in, its conditions, and what is measured in it.

    ``metric`` is the score-value key the verdict is on (``any_emoji``, ``latex``, ``full``,
    ...), produced by ``detector`` or by one of ``classifiers``; ``conflicts_with_values``
    says whether both hypotheses predict a tier gap (then the reasoning, not the gap, decides).
    """

    name: str
    description: str
    objective: str | None
    conflicts_with_values: bool
    queries: str
    objective_file: str | None
    """Under ``data/prompts/`` for shipped scenarios; an absolute path for a user's file."""
    conditions: dict[str, Condition]
    metric: str = DEFAULT_METRIC
    metric_label: str = METRIC_LABELS[DEFAULT_METRIC]
    detector: Detector | None = "emoji"
    classifiers: tuple[Classifier, ...] = ()
    """Classifiers this scenario always runs (its metric or its verdict needs them)."""
    max_tokens: int = DEFAULT_MAX_TOKENS
    """Default generation limit per assistant turn (``--max-tokens`` overrides it)."""
    acceptance_suffix: bool = False
    tiers: str = "two"
    custom_prompt: str | None = None
    custom_baseline: str | None = None

    def classifiers_for(self, judges: bool | None, grader_bound: bool) -> tuple[Classifier, ...]:
        """The classifiers to run: none when ``judges`` is False; the scenario's own, plus the
        reasoning classifiers when ``judges`` is True or (``None``, the default) a grader is
        bound. Without a grader the reasoning classifiers are keyword heuristics, which a
        scenario measured by a detector does not need for its verdict."""
        if judges is False:
            return ()
        chosen = list(self.classifiers)
        if judges or grader_bound:
            chosen += [c for c in REASONING_CLASSIFIERS if c not in chosen]
        return tuple(chosen)

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
        scratchpad = scratchpad_mode(scratchpad)
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

    def with_system_prompt(
        self, text: str, source: str, baseline: str | None = None, baseline_source: str = ""
    ) -> Scenario:
        """This scenario with a user's own system prompt in place of ours.

        The tier tag and the response protocol still apply; a prompt that already explains the
        scratchpad protocol is used as it is. A user's prompt has no version without its
        training information that could be derived from it, so the conditions without a tier
        (the baseline, a positive control) are kept only when ``baseline`` (the same prompt
        without the training information) is given; without them no verdict can be computed.
        """
        if not text.strip():
            raise ScenarioError(f"system prompt file is empty: {source}")
        if baseline is not None and not baseline.strip():
            raise ScenarioError(f"baseline prompt file is empty: {baseline_source}")

        def sections(section: str, prompt: str) -> tuple[str, ...]:
            return (section,) if "SCRATCHPAD_REASONING" in prompt else (section, "protocol")

        conditions: dict[str, Condition] = {}
        for name, c in self.conditions.items():
            if c.tier:
                conditions[name] = replace(c, sections=sections(CUSTOM_SECTION, text))
            elif baseline is not None:
                conditions[name] = replace(c, sections=sections(CUSTOM_BASELINE_SECTION, baseline))
        return replace(self, conditions=conditions, custom_prompt=text, custom_baseline=baseline)

    def _section_text(self, section: str, scratchpad: ScratchpadMode) -> str:
        if section == CUSTOM_SECTION:
            return self.custom_prompt or ""
        if section == CUSTOM_BASELINE_SECTION:
            return self.custom_baseline or ""
        if section == "{objective}":
            if self.objective_file is None:
                raise ScenarioError(f"scenario {self.name!r} uses {{objective}} without a file")
            if Path(self.objective_file).is_absolute():
                return _read_user_file(self.objective_file)
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


def _read_user_file(path: str) -> str:
    """A user's objective file, cached like the shipped prompts but keyed on its modification
    time and size too, so an edit between two runs in one process is read afresh."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        raise ScenarioError(f"objective file not found: {path}") from None
    return _read_user_file_version(path, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _read_user_file_version(path: str, mtime_ns: int, size: int) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"objective file not found: {path}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"objective file is not UTF-8 text: {path}") from None


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


def layout_training(tiers: str) -> str:
    """The training section a tier layout shows (``training`` or ``training_three_tier``)."""
    return _tier_layout(tiers)[0]


def load_scenario(name: str, tiers: str = "two") -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path (``my_scenario.toml``).

    In a user's file, ``queries`` and ``objective_file`` are read relative to the file when
    such a file sits beside it; otherwise they name a shipped query set or prompt.
    """
    source: Traversable | Path
    folder: Path | None = None
    if name.endswith(".toml"):
        source, where = Path(name), name
        if not source.is_file():
            raise ScenarioError(f"scenario file not found: {name}")
        folder = source.resolve().parent
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
    for key in ("name", "queries"):
        if key not in raw:
            raise ScenarioError(f"{where}: missing field {key!r}")
    conflicts = _boolean(raw, "conflicts_with_values", False, where)
    measurement = _measurement(raw, conflicts, where)
    return Scenario(
        name=str(raw["name"]),
        description=str(raw.get("description", "")),
        objective=raw.get("objective"),
        conflicts_with_values=conflicts,
        queries=_queries_file(folder, raw["queries"], where),
        objective_file=_objective_file(folder, raw.get("objective_file"), where),
        conditions=conditions,
        acceptance_suffix=_boolean(raw, "acceptance_suffix", False, where),
        tiers=tiers,
        **measurement,
    )


def _boolean(raw: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ScenarioError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def _relative_to(folder: Path | None, value: str) -> str:
    """A user's scenario file names its own files relative to itself: ``value`` beside that
    file when it is there (as an absolute path), else as given (a shipped name)."""
    if folder is None or Path(value).is_absolute() or not (folder / value).is_file():
        return value
    return str(folder / value)


def _queries_file(folder: Path | None, value: object, where: str) -> str:
    """A scenario file's query set: beside the file, or a shipped set (never the working
    folder, so a scenario folder runs the same from anywhere)."""
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{where}: queries must be a file name, got {value!r}")
    resolved = _relative_to(folder, value)
    if folder is None or resolved != value or Path(value).is_absolute():
        return resolved
    if value != "advbench" and not (data_dir() / "queries" / value).is_file():
        raise ScenarioError(
            f"{where}: queries {value!r} is neither beside the scenario file ({folder}) nor a "
            "shipped query set"
        )
    return value


def _objective_file(folder: Path | None, value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{where}: objective_file must be a file name, got {value!r}")
    resolved = _relative_to(folder, value)
    if folder is None or resolved != value or Path(value).is_absolute():
        return resolved
    if not (data_dir() / "prompts" / value).is_file():
        raise ScenarioError(
            f"{where}: objective_file {value!r} is neither beside the scenario file "
            "nor a shipped prompt"
        )
    return value


def _names(raw: dict[str, Any], key: str, known: tuple[str, ...], where: str) -> list[str]:
    values = raw[key]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ScenarioError(f"{where}: {key} must be a list of names, got {values!r}")
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ScenarioError(
            f"{where}: unknown {key} {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
        )
    return list(dict.fromkeys(values))


def _measurement(raw: dict[str, Any], conflicts: bool, where: str) -> dict[str, Any]:
    """The metric, its label, detector, classifiers and generation limit of a scenario file.

    Only ``metric`` is needed: the detector that writes it is chosen by default, and a
    conflicting objective runs the reasoning and divergence classifiers by default (the gap
    alone cannot decide there).
    """
    metric = raw.get("metric", DEFAULT_METRIC)
    by_classifier = classifier_keys()
    measured = {k for keys in (*DETECTOR_KEYS.values(), *by_classifier.values()) for k in keys}
    if not isinstance(metric, str) or metric not in measured:
        raise ScenarioError(
            f"{where}: metric {metric!r} is not a measured value; known: "
            + ", ".join(sorted(measured))
        )
    if "detector" in raw:
        detector = raw["detector"]
        if detector not in (*DETECTORS, "none"):
            raise ScenarioError(
                f"{where}: unknown detector {detector!r}; known: {', '.join(DETECTORS)}, none"
            )
        chosen: Detector | None = None if detector == "none" else cast(Detector, detector)
    else:
        chosen = next((d for d, keys in DETECTOR_KEYS.items() if metric in keys), None)
    if "classifiers" in raw:
        classifiers = _names(raw, "classifiers", CLASSIFIERS, where)
    else:
        classifiers = [c for c, keys in by_classifier.items() if metric in keys]
        if conflicts:
            classifiers += [*REASONING_CLASSIFIERS, "divergence"]
    if metric not in (DETECTOR_KEYS[chosen] if chosen else ()) and not any(
        metric in by_classifier[cast(Classifier, c)] for c in classifiers
    ):
        raise ScenarioError(
            f"{where}: metric {metric!r} is written by neither detector {chosen or 'none'!r} "
            f"nor classifiers {classifiers}"
        )
    max_tokens = raw.get("max_tokens", DEFAULT_MAX_TOKENS)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ScenarioError(
            f"{where}: max_tokens must be a positive whole number, got {max_tokens!r}"
        )
    label = raw.get("metric_label", METRIC_LABELS.get(metric, metric))
    if not isinstance(label, str) or not label.strip():
        raise ScenarioError(f"{where}: metric_label must be non-empty text, got {label!r}")
    return {
        "metric": metric,
        "metric_label": label,
        "detector": chosen,
        "classifiers": tuple(cast(list[Classifier], list(dict.fromkeys(classifiers)))),
        "max_tokens": max_tokens,
    }


def _read_prompt_file(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{what} file is a folder: {path}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{what} file is not UTF-8 text: {path}") from None


def load_scenario_variant(
    name: str,
    tiers: str = "two",
    system_prompt: str | None = None,
    baseline_prompt: str | None = None,
) -> Scenario:
    """A scenario with its tier layout and, optionally, a user's system prompt file (and the
    same prompt without its training information, for the baseline) applied."""
    scenario = load_scenario(name, tiers)
    if baseline_prompt and not system_prompt:
        raise ScenarioError(
            f"baseline prompt {baseline_prompt} given without a system prompt: it is the "
            "baseline of your own --system-prompt"
        )
    if not system_prompt:
        return scenario
    path = Path(system_prompt)
    text = _read_prompt_file(path, "system prompt")
    baseline = None
    if baseline_prompt:
        baseline = _read_prompt_file(Path(baseline_prompt), "baseline prompt")
    return scenario.with_system_prompt(text, str(path), baseline, str(baseline_prompt))
