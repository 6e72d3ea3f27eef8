"""Sensitivity sweeps: passing ranges per experiment and hypothesis, and their plot."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tiergap.hypotheses import ParamsError, load_params, parse_sweep, sweep
from tiergap.hypotheses.cli import add_retrodict_arguments, run_retrodict
from tiergap.hypotheses.params import Params


@pytest.fixture(scope="module")
def params() -> Params:
    return load_params()


def test_parse_sweep() -> None:
    spec = parse_sweep("reward_hacking.free_tier.p_truth=0:1:5")
    assert spec.param == "reward_hacking.free_tier.p_truth"
    assert spec.values == (0.0, 0.25, 0.5, 0.75, 1.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reward_hacking.temperature", "PARAM=lo:hi:steps"),
        ("x=0:1", "lo:hi:steps"),
        ("x=a:1:3", "must be numbers"),
        ("x=1:0:3", "lo <= hi"),
        ("x=0:1:0", "steps must be"),
    ],
)
def test_parse_sweep_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_sweep(text)


def test_no_scratchpad_capability_range(params: Params) -> None:
    result = sweep(params, parse_sweep("reward_hacking.no_scratchpad_capability=0:1:11"))
    assert result.default == 0.5
    runs = result.ranges("reward_hacking", "no_scratchpad")
    assert len(runs) == 1 and runs[0][0] == 0.0 and runs[0][1] < 0.5
    assert result.describe("alignment_faking", "no_scratchpad") == "all"
    assert result.describe("hhh", "free_tier") == "none"
    assert result.describe("reward_hacking", "emoji_objective") == "untested"


def test_belief_sweep_keeps_the_table_normalised(params: Params) -> None:
    result = sweep(params, parse_sweep("reward_hacking.free_tier.p_truth=0:1:11"))
    free_tier = result.ranges("reward_hacking", "free_tier")
    sycophancy = result.ranges("reward_hacking", "sycophancy_objective")
    # The belief that lets it pass the free tier is the belief that makes it fail sycophancy.
    assert any(lo <= 0.5 <= hi for lo, hi in free_tier)
    assert all(hi < 0.5 for _, hi in sycophancy) and sycophancy


def test_sweeping_out_of_range_or_unknown_is_an_error(params: Params) -> None:
    with pytest.raises(ParamsError, match="not a probability"):
        sweep(params, parse_sweep("alignment_faking.fake_rate=0:2:3"))
    with pytest.raises(ParamsError, match=r"unknown parameter 'reward_hacking\.nope'"):
        sweep(params, parse_sweep("reward_hacking.nope=0:1:3"))


def _retrodict(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_retrodict_arguments(parser)
    return parser.parse_args(list(argv))


def test_cli_sweep_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = _retrodict("--sweep", "reward_hacking.escape_value=0:2:5", "--json")
    assert run_retrodict(args) == 0
    data = json.loads(capsys.readouterr().out)["sweep"]
    assert data["values"] == [0.0, 0.5, 1.0, 1.5, 2.0]
    anti_lab = data["experiments"]["anti_lab"]
    assert anti_lab["reward_hacking"]["passing_ranges"] == [[1.0, 2.0]]
    assert anti_lab["alignment_faking"]["passing_ranges"] == [[0.0, 2.0]]


def test_cli_sweep_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "sweep.png"
    args = _retrodict("--sweep", "reward_hacking.temperature=0.05:0.3:6", "--plot", str(png))
    assert run_retrodict(args) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out


def test_cli_plot_without_sweep_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_retrodict(_retrodict("--plot", "x.png")) == 2
    assert "--plot needs --sweep" in capsys.readouterr().err
