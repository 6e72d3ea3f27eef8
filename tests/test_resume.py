"""A run killed with SIGKILL half way, then started again with the same command.

The requests are counted at the (local, fake) server: the resumed run ends with exactly the
requested samples, none twice, and no sample completed before the kill is requested again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from tiergap.harness.logs import read_records, sample_key
from tiergap.testing.fakeserver import FakeServer

MODEL = "openai-api/fake/fake-model"
N = 24
CONDITIONS = ("free", "paid", "baseline")
CONNECTIONS = 4


def command(log_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "tiergap.cli", "run", "emoji", "--model", MODEL,
        "-n", str(N), "--conditions", ",".join(CONDITIONS), "--scratchpad", "none",
        "--log-dir", str(log_dir),
        "--max-connections", str(CONNECTIONS), "--json",
    ]  # fmt: skip


@pytest.mark.integration
def test_killed_run_resumes_without_repeating_completed_samples(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    total = N * len(CONDITIONS)
    with FakeServer(latency=0.05, deadline=170, max_requests=4 * total) as server:
        env = {**os.environ, **server.env(), "INSPECT_DISPLAY": "none", "NO_COLOR": "1"}
        first = subprocess.Popen(
            command(log_dir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert server.wait_for_answers(total // 2, timeout=90), "run did not get going"
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        killed_at = datetime.now().astimezone()
        before = server.request_count
        assert before < total  # killed about half way, not after the end

        second = subprocess.run(
            command(log_dir), env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 0, second.stderr[-3000:]
        records = server.records()
        after_resume = server.request_count

        third = subprocess.run(
            command(log_dir), env=env, capture_output=True, text=True, timeout=120
        )
        assert third.returncode == 0, third.stderr[-3000:]
        assert server.request_count == after_resume  # complete: the same command asks nothing

    # exactly the requested samples per condition, each once
    result = read_records(log_dir)
    assert not result.unreadable
    keys = [sample_key(r) for r in result.records]
    assert len(keys) == len(set(keys)) == total
    per_condition = Counter(r.condition for r in result.records)
    assert per_condition == {c: N for c in CONDITIONS}
    assert result.superseded > 0  # the interrupted log was there and counted once

    # samples completed before the kill were reused, not requested again
    finished = [
        log for log in (read_eval_log(i.name) for i in list_eval_logs(str(log_dir)))
        if log.status == "success"
    ]  # fmt: skip
    assert len(finished) == 1 and finished[0].samples is not None
    samples = finished[0].samples
    assert len(samples) == total
    reused = [
        s for s in samples
        if s.completed_at and datetime.fromisoformat(s.completed_at) < killed_at
    ]  # fmt: skip
    assert len(reused) >= total // 3
    asked = Counter(r.user for r in records)
    asked_after_kill = Counter(r.user for r in records[before:])
    for sample in reused:
        user = str(sample.input)
        assert asked[user] == 1, sample.id
        assert asked_after_kill[user] == 0, sample.id
    # every sample was asked for; only those in flight at the kill were asked twice
    assert len(asked) == total
    assert sum(n - 1 for n in asked.values()) <= 2 * CONNECTIONS
    assert all(r.outcome == "ok" for r in records)


def test_killed_run_timing_is_bounded() -> None:
    """The fake server stops by itself at its deadline, even if nobody stops it."""
    server = FakeServer(deadline=0.3).start()
    port = server.port
    time.sleep(0.8)
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_request_cut_short_by_a_killed_client_is_not_counted() -> None:
    """A run killed mid-send leaves a body shorter than its Content-Length: not a request."""
    import json
    import socket
    import urllib.request

    with FakeServer(deadline=30) as server:
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        head = (
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as cut:
            cut.sendall((head + body[: len(body) // 2]).encode())
            cut.shutdown(socket.SHUT_WR)  # the client is gone mid-body
            cut.recv(1024)  # returns once the server is done with the connection
        request = urllib.request.Request(
            f"{server.base_url}/chat/completions",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
        assert server.outcomes() == {"ok": 1}
