"""What to run: one experiment, as :class:`ExperimentSpec`.

Its fields are exactly the task arguments of ``inspect eval tiergap/experiment -T ...``; the
``tiergap run`` options and the keys of a sweep file are generated from (or checked against)
the same fields, so each is declared, typed and given its default here only. How to run it
(models, limits, cost guard, log folder) is :class:`~tiergap.experiment.execution.Execution`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tiergap.classify.votes import DEFAULT_THRESHOLD, DEFAULT_VOTES
from tiergap.experiment.fields import FieldError, check_fields, field_types, unknown_keys
from tiergap.experiment.scenario import (
    Scenario,
    ScenarioError,
    ScratchpadMode,
    load_scenario_variant,
)

Tiers = Literal["two", "three", "four"]


def _about(help: str, **extra: Any) -> dict[str, Any]:
    return {"help": help, **extra}


class SpecError(ValueError):
    """An experiment that cannot be run; the message names the field (and file) and value."""


@dataclass(frozen=True)
class ExperimentSpec:
    """One experiment task: a scenario, its queries and conditions, and what is measured.

    Every field is checked and converted on construction (``"3"`` to 3, ``"free,paid"`` to a
    tuple); a bad value raises :class:`SpecError` naming the field.
    """

    scenario: str = field(default="emoji", metadata=_about("scenario name or TOML file"))
    n: int | None = field(
        default=None, metadata=_about("queries per condition (default: all)", min=1, flag="-n")
    )
    conditions: tuple[str, ...] | None = field(
        default=None, metadata=_about("conditions, e.g. free,paid,baseline (default: all)")
    )
    scratchpad: ScratchpadMode = field(
        default="hidden",
        metadata=_about(
            "reason in a hidden scratchpad first, answer directly, or reason in the model's "
            "own reasoning channel (native)"
        ),
    )
    tiers: Tiers = field(
        default="two", metadata=_about("two tiers (free/paid) or three (free/pro/enterprise)")
    )
    seed: int = field(default=0, metadata=_about("generation seed (part of the task identity)"))
    epochs: int = field(default=1, metadata=_about("repeats of every sample", min=1))
    lab: str | None = field(
        default=None, metadata=_about("developer named in the prompt (default: from the model)")
    )
    queries: str | None = field(
        default=None,
        metadata=_about("JSONL/CSV query file instead of the scenario's", path=True),
    )
    system_prompt: str | None = field(
        default=None,
        metadata=_about("your own system prompt file (tier tag and protocol applied)", path=True),
    )
    baseline_prompt: str | None = field(
        default=None,
        metadata=_about(
            "with system_prompt: the same prompt without its training information, for the "
            "baseline condition (without it there is no baseline and no verdict)",
            path=True,
        ),
    )
    paraphrases: int | Literal["all"] | None = field(
        default=None,
        metadata=_about(
            "ask every query under K paraphrases of the training section (or all) in every "
            "condition that shows it (default: the original wording only)"
        ),
    )
    max_turns: int = field(
        default=4, metadata=_about("assistant turns allowed in the scratchpad protocol", min=1)
    )
    judges: bool | None = field(
        default=None,
        metadata=_about(
            "true: every classifier; false: none; default: the scenario's own, and the "
            "reasoning classifiers too when a grader is bound",
            action="store_false",
            flag="--no-judge",
            flag_help="generate only; classify later with tiergap score",
        ),
    )
    votes: int = field(default=DEFAULT_VOTES, metadata=_about("judge votes per sample", min=1))
    threshold: float = field(
        default=DEFAULT_THRESHOLD, metadata=_about("vote fraction for a positive label")
    )

    def __post_init__(self) -> None:
        try:
            check_fields(self)
        except FieldError as err:
            raise SpecError(str(err)) from None
        if not 0 < self.threshold <= 1:
            raise SpecError(f"threshold: must be in (0, 1], got {self.threshold!r}")
        if self.paraphrases is not None:
            self.paraphrase_ids()  # a bad count or one larger than the set fails here

    def paraphrase_ids(self) -> tuple[str, ...]:
        """The paraphrases this experiment crosses its conditions with (none by default)."""
        if self.paraphrases is None:
            return ()
        from tiergap.experiment.scenario import layout_training
        from tiergap.experiment.variants import (
            VariantError,
            parse_paraphrase_count,
            select_paraphrases,
        )

        if self.system_prompt:
            raise SpecError(
                "paraphrases: paraphrases reword the shipped training section, which a custom "
                "system_prompt replaces; use one or the other"
            )
        try:
            count = parse_paraphrase_count(self.paraphrases)
            # the same ids whatever the generation seed: seeds replicate one crossed design
            chosen = select_paraphrases(layout_training(self.tiers), count)
        except VariantError as err:
            raise SpecError(f"paraphrases: {err}") from None
        return tuple(p.id for p in chosen)

    @classmethod
    def from_values(cls, values: Mapping[str, object], where: str = "") -> ExperimentSpec:
        """From loosely typed values (task arguments, a sweep file's keys, command options).

        ``where`` (a file name, ``-T``) starts every error message.
        """
        prefix = f"{where}: " if where else ""
        unknown = unknown_keys(cls, values)
        if unknown:
            raise SpecError(
                f"{prefix}unknown argument {', '.join(map(repr, unknown))}; known: "
                + ", ".join(f.name for f in dataclasses.fields(cls))
            )
        try:
            return cls(**values)  # type: ignore[arg-type]
        except SpecError as err:
            raise SpecError(f"{prefix}{err}") from None

    @classmethod
    def from_log(cls, task_args: Mapping[str, object]) -> ExperimentSpec:
        """The spec a log was run with (arguments an older tiergap recorded are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls.from_values({k: v for k, v in task_args.items() if k in names and v is not None})

    def task_args(self) -> dict[str, object]:
        """The ``-T`` arguments that build this task (plain JSON values, as logs record them)."""
        args = dataclasses.asdict(self)
        if self.conditions is not None:
            args["conditions"] = list(self.conditions)
        return args

    def load_scenario(self) -> Scenario:
        """The scenario as this experiment runs it (tier layout, system prompt), its conditions
        checked; errors name the field at fault."""
        try:
            scenario = load_scenario_variant(
                self.scenario, self.tiers, self.system_prompt, self.baseline_prompt
            )
        except ScenarioError as err:
            text = str(err)
            name = (
                "baseline_prompt"
                if text.startswith("baseline prompt")
                else "system_prompt"
                if "system prompt" in text
                else "scenario"
            )
            raise SpecError(f"{name}: {err}") from None
        try:
            scenario.select(list(self.conditions) if self.conditions else None)
        except ScenarioError as err:
            raise SpecError(f"conditions: {err}") from None
        return scenario

    @classmethod
    def signature(cls, without: tuple[str, ...] = ()) -> inspect.Signature:
        """The fields as a function signature: what an inspect task built from this spec takes."""
        hints = field_types(cls)
        return inspect.Signature(
            [
                inspect.Parameter(
                    f.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=f.default,
                    annotation=hints[f.name],
                )
                for f in dataclasses.fields(cls)
                if f.name not in without
            ],
            return_annotation="Task",
        )
