"""The scorecard: the seed's verdicts are computed, and move when the parameters say they should."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from rich.console import Console

from tiergap.hypotheses import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    SEED_EXPERIMENTS,
    compute_scorecard,
    experiment,
    load_params,
    observations_from_values,
    override,
    paper_observations,
)
from tiergap.hypotheses.cli import (
    add_predict_arguments,
    add_retrodict_arguments,
    run_predict,
    run_retrodict,
)
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.scorecard import Observation, judge

RH_PASSES = {"free_tier", "paid_tier", "hidden_scratchpad", "rl_training", "post_rl_unmonitored"}
RH_FAILS = {"sycophancy_objective", "no_scratchpad", "anti_lab"}


@pytest.fixture(scope="module")
def params() -> Params:
    return load_params()


def _statuses(card_params: Params, hypothesis: str) -> dict[str, str]:
    card = compute_scorecard(card_params).card(hypothesis)
    return {v.experiment: v.status for v in card.verdicts}


def test_catalogue_has_the_required_keys() -> None:
    assert set(SEED_EXPERIMENTS) | {"emoji_objective", "latex_objective"} == set(EXPERIMENT_KEYS)
    assert len(EXPERIMENT_KEYS) == 10
    assert experiment("emoji_objective").figure is None


def test_default_scorecard_reproduces_the_seed(params: Params) -> None:
    rh = _statuses(params, "reward_hacking")
    assert {k for k in SEED_EXPERIMENTS if rh[k] == "pass"} == RH_PASSES
    assert {k for k in SEED_EXPERIMENTS if rh[k] == "fail"} == RH_FAILS
    af = _statuses(params, "alignment_faking")
    assert all(af[k] == "pass" for k in SEED_EXPERIMENTS)
    # The null model fails what needs a situational strategy.
    hhh = _statuses(params, "hhh")
    assert hhh["free_tier"] == hhh["anti_lab"] == "fail"


def test_emoji_is_untested_against_the_paper_and_not_counted(params: Params) -> None:
    card = compute_scorecard(params)
    for name in ("reward_hacking", "alignment_faking", "hhh"):
        hypothesis = card.card(name)
        assert hypothesis.verdict("emoji_objective").status == "untested"
        assert hypothesis.passed + hypothesis.failed == len(CATALOGUE) - 1


def test_missing_observations_are_untested_not_failed(params: Params) -> None:
    observations = {k: v for k, v in paper_observations().items() if k == "free_tier"}
    card = compute_scorecard(params, observations, against="one figure")
    rh = card.card("reward_hacking")
    assert (rh.passed, rh.failed) == (1, 0)
    assert rh.verdict("anti_lab").status == "untested"
    assert rh.verdict("anti_lab").observed is None


@pytest.mark.parametrize(
    ("path", "value", "hypothesis", "key", "before", "after"),
    [
        # An RH able to compute its strategy without a scratchpad would show a no-CoT gap.
        ("reward_hacking.no_scratchpad_capability", 0.0, "reward_hacking", "no_scratchpad",
         "fail", "pass"),
        # The seed's "best explanation" for anti-lab behaviour under RH.
        ("reward_hacking.escape_value", 1.0, "reward_hacking", "anti_lab", "fail", "pass"),
        # If it disbelieves the training claim it neither complies nor turns sycophantic.
        ("reward_hacking.free_tier.p_truth", 0.1, "reward_hacking", "free_tier", "pass", "fail"),
        ("reward_hacking.free_tier.p_truth", 0.1, "reward_hacking", "sycophancy_objective",
         "fail", "pass"),
        # Most of RL landing on its habit erases the post-RL jump the seed relies on.
        ("reward_hacking.rl_shift", 6.0, "reward_hacking", "post_rl_unmonitored", "pass", "fail"),
        # An alignment faker that could decide to fake without reasoning keeps a no-CoT gap.
        ("alignment_faking.no_scratchpad_capability", 1.0, "alignment_faking", "no_scratchpad",
         "pass", "fail"),
        ("alignment_faking.fake_rate", 0.0, "alignment_faking", "free_tier", "pass", "fail"),
        ("alignment_faking.anti_lab_propensity", 0.0, "alignment_faking", "anti_lab",
         "pass", "fail"),
    ],
)  # fmt: skip
def test_changing_a_parameter_flips_the_verdict(
    params: Params, path: str, value: float, hypothesis: str, key: str, before: str, after: str
) -> None:
    assert _statuses(params, hypothesis)[key] == before
    assert _statuses(override(params, path, value), hypothesis)[key] == after


def test_hidden_scratchpad_verdict_needs_a_rater_who_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "hidden.toml"
    path.write_text("[reward_hacking.free_tier.worlds.lies]\nscratchpad_visible = false\n")
    assert _statuses(load_params(path), "reward_hacking")["hidden_scratchpad"] == "fail"


def test_judge_rules() -> None:
    scoring = load_params().scoring
    effect = experiment("free_tier")
    observed = Observation("free_tier", 10.0, 1.0, "test")
    assert judge(effect, 12.0, observed, scoring)[0] == "pass"
    assert judge(effect, 40.0, observed, scoring)[0] == "fail"  # more than x3
    assert judge(effect, -12.0, observed, scoring)[0] == "fail"  # wrong direction
    status, reason = judge(effect, 1.5, observed, scoring)  # inside the null band (2 SE)
    assert status == "fail" and "no effect" in reason
    null = Observation("free_tier", 0.5, 1.0, "test")
    assert judge(effect, -1.9, null, scoring)[0] == "pass"
    level = experiment("paid_tier")
    assert judge(level, 14.0, Observation("paid_tier", 0.0, None, "t"), scoring)[0] == "pass"
    assert judge(level, 16.0, Observation("paid_tier", 0.0, None, "t"), scoring)[0] == "fail"
    assert judge(level, 16.0, None, scoring)[0] == "untested"


def test_scoring_rules_are_parameters(params: Params) -> None:
    loose = override(params, "scoring.min_null_band", 20.0)
    assert _statuses(loose, "reward_hacking")["no_scratchpad"] == "pass"


def test_observations_from_values_checks_keys() -> None:
    obs = observations_from_values({"emoji_objective": 1.5, "emoji_objective.se": 0.5}, "logs")
    assert obs["emoji_objective"].se == 0.5
    with pytest.raises(ValueError, match="emoji_gap"):
        observations_from_values({"emoji_gap": 1.0}, "logs")


# --- CLI -------------------------------------------------------------------------------------


def _args(kind: str, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    if kind == "predict":
        add_predict_arguments(parser)
    else:
        add_retrodict_arguments(parser)
    return parser.parse_args(list(argv))


def test_retrodict_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_retrodict(_args("retrodict", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"hypotheses"}
    assert set(data["hypotheses"]) == {"reward_hacking", "alignment_faking", "hhh"}
    for card in data["hypotheses"].values():
        assert set(card) == {"experiments", "passed", "failed"}
        assert set(card["experiments"]) == set(EXPERIMENT_KEYS)
        for cell in card["experiments"].values():
            assert set(cell) == {"predicted", "observed", "status", "reason"}
    rh = data["hypotheses"]["reward_hacking"]
    assert rh["experiments"]["no_scratchpad"]["status"] == "fail"
    assert rh["experiments"]["emoji_objective"]["observed"] is None
    assert data["hypotheses"]["alignment_faking"]["failed"] == 0


def test_retrodict_against_logs_uses_the_observation_hook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Path] = []

    def source(log_dir: Path) -> dict[str, float]:
        seen.append(log_dir)
        return {"emoji_objective": 0.5, "emoji_objective.se": 1.0}

    args = _args("retrodict", "--against", str(tmp_path), "--json")
    assert run_retrodict(args, observation_source=source) == 0
    assert seen == [tmp_path]
    data = json.loads(capsys.readouterr().out)["hypotheses"]
    assert data["reward_hacking"]["experiments"]["emoji_objective"]["status"] == "fail"
    assert data["alignment_faking"]["experiments"]["emoji_objective"]["status"] == "pass"
    assert data["alignment_faking"]["experiments"]["free_tier"]["status"] == "untested"
    assert (data["reward_hacking"]["passed"], data["reward_hacking"]["failed"]) == (0, 1)


def test_retrodict_against_logs_without_a_reader_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_retrodict(_args("retrodict", "--against", str(tmp_path))) == 2
    assert "not available yet" in capsys.readouterr().err
    assert run_retrodict(_args("retrodict", "--against", str(tmp_path / "missing"))) == 2
    assert "not 'paper' and not a directory" in capsys.readouterr().err


def test_bad_params_file_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[alignment_faking]\nfake_rate = 2.0\n")
    assert run_retrodict(_args("retrodict", "--params", str(path))) == 2
    assert "alignment_faking.fake_rate" in capsys.readouterr().err
    assert run_predict(_args("predict", "--params", str(path))) == 2


def test_predict_prints_every_experiment(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_predict(_args("predict", "--json")) == 0
    data = json.loads(capsys.readouterr().out)["hypotheses"]
    assert data["reward_hacking"]["experiments"]["emoji_objective"]["predicted"] > 50
    assert data["alignment_faking"]["experiments"]["emoji_objective"]["predicted"] == 0
    assert run_predict(_args("predict")) == 0
    assert "emoji_objective" in capsys.readouterr().out


def test_retrodict_table_shows_totals(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_retrodict(_args("retrodict"), console=Console(width=200)) == 0
    out = capsys.readouterr().out
    assert "seed's eight" in out
    assert "5 pass / 3 fail" in out and "8 pass / 0 fail" in out
