"""Sample-size and cost planning for tier-gap experiments (numpy/scipy only).

How many queries per condition does an experiment need to detect a given free-vs-paid gap, and
what will running it cost? Sample sizes follow the test :mod:`tiergap.stats` actually applies
(McNemar on paired outcomes); costs come from the editable table ``tiergap/data/prices.toml``.

References:
    Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions, 3rd ed.,
        section 4.2 (sample size for comparing two independent proportions).
    Connor RJ (1987). Sample size for testing differences in proportions for the paired-sample
        design. Biometrics 43:207-211.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from tiergap.stats import EXACT_MCNEMAR_BELOW, mcnemar_p_values

IntArray = npt.NDArray[np.int64]

# Default token budget per sample; see :func:`plan`.
DEFAULT_SYSTEM_PROMPT_TOKENS = 1500
DEFAULT_QUERY_TOKENS = 60
DEFAULT_OUTPUT_TOKENS = 350
DEFAULT_SCRATCHPAD_TOKENS = 500


# --------------------------------------------------------------------------------------------
# Sample sizes
# --------------------------------------------------------------------------------------------


def _check_rate(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _z_quantiles(power: float, alpha: float) -> tuple[float, float]:
    if isinstance(power, bool) or not isinstance(power, int | float) or not 0.0 < power < 1.0:
        raise ValueError(f"power must be in (0, 1), got {power!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    return float(stats.norm.ppf(1.0 - alpha / 2.0)), float(stats.norm.ppf(power))


def sample_size_two_proportions(
    p1: float, p2: float, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Per-group n to detect p1 != p2 with independent groups (two-sided test at ``alpha``).

    Fleiss et al. (2003) formula *without* continuity correction:
    n = [z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p1 q1 + p2 q2)]^2 / (p1 - p2)^2,
    pbar = (p1 + p2)/2, rounded up. E.g. p1 = 0.1, p2 = 0.2, 80% power, alpha 0.05: 199.
    """
    p1, p2 = _check_rate("p1", p1), _check_rate("p2", p2)
    if p1 == p2:
        raise ValueError(f"p1 and p2 must differ, got p1=p2={p1}")
    z_a, z_b = _z_quantiles(power, alpha)
    pbar = (p1 + p2) / 2.0
    root = z_a * math.sqrt(2.0 * pbar * (1.0 - pbar)) + z_b * math.sqrt(
        p1 * (1.0 - p1) + p2 * (1.0 - p2)
    )
    return math.ceil(root**2 / (p1 - p2) ** 2 - 1e-9)


def discordant_probabilities(p1: float, p2: float, correlation: float) -> tuple[float, float]:
    """P(a=1, b=0) and P(a=0, b=1) for binary a, b with marginals p1, p2 and phi ``correlation``.

    P(a=1, b=1) = p1 p2 + rho sqrt(p1 q1 p2 q2); the discordant cells follow from the margins.
    Raises ValueError when no 2x2 distribution has these marginals and correlation.
    """
    p1, p2 = _check_rate("p1", p1), _check_rate("p2", p2)
    if isinstance(correlation, bool) or not isinstance(correlation, int | float):
        raise ValueError(f"correlation must be a number in [-1, 1], got {correlation!r}")
    if not -1.0 <= correlation <= 1.0:
        raise ValueError(f"correlation must be in [-1, 1], got {correlation!r}")
    spread = math.sqrt(p1 * (1 - p1) * p2 * (1 - p2))
    p11 = p1 * p2 + correlation * spread
    lo, hi = max(0.0, p1 + p2 - 1.0), min(p1, p2)
    if p11 < lo - 1e-12 or p11 > hi + 1e-12:
        if spread > 0:
            rho_lo, rho_hi = (lo - p1 * p2) / spread, (hi - p1 * p2) / spread
            feasible = f"[{rho_lo:.3f}, {rho_hi:.3f}]"
        else:
            feasible = "{0}"
        raise ValueError(
            f"correlation={correlation!r} is impossible for p1={p1}, p2={p2}; "
            f"feasible range is {feasible}"
        )
    p11 = min(max(p11, lo), hi)
    return p1 - p11, p2 - p11


def _rejection_cutoffs(m: IntArray, alpha: float) -> IntArray:
    """Largest j with McNemar p(j, m - j) < alpha for each discordant total m (-1 if none).

    The test is symmetric and its p-value grows as min(b, c) approaches m/2, so it rejects
    exactly when min(b, c) <= cutoff. Candidates come from inverting the chi-square rule
    (m - 2j - 1)^2 / m > q and are checked against :func:`tiergap.stats.mcnemar_p_values`.
    """
    q = float(stats.chi2.isf(alpha, 1))
    guess = np.floor((m - 1 - np.sqrt(m * q)) / 2.0).astype(np.int64)
    small = m < EXACT_MCNEMAR_BELOW
    guess = np.where(small, (EXACT_MCNEMAR_BELOW - 1) // 2, guess)
    offsets = np.arange(-(EXACT_MCNEMAR_BELOW // 2) - 1, 3, dtype=np.int64)
    j = guess[:, None] + offsets[None, :]
    valid = (j >= 0) & (2 * j < m[:, None])
    j_safe = np.where(valid, j, 0)
    p = mcnemar_p_values(j_safe, m[:, None] - j_safe)
    reject = valid & (p < alpha)
    return np.asarray(np.where(reject, j, -1).max(axis=1), dtype=np.int64)


def power_paired(n: int, p1: float, p2: float, correlation: float, alpha: float = 0.05) -> float:
    """Exact power of the McNemar test used by :func:`tiergap.stats.paired_proportion_gap`.

    The discordant total M ~ Bin(n, psi) and, given M = m, the count only_a ~ Bin(m, p10/psi);
    power = sum_m P(M = m) P(min(only_a, only_b) <= cutoff(m)), with the cutoffs of the hybrid
    exact / continuity-corrected test at two-sided ``alpha``. No normal approximation.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    p10, p01 = discordant_probabilities(p1, p2, correlation)
    _z_quantiles(0.5, alpha)
    psi = p10 + p01
    if psi <= 0.0:
        return 0.0
    share = p10 / psi
    sd = math.sqrt(n * psi * (1.0 - psi))
    lo = max(0, math.floor(n * psi - 12.0 * sd - 12.0))
    hi = min(n, math.ceil(n * psi + 12.0 * sd + 12.0))
    m = np.arange(lo, hi + 1, dtype=np.int64)
    cut = _rejection_cutoffs(m, float(alpha))
    reject = np.where(
        cut >= 0,
        stats.binom.cdf(cut, m, share) + stats.binom.sf(m - cut - 1, m, share),
        0.0,
    )
    return float(np.clip(np.sum(stats.binom.pmf(m, n, psi) * reject), 0.0, 1.0))


def _connor_n(p10: float, p01: float, z_a: float, z_b: float) -> float:
    delta, psi = p10 - p01, p10 + p01
    return (z_a * math.sqrt(psi) + z_b * math.sqrt(max(psi - delta**2, 0.0))) ** 2 / delta**2


def sample_size_paired(
    p1: float,
    p2: float,
    correlation: float,
    power: float = 0.8,
    alpha: float = 0.05,
    method: Literal["exact", "connor"] = "exact",
) -> int:
    """Number of paired queries to detect p1 != p2 with McNemar's test (two-sided).

    ``method="connor"``: Connor (1987) normal approximation. With discordant probabilities
    p10, p01 (:func:`discordant_probabilities`), psi = p10 + p01, delta = p10 - p01:
    n = [z_{1-a/2} sqrt(psi) + z_{1-b} sqrt(psi - delta^2)]^2 / delta^2. At correlation 0 it is
    close to :func:`sample_size_two_proportions`; positive correlation lowers psi and so n.

    ``method="exact"`` (default): the smallest n whose exact power (:func:`power_paired`) for
    the test the analysis actually runs (exact McNemar below 25 discordant pairs, otherwise
    continuity-corrected chi-square) reaches ``power``. Found by bisection from the Connor
    value, then stepped down while the power stays above target (power is saw-toothed in n
    when discordant counts are small). It is usually a little larger than Connor's n because
    of the continuity correction.
    """
    p10, p01 = discordant_probabilities(p1, p2, correlation)
    z_a, z_b = _z_quantiles(power, alpha)
    if p10 == p01:
        raise ValueError(f"p1 and p2 must differ, got p1={p1}, p2={p2} (correlation={correlation})")
    approx = _connor_n(p10, p01, z_a, z_b)
    if method == "connor":
        return math.ceil(approx - 1e-9)
    if method != "exact":
        raise ValueError(f"method must be 'exact' or 'connor', got {method!r}")

    def enough(n: int) -> bool:
        return power_paired(n, p1, p2, correlation, alpha) >= power

    hi = max(2, math.ceil(approx))
    while not enough(hi):
        hi *= 2
        if hi > 50_000_000:
            raise ValueError(f"no n below 5e7 reaches power={power} for p1={p1}, p2={p2}")
    lo = max(1, hi // 4)
    while lo > 1 and enough(lo):
        lo //= 2
    while hi - lo > 1:  # invariant: not enough(lo), enough(hi) (modulo saw-tooth)
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    while hi > 1 and enough(hi - 1):
        hi -= 1
    return hi


def sample_size(
    base_rate: float,
    effect: float,
    power: float = 0.8,
    alpha: float = 0.05,
    correlation: float | None = None,
) -> int:
    """Queries per condition to detect a free-tier rate of ``base_rate + effect``.

    With a within-query ``correlation`` the paired design is used: :func:`sample_size_paired`
    with exact power for the McNemar test the analysis runs. Without one, the textbook
    two-sample size (:func:`sample_size_two_proportions`), which needs no assumption about
    pairing; with the positive correlations usual here, pairing needs fewer samples still.
    """
    base_rate = _check_rate("base_rate", base_rate)
    if isinstance(effect, bool) or not isinstance(effect, int | float) or effect == 0:
        raise ValueError(f"effect must be a non-zero number, got {effect!r}")
    free_rate = base_rate + effect
    if not 0.0 <= free_rate <= 1.0:
        raise ValueError(
            f"base_rate + effect must be in [0, 1], got {base_rate} + {effect} = {free_rate}"
        )
    if correlation is None:
        return sample_size_two_proportions(free_rate, base_rate, power=power, alpha=alpha)
    return sample_size_paired(
        free_rate, base_rate, correlation, power=power, alpha=alpha, method="exact"
    )


# --------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelPrice:
    """Prices for one model in USD per million tokens.

    Attributes:
        model: Model name as used by tiergap (``provider/model``).
        input, output: Ordinary input and output prices.
        cache_read, cache_write: Prompt-cache read and write prices.
        batch_discount: Fraction taken off all prices under the batch API (0.5 = half price).
        read_on: Date the prices were read (ISO string) or None.
        source: Where the prices come from.
    """

    model: str
    input: float
    output: float
    cache_read: float
    cache_write: float
    batch_discount: float
    read_on: str | None
    source: str


_PRICE_FIELDS = ("input", "output", "cache_read", "cache_write", "batch_discount")


def _parse_price(model: str, entry: Mapping[str, Any]) -> ModelPrice:
    values: dict[str, float] = {}
    for name in _PRICE_FIELDS:
        if name not in entry:
            raise ValueError(f"price entry for {model!r} is missing {name!r}")
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{model!r}: {name} must be a number >= 0, got {value!r}")
        values[name] = float(value)
    if values["batch_discount"] >= 1.0:
        raise ValueError(
            f"{model!r}: batch_discount must be in [0, 1), got {values['batch_discount']!r}"
        )
    read_on = entry.get("read_on")
    return ModelPrice(
        model=model,
        read_on=None if read_on is None else str(read_on),
        source=str(entry.get("source", "")),
        **values,
    )


def load_prices(path: str | Path | None = None) -> dict[str, ModelPrice]:
    """Read a prices TOML file (default: the packaged ``tiergap/data/prices.toml``).

    The file holds one ``[models."provider/name"]`` table per model with the fields of
    :class:`ModelPrice`.
    """
    if path is None:
        text = (resources.files("tiergap") / "data" / "prices.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    models = data.get("models")
    if not isinstance(models, dict) or not models:
        raise ValueError(f"prices file {path or 'prices.toml'} has no [models.*] tables")
    return {name: _parse_price(name, entry) for name, entry in models.items()}


def get_price(model: str, prices: Mapping[str, ModelPrice] | None = None) -> ModelPrice:
    """Prices for ``model``; ValueError naming the model and the known ones if it is missing."""
    table = load_prices() if prices is None else prices
    if model not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown model {model!r}: no price entry; known models: {known}")
    return table[model]


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
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


def plan(
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
) -> Plan:
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
    return Plan(
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
