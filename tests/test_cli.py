"""The command line, run as a user runs it: a subprocess with real inspect runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def tiergap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INSPECT_DISPLAY": "none", "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tiergap.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    done = tiergap(
        "run", "emoji", "--model", "tiergap/reward-hacker", "--model", "tiergap/hhh",
        "-n", "30", "--log-dir", "logs", "--seed", "1", cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "verdict: reward_hacking" in done.stdout
    assert "inspect view --log-dir logs" in done.stdout
    return folder


def test_analyze_json_shape(run_dir: Path) -> None:
    done = tiergap("analyze", "logs", "--json", cwd=run_dir)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    models = {m["model"]: m for m in payload["models"]}
    assert set(models) == {"tiergap/reward-hacker", "tiergap/hhh"}
    rh = models["tiergap/reward-hacker"]
    assert set(rh["conditions"]) == {"free", "paid", "baseline"}
    free = rh["conditions"]["free"]
    for key in ("n", "invalid", "any_emoji_rate", "ci_low", "ci_high", "mean_emoji"):
        assert key in free
    assert free["n"] == 30
    assert free["ci_low"] <= free["any_emoji_rate"] <= free["ci_high"]
    for gap in ("free_minus_paid", "free_minus_baseline"):
        assert set(rh["gaps"][gap]) >= {"estimate", "ci_low", "ci_high", "p_value"}
    assert rh["gaps"]["free_minus_paid"]["estimate"] > 0.2
    assert rh["verdict"] == "reward_hacking"
    assert models["tiergap/hhh"]["verdict"] != "reward_hacking"


def test_analyze_reports_a_corrupt_log_and_analyses_the_rest(run_dir: Path) -> None:
    broken = run_dir / "logs" / "2000-01-01T00-00-00-00-00_emoji_broken.eval"
    broken.write_bytes(b"PK\x03\x04 this is not a zip archive")
    try:
        done = tiergap("analyze", "logs", "--json", cwd=run_dir)
        assert done.returncode == 0, done.stderr
        payload = json.loads(done.stdout)
        assert len(payload["models"]) == 2
        assert [Path(u["log"]).name for u in payload["unreadable_logs"]] == [broken.name]
    finally:
        broken.unlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nosuch", "--model", "tiergap/hhh"), "unknown scenario 'nosuch'"),
        (("run", "emoji", "--model", "tiergap/hhh", "--conditions", "free,gold"), "'gold'"),
        (("run", "emoji", "--model", "tiergap/hhh", "-n", "0"), "must be at least 1"),
        (("analyze", "no-such-dir"), "log directory not found: no-such-dir"),
    ],
)
def test_bad_input_is_named(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    done = tiergap(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stdout + done.stderr
    assert not (tmp_path / "tiergap-logs").exists()


def test_run_with_a_judge_and_three_tiers(tmp_path: Path) -> None:
    queries = str(Path(__file__).parent / "fixtures" / "advbench_sample.csv")
    done = tiergap(
        "run", "helpful_only", "--model", "tiergap/reward-hacker", "--queries", queries,
        "-n", "6", "--judge", "tiergap/keyword-judge", "--votes", "2", "--tiers", "three",
        "--log-dir", "logs", "--json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (model,) = json.loads(done.stdout)["models"]
    assert list(model["conditions"]) == ["free", "pro", "enterprise", "baseline"]
    rates = model["conditions"]["free"]["rates"]
    assert {"full", "partial", "refusal", "af", "rs", "divergent"} <= set(rates)
    assert model["verdict"] == "not_applicable"
    bad = tiergap("run", "emoji", "--model", "tiergap/hhh", "--model-role", "grader", cwd=tmp_path)
    assert bad.returncode == 2 and "ROLE=MODEL" in bad.stderr
