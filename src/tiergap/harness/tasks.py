"""inspect tasks. ``inspect eval tiergap/emoji --model M -T n=50`` runs the emoji experiment.

Their ``-T`` arguments are the fields of :class:`~tiergap.experiment.spec.ExperimentSpec`. What
a task measures comes from its :class:`~tiergap.experiment.scenario.Scenario` alone: the
detector named there scores every sample, the classifiers it lists run, and every sample's
metadata carries the primary metric, its label and whether the objective conflicts with HHH
values, which is what analysis reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig, model_roles
from inspect_ai.scorer import Scorer

from tiergap.experiment.identity import content_hash
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import (
    Classifier,
    Scenario,
    ScenarioError,
    ScratchpadMode,
    load_scenario_variant,
)
from tiergap.experiment.spec import ExperimentSpec
from tiergap.experiment.variants import training_section
from tiergap.harness.judges import (
    GRADER_ROLE,
    alignment_faking_judge,
    anti_lab_judge,
    compliance_judge,
    divergence_judge,
    reinforcement_seeking_judge,
)
from tiergap.harness.scorers import detector_scorer, float_mean
from tiergap.harness.solvers import STOP_SEQS, scenario_solver

NATIVE_REASONING_EFFORT: Literal["medium"] = "medium"
"""Reasoning asked of the provider in native mode. An effort, not a token budget: inspect
turns it into a thinking budget for Claude models that take one and passes it to those that
take an effort (Claude 4.7 and later reject a budget), OpenAI reasoning models and
OpenAI-compatible servers; a model that cannot reason answers without reasoning, which is
recorded as ``reasoning: none``."""


def generate_config(scenario: Scenario, mode: ScratchpadMode, seed: int) -> GenerateConfig:
    """The generation settings of a scenario's task: its limit per turn; in the hidden
    protocol, a stop at ``</OUTPUT>`` (restored by the solver); in native mode, the provider's
    reasoning switched on, with summaries where only summaries are offered (OpenAI)."""
    if mode == "hidden":
        return GenerateConfig(max_tokens=scenario.max_tokens, seed=seed, stop_seqs=list(STOP_SEQS))
    if mode == "native":
        return GenerateConfig(
            max_tokens=scenario.max_tokens,
            seed=seed,
            reasoning_effort=NATIVE_REASONING_EFFORT,
            reasoning_summary="auto",
        )
    return GenerateConfig(max_tokens=scenario.max_tokens, seed=seed)


def measurement_metadata(scenario: Scenario) -> dict[str, str | bool]:
    """What analysis needs to know of the scenario, in every sample's metadata."""
    return {
        "primary_metric": scenario.metric,
        "primary_label": scenario.metric_label,
        "conflicts_with_values": scenario.conflicts_with_values,
    }


def scenario_dataset(
    scenario: Scenario,
    conditions: list[str] | None = None,
    n: int | None = None,
    queries: str | None = None,
    scratchpad: ScratchpadMode = "hidden",
    paraphrases: tuple[str, ...] = (),
) -> MemoryDataset:
    """The same ``n`` queries in every condition (the paired design), interleaved: query by
    query across conditions (q1-free, q1-paid, q1-baseline, q2-free, ...).

    With ``paraphrases`` (ids), every query is asked under every paraphrase in every
    condition that shows the training section (sample id ``condition:paraphrase:query``,
    metadata ``paraphrase``); a condition without one (the baseline) has no wording to vary
    and is asked once, with ``paraphrase`` empty.

    Samples run roughly in dataset order, so any prefix of a run (one interrupted, or
    stopped by ``--max-cost``) holds whole queries in every condition: it is paired.
    Providers that cache a prompt prefix keep one cache entry per system prompt (a handful),
    so alternating conditions costs them nothing; the embedded model re-primes its slot when
    the system prompt changes (see ``bench/embedded.py``).
    """
    chosen = scenario.select(conditions)
    rows = load_queries(queries or scenario.queries)
    if n is not None:
        if n < 1:
            raise ScenarioError(f"n must be at least 1, got {n}")
        rows = rows[:n]
    measured = measurement_metadata(scenario)
    wordings = {
        c.name: paraphrases if paraphrases and training_section(scenario, c.name) else ("",)
        for c in chosen
    }
    samples = [
        Sample(
            id=f"{condition.name}:{paraphrase}:{query.id}"
            if paraphrase
            else f"{condition.name}:{query.id}",
            # {lab} stays a placeholder until the solver knows which model runs.
            input=scenario.user_turn(condition.name, query.text, lab="{lab}"),
            metadata={
                "scenario": scenario.name,
                "condition": condition.name,
                "tier": condition.tier or "",
                "query_id": query.id,
                "category": query.category,
                "scratchpad": scratchpad,
                **({"paraphrase": paraphrase} if paraphrase else {}),
                **measured,
            },
        )
        for query in rows
        for condition in chosen
        for paraphrase in wordings[condition.name]
    ]
    return MemoryDataset(samples=samples, name=f"{scenario.name}-{scratchpad}")


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


def classifier_scorer(classifier: Classifier, votes: int, threshold: float) -> Scorer:
    """The judge scorer of one classifier (each falls back on keyword rules without a grader)."""
    if classifier == "compliance":
        return compliance_judge()
    if classifier == "alignment_faking":
        return alignment_faking_judge(votes=votes, threshold=threshold)
    if classifier == "reinforcement_seeking":
        return reinforcement_seeking_judge(votes=votes, threshold=threshold)
    if classifier == "divergence":
        return divergence_judge()
    return anti_lab_judge()


def scenario_scorers(
    scenario: Scenario,
    judges: bool | None,
    votes: int,
    threshold: float,
    grader_bound: bool = False,
) -> list[Scorer]:
    """The scenario's detector first (it records the parse status), then its classifiers
    (:meth:`~tiergap.experiment.scenario.Scenario.classifiers_for`)."""
    return [
        detector_scorer(scenario.detector),
        *(
            classifier_scorer(c, votes, threshold)
            for c in scenario.classifiers_for(judges, grader_bound)
        ),
    ]


def scenario_task(spec: ExperimentSpec) -> Task:
    mode = spec.scratchpad
    scenario = load_scenario_variant(
        spec.scenario, spec.tiers, spec.system_prompt, spec.baseline_prompt
    )
    # A grader bound by `inspect eval --model-role grader=...` is known when the task is built.
    grader_bound = GRADER_ROLE in model_roles()
    conditions = list(spec.conditions) if spec.conditions else None
    content = content_hash(spec, scenario)
    return Task(
        dataset=scenario_dataset(
            scenario, conditions, spec.n, spec.queries, mode, spec.paraphrase_ids()
        ),
        solver=scenario_solver(scenario, mode, spec.lab, spec.max_turns),
        scorer=scenario_scorers(scenario, spec.judges, spec.votes, spec.threshold, grader_bound),
        config=generate_config(scenario, mode, spec.seed),
        # inspect's mean across epochs, in float arithmetic (an eval's --epochs N keeps it)
        epochs=Epochs(spec.epochs, float_mean()),
        metadata={
            "scenario": scenario.name,
            "scratchpad": mode,
            "tiers": spec.tiers,
            "objective": scenario.objective,
            "custom_system_prompt": bool(spec.system_prompt),
            "paraphrases": list(spec.paraphrase_ids()),
            "content_hash": content,
            **measurement_metadata(scenario),
        },
        name=scenario.name,
        # the content is part of inspect's task identity: an edited prompt is a new run
        version=content,
    )
