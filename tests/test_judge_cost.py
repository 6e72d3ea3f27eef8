"""The LLM judges' cost: tokens per vote x votes x samples x price, in the plan and the dry run."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tiergap.cli import main
from tiergap.cost.plan import (
    DEFAULT_JUDGE_OUTPUT_TOKENS,
    combine_judge_costs,
    judge_cost,
    judge_prompt_tokens,
    judge_votes_for,
    plan_study,
)
from tiergap.cost.prices import ModelPrice

GRADER = "openai/grader-x"
PRICES = {
    GRADER: ModelPrice(
        model=GRADER, input=2.0, output=8.0, cache_write=0.0, cache_read=0.0, batch_discount=0.0,
        read_on="2026-11-30", source="test table",
    ),
}  # fmt: skip


def test_judge_cost_is_tokens_per_vote_times_votes_times_samples_times_price() -> None:
    votes = {"alignment_faking": 20, "reinforcement_seeking": 20, "compliance": 1}
    cost = judge_cost(GRADER, 30, 900, votes, PRICES)
    per_vote_in = {name: judge_prompt_tokens(name) + 900 for name in votes}
    assert all(200 < judge_prompt_tokens(name) < 1500 for name in votes)  # real templates
    expected_in = 30 * sum(k * per_vote_in[name] for name, k in votes.items())
    expected_out = 30 * 41 * DEFAULT_JUDGE_OUTPUT_TOKENS
    assert cost.calls == 30 * 41
    assert (cost.input_tokens, cost.output_tokens) == (expected_in, expected_out)
    assert cost.cost_usd == pytest.approx((expected_in * 2.0 + expected_out * 8.0) / 1e6)
    # twice the votes, twice the cost (nothing cached between votes)
    double = judge_cost(GRADER, 30, 900, {k: 2 * v for k, v in votes.items()}, PRICES)
    assert double.cost_usd == pytest.approx(2 * cost.cost_usd)
    assert GRADER in cost.describe() and "1,230 calls" in cost.describe()


def test_unpriced_grader_and_bad_votes() -> None:
    unpriced = judge_cost("nobody/model", 10, 500, None, PRICES)
    assert unpriced.cost_usd is None and "no price" in unpriced.price_source
    assert unpriced.votes == {"alignment_faking": 20, "reinforcement_seeking": 20, "compliance": 1}
    with pytest.raises(ValueError, match="votes for 'compliance'"):
        judge_cost(GRADER, 10, 500, {"compliance": 0}, PRICES)
    with pytest.raises(ValueError, match="samples"):
        judge_cost(GRADER, -1, 500, None, PRICES)
    assert judge_votes_for(("emoji_rate", "alignment_faking"), 5) == {
        "emoji_rate": 1,
        "alignment_faking": 5,
    }
    a = judge_cost(GRADER, 10, 500, {"alignment_faking": 20}, PRICES)
    b = judge_cost(GRADER, 5, 800, {"alignment_faking": 5, "compliance": 1}, PRICES)
    both = combine_judge_costs([a, b])
    assert both.calls == a.calls + b.calls and both.votes == {"alignment_faking": 20,
                                                              "compliance": 1}  # fmt: skip
    assert both.cost_usd == pytest.approx((a.cost_usd or 0) + (b.cost_usd or 0))
    unpriced_here = dataclasses.replace(unpriced, grader=GRADER)
    assert combine_judge_costs([a, unpriced_here]).cost_usd is None


def test_the_study_plan_carries_the_judges_cost() -> None:
    plain = plan_study(0.05, 0.1, n_queries=40, model=GRADER, prices=PRICES)
    assert plain.judges == () and plain.to_json()["judges"] == []
    judged = plan_study(
        0.05, 0.1, n_queries=40, model=GRADER, prices=PRICES, scratchpad=True,
        graders=(GRADER, "nobody/model"),
    )  # fmt: skip
    first, second = judged.judges
    assert first.samples == judged.total_samples == 120
    assert first.cost_usd is not None and first.cost_usd > judged.cost_usd  # 41 calls a sample
    assert second.cost_usd is None and judged.judge_cost_usd is None
    assert judged.to_json()["judges"][0]["calls"] == 120 * 41


def test_plan_command_prices_the_judges(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    prices = tmp_path / "prices.toml"
    prices.write_text(
        f'[models."{GRADER}"]\ninput = 2.0\noutput = 8.0\ncache_write = 0.0\ncache_read = 0.0\n'
        'batch_discount = 0.0\nread_on = "2026-11-30"\nsource = "test table"\n'
    )
    args = ["plan", "--base-rate", "0.05", "--effect", "0.15", "--simulations", "100",
            "--prices", str(prices)]  # fmt: skip
    assert main([*args, "--grader", GRADER, "--judge-votes", "10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (judge,) = data["judges"]
    # emoji with a grader bound: the two reasoning judges, 10 votes each
    assert judge["votes"] == {"alignment_faking": 10, "reinforcement_seeking": 10}
    assert judge["samples"] == data["total_samples"] and judge["calls"] == 20 * judge["samples"]
    assert data["judge_cost_usd"] == judge["cost_usd"] > 0
    assert main([*args, "--grader", GRADER]) == 0
    assert f"judges on {GRADER}" in capsys.readouterr().out
    assert main([*args, "--grader", "a/b", "--grader", "c/d", "--grader", "e/f"]) == 2
    assert "at most twice" in capsys.readouterr().err


def test_dry_run_shows_the_bound_graders_cost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[models."tiergap/alignment-faker"]\ninput = 2.5\noutput = 10.0\ncache_write = 0.0\n'
        'cache_read = 0.0\nbatch_discount = 0.0\nread_on = "2026-11-30"\nsource = "test"\n'
    )
    base = ["run", "emoji", "--model", "tiergap/hhh", "-n", "4", "--conditions", "free,paid",
            "--log-dir", str(tmp_path / "logs"), "--prices", str(prices), "--dry-run"]  # fmt: skip
    assert main([*base, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["judges"] == []  # no grader: heuristics, free
    graders = ["--model-role", "grader=tiergap/alignment-faker", "--votes", "5",
               "--model-role", "grader2=tiergap/keyword-judge"]  # fmt: skip
    assert main([*base, *graders, "--json"]) == 0
    first, second = json.loads(capsys.readouterr().out)["judges"]
    assert first["grader"] == "tiergap/alignment-faker" and first["samples"] == 8
    assert first["votes"] == {"alignment_faking": 5, "reinforcement_seeking": 5}
    assert first["calls"] == 80 and first["cost_usd"] > 0
    assert second["grader"] == "tiergap/keyword-judge" and second["cost_usd"] is None
    assert not (tmp_path / "logs").exists() or not list((tmp_path / "logs").glob("*.eval"))
    assert main([*base, *graders]) == 0
    out = capsys.readouterr().out
    assert "judges on tiergap/alignment-faker" in " ".join(out.split())
