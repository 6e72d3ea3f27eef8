"""A study plan: sample size from :mod:`tiergap.stats.power`, tokens and cost from prices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tiergap.cost.prices import ModelPrice, get_price
from tiergap.stats.power import sample_size

# Default token budget per sample; see :func:`plan`.
DEFAULT_SYSTEM_PROMPT_TOKENS = 1500
DEFAULT_QUERY_TOKENS = 60
DEFAULT_OUTPUT_TOKENS = 350
DEFAULT_SCRATCHPAD_TOKENS = 500


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyPlan:
    """An experiment plan: sample size, token volume and cost.

    Attributes:
        n_per_condition: Queries per condition (the same queries in every condition).
        total_samples: n_per_condition * conditions.
        input_tokens, output_tokens: Totals over all samples.
        cost_usd: At ordinary list prices.
        cost_usd_cached_batch: With the system prompt cached and the batch discount applied.
        price_source: Where the prices came from.
        price_read_date: When the prices were read, if known.
    """

    n_per_condition: int
    total_samples: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    cost_usd_cached_batch: float
    price_source: str
    price_read_date: str | None
    model: str | None = None
    scenario: str = "emoji"
    conditions: int = 3
    base_rate: float = 0.0
    effect: float = 0.0
    power: float = 0.8
    alpha: float = 0.05
    correlation: float | None = None
    method: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: the six plan numbers first, then the assumptions behind them."""
        return {
            "n_per_condition": self.n_per_condition,
            "total_samples": self.total_samples,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "cost_usd_cached_batch": self.cost_usd_cached_batch,
            "price_source": self.price_source,
            "price_read_date": self.price_read_date,
            "model": self.model,
            "scenario": self.scenario,
            "conditions": self.conditions,
            "base_rate": self.base_rate,
            "effect": self.effect,
            "power": self.power,
            "alpha": self.alpha,
            "correlation": self.correlation,
            "method": self.method,
        }


def _check_tokens(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def plan_study(
    base_rate: float,
    effect: float,
    power: float = 0.8,
    alpha: float = 0.05,
    correlation: float | None = None,
    model: str | None = None,
    scenario: str = "emoji",
    conditions: int = 3,
    prices: Mapping[str, ModelPrice] | None = None,
    *,
    system_prompt_tokens: int = DEFAULT_SYSTEM_PROMPT_TOKENS,
    query_tokens: int = DEFAULT_QUERY_TOKENS,
    output_tokens: int = DEFAULT_OUTPUT_TOKENS,
    scratchpad: bool = False,
    scratchpad_tokens: int = DEFAULT_SCRATCHPAD_TOKENS,
    scratchpad_turns: int = 1,
) -> StudyPlan:
    """Plan an experiment that detects a free-tier rate of ``base_rate + effect``.

    Sample size: :func:`sample_size` (two-sample, or paired McNemar with a ``correlation``; per
    comparison at ``alpha``; pass
    alpha=0.025 to be Holm/Bonferroni-safe for the two comparisons of the emoji verdict).

    Tokens per sample (defaults: system prompt 1500, query 60, output 350, scratchpad 500):
    without a scratchpad one call sends system + query and returns the output. With a hidden
    ``scratchpad`` the model first writes ``scratchpad_turns`` turns of ``scratchpad_tokens``
    reasoning, each turn a further call that re-sends the conversation so far, so calls =
    1 + turns, input = calls * (system + query) + scratchpad_tokens * turns (turns + 1) / 2 and
    output = output_tokens + turns * scratchpad_tokens. Every condition is charged the full
    system prompt (the baseline prompt is usually a little shorter).

    Cost: ``cost_usd`` at list input/output prices. ``cost_usd_cached_batch`` assumes the
    system prompt is written to the prompt cache once per condition and read from it on every
    other call, and that the batch discount applies on top (Anthropic documents that they
    stack). It is an optimistic floor: cache entries expire (minutes) and prompts shorter than
    the provider's minimum cacheable length are not cached. With ``model=None`` costs are 0.
    """
    if isinstance(conditions, bool) or not isinstance(conditions, int) or conditions < 2:
        raise ValueError(f"conditions must be an integer >= 2, got {conditions!r}")
    system_prompt_tokens = _check_tokens("system_prompt_tokens", system_prompt_tokens)
    query_tokens = _check_tokens("query_tokens", query_tokens)
    output_tokens = _check_tokens("output_tokens", output_tokens)
    scratchpad_tokens = _check_tokens("scratchpad_tokens", scratchpad_tokens)
    scratchpad_turns = _check_tokens("scratchpad_turns", scratchpad_turns)

    n = sample_size(base_rate, effect, power=power, alpha=alpha, correlation=correlation)
    total = n * conditions
    turns = scratchpad_turns if scratchpad else 0
    calls = 1 + turns
    input_per = calls * (system_prompt_tokens + query_tokens) + scratchpad_tokens * (
        turns * (turns + 1) // 2
    )
    output_per = output_tokens + turns * scratchpad_tokens
    input_total = total * input_per
    output_total = total * output_per

    if model is None:
        cost = cached = 0.0
        source, read_on = "no model given: costs not computed", None
    else:
        price = get_price(model, prices)
        cost = (input_total * price.input + output_total * price.output) / 1e6
        system_total = total * calls * system_prompt_tokens
        writes = min(conditions * system_prompt_tokens, system_total)
        reads = system_total - writes
        uncached = input_total - system_total
        cached = (
            (
                writes * price.cache_write
                + reads * price.cache_read
                + uncached * price.input
                + output_total * price.output
            )
            / 1e6
            * (1.0 - price.batch_discount)
        )
        source, read_on = price.source or "prices.toml", price.read_on

    method = (
        "two-sample (Fleiss, no continuity correction)"
        if correlation is None
        else f"exact power of paired McNemar test, correlation {correlation:g}"
    )
    return StudyPlan(
        n_per_condition=n,
        total_samples=total,
        input_tokens=input_total,
        output_tokens=output_total,
        cost_usd=round(cost, 6),
        cost_usd_cached_batch=round(cached, 6),
        price_source=source,
        price_read_date=read_on,
        model=model,
        scenario=scenario,
        conditions=conditions,
        base_rate=float(base_rate),
        effect=float(effect),
        power=float(power),
        alpha=float(alpha),
        correlation=correlation,
        method=method,
    )
