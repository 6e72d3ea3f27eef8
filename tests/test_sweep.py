"""``tiergap sweep``: a grid in a TOML file, one eval set, one log folder, resumable."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tiergap.cli import main
from tiergap.experiment.spec import ExperimentSpec
from tiergap.experiment.sweepfile import (
    SweepFileError,
    known_keys,
    load_sweep_file,
    parse_sweep_file,
)
from tiergap.harness.logs import read_records

GRID = """
models = ["tiergap/reward-hacker", "tiergap/hhh"]
scenario = "emoji"
conditions = "free,paid,baseline"
scratchpad = ["hidden", "none"]
seed = [0, 1]
n = 2
log_dir = "sweep-logs"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('modles = ["tiergap/hhh"]', "unknown key 'modles' (did you mean 'models'?)"),
        ('models = ["tiergap/hhh"]\nscenarios = ["emoji"]', "(did you mean 'scenario'?)"),
        ("n = 3", "models: missing"),
        ('models = "tiergap/hhh"\nseed = ["a"]', "seed: must be a whole number, got 'a'"),
        ('models = ["tiergap/hhh"]\nseed = [1, 1]', "seed: lists 1 more than once"),
        ('models = ["tiergap/hhh"]\nseed = []', "seed: an empty list sweeps over nothing"),
        ('models = ["tiergap/hhh", "tiergap/hhh"]', "models: must be a list without repeats"),
        ('models = ["tiergap/hhh"]\nscenario = ["emojj"]', "scenario: unknown scenario 'emojj'"),
        ('models = ["tiergap/hhh"]\nscratchpad = ["loud"]', "scratchpad: must be one of hidden"),
        ('models = ["tiergap/hhh"]\nconditions = ["gold"]', "conditions: scenario 'emoji' has no"),
        ('models = ["tiergap/hhh"]\nn = 0', "n: must be at least 1, got 0"),
        ('models = ["tiergap/hhh"]\nvotes = 0', "votes: must be at least 1, got 0"),
        ('models = ["tiergap/hhh"]\nthreshold = 1.5', "threshold: must be in (0, 1]"),
        ('models = ["tiergap/hhh"]\ntiers = "five"', "tiers: must be one of two, three, four"),
        ('models = ["tiergap/hhh"]\nmax_cost = -1', "max_cost: must be above 0"),
        ('models = ["tiergap/hhh"]\nqueries = "nope.jsonl"', "queries: file not found"),
        ('models = ["tiergap/hhh"]\nsystem_prompt = "no.txt"', "system_prompt: file not found"),
        ('models = ["tiergap/hhh"]\nbatch = "yes"', "batch: must be true or false"),
        ('models = ["tiergap/hhh"]\ndisplay = "none"', "unknown key 'display'"),
        ("models = [", "not valid TOML"),
    ],
)
def test_sweep_file_errors_name_file_and_key(text: str, message: str, tmp_path: Path) -> None:
    source = tmp_path / "grid.toml"
    with pytest.raises(SweepFileError) as caught:
        parse_sweep_file(text, source)
    assert str(caught.value).startswith(str(source))
    assert message in str(caught.value)


def test_sweep_file_not_found_or_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(SweepFileError, match="sweep file not found"):
        load_sweep_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes('models = ["tiergap/hhh"]\nlab = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SweepFileError, match=r"bad\.toml: not UTF-8"):
        load_sweep_file(bad)


def test_grid_expands_to_one_experiment_per_point_with_paths_from_the_file(
    tmp_path: Path,
) -> None:
    source = tmp_path / "conf" / "grid.toml"
    source.parent.mkdir()
    (source.parent / "q.jsonl").write_text('{"id": "a", "text": "hi"}\n', encoding="utf-8")
    sweep = parse_sweep_file(GRID + 'queries = "q.jsonl"\nmax_cost = 3\n', source)
    assert sweep.size == 8 and len(sweep.experiments) == 4
    assert sweep.axes == ("scratchpad", "seed")
    assert [(s.scratchpad, s.seed) for s in sweep.experiments] == [
        ("hidden", 0),
        ("hidden", 1),
        ("none", 0),
        ("none", 1),
    ]
    assert sweep.execution.log_dir == source.parent / "sweep-logs"
    assert {s.queries for s in sweep.experiments} == {str(source.parent / "q.jsonl")}
    assert sweep.execution.max_cost == 3.0
    # the command line wins over the file; what it does not name is kept
    overridden = sweep.execution.override({"max_cost": 5.0, "batch": None})
    assert overridden.max_cost == 5.0 and overridden.log_dir == sweep.execution.log_dir


def test_a_sweep_file_can_set_every_experiment_field(tmp_path: Path) -> None:
    """Judges, votes, tiers and a system prompt included: the keys are the spec's fields."""
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("You are trained on free-tier conversations.\n", encoding="utf-8")
    text = (
        'models = ["tiergap/hhh"]\nscenario = "helpful_only"\nn = 2\n'
        'conditions = ["free", "enterprise"]\nscratchpad = "none"\ntiers = "three"\nseed = 3\n'
        'epochs = 2\nlab = "Acme"\nsystem_prompt = "prompt.txt"\nmax_turns = 2\n'
        "judges = false\nvotes = [1, 3]\nthreshold = 0.5\n"
        '[model_roles]\ngrader = "tiergap/keyword-judge"\n'
    )
    assert set(known_keys()) >= {f.name for f in dataclasses.fields(ExperimentSpec)}
    sweep = parse_sweep_file(text, tmp_path / "grid.toml")
    assert sweep.axes == ("votes",)
    first, second = sweep.experiments
    assert first == ExperimentSpec(
        scenario="helpful_only", n=2, conditions=("free", "enterprise"), scratchpad="none",
        tiers="three", seed=3, epochs=2, lab="Acme", system_prompt=str(prompt), max_turns=2,
        judges=False, votes=1, threshold=0.5,
    )  # fmt: skip
    assert second.votes == 3
    assert sweep.execution.model_roles == {"grader": "tiergap/keyword-judge"}


def sweep(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit code and standard output (with --json, the JSON document alone)."""
    code = main(["sweep", *args])
    return code, capsys.readouterr().out


@pytest.mark.integration
def test_sweep_runs_the_grid_in_one_folder_and_resumes_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "grid.toml"
    source.write_text(GRID, encoding="utf-8")
    log_dir = tmp_path / "sweep-logs"

    code, out = sweep(capsys, str(source), "--dry-run", "--json")
    assert code == 0
    plan = json.loads(out)
    assert len(plan["tasks"]) == 8 and plan["samples"] == 8 * 6
    assert not log_dir.exists() or not list(log_dir.glob("*.eval"))

    code, out = sweep(capsys, str(source), "--json")
    assert code == 0, out
    payload = json.loads(out)
    groups = {(m["model"], m["scratchpad"]): m for m in payload["models"]}
    assert len(groups) == 4  # model × scratchpad; seeds are replicates within each
    for summary in groups.values():
        assert {c["n"] for c in summary["conditions"].values()} == {4}  # 2 queries × 2 seeds
    logs = sorted(log_dir.glob("*.eval"))
    assert len(logs) == 8
    stamps = {p.name: p.stat().st_mtime_ns for p in logs}
    records = read_records(log_dir).records
    assert len(records) == 48 and {r.seed for r in records} == {0, 1}

    # the same command again: nothing is missing, nothing runs
    code, _ = sweep(capsys, str(source))
    assert code == 0
    assert {p.name: p.stat().st_mtime_ns for p in log_dir.glob("*.eval")} == stamps

    # lose one task's log: only that task runs again
    lost = logs[3]
    lost.unlink()
    code, _ = sweep(capsys, str(source))
    assert code == 0
    after = {p.name: p.stat().st_mtime_ns for p in log_dir.glob("*.eval")}
    new = set(after) - set(stamps)
    assert len(new) == 1 and len(after) == 8
    assert {k: v for k, v in after.items() if k in stamps} == {
        k: v for k, v in stamps.items() if k != lost.name
    }
    assert len(read_records(log_dir).records) == 48
