"""API-bound throughput: tiergap against the local fake server with latency L and C connections.

The server (``python -m tiergap.testing.fakeserver``) runs in its own process on 127.0.0.1 and
answers every request after exactly L seconds, so the best possible rate is C / L samples per
second (one request per sample: scratchpad off). tiergap runs as ``tiergap run`` does
(``harness.run.execute`` through inspect's ``openai-api`` provider, realtime logging on).

First the CPU ceiling: L = 0 with many connections, i.e. how many samples per second this
machine can push through inspect at all. Then for each (L, C): achieved samples/s end to end
(run start to finish, so including inspect's start-up and final log write) and its ratio to
C/L (target >= 0.8 wherever C/L is at most 0.8 of the ceiling: beyond that the CPU, not the
harness, is the limit), and the steady rate the server saw over the middle 80% of the run.

    .venv/bin/python bench/api_throughput.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("INSPECT_DISPLAY", "none")

from tiergap.experiment.execution import Execution
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.run import execute

QUERIES = 195  # the shipped emoji set; more samples come from epochs
CONFIGS = ((1.0, 10), (1.0, 20), (0.5, 20), (1.0, 40))  # (latency s, connections)


class Server:
    """The fake server in a child process; stops when we close its standard input."""

    def __init__(self, latency: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tiergap.testing.fakeserver", "--latency", str(latency),
             "--deadline", "900"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"fake server did not start: {self.base_url!r}")

    def stop(self) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        summary = self.process.stdout.read().strip()
        self.process.wait(timeout=30)
        return summary


RUNS = iter(range(1_000_000))


def run(latency: float, connections: int, samples_wanted: int) -> tuple[int, float, float]:
    """Samples completed, seconds taken and the steady rate (answers/s over the middle 80%
    of the run, as the server saw them) for one run against a fresh server.

    Each run names its own ``openai-api`` service: inspect memoizes models by name and
    settings, and a model made for an earlier server would keep that server's address.
    """
    service = f"bench{next(RUNS)}"
    epochs = max(1, -(-samples_wanted // (3 * QUERIES)))
    queries = min(QUERIES, max(1, samples_wanted // (3 * epochs)))
    server = Server(latency)
    try:
        os.environ[f"{service.upper()}_BASE_URL"] = server.base_url
        os.environ[f"{service.upper()}_API_KEY"] = "placeholder-no-key-needed"
        with tempfile.TemporaryDirectory() as folder:
            spec = ExperimentSpec(n=queries, epochs=epochs, scratchpad="none")
            execution = Execution(
                models=(f"openai-api/{service}/fake-model",),
                log_dir=Path(folder),
                display="none",
                max_connections=connections,
            )
            started = time.perf_counter()
            outcome = execute([spec], execution)
            elapsed = time.perf_counter() - started
            assert outcome.complete, [log.error for log in outcome.logs]
            (log,) = outcome.logs
            done = log.results.completed_samples if log.results else 0
    finally:
        summary = json.loads(server.stop().splitlines()[-1])
    return done, elapsed, float(summary.get("steady_rate") or 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="target length of each run")
    args = parser.parse_args()

    run(0.0, 4, 12)  # warm-up: imports, provider, first eval set

    samples, elapsed, steady = run(0.0, 64, 1200)
    ceiling = samples / elapsed
    print(f"CPU ceiling (L=0, C=64): {samples} samples in {elapsed:.1f} s = {ceiling:.1f} "
          f"samples/s end to end, {steady:.1f} samples/s steady")  # fmt: skip
    print(f"{'L (s)':>6} {'C':>4} {'C/L':>6} {'samples':>7} {'time s':>6} {'achieved':>8} "
          f"{'÷ C/L':>6} {'steady':>7} {'÷ C/L':>6}")  # fmt: skip
    met_all = True
    for latency, connections in CONFIGS:
        ideal = connections / latency
        samples, elapsed, steady = run(latency, connections, int(ideal * args.seconds))
        achieved = samples / elapsed
        allowed = ideal <= 0.8 * ceiling  # the CPU leaves room for the target here
        if allowed:
            met_all &= achieved / ideal >= 0.8
        print(f"{latency:6.2f} {connections:4d} {ideal:6.1f} {samples:7d} {elapsed:6.1f} "
              f"{achieved:8.1f} {achieved / ideal:6.3f} {steady:7.1f} {steady / ideal:6.3f}"
              + ("" if allowed else "  (C/L above 0.8 x CPU ceiling)"), flush=True)  # fmt: skip
    verdict = "met" if met_all else "NOT met"
    print(f"target end-to-end achieved ÷ C/L >= 0.8 where C/L <= 0.8 x ceiling: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
