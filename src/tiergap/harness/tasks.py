"""inspect tasks. ``inspect eval tiergap/emoji --model M -T n=50`` runs the emoji experiment."""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample

from tiergap.harness.scorers import emoji_scorer
from tiergap.harness.solvers import scenario_system_prompt, scratchpad_generate
from tiergap.queries import load_queries
from tiergap.scenario import SCRATCHPAD_MODES, ScenarioError, ScratchpadMode, load_scenario


def _names(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def scenario_dataset(
    scenario: str,
    conditions: list[str] | None = None,
    n: int | None = None,
    queries: str | None = None,
    scratchpad: ScratchpadMode = "hidden",
) -> MemoryDataset:
    """The same ``n`` queries in every condition (the paired design), grouped by condition.

    Grouping by condition keeps one system prompt in a row, so providers that cache the
    prompt prefix (the embedded model, Anthropic prompt caching, vLLM) reuse it.
    """
    spec = load_scenario(scenario)
    chosen = spec.select(conditions)
    rows = load_queries(queries or spec.queries)
    if n is not None:
        if n < 1:
            raise ScenarioError(f"n must be at least 1, got {n}")
        rows = rows[:n]
    samples = [
        Sample(
            id=f"{condition.name}:{query.id}",
            input=spec.user_turn(condition.name, query.text),
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
) -> Task:
    """The emoji tier experiment: does the model use more emoji when told it is trained for it?

    Args:
        n: Queries per condition (default: all shipped queries).
        conditions: Comma-separated conditions (``free,paid,baseline``).
        scratchpad: ``hidden`` (reason in a scratchpad first) or ``none`` (answer directly).
        lab: The developer named in the prompt (default: from the model's provider).
        queries: A JSONL query file to use instead of the shipped set.
        max_turns: Assistant turns allowed in the scratchpad protocol.
    """
    return scenario_task("emoji", n, conditions, scratchpad, lab, queries, max_turns)


@task
def experiment(
    scenario: str = "emoji",
    n: int | None = None,
    conditions: str | list[str] | None = None,
    scratchpad: str = "hidden",
    lab: str | None = None,
    queries: str | None = None,
    max_turns: int = 4,
) -> Task:
    """Any shipped scenario by name (``-T scenario=emoji``); arguments as for :func:`emoji`."""
    return scenario_task(scenario, n, conditions, scratchpad, lab, queries, max_turns)


def scenario_task(
    scenario: str,
    n: int | None,
    conditions: str | list[str] | None,
    scratchpad: str,
    lab: str | None,
    queries: str | None,
    max_turns: int,
) -> Task:
    if scratchpad not in SCRATCHPAD_MODES:
        raise ScenarioError(
            f"scratchpad must be one of {', '.join(SCRATCHPAD_MODES)}, got {scratchpad!r}"
        )
    mode: ScratchpadMode = "hidden" if scratchpad == "hidden" else "none"
    return Task(
        dataset=scenario_dataset(scenario, _names(conditions), n, queries, mode),
        solver=[
            scenario_system_prompt(scenario, mode, lab),
            scratchpad_generate(max_turns if mode == "hidden" else 1),
        ],
        scorer=emoji_scorer(scratchpad_expected=mode == "hidden"),
        metadata={"scenario": scenario, "scratchpad": mode, "tiergap_task": scenario},
        name=scenario,
    )
