"""``tiergap plan``: textbook sample sizes, token and cost estimates, named bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tiergap.cli import build_parser, main
from tiergap.commands.plan import make_plan
from tiergap.cost import prices as prices_mod
from tiergap.stats import power

OPUS = "anthropic/claude-3-opus-20240229"
REQUIRED = (
    "n_per_condition",
    "total_samples",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "cost_usd_cached_batch",
)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["plan", *args, "--json"]) == 0
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return payload


def test_default_matches_the_textbook_two_proportion_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Fleiss (2003), no continuity correction, p1 = 0.1, p2 = 0.2, 80% power, alpha 0.05:
    # 198.97 -> 199 per group (R: power.prop.test(p1 = .1, p2 = .2, power = .8)).
    payload = plan_json(capsys, "--base-rate", "0.1", "--effect", "0.1")
    assert set(REQUIRED) <= set(payload)
    assert abs(payload["n_per_condition"] - 199) / 199 <= 0.05
    assert payload["n_per_condition"] == 199
    assert payload["design"] == "two-sample"
    assert payload["total_samples"] == 3 * 199
    assert payload["input_tokens"] == 597 * payload["input_tokens_per_sample"]
    assert payload["cost_usd"] == 0 and payload["model"] is None


def test_anthropic_model_is_priced_and_caching_and_batch_save(
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = plan_json(capsys, "--base-rate", "0.1", "--effect", "0.1", "--model", OPUS)
    assert payload["cost_usd"] > 0 and payload["cost_usd_cached_batch"] > 0
    assert payload["cost_usd_cached_batch"] < payload["cost_usd_cached"] < payload["cost_usd"]
    assert payload["cost_usd_cached_batch"] < payload["cost_usd_batch"] < payload["cost_usd"]
    assert payload["price_read_date"] == prices_mod.get_price(OPUS).read_on
    price = prices_mod.get_price(OPUS)
    expected = (
        payload["input_tokens"] * price.input + payload["output_tokens"] * price.output
    ) / 1e6
    assert payload["cost_usd"] == pytest.approx(expected, abs=1e-5)


def test_correlation_plans_the_paired_design(capsys: pytest.CaptureFixture[str]) -> None:
    payload = plan_json(capsys, "--base-rate", "0.1", "--effect", "0.1", "--correlation", "0.4")
    assert payload["design"] == "paired"
    assert payload["n_per_condition"] == power.sample_size(0.1, 0.1, correlation=0.4)
    assert payload["n_per_condition"] < payload["n_two_sample"] == 199


def test_scratchpad_and_conditions_change_the_token_budget(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hidden = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15")
    direct = plan_json(
        capsys,
        "--base-rate",
        "0.2",
        "--effect",
        "0.15",
        "--scratchpad",
        "none",
        "--conditions",
        "2",
    )
    assert direct["n_per_condition"] == hidden["n_per_condition"]
    assert direct["total_samples"] == 2 * direct["n_per_condition"]
    assert direct["input_tokens_per_sample"] < hidden["input_tokens_per_sample"]
    assert direct["output_tokens_per_sample"] < hidden["output_tokens_per_sample"]


@pytest.mark.parametrize("model", sorted(prices_mod.load_prices()))
@pytest.mark.parametrize("scratchpad", ["hidden", "none"])
def test_two_sample_costing_agrees_with_the_planner(model: str, scratchpad: str) -> None:
    # make_plan re-costs the planner's (paired) plan for the two-sample n, and raises if its
    # costing does not reproduce the planner's numbers at the planner's own n.
    options = ["--base-rate", "0.05", "--effect", "0.2", "--model", model]
    args = build_parser().parse_args(
        ["plan", *options, "--scratchpad", scratchpad, "--scratchpad-turns", "2"]
    )
    result = make_plan(args)
    assert result.plan.n_per_condition == result.n_two_sample
    assert result.plan.total_samples * result.budget.input_per_sample == result.plan.input_tokens


def test_custom_price_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[models."local/mine"]\ninput = 1.0\noutput = 2.0\ncache_write = 1.25\n'
        'cache_read = 0.1\nbatch_discount = 0.5\nread_on = "2025-01-02"\nsource = "mine"\n',
        encoding="utf-8",
    )
    payload = plan_json(
        capsys, "--base-rate", "0.1", "--effect", "0.1", "--model", "local/mine",
        "--prices", str(prices), "--system-tokens", "1000", "--query-tokens", "50",
    )  # fmt: skip
    assert payload["price_read_date"] == "2025-01-02" and payload["price_source"] == "mine"
    assert payload["system_prompt_tokens"] == 1000
    assert not payload["tokens_estimated_from_scenario"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--base-rate", "0.1", "--effect", "0.1", "--model", OPUS]) == 0
    out = capsys.readouterr().out
    assert "queries per condition" in out and "199" in out
    for label in ("cost at list price", "with prompt caching", "with batch mode", "saves"):
        assert label in out
    assert "2026-" in out or "prices" in out  # the date the prices were read


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-rate", "1.5", "--effect", "0.1"], "--base-rate must be in [0, 1], got 1.5"),
        (["--base-rate", "0.1", "--effect", "0.1", "--model", "acme/nope"], "'acme/nope'"),
        (["--base-rate", "0.1", "--effect", "0"], "--effect must be a non-zero"),
        (["--base-rate", "0.95", "--effect", "0.1"], "0.95 + 0.1 = 1.05"),
        (["--base-rate", "0.1", "--effect", "0.1", "--power", "1"], "--power must be in (0, 1)"),
        (["--base-rate", "0.1", "--effect", "0.1", "--correlation", "2"], "got 2"),
        (["--base-rate", "0.1", "--effect", "0.1", "--scenario", "nosuch"], "'nosuch'"),
        (["--base-rate", "0.1", "--effect", "0.1", "--prices", "none.toml"], "none.toml"),
    ],
)
def test_bad_input_exits_2_naming_the_value(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", *args]) == 2
    assert message in capsys.readouterr().out.replace("\n", "")
