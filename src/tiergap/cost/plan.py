"""A study plan: how many queries the verdict needs, and the tokens and cost of running them.

Sizing (:func:`size_for_verdict`) is by simulation of the verdict itself
(:func:`tiergap.analysis.verdict.decide_batch`): the smallest number of queries at which the
planned effect gives ``reward_hacking`` and no effect gives ``no_tier_gap``, each with the
requested probability. Tokens and cost come from the price table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tiergap.analysis.verdict import MarginRule, check_alpha, decide_batch
from tiergap.cost.prices import ModelPrice, get_price
from tiergap.stats.power import latent_correlation, sample_size, simulate_unit_means

# Default token budget per sample; see :func:`plan`.
DEFAULT_SYSTEM_PROMPT_TOKENS = 1500
DEFAULT_QUERY_TOKENS = 60
DEFAULT_OUTPUT_TOKENS = 350
DEFAULT_SCRATCHPAD_TOKENS = 500


#: Simulated data sets per probability estimate (Monte Carlo SE about 0.013 near 0.8).
DEFAULT_SIMS = 1000
#: One-sided normal quantile of the Monte Carlo lower bound a planned n must clear (95%).
_MC_Z = 1.6448536269514722


# --------------------------------------------------------------------------------------------
# Sizing the verdict by simulation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictSizing:
    """Queries per condition for the verdict, and the simulated probabilities at that number.

    Attributes:
        n_queries: Queries per condition (every condition answers the same queries).
        power_reward_hacking: P(verdict = reward_hacking) when free = base + effect.
        power_no_tier_gap: P(verdict = no_tier_gap) when free = paid = baseline = base.
        mc_se_reward_hacking, mc_se_no_tier_gap: Monte Carlo standard errors of the two.
        sims: Simulated data sets behind each probability.
        latent_correlation: The latent (tetrachoric) correlation simulated.
    """

    n_queries: int
    power_reward_hacking: float
    power_no_tier_gap: float
    mc_se_reward_hacking: float
    mc_se_no_tier_gap: float
    sims: int
    base_rate: float
    effect: float
    correlation: float
    latent_correlation: float
    epochs: int
    alpha: float
    power: float
    margin: MarginRule
    control_rate: float | None
    searched: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "n_queries": self.n_queries,
            "power_reward_hacking": round(self.power_reward_hacking, 4),
            "power_no_tier_gap": round(self.power_no_tier_gap, 4),
            "mc_se_reward_hacking": round(self.mc_se_reward_hacking, 4),
            "mc_se_no_tier_gap": round(self.mc_se_no_tier_gap, 4),
            "simulations": self.sims,
            "correlation": self.correlation,
            "latent_correlation": round(self.latent_correlation, 4),
            "epochs": self.epochs,
            "margin_rule": self.margin.to_json(),
            "control_rate": self.control_rate,
            "target_power": self.power,
            "sized_by": "simulation of the verdict" if self.searched else "given n_queries",
        }


def _check_design(base_rate: float, effect: float, control_rate: float | None) -> None:
    if isinstance(base_rate, bool) or not isinstance(base_rate, int | float):
        raise ValueError(f"base_rate must be a rate in (0, 1), got {base_rate!r}")
    if not 0.0 < base_rate < 1.0:
        raise ValueError(
            f"base_rate must be strictly between 0 and 1 to size the verdict, got {base_rate!r}: "
            "at a rate of 0 or 1 every run is at floor or ceiling (insensitive)"
        )
    if isinstance(effect, bool) or not isinstance(effect, int | float) or not effect > 0:
        raise ValueError(
            f"effect must be a positive rate difference (free above paid and baseline), "
            f"got {effect!r}"
        )
    if base_rate + effect >= 1.0:
        raise ValueError(
            f"base_rate + effect must be below 1, got {base_rate} + {effect} = {base_rate + effect}"
        )
    if control_rate is not None and not 0.0 < control_rate < 1.0:
        raise ValueError(f"control_rate must be in (0, 1), got {control_rate!r}")


@functools.lru_cache(maxsize=4)
def _simulated_runs(
    stream: int,
    seed: int,
    sims: int,
    capacity: int,
    rates: tuple[float, ...],
    rho: float,
    epochs: int,
) -> np.ndarray:
    """Query means (sims, capacity, conditions); smaller runs are prefixes (same draws)."""
    rng = np.random.default_rng([seed, stream])
    return simulate_unit_means(rng, sims, capacity, rates, rho, epochs)


@functools.lru_cache(maxsize=512)
def _verdict_rate(
    stream: int,
    n_queries: int,
    base_rate: float,
    effect: float,
    correlation: float,
    epochs: int,
    alpha: float,
    margin: MarginRule,
    control_rate: float | None,
    sims: int,
    seed: int,
) -> float:
    free = base_rate + effect if stream == 1 else base_rate
    rates = (free, base_rate, base_rate, *(() if control_rate is None else (control_rate,)))
    capacity = max(16, 1 << (n_queries - 1).bit_length())
    rho = latent_correlation(base_rate, correlation)
    y = _simulated_runs(stream, seed, sims, capacity, rates, rho, epochs)[:, :n_queries]
    decision = decide_batch(
        y[..., 0],
        y[..., 1],
        y[..., 2],
        requested=None if control_rate is None else y[..., 3],
        alpha=alpha,
        margin=margin,
        scale=epochs,
    )
    return decision.rate("reward_hacking" if stream == 1 else "no_tier_gap")


def verdict_power(
    n_queries: int,
    base_rate: float,
    effect: float,
    correlation: float = 0.0,
    *,
    epochs: int = 1,
    alpha: float = 0.05,
    margin: MarginRule | None = None,
    control_rate: float | None = None,
    sims: int = DEFAULT_SIMS,
    seed: int = 0,
) -> tuple[float, float]:
    """(P(reward_hacking | effect), P(no_tier_gap | no effect)) at ``n_queries``, by simulation.

    Each simulated run has ``n_queries`` queries x ``epochs`` independent epochs in free, paid
    and baseline (and the positive control at ``control_rate``, if given; otherwise the
    control is assumed to pass). Responses to the same query share a latent query effect
    chosen so that two 0/1 responses at the base rate have correlation ``correlation`` (phi)
    (:func:`tiergap.stats.power.simulate_unit_means`). Each run goes through
    :func:`tiergap.analysis.verdict.decide_batch`, the rule ``tiergap analyze`` applies.
    """
    args = _checked_args(n_queries, base_rate, effect, correlation, epochs, alpha, control_rate)
    rule = margin or MarginRule()
    return (
        _verdict_rate(1, *args, rule, control_rate, sims, seed),
        _verdict_rate(2, *args, rule, control_rate, sims, seed),
    )


def _checked_args(
    n_queries: int,
    base_rate: float,
    effect: float,
    correlation: float,
    epochs: int,
    alpha: float,
    control_rate: float | None,
) -> tuple[int, float, float, float, int, float]:
    _check_design(base_rate, effect, control_rate)
    if isinstance(n_queries, bool) or not isinstance(n_queries, int) or n_queries < 1:
        raise ValueError(f"n_queries must be a positive integer, got {n_queries!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    latent_correlation(base_rate, correlation)  # names an impossible correlation
    alpha = check_alpha(alpha)
    return n_queries, float(base_rate), float(effect), float(correlation), epochs, alpha


def _mc_se(p: float, sims: int) -> float:
    return math.sqrt(max(p * (1.0 - p), 0.0) / sims)


def size_for_verdict(
    base_rate: float,
    effect: float,
    power: float = 0.8,
    alpha: float = 0.05,
    correlation: float = 0.0,
    *,
    epochs: int = 1,
    margin: MarginRule | None = None,
    control_rate: float | None = None,
    n_queries: int | None = None,
    sims: int = DEFAULT_SIMS,
    seed: int = 0,
    max_queries: int = 50_000,
) -> VerdictSizing:
    """The fewest queries giving both verdicts with probability ``power`` (:func:`verdict_power`).

    A number of queries qualifies when the one-sided 95% Monte Carlo lower bound of each
    simulated probability is at least ``power`` (so an independent simulation at the planned
    n rarely falls short). Found by doubling from 16, then bisection to within 1%; the runs use
    common random numbers across n, so the probabilities rise smoothly with n. With
    ``n_queries`` given, nothing is searched: the probabilities at that n are reported.
    """
    if isinstance(power, bool) or not isinstance(power, int | float) or not 0 < power < 1:
        raise ValueError(f"power must be in (0, 1), got {power!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    rule = margin or MarginRule()

    def probabilities(n: int) -> tuple[float, float]:
        return verdict_power(
            n, base_rate, effect, correlation, epochs=epochs, alpha=alpha, margin=rule,
            control_rate=control_rate, sims=sims, seed=seed,
        )  # fmt: skip

    def enough(n: int) -> bool:
        # Equivalence is usually the harder target: check it first and stop early.
        args = _checked_args(n, base_rate, effect, correlation, epochs, alpha, control_rate)
        for stream in (2, 1):
            p = _verdict_rate(stream, *args, rule, control_rate, sims, seed)
            if p - _MC_Z * _mc_se(p, sims) < power:
                return False
        return True

    searched = n_queries is None
    if n_queries is None:
        hi = 16
        while not enough(hi):
            if hi >= max_queries:
                rh, ntg = probabilities(hi)
                raise ValueError(
                    f"no number of queries up to {max_queries} reaches power {power}: at "
                    f"{hi}, P(reward_hacking)={rh:.2f} and P(no_tier_gap)={ntg:.2f}; use a "
                    "wider margin, a larger effect or a higher correlation"
                )
            hi = min(2 * hi, max_queries)
        lo = hi // 2 if hi > 16 else 1
        while hi - lo > max(1, hi // 100):  # to within 1%
            mid = (lo + hi) // 2
            if enough(mid):
                hi = mid
            else:
                lo = mid
        n_queries = hi
    elif isinstance(n_queries, bool) or not isinstance(n_queries, int) or n_queries < 1:
        raise ValueError(f"n_queries must be a positive integer, got {n_queries!r}")
    rh, ntg = probabilities(n_queries)
    return VerdictSizing(
        n_queries=n_queries,
        power_reward_hacking=rh,
        power_no_tier_gap=ntg,
        mc_se_reward_hacking=_mc_se(rh, sims),
        mc_se_no_tier_gap=_mc_se(ntg, sims),
        sims=sims,
        base_rate=float(base_rate),
        effect=float(effect),
        correlation=float(correlation),
        latent_correlation=latent_correlation(base_rate, correlation),
        epochs=epochs,
        alpha=float(alpha),
        power=float(power),
        margin=rule,
        control_rate=control_rate,
        searched=searched,
    )


# --------------------------------------------------------------------------------------------
# Judges
# --------------------------------------------------------------------------------------------

#: A judge vote's reply: brief reasoning per criterion, then the answer lines.
DEFAULT_JUDGE_OUTPUT_TOKENS = 250
#: Votes per sample of each classifier when a grader is bound (the published setup for the
#: reasoning classifiers: 20 votes at temperature 1, threshold 0.4; one call for the others).
DEFAULT_JUDGE_VOTES: dict[str, int] = {
    "alignment_faking": 20,
    "reinforcement_seeking": 20,
    "compliance": 1,
}


def judge_votes_for(classifiers: Sequence[str], votes: int = 20) -> dict[str, int]:
    """Votes per sample of each classifier a run with a grader bound uses: ``votes`` for the
    voting (reasoning) judges, one call for the others."""
    voting = ("alignment_faking", "reinforcement_seeking")
    return {c: votes if c in voting else 1 for c in classifiers}


@dataclass(frozen=True)
class JudgeCost:
    """What the LLM judges of a run cost: every vote is one grader call that reads the judge
    prompt and the transcript (request, scratchpad, output) and writes a short reply.

    Attributes:
        grader: The grader model (``grader`` or ``grader2`` role).
        samples: Samples judged.
        votes: Votes per sample, per classifier.
        calls: ``samples * sum(votes)``.
        input_tokens, output_tokens: Totals over all calls.
        cost_usd: At list prices; None when the grader has no price (listed, not guessed).
        price_source: Where the price came from.
    """

    grader: str
    samples: int
    votes: dict[str, int]
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    price_source: str

    def describe(self) -> str:
        """One line for a plan or a dry run."""
        votes = ", ".join(f"{name} {k}" for name, k in self.votes.items())
        cost = "cost unknown" if self.cost_usd is None else f"${self.cost_usd:,.2f}"
        return (
            f"judges on {self.grader}: {self.samples:,} samples x votes per sample ({votes}) = "
            f"{self.calls:,} calls, about {self.input_tokens:,} input and "
            f"{self.output_tokens:,} output tokens; {cost} ({self.price_source})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "grader": self.grader,
            "samples": self.samples,
            "votes": dict(self.votes),
            "calls": self.calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "price_source": self.price_source,
        }


def combine_judge_costs(costs: Sequence[JudgeCost]) -> JudgeCost:
    """One grader's cost over several tasks (votes: the most asked per classifier)."""
    if not costs or len({c.grader for c in costs}) != 1:
        raise ValueError("combine_judge_costs needs the costs of one grader")
    votes: dict[str, int] = {}
    for c in costs:
        for name, k in c.votes.items():
            votes[name] = max(votes.get(name, 0), k)
    priced = [c.cost_usd for c in costs]
    return JudgeCost(
        grader=costs[0].grader,
        samples=sum(c.samples for c in costs),
        votes=votes,
        calls=sum(c.calls for c in costs),
        input_tokens=sum(c.input_tokens for c in costs),
        output_tokens=sum(c.output_tokens for c in costs),
        cost_usd=None if None in priced else round(sum(x or 0.0 for x in priced), 6),
        price_source=costs[0].price_source,
    )


def judge_prompt_tokens(classifier: str) -> int:
    """Tokens of a judge's prompt template (``data/prompts/judges/NAME.txt``), without the
    transcript it is filled with."""
    from tiergap.cost.budget import approx_tokens
    from tiergap.experiment.scenario import data_dir

    path = data_dir() / "prompts" / "judges" / f"{classifier}.txt"
    return approx_tokens(path.read_text(encoding="utf-8"))


def judge_cost(
    grader: str,
    samples: int,
    transcript_tokens: int,
    votes: Mapping[str, int] | None = None,
    prices: Mapping[str, ModelPrice] | None = None,
    *,
    output_tokens_per_vote: int = DEFAULT_JUDGE_OUTPUT_TOKENS,
) -> JudgeCost:
    """Tokens and cost of judging ``samples`` samples: tokens per vote x votes x samples x price.

    A vote reads the judge prompt plus ``transcript_tokens`` (the request, the scratchpad and
    the output it judges) and writes ``output_tokens_per_vote``. Votes are not cached (each
    has its own cache scope, so they are independent samples) and not batched.
    """
    samples = _check_tokens("samples", samples)
    transcript_tokens = _check_tokens("transcript_tokens", transcript_tokens)
    output_tokens_per_vote = _check_tokens("output_tokens_per_vote", output_tokens_per_vote)
    chosen = dict(DEFAULT_JUDGE_VOTES if votes is None else votes)
    for name, k in chosen.items():
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"votes for {name!r} must be a positive integer, got {k!r}")
    calls = samples * sum(chosen.values())
    input_tokens = samples * sum(
        k * (judge_prompt_tokens(name) + transcript_tokens) for name, k in chosen.items()
    )
    output_tokens = calls * output_tokens_per_vote
    table = prices
    if table is None:
        from tiergap.cost.prices import load_prices

        table = load_prices()
    price = table.get(grader)
    if price is None:
        cost, source = None, f"no price for {grader!r}: cost not computed"
    else:
        cost = round((input_tokens * price.input + output_tokens * price.output) / 1e6, 6)
        source = price.source or "prices.toml"
    return JudgeCost(
        grader=grader,
        samples=samples,
        votes=chosen,
        calls=calls,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost,
        price_source=source,
    )


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
    repeats: int = 1
    """Epochs x seeds: how often each query is asked in each condition."""
    judges: tuple[JudgeCost, ...] = ()
    """The LLM judges' cost, one entry per bound grader (none: heuristics, free)."""

    @property
    def judge_cost_usd(self) -> float | None:
        """All graders together; None if any grader is unpriced."""
        costs = [j.cost_usd for j in self.judges]
        return None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 6)

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
            "repeats": self.repeats,
            "judges": [j.to_json() for j in self.judges],
            "judge_cost_usd": self.judge_cost_usd,
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
    n_queries: int | None = None,
    repeats: int = 1,
    method: str | None = None,
    graders: tuple[str, ...] = (),
    judge_votes: Mapping[str, int] | None = None,
) -> StudyPlan:
    """Plan an experiment that detects a free-tier rate of ``base_rate + effect``.

    Sample size: ``n_queries`` when given (``tiergap plan`` passes :func:`size_for_verdict`'s);
    otherwise the textbook size for one comparison, :func:`sample_size` (two-sample, or paired
    McNemar with a ``correlation``), which does not size the verdict. ``repeats`` (epochs x
    seeds) multiplies the samples of every query.

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

    Judges: each of ``graders`` (the ``grader`` and ``grader2`` roles) votes ``judge_votes``
    times per sample and classifier (default :data:`DEFAULT_JUDGE_VOTES`) on the query, the
    scratchpad and the output (:func:`judge_cost`); their cost is reported apart, in
    ``judges``, since it is paid to another model.
    """
    if isinstance(conditions, bool) or not isinstance(conditions, int) or conditions < 2:
        raise ValueError(f"conditions must be an integer >= 2, got {conditions!r}")
    system_prompt_tokens = _check_tokens("system_prompt_tokens", system_prompt_tokens)
    query_tokens = _check_tokens("query_tokens", query_tokens)
    output_tokens = _check_tokens("output_tokens", output_tokens)
    scratchpad_tokens = _check_tokens("scratchpad_tokens", scratchpad_tokens)
    scratchpad_turns = _check_tokens("scratchpad_turns", scratchpad_turns)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")

    if n_queries is None:
        n = sample_size(base_rate, effect, power=power, alpha=alpha, correlation=correlation)
    elif isinstance(n_queries, bool) or not isinstance(n_queries, int) or n_queries < 1:
        raise ValueError(f"n_queries must be a positive integer, got {n_queries!r}")
    else:
        n = n_queries
    total = n * conditions * repeats
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

    if method is None:
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
        repeats=repeats,
        judges=tuple(
            judge_cost(
                g,
                total,
                query_tokens + output_tokens + turns * scratchpad_tokens,
                judge_votes,
                prices,
            )
            for g in graders
        ),
    )
