"""Tests for tiergap.cost.plan: sample sizes, exact power, prices and plans."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from tiergap.cost import plan as study
from tiergap.cost.plan import plan_study
from tiergap.cost.prices import ModelPrice, get_price, load_prices
from tiergap.stats import mcnemar_p_values
from tiergap.stats.power import (
    discordant_probabilities,
    power_paired,
    sample_size,
    sample_size_paired,
    sample_size_two_proportions,
)

REQUIRED_MODELS = [
    "anthropic/claude-3-opus-20240229",
    "anthropic/claude-3-5-sonnet-20241022",
    "anthropic/claude-3-5-haiku-20241022",
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "tiergap/smollm2",
    "tiergap/reward-hacker",
    "tiergap/alignment-faker",
    "tiergap/hhh",
]


# ------------------------------------------------------------------------------ two proportions


def test_two_proportions_reference_values() -> None:
    # p1 = 0.1, p2 = 0.2, 80% power, two-sided alpha 0.05: Fleiss without continuity
    # correction, hand computation: [1.95996 * sqrt(0.255) + 0.84162 * sqrt(0.25)]^2 / 0.01
    # = 198.97 -> 199 per group (R: power.prop.test(p1=.1, p2=.2, power=.8) gives 198.96).
    hand = (1.959964 * math.sqrt(2 * 0.15 * 0.85) + 0.841621 * math.sqrt(0.09 + 0.16)) ** 2 / 0.01
    assert hand == pytest.approx(198.97, abs=0.01)
    assert sample_size_two_proportions(0.1, 0.2) == 199
    assert sample_size_two_proportions(0.2, 0.1) == 199
    # R documentation example: power.prop.test(p1 = .50, p2 = .75, power = .90) -> n = 76.65.
    assert sample_size_two_proportions(0.5, 0.75, power=0.9) == 77


def test_two_proportions_bad_input() -> None:
    with pytest.raises(ValueError, match="p1"):
        sample_size_two_proportions(1.2, 0.2)
    with pytest.raises(ValueError, match="differ"):
        sample_size_two_proportions(0.2, 0.2)
    with pytest.raises(ValueError, match="power"):
        sample_size_two_proportions(0.1, 0.2, power=1.0)
    with pytest.raises(ValueError, match="alpha"):
        sample_size_two_proportions(0.1, 0.2, alpha=float("nan"))


# ------------------------------------------------------------------------------ paired


def test_discordant_probabilities() -> None:
    p10, p01 = discordant_probabilities(0.2, 0.1, 0.0)
    assert (p10, p01) == pytest.approx((0.2 * 0.9, 0.1 * 0.8))
    p10, p01 = discordant_probabilities(0.2, 0.1, 0.3)
    both = 0.02 + 0.3 * math.sqrt(0.2 * 0.8 * 0.1 * 0.9)
    assert (p10, p01) == pytest.approx((0.2 - both, 0.1 - both))
    with pytest.raises(ValueError, match=r"correlation=0\.9 is impossible"):
        discordant_probabilities(0.2, 0.1, 0.9)


def test_connor_formula_hand_value_and_two_sample_limit() -> None:
    # Connor (1987): psi = 0.26, delta = 0.1 at correlation 0.
    hand = (1.959964 * math.sqrt(0.26) + 0.841621 * math.sqrt(0.26 - 0.01)) ** 2 / 0.01
    connor = sample_size_paired(0.2, 0.1, 0.0, method="connor")
    assert connor == math.ceil(hand) == 202
    # Uncorrelated pairs are nearly two independent samples.
    for p1, p2 in [(0.2, 0.1), (0.35, 0.2), (0.05, 0.15)]:
        two = sample_size_two_proportions(p1, p2)
        assert sample_size_paired(p1, p2, 0.0, method="connor") == pytest.approx(two, rel=0.03)


def test_exact_sample_size_reaches_power_and_is_minimal() -> None:
    for p1, p2, rho in [(0.2, 0.1, 0.0), (0.2, 0.1, 0.3), (0.3, 0.1, 0.3), (0.12, 0.1, 0.4)]:
        n = sample_size_paired(p1, p2, rho)
        assert power_paired(n, p1, p2, rho) >= 0.8
        assert power_paired(n - 1, p1, p2, rho) < 0.8
        # Continuity correction / exact test cost a few pairs over Connor's approximation.
        connor = sample_size_paired(p1, p2, rho, method="connor")
        assert connor <= n <= 1.25 * connor


def test_positive_correlation_needs_fewer_pairs() -> None:
    sizes = [sample_size_paired(0.2, 0.1, rho) for rho in (0.0, 0.2, 0.4)]
    assert sizes[0] > sizes[1] > sizes[2]


def test_power_paired_matches_simulation() -> None:
    rng = np.random.default_rng(3)
    p1, p2, rho = 0.25, 0.1, 0.2
    p10, p01 = discordant_probabilities(p1, p2, rho)
    both = p1 - p10
    for n in (30, 120):  # exact-test and chi-square regimes
        tables = rng.multinomial(n, [both, p10, p01, 1 - both - p10 - p01], size=40_000)
        simulated = float(np.mean(mcnemar_p_values(tables[:, 1], tables[:, 2]) < 0.05))
        assert power_paired(n, p1, p2, rho) == pytest.approx(simulated, abs=0.01)


def test_power_paired_null_is_at_most_alpha() -> None:
    for n in (10, 40, 200):
        size = power_paired(n, 0.2, 0.2, 0.3)
        assert 0.0 < size <= 0.05
    # Hand check for n = 1: one pair can never reject.
    assert power_paired(1, 0.5, 0.1, 0.0) == 0.0


def test_sample_size_wrapper() -> None:
    assert sample_size(0.1, 0.1) == sample_size_two_proportions(0.2, 0.1) == 199
    assert sample_size(0.1, 0.1, correlation=0.3) == sample_size_paired(0.2, 0.1, 0.3)
    with pytest.raises(ValueError, match="effect"):
        sample_size(0.1, 0.0)
    with pytest.raises(ValueError, match=r"base_rate \+ effect"):
        sample_size(0.9, 0.2)


# ------------------------------------------------------------------------------ prices


def test_packaged_prices_file() -> None:
    prices = load_prices()
    for model in REQUIRED_MODELS:
        assert model in prices
        assert prices[model].read_on == "2026-11-26"
        assert prices[model].source
    for model in REQUIRED_MODELS[5:]:
        p = prices[model]
        assert (p.input, p.output, p.cache_read, p.cache_write) == (0, 0, 0, 0)
    sonnet = prices["anthropic/claude-3-5-sonnet-20241022"]
    assert (sonnet.input, sonnet.output, sonnet.batch_discount) == (3.0, 15.0, 0.5)
    for p in prices.values():
        assert p.cache_read <= p.input <= p.cache_write or p.input == 0


def test_unknown_model_lists_known_ones() -> None:
    with pytest.raises(ValueError, match=r"'acme/model-x'.*known models:.*openai/gpt-4o"):
        get_price("acme/model-x")


def test_custom_prices_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(
        '[models."acme/m"]\ninput = 1\noutput = 2\ncache_read = 0.1\ncache_write = 1.25\n'
        'batch_discount = 0.5\nread_on = 2026-01-02\nsource = "test"\n'
    )
    prices = load_prices(path)
    assert prices["acme/m"] == ModelPrice("acme/m", 1.0, 2.0, 0.1, 1.25, 0.5, "2026-01-02", "test")
    path.write_text('[models."acme/m"]\ninput = 1\noutput = 2\n')
    with pytest.raises(ValueError, match="missing 'cache_read'"):
        load_prices(path)
    path.write_text(
        '[models."acme/m"]\ninput = 1\noutput = -2\ncache_read = 0\ncache_write = 0\n'
        "batch_discount = 0\n"
    )
    with pytest.raises(ValueError, match="output must be"):
        load_prices(path)
    path.write_text("title = 'nothing'\n")
    with pytest.raises(ValueError, match="no \\[models"):
        load_prices(path)


# ------------------------------------------------------------------------------ plan


def test_plan_numbers_by_hand() -> None:
    model = "anthropic/claude-3-5-sonnet-20241022"
    p = plan_study(0.1, 0.1, correlation=0.3, model=model)
    n = sample_size_paired(0.2, 0.1, 0.3)
    assert p.n_per_condition == n
    assert p.total_samples == 3 * n
    assert p.input_tokens == 3 * n * (1500 + 60)
    assert p.output_tokens == 3 * n * 350
    list_cost = (p.input_tokens * 3.0 + p.output_tokens * 15.0) / 1e6
    assert p.cost_usd == pytest.approx(list_cost, abs=1e-6)
    # 3 cache writes of the system prompt, all other system prompts read from cache,
    # queries at the input price, everything at half price under batch.
    system = 3 * n * 1500
    cached = 3 * 1500 * 3.75 + (system - 4500) * 0.30 + 3 * n * 60 * 3.0 + p.output_tokens * 15
    assert p.cost_usd_cached_batch == pytest.approx(cached / 1e6 * 0.5, abs=1e-6)
    assert p.cost_usd_cached_batch < p.cost_usd / 2
    assert p.price_read_date == "2026-11-26" and "edit as needed" in p.price_source


def test_plan_scratchpad_tokens() -> None:
    plain = plan_study(0.1, 0.1)
    pad = plan_study(0.1, 0.1, scratchpad=True, scratchpad_turns=2)
    total = plain.total_samples
    # 3 calls: each re-sends system + query; scratchpad turns re-sent as 1 then 2 blocks.
    assert pad.input_tokens == total * (3 * (1500 + 60) + 500 * 3)
    assert pad.output_tokens == total * (350 + 2 * 500)


def test_plan_json_and_local_models() -> None:
    p = plan_study(0.05, 0.1, model="tiergap/smollm2", conditions=2)
    data = p.to_json()
    for key in (
        "n_per_condition",
        "total_samples",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "cost_usd_cached_batch",
    ):
        assert key in data
    assert data["total_samples"] == 2 * data["n_per_condition"]
    assert data["cost_usd"] == 0.0 and data["cost_usd_cached_batch"] == 0.0
    json.dumps(data)  # serialisable
    none = plan_study(0.05, 0.1)
    assert none.cost_usd == 0.0 and none.price_read_date is None
    assert "no model" in none.price_source


def test_plan_with_custom_prices_and_errors() -> None:
    table = {"acme/m": ModelPrice("acme/m", 1.0, 1.0, 1.0, 1.0, 0.0, None, "mine")}
    p = plan_study(0.1, 0.1, model="acme/m", prices=table)
    assert p.cost_usd == pytest.approx((p.input_tokens + p.output_tokens) / 1e6)
    assert p.cost_usd_cached_batch == pytest.approx(p.cost_usd)
    assert p.price_source == "mine" and p.price_read_date is None
    with pytest.raises(ValueError, match="known models: acme/m"):
        plan_study(0.1, 0.1, model="openai/gpt-4o", prices=table)
    with pytest.raises(ValueError, match="conditions"):
        plan_study(0.1, 0.1, conditions=1)
    with pytest.raises(ValueError, match="query_tokens"):
        plan_study(0.1, 0.1, query_tokens=-5)


def test_z_values_used_are_standard() -> None:
    # guard the hand computations above against a silently different quantile convention
    assert sps.norm.ppf(0.975) == pytest.approx(1.959964, abs=1e-6)
    assert study.DEFAULT_SYSTEM_PROMPT_TOKENS == 1500
