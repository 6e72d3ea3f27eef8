"""What a run will cost before it starts, and what it has cost from its token usage.

Pure Python over :mod:`tiergap.cost.plan`'s price table: the harness supplies the planned
samples (:class:`PlannedTask`) and the token usage it observes; this module does the sums.

Token model per sample (as :func:`tiergap.cost.plan.plan_study`): one call per assistant
turn; a call sends the system prompt, the user turn and everything said so far. With the
hidden scratchpad the model is assumed to reason for one turn (``DEFAULT_SCRATCHPAD_TOKENS``)
and then answer (``DEFAULT_OUTPUT_TOKENS``); without it, one call returns the answer. With
prompt caching the system prompt is written to the cache once per (model, task, condition)
and read back on every other call; Anthropic's batch discount applies on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tiergap.cost.plan import DEFAULT_OUTPUT_TOKENS, DEFAULT_SCRATCHPAD_TOKENS
from tiergap.cost.prices import ModelPrice

CHARS_PER_TOKEN = 4


def approx_tokens(text: str) -> int:
    """Rough token count (about four characters a token); never below 1 for non-empty text.

    The one rough counter: cost estimates, ``tiergap plan``, and the usage the simulated
    models and the fake server report all use it.
    """
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


@dataclass(frozen=True)
class PlannedTask:
    """One inspect task of a run on one model: a grid point of models × experiments.

    ``system_tokens`` and ``user_tokens`` are averages over the task's conditions and
    queries; ``done`` counts samples already present (scored or invalid) in the log folder,
    which a resumed run does not request again. ``per_epoch`` is the task's dataset size when
    it is more than queries × conditions (paraphrases cross the conditions with wordings).
    """

    model: str
    scenario: str
    scratchpad: str
    seed: int
    conditions: tuple[str, ...]
    queries: int
    epochs: int
    system_tokens: int
    user_tokens: int
    done: int = 0
    per_epoch: int | None = None

    @property
    def samples(self) -> int:
        per_epoch = self.per_epoch or self.queries * len(self.conditions)
        return per_epoch * self.epochs

    @property
    def remaining(self) -> int:
        return max(0, self.samples - self.done)


@dataclass(frozen=True)
class TaskEstimate:
    task: PlannedTask
    calls: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    cost_usd: float | None
    """None when the model has no entry in the price table."""


@dataclass(frozen=True)
class CostEstimate:
    tasks: tuple[TaskEstimate, ...]
    batch: bool
    cache_prompt: bool

    @property
    def samples(self) -> int:
        return sum(t.task.samples for t in self.tasks)

    @property
    def remaining(self) -> int:
        return sum(t.task.remaining for t in self.tasks)

    @property
    def input_tokens(self) -> int:
        return sum(t.input_tokens for t in self.tasks)

    @property
    def cached_input_tokens(self) -> int:
        return sum(t.cached_input_tokens for t in self.tasks)

    @property
    def output_tokens(self) -> int:
        return sum(t.output_tokens for t in self.tasks)

    @property
    def unpriced_models(self) -> tuple[str, ...]:
        return tuple(sorted({t.task.model for t in self.tasks if t.cost_usd is None}))

    @property
    def cost_usd(self) -> float:
        """Estimated cost of the samples still to run (unpriced models count as 0)."""
        return sum(t.cost_usd or 0.0 for t in self.tasks)

    def to_json(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "already_done": self.samples - self.remaining,
            "to_run": self.remaining,
            "input_tokens": self.input_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 4),
            "unpriced_models": list(self.unpriced_models),
            "batch": self.batch,
            "cache_prompt": self.cache_prompt,
            "tasks": [
                {
                    "model": t.task.model,
                    "scenario": t.task.scenario,
                    "scratchpad": t.task.scratchpad,
                    "seed": t.task.seed,
                    "conditions": list(t.task.conditions),
                    "samples": t.task.samples,
                    "already_done": t.task.samples - t.task.remaining,
                    "to_run": t.task.remaining,
                    "input_tokens": t.input_tokens,
                    "cached_input_tokens": t.cached_input_tokens,
                    "output_tokens": t.output_tokens,
                    "cost_usd": None if t.cost_usd is None else round(t.cost_usd, 4),
                }
                for t in self.tasks
            ],
        }


def usage_cost(
    price: ModelPrice,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_read: int = 0,
    cache_write: int = 0,
    batch: bool = False,
) -> float:
    """USD for one lot of token usage (``input_tokens`` excludes cached tokens, as inspect)."""
    total = (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_read * price.cache_read
        + cache_write * price.cache_write
    ) / 1e6
    return total * (1.0 - price.batch_discount) if batch else total


def estimate_task(
    task: PlannedTask,
    price: ModelPrice | None,
    *,
    batch: bool = False,
    cache_prompt: bool = True,
) -> TaskEstimate:
    """Tokens and cost of the samples of ``task`` that are still to run."""
    samples = task.remaining
    hidden = task.scratchpad == "hidden"
    turns = 1 if hidden else 0
    calls_per = 1 + turns
    prompt = task.system_tokens + task.user_tokens
    input_per = calls_per * prompt + DEFAULT_SCRATCHPAD_TOKENS * turns
    output_per = DEFAULT_OUTPUT_TOKENS + turns * DEFAULT_SCRATCHPAD_TOKENS
    calls = samples * calls_per
    system_total = calls * task.system_tokens
    writes = min(len(task.conditions) * task.system_tokens, system_total) if samples else 0
    reads = system_total - writes if cache_prompt else 0
    input_total = samples * input_per
    output_total = samples * output_per
    cost: float | None = None
    if price is not None:
        if cache_prompt:
            cost = usage_cost(
                price,
                input_tokens=input_total - system_total,
                output_tokens=output_total,
                cache_read=reads,
                cache_write=writes,
                batch=batch,
            )
        else:
            cost = usage_cost(
                price, input_tokens=input_total, output_tokens=output_total, batch=batch
            )
    return TaskEstimate(
        task=task,
        calls=calls,
        input_tokens=input_total,
        cached_input_tokens=reads,
        output_tokens=output_total,
        cost_usd=cost,
    )


def estimate(
    tasks: Sequence[PlannedTask],
    prices: Mapping[str, ModelPrice],
    *,
    batch: bool = False,
    cache_prompt: bool = True,
) -> CostEstimate:
    """Estimate every task; models missing from ``prices`` are listed, not guessed."""
    return CostEstimate(
        tasks=tuple(
            estimate_task(t, prices.get(t.model), batch=batch, cache_prompt=cache_prompt)
            for t in tasks
        ),
        batch=batch,
        cache_prompt=cache_prompt,
    )


@dataclass(frozen=True)
class BudgetCheck:
    """The pre-run decision for ``--max-cost``."""

    budget_usd: float
    spent_usd: float
    """Spend already recorded in the log folder (earlier, interrupted runs of the same set)."""
    estimate_usd: float
    unpriced_models: tuple[str, ...]

    @property
    def left_usd(self) -> float:
        return self.budget_usd - self.spent_usd

    @property
    def over(self) -> bool:
        return self.spent_usd + self.estimate_usd > self.budget_usd

    def message(self) -> str:
        total = self.spent_usd + self.estimate_usd
        head = (
            f"estimated cost ${total:.2f} (${self.spent_usd:.2f} already spent in this log "
            f"folder + ${self.estimate_usd:.2f} to run)"
        )
        if self.over:
            return (
                f"{head} is over --max-cost ${self.budget_usd:.2f}; not started. Raise "
                "--max-cost, reduce the run, or pass --yes to start anyway (the run still "
                "stops when its actual spend crosses the budget)"
            )
        return f"{head} is within --max-cost ${self.budget_usd:.2f}"


def check_budget(budget_usd: float, spent_usd: float, estimate: CostEstimate) -> BudgetCheck:
    if budget_usd <= 0 or not math.isfinite(budget_usd):
        raise ValueError(f"--max-cost must be a positive number of USD, got {budget_usd!r}")
    return BudgetCheck(
        budget_usd=budget_usd,
        spent_usd=spent_usd,
        estimate_usd=estimate.cost_usd,
        unpriced_models=estimate.unpriced_models,
    )
