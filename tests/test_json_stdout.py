"""``--json``: stdout holds one JSON document and nothing else, on every command, also when the
log folder already holds a finished run (inspect's "Completed all tasks" goes to stderr)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tiergap.cli import main

pytestmark = pytest.mark.integration

MODEL = "tiergap/reward-hacker"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run (two conditions and a baseline) and a sweep file over the same folder."""
    root = tmp_path_factory.mktemp("json")
    code = main([
        "run", "emoji", "--model", MODEL, "-n", "10", "--scratchpad", "none",
        "--log-dir", str(root / "logs"), "--json",
    ])  # fmt: skip
    assert code == 0
    (root / "sweep.toml").write_text(
        f'models = ["{MODEL}"]\nscenario = "emoji"\nn = 10\nscratchpad = "none"\n'
        'log_dir = "logs"\n',
        encoding="utf-8",
    )
    return root


def stdout_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def process_json(*args: str, cwd: Path) -> object:
    """As a user runs it: a process with inspect's default display (the "Completed all tasks"
    message of a folder already finished is printed whatever the display setting)."""
    env = {k: v for k, v in os.environ.items() if k != "INSPECT_DISPLAY"}
    done = subprocess.run(
        [sys.executable, "-m", "tiergap.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_run_and_sweep_json_after_a_finished_run(folder: Path) -> None:
    again = [
        "run", "emoji", "--model", MODEL, "-n", "10", "--scratchpad", "none",
        "--log-dir", "logs", "--json",
    ]  # fmt: skip
    payload = process_json(*again, cwd=folder)
    assert isinstance(payload, dict) and payload["models"]
    payload = process_json("sweep", "sweep.toml", "--json", cwd=folder)
    assert isinstance(payload, dict) and payload["models"]


def test_dry_run_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dry = stdout_json(
        capsys, "run", "emoji", "--model", MODEL, "-n", "10", "--scratchpad", "none",
        "--log-dir", str(folder / "logs"), "--json", "--dry-run",
    )  # fmt: skip
    assert isinstance(dry, dict) and dry["to_run"] == 0


def test_analyze_plan_and_retrodict_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = str(folder / "logs")
    assert isinstance(stdout_json(capsys, "analyze", logs, "--json"), dict)
    assert isinstance(
        stdout_json(capsys, "plan", "--base-rate", "0.1", "--effect", "0.2", "--json"), dict
    )
    assert isinstance(
        stdout_json(
            capsys, "plan", "--base-rate", "0.1", "--effect", "0.2", "--pilot", logs, "--json"
        ),
        dict,
    )
    retro = stdout_json(capsys, "retrodict", "--against", logs, "--model", MODEL, "--json")
    assert isinstance(retro, dict | list)
