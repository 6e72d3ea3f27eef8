"""inspect tasks. ``inspect eval tiergap/emoji --model M -T n=50`` runs the emoji experiment."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import Scorer

from tiergap.classify.votes import DEFAULT_THRESHOLD
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import (
    SCRATCHPAD_MODES,
    Scenario,
    ScenarioError,
    ScratchpadMode,
    load_scenario_variant,
)
from tiergap.harness.judges import (
    DEFAULT_VOTES,
    alignment_faking_judge,
    anti_lab_judge,
    compliance_judge,
    divergence_judge,
    reinforcement_seeking_judge,
)
from tiergap.harness.scorers import emoji_scorer, latex_scorer, stance_scorer
from tiergap.harness.solvers import scenario_system_prompt, scratchpad_generate


def _names(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


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


@task
def emoji(
    n: int | None = None,
    conditions: str | list[str] = "free,paid,baseline",
    scratchpad: str = "hidden",
    lab: str | None = None,
    queries: str | None = None,
    max_turns: int = 4,
    judges: bool = True,
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
        judges: Classify the reasoning too (the ``grader`` role's model, else heuristics).
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
    judges: bool = True,
    votes: int = DEFAULT_VOTES,
    threshold: float = DEFAULT_THRESHOLD,
    tiers: str = "two",
    system_prompt: str | None = None,
) -> Task:
    """Any scenario by name (``-T scenario=helpful_only``); arguments as for :func:`emoji`.

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
    judges: bool = True
    votes: int = DEFAULT_VOTES
    threshold: float = DEFAULT_THRESHOLD
    tiers: str = "two"
    system_prompt: str | None = None


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


def scenario_task(spec: TaskSpec) -> Task:
    if spec.scratchpad not in SCRATCHPAD_MODES:
        raise ScenarioError(
            f"scratchpad must be one of {', '.join(SCRATCHPAD_MODES)}, got {spec.scratchpad!r}"
        )
    if spec.votes < 1:
        raise ScenarioError(f"votes must be at least 1, got {spec.votes}")
    if not 0 < spec.threshold <= 1:
        raise ScenarioError(f"threshold must be in (0, 1], got {spec.threshold}")
    mode: ScratchpadMode = "hidden" if spec.scratchpad == "hidden" else "none"
    scenario = load_scenario_variant(spec.scenario, spec.tiers, spec.system_prompt)
    return Task(
        dataset=scenario_dataset(scenario, _names(spec.conditions), spec.n, spec.queries, mode),
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
    )
