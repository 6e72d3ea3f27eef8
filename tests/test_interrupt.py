"""Ctrl-C (SIGINT) mid-run: exit 130, say what finished and the command that resumes; what
finished is paired across conditions (samples run query by query)."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tiergap.harness.logs import read_records
from tiergap.testing.fakeserver import FakeServer

MODEL = "openai-api/fake/fake-model"
N = 12
CONDITIONS = ("free", "paid", "baseline")
CONNECTIONS = 3


@pytest.mark.integration
def test_sigint_exits_130_with_paired_samples_and_the_command_to_resume(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    total = N * len(CONDITIONS)
    command = [
        "run", "emoji", "--model", MODEL, "-n", str(N), "--conditions", ",".join(CONDITIONS),
        "--scratchpad", "none", "--log-dir", str(log_dir),
        "--max-connections", str(CONNECTIONS), "--json",
    ]  # fmt: skip
    # 36 samples at 0.5 s each over 3 connections: at least 6 s of requests, so the signal
    # sent after the sixth answer lands mid-run however busy the machine is
    with FakeServer(latency=0.5, deadline=170, max_requests=3 * total) as server:
        env = {**os.environ, **server.env(), "INSPECT_DISPLAY": "none", "NO_COLOR": "1"}
        first = subprocess.Popen(
            [sys.executable, "-m", "tiergap.cli", *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # evidence of progress, not a sleep: six answers sent
            assert server.wait_for_answers(6, timeout=90), "run did not get going"
        finally:
            first.send_signal(signal.SIGINT)
        out, err = first.communicate(timeout=120)
        assert server.request_count < total, "the run finished before the signal"
        assert first.returncode == 130, err[-3000:]
        assert out == ""  # no half a JSON document

        message = next(line for line in err.splitlines() if line.startswith("interrupted:"))
        finished = int(message.split()[1])
        records = [r for r in read_records(log_dir).records if r.status != "error"]
        assert len(records) == finished >= 3
        by_query: dict[str, set[str]] = defaultdict(set)
        for r in records:
            by_query[r.query_id].add(r.condition)
        # every condition ran; only the queries in flight at the signal can lack one
        partial = [q for q, seen in by_query.items() if seen != set(CONDITIONS)]
        assert {r.condition for r in records} == set(CONDITIONS)
        assert len(partial) <= 2, by_query
        assert len(by_query) - len(partial) >= 1

        resume = err.splitlines()[err.splitlines().index(message) + 1].strip()
        words = shlex.split(resume)
        assert words[0] == "tiergap" and words[1:] == command
    # resuming with that command is tests/test_resume.py's subject (a run killed outright)
