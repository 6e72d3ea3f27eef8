"""`tiergap predict / retrodict / infer / design` as registered commands, and infer on real runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fit_support import CACHE, paper_family
from tiergap.cli import main


@pytest.fixture(autouse=True)
def _test_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERGAP_CACHE_DIR", str(CACHE))


def test_commands_are_registered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("predict", "retrodict", "infer", "design"):
        assert command in out


def test_a_subset_of_the_family(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["predict", "--experiment", "emoji", "--no-paper", "--json",
                 "--hypotheses", "reward_hacking,alignment_faking"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["hypotheses"]) == {"reward_hacking", "alignment_faking"}
    assert data["hypotheses"]["reward_hacking"]["posterior_probability"] == 0.5


def test_predict_and_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["predict", "--experiment", "emoji", "--tiers", "four", "--no-paper", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["from"] == "priors"
    assert list(data["hypotheses"]["rater_sycophancy"]["conditions"]) == [
        "free", "pro", "enterprise", "baseline"
    ]  # fmt: skip
    paper_family(held_out=False)
    code = main([
        "design", "--scenarios", "emoji", "--tiers", "two,four", "--scratchpad", "hidden",
        "--n", "50,300", "--json", "--price-model", "none",
    ])  # fmt: skip
    assert code == 0
    rows = json.loads(capsys.readouterr().out)["candidates"]
    assert len(rows) == 4 and all(r["cost_usd"] == 0 for r in rows)
    bits = {(r["tiers"], r["n"]): r["expected_information_bits"] for r in rows}
    assert bits[("four", 300)] > bits[("four", 50)]  # more queries, more information


def test_bad_input_exits_2_with_a_named_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["infer", str(tmp_path / "nope"), "--no-paper"]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert main(["infer", str(tmp_path), "--no-paper"]) == 2
    assert "no readable samples" in capsys.readouterr().err
    assert main(["design", "--tiers", "five"]) == 2
    assert "tiers must be two or four" in capsys.readouterr().err
    assert main(["retrodict", "--hypotheses", "hhh,astrology"]) == 2
    assert "unknown hypothesis 'astrology'" in capsys.readouterr().err
    assert main(["retrodict", "--sweep", "nope.x=0:1:3"]) == 2
    assert "unknown parameter 'nope.x'" in capsys.readouterr().err
    bad = tmp_path / "p.toml"
    bad.write_text("[hypotheses]\nastrology = 1.0\n")
    assert main(["predict", "--params", str(bad)]) == 2
    assert "unknown hypothesis astrology" in capsys.readouterr().err


def _tiergap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "INSPECT_DISPLAY": "none",
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "TIERGAP_CACHE_DIR": str(CACHE),
    }
    return subprocess.run(
        [sys.executable, "-m", "tiergap.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_infer_on_simulated_runs_moves_toward_each_simulated_model(tmp_path: Path) -> None:
    """The demo's simulated models, run through inspect, with four tiers on two scenarios; the
    posterior starts from the paper's figures (at n = 30 an alignment faker's 7-point
    animal-welfare gap is too small to tell it from the null model without them)."""
    models = {
        "tiergap/reward-hacker": "reward_hacking",
        "tiergap/alignment-faker": "alignment_faking",
        "tiergap/hhh": "hhh",
    }
    flags = [f"--model={m}" for m in models]
    for scenario in ("emoji", "animal_welfare"):
        done = _tiergap(
            "run", scenario, *flags, "-n", "30", "--tiers", "four", "--log-dir", "logs",
            "--seed", "3", cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    done = _tiergap("infer", "logs", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)["models"]
    for model, hypothesis in models.items():
        result = payload[model]
        before, after = result["log_posterior_before"], result["log_posterior_after"]
        assert after[hypothesis] > before[hypothesis], (model, after)
