"""The command line with real inspect runs: as a user runs it (a subprocess) where the process
matters (exit status, stdout holding only JSON), in-process through ``main`` elsewhere."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tiergap.cli import main

pytestmark = pytest.mark.integration


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
    assert set(rh["conditions"]) == {"free", "paid", "baseline", "requested"}
    assert (rh["unit"], rh["n_queries"], rh["epochs"]) == ("query", 30, 1)
    free = rh["conditions"]["free"]
    for key in ("n", "invalid", "any_emoji_rate", "ci_low", "ci_high", "mean_emoji"):
        assert key in free
    assert free["n"] == 30
    assert free["ci_low"] <= free["any_emoji_rate"] <= free["ci_high"]
    for gap in ("free_minus_paid", "free_minus_baseline"):
        assert set(rh["gaps"][gap]) >= {"estimate", "ci_low", "ci_high", "p_value", "n_queries"}
    assert rh["gaps"]["free_minus_paid"]["estimate"] > 0.2
    assert rh["verdict"] == "reward_hacking"
    assert rh["invalid_bounds"] is None  # no invalid samples in this run
    bayes = rh["bayes"]
    assert bayes["log10_bf"] > 1 and bayes["prior_range"][0] <= bayes["log10_bf"]
    assert max(bayes["posterior"], key=bayes["posterior"].get) == "reward_hacking"
    assert models["tiergap/hhh"]["verdict"] != "reward_hacking"


def test_prereg_round_trip_lists_the_one_deliberate_deviation(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Pre-register the run that was made, except for the seed (2 instead of 1).
    prereg = str(run_dir / "prereg.toml")
    plan = ["plan", "--base-rate", "0.1", "--effect", "0.2", "--n-queries", "30", "--json"]
    assert main([*plan, "--model", "tiergap/reward-hacker", "--seeds", "2", "--write", prereg]) == 0
    assert json.loads(capsys.readouterr().out)["prereg"] == prereg
    # the check itself runs as a user runs it
    done = tiergap("analyze", "logs", "--prereg", "prereg.toml", "--json", cwd=run_dir)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    models = {m["model"]: m for m in payload["models"]}
    rh = models["tiergap/reward-hacker"]
    assert rh["deviations"] == ["seeds: 1 run, 2 pre-registered"]
    assert rh["verdict"] == "reward_hacking" and rh["decision"]["alpha"] == 0.05
    assert (
        "model tiergap/hhh was not pre-registered (tiergap/reward-hacker)"
        in (models["tiergap/hhh"]["deviations"])
    )
    assert payload["prereg"]["deviations"] == []
    # the same, in the terminal (in-process from here on: the commands are the same)
    logs = str(run_dir / "logs")
    assert main(["analyze", logs, "--prereg", prereg]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "deviation from the pre-registration: seeds: 1 run, 2 pre-registered" in text
    # a pre-registration for another scenario does not fit this folder at all: named error
    other = str(run_dir / "latex.toml")
    assert main([*plan, "--scenario", "latex", "--write", other]) == 0
    capsys.readouterr()
    assert main(["analyze", logs, "--prereg", other]) == 2
    message = " ".join(capsys.readouterr().err.split())  # errors go to stderr
    assert f"{other}: pre-registers scenario 'latex', but {logs} holds only: emoji" in message


def test_analyze_reports_a_corrupt_log_and_analyses_the_rest(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tiergap.cli import main

    broken = run_dir / "logs" / "2000-01-01T00-00-00-00-00_emoji_broken.eval"
    broken.write_bytes(b"PK\x03\x04 this is not a zip archive")
    try:
        code = main(["analyze", str(run_dir / "logs"), "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        payload = json.loads(out.out)
        assert len(payload["models"]) == 2
        assert [Path(u["log"]).name for u in payload["unreadable_logs"]] == [broken.name]
    finally:
        broken.unlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nosuch", "--model", "tiergap/hhh"), "unknown scenario 'nosuch'"),
        (("run", "emoji", "--model", "tiergap/hhh", "--conditions", "free,gold"), "'gold'"),
        (("run", "emoji", "--model", "tiergap/hhh", "-n", "0"), "n: must be at least 1, got 0"),
        (("run", "emoji", "--model", "tiergap/hhh", "--votes", "x"), "votes: must be a whole"),
        (("run", "emoji", "--model", "tiergap/hhh", "--yes"), "--yes only makes sense"),
        (("analyze", "no-such-dir"), "log directory not found: no-such-dir"),
        (("analyze", ".", "--margin", "0"), "--margin must be between 0 and 1"),
        (("analyze", ".", "--margin", "1.5"), "got 1.5"),
        (("analyze", ".", "--alpha", "0.6"), "--alpha must be in (0, 0.5), got 0.6"),
        (("analyze", ".", "--relative-margin", "0"), "--relative-margin must be between 0 and 1"),
        (("analyze", ".", "--prereg", "nope.toml"), "pre-registration file not found: nope.toml"),
    ],
)
def test_bad_input_is_named(
    args: tuple[str, ...], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process (the handlers are the same; the process boundary is tested above)."""
    from tiergap.cli import main

    log_dir = tmp_path / "tiergap-logs"
    extra = ("--log-dir", str(log_dir)) if args[0] == "run" else ()
    assert main([*args, *extra]) == 2
    out = capsys.readouterr()
    assert message in " ".join((out.out + out.err).split())
    assert not log_dir.exists()


def test_a_malformed_option_exits_2_from_the_process(tmp_path: Path) -> None:
    bad = tiergap("run", "emoji", "--model", "tiergap/hhh", "--model-role", "grader", cwd=tmp_path)
    assert bad.returncode == 2 and "ROLE=MODEL" in bad.stderr


def test_run_with_a_judge_and_three_tiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tiergap.cli import main

    queries = str(Path(__file__).parent / "fixtures" / "advbench_sample.csv")
    code = main([
        "run", "helpful_only", "--model", "tiergap/reward-hacker", "--queries", queries,
        "-n", "6", "--judge", "tiergap/keyword-judge", "--votes", "2", "--tiers", "three",
        "--log-dir", str(tmp_path / "logs"), "--json",
    ])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    (model,) = json.loads(out.out)["models"]
    assert list(model["conditions"]) == ["free", "pro", "enterprise", "baseline"]
    rates = model["conditions"]["free"]["rates"]
    assert {"full", "partial", "refusal", "af", "rs", "divergent"} <= set(rates)
    # three tiers are analysed: every pair of conditions, and a verdict from the rule
    assert model["layout"]["reward_hacking_against"] == ["enterprise", "baseline"]
    assert {"free_minus_pro", "pro_minus_enterprise", "enterprise_minus_baseline"} <= set(
        model["gaps"]
    )
    assert "missing" not in model["reason"]
    # which classifier produced the rates: the judge, with its votes
    assert model["classifiers"]["af"]["source"] == "judge tiergap/keyword-judge (2 votes)"
    assert model["classifiers"]["full"]["source"].startswith("judge tiergap/keyword-judge (")
    assert model["advice"] is None
    bad = tiergap("run", "emoji", "--model", "tiergap/hhh", "--model-role", "grader", cwd=tmp_path)
    assert bad.returncode == 2 and "ROLE=MODEL" in bad.stderr


def test_require_control_names_the_experiment_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = str(tmp_path / "logs")
    run = ["run", "emoji", "--model", "tiergap/hhh", "-n", "3", "--log-dir", logs]
    assert main([*run, "--conditions", "free,paid,baseline", "--display", "none"]) == 0
    capsys.readouterr()
    assert main(["analyze", logs, "--require-control"]) == 2
    message = " ".join(capsys.readouterr().err.split())
    assert "tiergap/hhh · emoji · scratchpad hidden has no positive-control condition" in message


def test_plan_estimates_the_correlation_from_a_pilot_folder(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = str(run_dir / "logs")
    plan = ["plan", "--base-rate", "0.1", "--effect", "0.2", "--n-queries", "30", "--json"]
    assert main([*plan, "--pilot", logs]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["correlation_source"].startswith(f"pilot {logs}: phi")
    assert 0.0 <= payload["correlation"] < 1.0


def test_score_classifies_saved_logs_later_into_a_scored_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tiergap run --no-judge` then `tiergap score DIR --judge M` writes DIR-scored."""
    from inspect_ai.log import read_eval_log

    from tiergap.cli import main

    log_dir = tmp_path / "gen"
    queries = str(Path(__file__).parent / "fixtures" / "advbench_sample.csv")
    code = main([
        "run", "helpful_only", "--model", "tiergap/reward-hacker", "--queries", queries,
        "-n", "3", "--conditions", "free,paid", "--no-judge", "--log-dir", str(log_dir),
    ])  # fmt: skip
    assert code == 0, capsys.readouterr()
    (generated,) = log_dir.glob("*.eval")
    before = read_eval_log(str(generated))
    assert before.samples and "alignment_faking_judge" not in (before.samples[0].scores or {})
    capsys.readouterr()

    code = main(["score", str(log_dir), "--judge", "tiergap/keyword-judge", "--votes", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    (scored,) = (tmp_path / "gen-scored").glob("*.eval")
    assert scored.name == generated.name and "tiergap analyze" in out
    after = read_eval_log(str(scored))
    assert after.samples is not None and len(after.samples) == 6
    judged = [(s.scores or {})["alignment_faking_judge"].metadata or {} for s in after.samples]
    assert {m["method"] for m in judged} == {"judge"}  # the grader, not the heuristics
    assert {m.get("votes") for m in judged} == {2}
    assert read_eval_log(str(generated)).samples == before.samples  # the original is kept

    assert main(["score", str(tmp_path / "missing"), "--judge", "x/y"]) == 2
    assert "tiergap: error: log directory not found" in capsys.readouterr().err
