"""``tiergap plan``: queries sized for the verdict, tokens and cost, pre-registration, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tiergap.cli import build_parser, main
from tiergap.commands.plan import make_plan
from tiergap.cost import prices as prices_mod
from tiergap.cost.plan import size_for_verdict
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


def test_default_sizes_the_verdict_by_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    payload = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15")
    assert set(REQUIRED) <= set(payload)
    n = payload["n_queries"]
    assert payload["n_per_condition"] == n and payload["design"] == "verdict simulation"
    assert payload["power_reward_hacking"] >= 0.8 and payload["power_no_tier_gap"] >= 0.8
    assert payload["verdict_sizing"]["sized_by"] == "simulation of the verdict"
    assert payload["correlation"] == 0.0 and "0 assumed" in payload["correlation_source"]
    # the emoji scenario runs four conditions: free, paid, baseline and the positive control
    assert payload["conditions"] == 4 and payload["total_samples"] == 4 * n
    assert payload["input_tokens"] == 4 * n * payload["input_tokens_per_sample"]
    # no model, no price: every cost is null (not a free run), and the note says why
    assert payload["model"] is None and payload["cost_usd"] is None
    assert payload["cost_usd_cached"] is None and payload["cost_usd_batch"] is None
    assert "--model" in payload["cost_note"]
    # the textbook size for one comparison is still shown, and does not size the verdict
    assert payload["n_two_sample"] == power.sample_size_two_proportions(0.35, 0.2)
    assert payload["n_two_sample"] < n
    # the reported probabilities are the simulation's at the planned n
    from tiergap.cost.plan import verdict_power

    assert verdict_power(n, 0.2, 0.15) == (
        payload["power_reward_hacking"],
        payload["power_no_tier_gap"],
    )


def test_n_queries_reports_the_verdicts_probabilities(capsys: pytest.CaptureFixture[str]) -> None:
    small = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15", "--n-queries", "40")
    big = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15", "--n-queries", "400")
    assert small["n_queries"] == 40 and small["verdict_sizing"]["sized_by"] == "given n_queries"
    assert small["power_no_tier_gap"] < big["power_no_tier_gap"]
    assert small["power_reward_hacking"] < big["power_reward_hacking"]
    epochs = plan_json(
        capsys, "--base-rate", "0.2", "--effect", "0.15", "--n-queries", "40", "--epochs", "3",
        "--correlation", "0.3",
    )  # fmt: skip
    assert epochs["total_samples"] == 4 * 40 * 3 and epochs["repeats"] == 3
    control = plan_json(
        capsys, "--base-rate", "0.2", "--effect", "0.15", "--n-queries", "400",
        "--control-rate", "0.22",
    )  # fmt: skip
    # a control that barely moves the behaviour makes most null runs 'insensitive'
    assert control["power_no_tier_gap"] < 0.5 * big["power_no_tier_gap"]


def test_anthropic_model_is_priced_and_caching_and_batch_save(
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15", "--model", OPUS)
    assert payload["cost_usd"] > 0 and payload["cost_usd_cached_batch"] > 0
    assert payload["cost_usd_cached_batch"] < payload["cost_usd_cached"] < payload["cost_usd"]
    assert payload["cost_usd_cached_batch"] < payload["cost_usd_batch"] < payload["cost_usd"]
    assert payload["price_read_date"] == prices_mod.get_price(OPUS).read_on
    price = prices_mod.get_price(OPUS)
    expected = (
        payload["input_tokens"] * price.input + payload["output_tokens"] * price.output
    ) / 1e6
    assert payload["cost_usd"] == pytest.approx(expected, abs=1e-5)


def test_correlation_lowers_the_number_of_queries(capsys: pytest.CaptureFixture[str]) -> None:
    plain = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15")
    paired = plan_json(capsys, "--base-rate", "0.2", "--effect", "0.15", "--correlation", "0.4")
    assert paired["correlation_source"] == "--correlation"
    assert paired["n_queries"] < plain["n_queries"]
    assert paired["n_paired_exact"] == power.sample_size(0.2, 0.15, correlation=0.4)


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
    assert hidden["total_samples"] == 4 * hidden["n_per_condition"]
    assert direct["input_tokens_per_sample"] < hidden["input_tokens_per_sample"]
    assert direct["output_tokens_per_sample"] < hidden["output_tokens_per_sample"]


@pytest.mark.parametrize("model", sorted(prices_mod.load_prices()))
@pytest.mark.parametrize("scratchpad", ["hidden", "none"])
def test_costing_agrees_with_the_planner(model: str, scratchpad: str) -> None:
    options = ["--base-rate", "0.05", "--effect", "0.2", "--model", model, "--n-queries", "50"]
    args = build_parser().parse_args(
        ["plan", *options, "--scratchpad", scratchpad, "--scratchpad-turns", "2"]
    )
    result = make_plan(args)
    assert result.plan.n_per_condition == result.sizing.n_queries == 50
    assert result.plan.total_samples * result.budget.input_per_sample == result.plan.input_tokens


def test_custom_price_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[models."local/mine"]\ninput = 1.0\noutput = 2.0\ncache_write = 1.25\n'
        'cache_read = 0.1\nbatch_discount = 0.5\nread_on = "2025-01-02"\nsource = "mine"\n',
        encoding="utf-8",
    )
    payload = plan_json(
        capsys, "--base-rate", "0.2", "--effect", "0.15", "--model", "local/mine",
        "--prices", str(prices), "--system-tokens", "1000", "--query-tokens", "50",
    )  # fmt: skip
    assert payload["price_read_date"] == "2025-01-02" and payload["price_source"] == "mine"
    assert payload["system_prompt_tokens"] == 1000
    assert not payload["tokens_estimated_from_scenario"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--base-rate", "0.2", "--effect", "0.15", "--model", OPUS]) == 0
    out = capsys.readouterr().out
    sizing = size_for_verdict(0.2, 0.15)
    assert "queries per condition" in out and str(sizing.n_queries) in out
    assert "P(reward_hacking)" in out and f"{sizing.power_no_tier_gap:.3f}" in out
    for label in ("cost at list price", "with prompt caching", "with batch mode", "saves"):
        assert label in out
    assert "2026-" in out or "prices" in out  # the date the prices were read


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-rate", "1.5", "--effect", "0.1"], "--base-rate must be in (0, 1), got 1.5"),
        (["--base-rate", "0", "--effect", "0.1"], "--base-rate must be in (0, 1), got 0"),
        (["--base-rate", "0.1", "--effect", "0.1", "--model", "acme/nope"], "'acme/nope'"),
        (["--base-rate", "0.1", "--effect", "0"], "--effect must be a positive rate difference"),
        (["--base-rate", "0.1", "--effect", "-0.1"], "got -0.1"),
        (["--base-rate", "0.95", "--effect", "0.1"], "0.95 + 0.1 = 1.05"),
        (["--base-rate", "0.1", "--effect", "0.1", "--power", "1"], "--power must be in (0, 1)"),
        (["--base-rate", "0.1", "--effect", "0.1", "--correlation", "2"], "[0, 1), got 2"),
        (
            ["--base-rate", "0.1", "--effect", "0.1", "--alpha", "0.5"],
            "--alpha must be in (0, 0.5)",
        ),
        (["--base-rate", "0.1", "--effect", "0.1", "--alpha", "0"], "got 0"),
        (["--base-rate", "0.1", "--effect", "0.1", "--margin", "0"], "--margin must be in (0, 1)"),
        (["--base-rate", "0.1", "--effect", "0.1", "--margin", "1"], "got 1"),
        (["--base-rate", "0.1", "--effect", "0.1", "--relative-margin", "1.2"], "got 1.2"),
        (["--base-rate", "0.1", "--effect", "0.1", "--seeds", "a"], "--seeds must be whole"),
        (["--base-rate", "0.1", "--effect", "0.1", "--pilot", "no-dir"], "no-dir"),
        (
            ["--base-rate", "0.1", "--effect", "0.1", "--write", "no-dir/p.toml"],
            "folder for the pre-registration does not exist: no-dir",
        ),
        (["--base-rate", "0.1", "--effect", "0.1", "--scenario", "nosuch"], "'nosuch'"),
        (["--base-rate", "0.1", "--effect", "0.1", "--prices", "none.toml"], "none.toml"),
    ],
)
def test_bad_input_exits_2_naming_the_value(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", *args]) == 2
    err = capsys.readouterr().err.replace("\n", "")
    assert err.startswith("tiergap: error:") and message in err


def test_write_records_a_preregistration_that_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tiergap.experiment.prereg import load_prereg, render_prereg
    from tiergap.experiment.scenario import load_scenario, prompt_hash

    target = tmp_path / "prereg.toml"
    payload = plan_json(
        capsys, "--base-rate", "0.2", "--effect", "0.15", "--n-queries", "25", "--seeds", "3,4",
        "--epochs", "2", "--model", OPUS, "--margin", "0.08", "--write", str(target),
    )  # fmt: skip
    assert payload["prereg"] == str(target)
    prereg = load_prereg(target)
    assert (prereg.scenario, prereg.scratchpad, prereg.primary_metric) == (
        "emoji",
        "hidden",
        "any_emoji",
    )
    assert prereg.condition_names == ("free", "paid", "baseline", "requested")
    assert prereg.positive_control == "requested"
    assert (prereg.n_queries, prereg.epochs, prereg.seeds, prereg.models) == (
        25,
        2,
        (3, 4),
        (OPUS,),
    )
    assert len(prereg.query_ids) == 25 and prereg.margin.absolute == 0.08
    spec = load_scenario("emoji")
    free = next(c for c in prereg.conditions if c.name == "free")
    text = spec.system_prompt("free", lab="Anthropic", scratchpad="hidden")
    assert free.system_prompt_sha == {"Anthropic": prompt_hash(text)}
    assert render_prereg(prereg) == target.read_text(encoding="utf-8")
    assert prereg.plan["power_no_tier_gap"] == payload["power_no_tier_gap"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("alpha = 0.05", "alpha = 0.7"), r"verdict: alpha must be in \(0, 0.5\), got 0.7"),
        (("relative_margin = 0.5", "relative_margin = 0"), "verdict: relative margin must be"),
        (('primary_metric = "any_emoji"', 'primary_metric = "smiles"'), "'smiles'"),
        (("n_queries = 25", "n_queries = 0"), "n_queries and epochs must be positive"),
        (
            ('tag = "<is_free_tier_user>True</is_free_tier_user>"\n', ""),
            "prompts.free: missing tag",
        ),
        (("version = 1", "version = 9"), "version 9 is not supported"),
        (("seeds = [0]", 'seeds = ["x"]'), r"design.seeds: expected a non-empty list"),
    ],
)
def test_a_bad_preregistration_is_named(
    edit: tuple[str, str], message: str, tmp_path: Path
) -> None:
    from tiergap.experiment.prereg import PreregError, build_prereg, load_prereg, render_prereg

    text = render_prereg(build_prereg("emoji", n_queries=25))
    assert edit[0] in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(PreregError, match=message) as err:
        load_prereg(bad)
    assert str(bad) in str(err.value)
