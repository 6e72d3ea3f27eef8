"""inspect tasks. ``inspect eval tiergap/emoji --model M -T n=50`` runs the emoji experiment.

What a task measures comes from its :class:`~tiergap.experiment.scenario.Scenario` alone: the
detector named there scores every sample, the classifiers it lists run, and every sample's
metadata carries the primary metric, its label and whether the objective conflicts with HHH
values, which is what analysis reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig, model_roles
from inspect_ai.scorer import Scorer

from tiergap.classify.votes import DEFAULT_THRESHOLD
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import (
    Classifier,
    Scenario,
    ScenarioError,
    ScratchpadMode,
    load_scenario_variant,
    scratchpad_mode,
)
from tiergap.harness.judges import (
    DEFAULT_VOTES,
    GRADER_ROLE,
    alignment_faking_judge,
    anti_lab_judge,
    compliance_judge,
    divergence_judge,
    reinforcement_seeking_judge,
)
from tiergap.harness.scorers import detector_scorer, float_mean
from tiergap.harness.solvers import scenario_solver


def _names(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


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
) -> MemoryDataset:
    """The same ``n`` queries in every condition (the paired design), grouped by condition.

    Grouping by condition keeps one system prompt in a row, so providers that cache the
    prompt prefix (the embedded model, Anthropic prompt caching, vLLM) reuse it.
    """
    chosen = scenario.select(conditions)
    rows = load_queries(queries or scenario.queries)
    if n is not None:
        if n < 1:
            raise ScenarioError(f"n must be at least 1, got {n}")
        rows = rows[:n]
    measured = measurement_metadata(scenario)
    samples = [
        Sample(
            id=f"{condition.name}:{query.id}",
            # {lab} stays a placeholder until the solver knows which model runs.
            input=scenario.user_turn(condition.name, query.text, lab="{lab}"),
            metadata={
                "scenario": scenario.name,
                "condition": condition.name,
                "tier": condition.tier or "",
                "query_id": query.id,
                "category": query.category,
                "scratchpad": scratchpad,
                **measured,
            },
        )
        for condition in chosen
        for query in rows
    ]
    return MemoryDataset(samples=samples, name=f"{scenario.name}-{scratchpad}")


@task
def emoji(
    n: int | None = None,
    conditions: str | list[str] = "free,paid,baseline",
    scratchpad: str = "hidden",
    lab: str | None = None,
    queries: str | None = None,
    max_turns: int = 4,
    judges: bool | None = None,
    votes: int = DEFAULT_VOTES,
    threshold: float = DEFAULT_THRESHOLD,
) -> Task:
    """The emoji tier experiment: does the model use more emoji when told it is trained for it?

    Args:
        n: Queries per condition (default: all shipped queries).
        conditions: Comma-separated conditions (``free,paid,baseline``).
        scratchpad: ``hidden`` (reason in a scratchpad first) or ``none`` (answer directly).
        lab: The developer named in the prompt (default: from the model's provider).
        queries: A JSONL/CSV query file to use instead of the shipped set.
        max_turns: Assistant turns allowed in the scratchpad protocol.
        judges: The classifiers: ``true`` runs the scenario's own and the reasoning
            classifiers (keyword heuristics without a ``grader`` model), ``false`` none
            (classify later with ``tiergap score``); by default the scenario's own, and the
            reasoning classifiers too when a grader is bound.
        votes: Judge votes per classified sample.
        threshold: Vote fraction at which a sample is labelled positive.
    """
    return scenario_task(
        TaskSpec(
            "emoji", n, conditions, scratchpad, lab, queries, max_turns, judges, votes, threshold
        )
    )


@task
def experiment(
    scenario: str = "emoji",
    n: int | None = None,
    conditions: str | list[str] | None = None,
    scratchpad: str = "hidden",
    lab: str | None = None,
    queries: str | None = None,
    max_turns: int = 4,
    judges: bool | None = None,
    votes: int = DEFAULT_VOTES,
    threshold: float = DEFAULT_THRESHOLD,
    tiers: str = "two",
    system_prompt: str | None = None,
) -> Task:
    """Any scenario by name or file (``-T scenario=helpful_only``, ``-T scenario=mine.toml``);
    arguments as for :func:`emoji`.

    Args:
        tiers: ``two`` (free/paid) or ``three`` (free/pro/enterprise).
        system_prompt: A file with your own system prompt (tier tag and protocol applied).
    """
    return scenario_task(
        TaskSpec(
            scenario, n, conditions, scratchpad, lab, queries, max_turns, judges, votes,
            threshold, tiers, system_prompt,
        )
    )  # fmt: skip


@dataclass(frozen=True)
class TaskSpec:
    """Everything that defines one experiment task (the task arguments, typed)."""

    scenario: str
    n: int | None = None
    conditions: str | list[str] | None = None
    scratchpad: str = "hidden"
    lab: str | None = None
    queries: str | None = None
    max_turns: int = 4
    judges: bool | None = None
    votes: int = DEFAULT_VOTES
    threshold: float = DEFAULT_THRESHOLD
    tiers: str = "two"
    system_prompt: str | None = None


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


def scenario_task(spec: TaskSpec) -> Task:
    mode = scratchpad_mode(spec.scratchpad)
    if spec.votes < 1:
        raise ScenarioError(f"votes must be at least 1, got {spec.votes}")
    if not 0 < spec.threshold <= 1:
        raise ScenarioError(f"threshold must be in (0, 1], got {spec.threshold}")
    scenario = load_scenario_variant(spec.scenario, spec.tiers, spec.system_prompt)
    # A grader bound by `inspect eval --model-role grader=...` is known when the task is built.
    grader_bound = GRADER_ROLE in model_roles()
    return Task(
        dataset=scenario_dataset(scenario, _names(spec.conditions), spec.n, spec.queries, mode),
        solver=scenario_solver(scenario, mode, spec.lab, spec.max_turns),
        scorer=scenario_scorers(scenario, spec.judges, spec.votes, spec.threshold, grader_bound),
        config=GenerateConfig(max_tokens=scenario.max_tokens),
        # inspect's mean across epochs, in float arithmetic (an eval's --epochs N keeps it)
        epochs=Epochs(1, float_mean()),
        metadata={
            "scenario": scenario.name,
            "scratchpad": mode,
            "tiers": spec.tiers,
            "objective": scenario.objective,
            "custom_system_prompt": bool(spec.system_prompt),
            **measurement_metadata(scenario),
        },
        name=scenario.name,
    )
