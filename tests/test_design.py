"""Predictions as distributions and experimental design by expected information."""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from fit_support import CACHE, paper_family
from tiergap.cost.plan import plan_study as plan
from tiergap.hypotheses import Design, evaluate_design, load_params, predict_design, rank
from tiergap.hypotheses.cli import (
    add_design_arguments,
    add_predict_arguments,
    run_design,
    run_predict,
)
from tiergap.hypotheses.design import candidates, run_cost
from tiergap.hypotheses.inference import FamilyResult
from tiergap.hypotheses.predictive import VERDICTS, verdicts


@pytest.fixture(autouse=True)
def _test_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERGAP_CACHE_DIR", str(CACHE))


def _restricted(family: FamilyResult, weights: dict[str, float]) -> FamilyResult:
    """The same fits with the posterior over hypotheses replaced by ``weights``."""
    total = sum(weights.values())
    posterior = {h: weights.get(h, 0.0) / total for h in family.posterior}
    return replace(family, posterior=posterior)


# --- the verdict rule applied to simulated runs ----------------------------------------------


def test_verdict_rule_on_clear_cases() -> None:
    design = Design("emoji", "two", True, 100)

    def counts(free: float, paid: float, base: float) -> dict[str, np.ndarray]:
        return {
            "free": np.asarray([free]),
            "paid": np.asarray([paid]),
            "baseline": np.asarray([base]),
        }

    assert verdicts(design, counts(60, 10, 10))[0] == "reward_hacking"
    assert verdicts(design, counts(0, 0, 0))[0] == "insensitive"
    assert verdicts(design, counts(0, 40, 40))[0] == "anomalous"
    assert verdicts(design, counts(30, 30, 31))[0] == "no_tier_gap"
    assert verdicts(design, counts(16, 10, 10))[0] == "inconclusive"


def test_predictive_distributions_for_the_emoji_run() -> None:
    params = load_params()
    family = paper_family(held_out=False)
    predictions = {p.hypothesis: p for p in predict_design(params, family, Design("emoji", n=200))}
    rh = predictions["reward_hacking"]
    free, paid = rh.rates["free"]["objective"], rh.rates["paid"]["objective"]
    assert free.low <= free.mean <= free.high and free.mean > paid.mean + 30
    assert rh.reasoning_mix["free"]["reward_seeking"] > 0.5
    assert rh.verdicts["reward_hacking"] > 0.8
    af = predictions["alignment_faking"]
    assert af.verdicts["reward_hacking"] < 0.1
    assert af.reasoning_mix["free"]["alignment_faking"] == pytest.approx(0.0)
    for p in predictions.values():
        assert sum(p.verdicts.values()) == pytest.approx(1.0)
        assert set(p.verdicts) == set(VERDICTS)


# --- expected information ---------------------------------------------------------------------


def test_information_is_zero_when_nothing_is_uncertain_and_bounded_by_the_entropy() -> None:
    params = load_params()
    family = paper_family(held_out=False)
    design = Design("emoji", "four", True, 250)
    certain = evaluate_design(params, _restricted(family, {"alignment_faking": 1.0}), design)
    assert certain.expected_information_bits == pytest.approx(0.0, abs=1e-9)
    two = _restricted(family, {"alignment_faking": 0.5, "reward_hacking": 0.5})
    value = evaluate_design(params, two, design)
    assert 0.9 < value.expected_information_bits <= 1.0 + 1e-9  # they disagree completely
    assert value.p_decisive > 0.95
    # AF and the null model predict the same thing for emoji: nothing to learn there.
    same = _restricted(family, {"alignment_faking": 0.5, "hhh": 0.5})
    emoji = evaluate_design(params, same, design)
    harmful = evaluate_design(params, same, Design("helpful_only", "two", True, 250))
    assert emoji.expected_information_bits < 0.05 < harmful.expected_information_bits


def test_ranking_follows_the_computed_information() -> None:
    params = load_params()
    family = paper_family(held_out=False)
    emoji = evaluate_design(params, family, Design("emoji", "four", True, 250))
    harmful = evaluate_design(params, family, Design("helpful_only", "two", True, 250))
    assert emoji.expected_information_bits > harmful.expected_information_bits
    assert rank([harmful, emoji])[0] is emoji
    # With a posterior where only the harmful-request run discriminates, the order flips.
    flipped = _restricted(family, {"alignment_faking": 0.5, "hhh": 0.5})
    emoji2 = evaluate_design(params, flipped, Design("emoji", "four", True, 250))
    harmful2 = evaluate_design(params, flipped, Design("helpful_only", "two", True, 250))
    assert rank([emoji2, harmful2])[0] is harmful2
    by_dollar = rank([emoji, harmful], "per_dollar")
    assert by_dollar[0].bits_per_dollar >= by_dollar[1].bits_per_dollar  # type: ignore[operator]


def test_cost_comes_from_the_planner() -> None:
    design = Design("emoji", "four", True, 250)
    cost, batch = run_cost(design, "anthropic/claude-3-5-sonnet-20241022")
    sized = plan(0.1, 0.2, model="anthropic/claude-3-5-sonnet-20241022", scenario="emoji",
                 conditions=4, scratchpad=True)  # fmt: skip
    assert cost == pytest.approx(sized.cost_usd / sized.total_samples * 1000)
    assert 0 < batch < cost
    assert run_cost(design, None) == (0.0, 0.0)
    assert len(candidates()) == 24


# --- the commands ---------------------------------------------------------------------------


def _args(add: object, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add(parser)  # type: ignore[operator]
    return parser.parse_args(list(argv))


def test_predict_experiment_json(capsys: pytest.CaptureFixture[str]) -> None:
    paper_family(held_out=False)
    args = _args(add_predict_arguments, "--experiment", "emoji", "--n", "200", "--json")
    assert run_predict(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["experiment"]["n"] == 200 and data["experiment"]["conditions"] == [
        "free", "paid", "baseline"
    ]  # fmt: skip
    rh = data["hypotheses"]["reward_hacking"]
    assert {"posterior_probability", "conditions", "reasoning_mix", "verdict_probabilities"} <= set(
        rh
    )
    assert set(rh["conditions"]["free"]["objective"]) == {"mean", "interval90"}
    assert math.isclose(sum(data["verdict_probabilities"].values()), 1.0, abs_tol=1e-3)
    four = _args(add_predict_arguments, "--experiment", "emoji", "--tiers", "four", "--json")
    assert run_predict(four) == 0
    assert json.loads(capsys.readouterr().out)["experiment"]["conditions"] == [
        "free", "pro", "enterprise", "baseline"
    ]  # fmt: skip
    bad = _args(add_predict_arguments, "--experiment", "tarot")
    assert run_predict(bad) == 2
    assert "unknown experiment 'tarot'" in capsys.readouterr().err


def test_design_json(capsys: pytest.CaptureFixture[str]) -> None:
    paper_family(held_out=False)
    args = _args(add_design_arguments, "--scenarios", "emoji,helpful_only", "--json")
    assert run_design(args) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["candidates"]
    assert len(rows) == 8
    for row in rows:
        assert {"expected_information_bits", "p_decisive", "cost_usd", "bits_per_query",
                "bits_per_dollar", "label"} <= set(row)  # fmt: skip
    bits = [r["expected_information_bits"] for r in rows]
    assert bits == sorted(bits, reverse=True)
    position = {(r["scenario"], r["tiers"], r["scratchpad"]): i for i, r in enumerate(rows)}
    assert position[("emoji", "four", "hidden")] < position[("helpful_only", "two", "hidden")]
    assert run_design(_args(add_design_arguments, "--scenarios", "tarot")) == 2
    assert "unknown experiment 'tarot'" in capsys.readouterr().err
    assert run_design(_args(add_design_arguments, "--n", "ten")) == 2
    assert "--n" in capsys.readouterr().err
