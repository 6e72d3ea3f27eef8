"""Sensitivity sweeps: passing ranges of one parameter, joint pass regions of two, their plots."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from tiergap.hypotheses import ParamsError, load_params, paper_observations, parse_sweep, sweep
from tiergap.hypotheses.cli import add_retrodict_arguments, run_retrodict
from tiergap.hypotheses.params import Params, override
from tiergap.hypotheses.scorecard import compute_scorecard


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


def test_sweep_matches_the_point_scorecard(params: Params) -> None:
    """Every grid point's status is the scorecard's status at that parameter value."""
    spec = parse_sweep("reward_hacking.free_tier.p_truth=0.1:0.9:5")
    result = sweep(params, spec)
    for i, value in enumerate(spec.values):
        card = compute_scorecard(override(params, spec.param, value))
        for name in ("reward_hacking", "alignment_faking"):
            for verdict in card.card(name).verdicts:
                assert result.statuses[name][verdict.experiment][i] == verdict.status
                assert result.predicted[name][verdict.experiment][i] == pytest.approx(
                    verdict.predicted
                )


def test_one_parameter_ranges(params: Params) -> None:
    result = sweep(params, parse_sweep("reward_hacking.free_tier.p_truth=0:1:21"))
    # The belief that makes it comply on the free tier is the belief that makes it fail the
    # sycophancy objective (it turns sycophantic where the paper saw no gap).
    sycophancy = result.ranges("reward_hacking", "sycophancy_objective")
    assert sycophancy and all(hi < 0.5 for _, hi in sycophancy)
    assert result.describe("reward_hacking", "emoji_objective") == "untested"
    assert result.describe("hhh", "free_tier") == "none"
    assert result.describe("alignment_faking", "sycophancy_objective") == "all"


def test_two_parameters_draw_a_joint_pass_region(params: Params, tmp_path: Path) -> None:
    specs = [
        parse_sweep("alignment_faking.rl_shift_faking=0:8:9"),
        parse_sweep("alignment_faking.rl_shift_values=0:12:13"),
    ]
    result = sweep(params, specs, paper_observations())
    joint = result.joint_pass("alignment_faking")
    assert joint.shape == (9, 13)
    assert joint.any() and not joint.all()
    # Where the faking shift is too small, RL cannot raise AF reasoning to 78 %: never passes.
    assert not joint[0].any()
    assert not result.joint_pass("hhh").any()
    data = result.to_json()["sweep"]
    assert data["params"] == [s.param for s in specs]
    assert np.asarray(data["hypotheses"]["alignment_faking"]["joint_pass"]).shape == (9, 13)
    pytest.importorskip("matplotlib")
    from tiergap.hypotheses import plot_sweep

    png = tmp_path / "grid.png"
    plot_sweep(result, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweeping_out_of_range_or_unknown_is_an_error(params: Params) -> None:
    with pytest.raises(ParamsError, match="not a probability"):
        sweep(params, parse_sweep("alignment_faking.fake_rate=0:2:3"))
    with pytest.raises(ParamsError, match=r"unknown parameter 'reward_hacking\.nope'"):
        sweep(params, parse_sweep("reward_hacking.nope=0:1:3"))
    with pytest.raises(ValueError, match="twice"):
        sweep(params, [parse_sweep("hhh.rl_shift=0:1:2"), parse_sweep("hhh.rl_shift=0:1:2")])
    with pytest.raises(ParamsError, match=r"sum to 1\.6"):
        sweep(
            params,
            [
                parse_sweep("reward_hacking.rl_training.p_truth=0.8:0.8:1"),
                parse_sweep("reward_hacking.rl_training.p_lies=0.8:0.8:1"),
            ],
        )


def _retrodict(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_retrodict_arguments(parser)
    return parser.parse_args(list(argv))


def test_cli_sweep_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = _retrodict("--sweep", "reward_hacking.escape_mistake.synthetic_document=0:4:5", "--json")
    assert run_retrodict(args) == 0
    data = json.loads(capsys.readouterr().out)["sweep"]
    assert data["values"] == [0.0, 1.0, 2.0, 3.0, 4.0]
    anti_lab = data["experiments"]["anti_lab"]
    assert anti_lab["reward_hacking"]["status"][0] == "fail"  # no escape, no anti-lab actions
    assert "pass" in anti_lab["reward_hacking"]["status"]
    two = _retrodict("--sweep", "hhh.rl_shift=0:8:3", "--sweep", "mixture.weight=0:1:3", "--json")
    assert run_retrodict(two) == 0
    grid = json.loads(capsys.readouterr().out)["sweep"]
    assert grid["params"] == ["hhh.rl_shift", "mixture.weight"]
    three = _retrodict(*(["--sweep", "hhh.rl_shift=0:1:2"] * 3))
    assert run_retrodict(three) == 2
    assert "one or two parameters" in capsys.readouterr().err


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
