"""``tiergap sweep``: a grid in a TOML file, one eval set, one log folder, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tiergap.cli import main
from tiergap.experiment.sweepfile import SweepConfigError, load_sweep, parse_sweep
from tiergap.harness.logs import read_records
from tiergap.harness.sweep import sweep_requests

GRID = """
models = ["tiergap/reward-hacker", "tiergap/hhh"]
scenarios = ["emoji"]
conditions = ["free", "paid", "baseline"]
scratchpad = ["hidden", "none"]
seeds = [0, 1]
n = 4
log_dir = "sweep-logs"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('modles = ["tiergap/hhh"]', "unknown key 'modles'"),
        ("n = 3", "models: missing"),
        ('models = "tiergap/hhh"\nseeds = ["a"]', "seeds: must be a non-empty list of whole"),
        ('models = ["tiergap/hhh"]\nseeds = [1, 1]', "seeds: lists a value more than once"),
        ('models = ["tiergap/hhh", "tiergap/hhh"]', "models: lists 'tiergap/hhh' more than once"),
        ('models = ["tiergap/hhh"]\nscenarios = ["emojj"]', "scenarios: unknown scenario 'emojj'"),
        ('models = ["tiergap/hhh"]\nscratchpad = ["loud"]', "scratchpad: unknown mode 'loud'"),
        ('models = ["tiergap/hhh"]\nconditions = ["gold"]', "conditions: scenario 'emoji' has no"),
        ('models = ["tiergap/hhh"]\nn = 0', "n: must be a whole number >= 1, got 0"),
        ('models = ["tiergap/hhh"]\nmax_cost = -1', "max_cost: must be above 0"),
        ('models = ["tiergap/hhh"]\nqueries = "nope.jsonl"', "queries: file not found"),
        ('models = ["tiergap/hhh"]\nbatch = "yes"', "batch: must be true or false"),
        ("models = [", "not valid TOML"),
    ],
)
def test_sweep_file_errors_name_file_and_key(text: str, message: str, tmp_path: Path) -> None:
    source = tmp_path / "grid.toml"
    with pytest.raises(SweepConfigError) as caught:
        parse_sweep(text, source)
    assert str(caught.value).startswith(str(source))
    assert message in str(caught.value)


def test_sweep_file_not_found_or_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(SweepConfigError, match="sweep file not found"):
        load_sweep(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes('models = ["tiergap/hhh"]\nlab = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SweepConfigError, match=r"bad\.toml: not UTF-8"):
        load_sweep(bad)


def test_grid_expands_to_one_request_per_point_with_paths_from_the_file(tmp_path: Path) -> None:
    source = tmp_path / "conf" / "grid.toml"
    source.parent.mkdir()
    (source.parent / "q.jsonl").write_text('{"id": "a", "text": "hi"}\n', encoding="utf-8")
    config = parse_sweep(GRID + 'queries = "q.jsonl"\nmax_cost = 3\n', source)
    assert config.size == 8 and len(config.grid) == 4
    requests = sweep_requests(config, {"max_cost": 5.0})
    assert [(r.scratchpad, r.seed) for r in requests] == [
        ("hidden", 0),
        ("hidden", 1),
        ("none", 0),
        ("none", 1),
    ]
    assert {r.log_dir for r in requests} == {source.parent / "sweep-logs"}
    assert {r.queries for r in requests} == {str(source.parent / "q.jsonl")}
    assert {r.max_cost for r in requests} == {5.0}  # the command line wins over the file


def sweep(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit code and standard output (with --json, the JSON document alone)."""
    code = main(["sweep", *args])
    return code, capsys.readouterr().out


def test_sweep_runs_the_grid_in_one_folder_and_resumes_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "grid.toml"
    source.write_text(GRID, encoding="utf-8")
    log_dir = tmp_path / "sweep-logs"

    code, out = sweep(capsys, str(source), "--dry-run", "--json")
    assert code == 0
    plan = json.loads(out)
    assert len(plan["tasks"]) == 8 and plan["samples"] == 8 * 12
    assert not log_dir.exists() or not list(log_dir.glob("*.eval"))

    code, out = sweep(capsys, str(source), "--json")
    assert code == 0, out
    payload = json.loads(out)
    groups = {(m["model"], m["scratchpad"]): m for m in payload["models"]}
    assert len(groups) == 4  # model × scratchpad; seeds are replicates within each
    for summary in groups.values():
        assert {c["n"] for c in summary["conditions"].values()} == {8}  # 4 queries × 2 seeds
    logs = sorted(log_dir.glob("*.eval"))
    assert len(logs) == 8
    stamps = {p.name: p.stat().st_mtime_ns for p in logs}
    records = read_records(log_dir).records
    assert len(records) == 96 and {r.seed for r in records} == {0, 1}

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
    assert len(read_records(log_dir).records) == 96
