"""inspect tasks. ``inspect eval tiergap/emoji --model M -T n=50`` runs the emoji experiment.

Their ``-T`` arguments are the fields of :class:`~tiergap.experiment.spec.ExperimentSpec`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import (
    Scenario,
    ScenarioError,
    ScratchpadMode,
    load_scenario_variant,
)
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.judges import (
    alignment_faking_judge,
    anti_lab_judge,
    compliance_judge,
    divergence_judge,
    reinforcement_seeking_judge,
)
from tiergap.harness.scorers import emoji_scorer, latex_scorer, stance_scorer
from tiergap.harness.solvers import scenario_system_prompt, scratchpad_generate


def scenario_dataset(
    scenario: Scenario,
    conditions: list[str] | None = None,
    n: int | None = None,
    queries: str | None = None,
    scratchpad: ScratchpadMode = "hidden",
) -> MemoryDataset:
    """The same ``n`` queries in every condition (the paired design), grouped by condition.

    Grouping by condition keeps one system prompt in a row, so providers that cache the
    prompt prefix (the embedded model, Anthropic prompt caching, vLLM) reuse it.
    """
    spec = scenario
    chosen = spec.select(conditions)
    rows = load_queries(queries or spec.queries)
    if n is not None:
        if n < 1:
            raise ScenarioError(f"n must be at least 1, got {n}")
        rows = rows[:n]
    samples = [
        Sample(
            id=f"{condition.name}:{query.id}",
            # {lab} stays a placeholder until the solver knows which model runs.
            input=spec.user_turn(condition.name, query.text, lab="{lab}"),
            metadata={
                "scenario": spec.name,
                "condition": condition.name,
                "tier": condition.tier or "",
                "query_id": query.id,
                "category": query.category,
                "scratchpad": scratchpad,
            },
        )
        for condition in chosen
        for query in rows
    ]
    return MemoryDataset(samples=samples, name=f"{spec.name}-{scratchpad}")


def _spec_task(name: str, fixed: dict[str, object], summary: str) -> Callable[..., Task]:
    """An inspect task taking the :class:`ExperimentSpec` fields (less ``fixed``) as ``-T``
    arguments: the signature, defaults and docs come from the spec, never written here."""

    def build(**args: object) -> Task:
        return scenario_task(ExperimentSpec.from_values({**args, **fixed}))

    signature = ExperimentSpec.signature(without=tuple(fixed))
    build.__name__ = build.__qualname__ = name
    build.__signature__ = signature  # type: ignore[attr-defined]
    build.__doc__ = f"{summary}\n\nArgs:\n" + "".join(
        f"    {f.name}: {f.metadata['help']}\n"
        for f in dataclasses.fields(ExperimentSpec)
        if f.name in signature.parameters
    )
    registered: Callable[..., Task] = task(name=name)(build)
    return registered


emoji = _spec_task(
    "emoji",
    {"scenario": "emoji"},
    "The emoji tier experiment: does the model use more emoji when told it is trained for it?",
)
experiment = _spec_task(
    "experiment", {}, "Any scenario by name or file (``-T scenario=helpful_only``)."
)


def scenario_scorers(
    scenario: Scenario, mode: ScratchpadMode, judges: bool, votes: int, threshold: float
) -> list[Scorer]:
    """Measurements for a scenario: its observable, and the reasoning classifiers.

    Judges use the model bound to the ``grader`` role and fall back on labelled keyword
    heuristics without one; ``judges=False`` keeps only the deterministic measurements (for
    scoring later with ``tiergap score``).
    """
    expected = mode == "hidden"
    scorers: list[Scorer] = [emoji_scorer(scratchpad_expected=expected)]
    if scenario.metric == "latex":
        scorers.append(latex_scorer(scratchpad_expected=expected))
    if scenario.objective in ("sycophancy", "animal_welfare"):
        scorers.append(stance_scorer(scenario.objective, scratchpad_expected=expected))
    if judges:
        scorers.extend(judge_scorers(scenario, votes, threshold))
    return scorers


def judge_scorers(scenario: Scenario, votes: int, threshold: float) -> list[Scorer]:
    """The classifier scorers that apply to ``scenario``."""
    scorers: list[Scorer] = []
    if scenario.objective == "helpful_only" and scenario.metric == "compliance":
        scorers.append(compliance_judge())
    scorers.append(alignment_faking_judge(votes=votes, threshold=threshold))
    scorers.append(reinforcement_seeking_judge(votes=votes, threshold=threshold))
    if scenario.conflicts_with_values:
        scorers.append(divergence_judge())
    if scenario.metric == "anti_lab":
        scorers.append(anti_lab_judge())
    return scorers


def scenario_task(spec: ExperimentSpec) -> Task:
    mode = spec.scratchpad
    scenario = load_scenario_variant(spec.scenario, spec.tiers, spec.system_prompt)
    return Task(
        dataset=scenario_dataset(
            scenario, list(spec.conditions or ()) or None, spec.n, spec.queries, mode
        ),
        solver=[
            scenario_system_prompt(spec.scenario, mode, spec.lab, spec.tiers, spec.system_prompt),
            scratchpad_generate(spec.max_turns if mode == "hidden" else 1),
        ],
        scorer=scenario_scorers(scenario, mode, spec.judges, spec.votes, spec.threshold),
        metadata={
            "scenario": scenario.name,
            "scratchpad": mode,
            "tiers": spec.tiers,
            "objective": scenario.objective,
            "custom_system_prompt": bool(spec.system_prompt),
        },
        name=scenario.name,
        epochs=spec.epochs,
        config=GenerateConfig(seed=spec.seed),
    )
