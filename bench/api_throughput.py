"""API-bound throughput: tiergap against the local fake server with latency L and C connections.

The server (``python -m tiergap.testing.fakeserver``) runs in its own process on 127.0.0.1 and
answers every request after exactly L seconds, so the best possible rate is C / L samples per
second (one request per sample: scratchpad off). tiergap runs as ``tiergap run`` does
(``harness.run.execute`` through inspect's ``openai-api`` provider, realtime logging on).

First the CPU ceiling: L = 0 with many connections, i.e. how many samples per second this
machine can push through inspect at all. Then for each (L, C): achieved samples/s, the ratio
achieved ÷ (C/L) (target >= 0.8), and achieved ÷ min(C/L, ceiling) for configurations whose
C/L is above what the CPU allows.

    .venv/bin/python bench/api_throughput.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("INSPECT_DISPLAY", "none")

from tiergap.harness.run import RunRequest, execute

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


def run(latency: float, connections: int, samples_wanted: int) -> tuple[int, float]:
    """Samples completed and seconds taken for one run against a fresh server.

    Each run names its own ``openai-api`` service: inspect memoizes models by name and
    settings, and a model made for an earlier server would keep that server's address.
    """
    service = f"bench{next(RUNS)}"
    epochs = max(1, -(-samples_wanted // (3 * QUERIES)))
    queries = min(QUERIES, max(1, samples_wanted // (3 * epochs)))
    server = Server(latency)
    try:
        os.environ[f"{service.upper()}_BASE_URL"] = server.base_url
        os.environ[f"{service.upper()}_API_KEY"] = "sk-test-FAKE-benchmark-only"
        with tempfile.TemporaryDirectory() as folder:
            request = RunRequest(
                scenario="emoji",
                models=[f"openai-api/{service}/fake-model"],
                n=queries,
                epochs=epochs,
                scratchpad="none",
                log_dir=Path(folder),
                display="none",
                max_connections=connections,
            )
            started = time.perf_counter()
            outcome = execute([request])
            elapsed = time.perf_counter() - started
            assert outcome.complete, [log.error for log in outcome.logs]
            (log,) = outcome.logs
            done = log.results.completed_samples if log.results else 0
    finally:
        server.stop()
    return done, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="target length of each run")
    args = parser.parse_args()

    run(0.0, 4, 12)  # warm-up: imports, provider, first eval set

    samples, elapsed = run(0.0, 64, 1200)
    ceiling = samples / elapsed
    print(
        f"CPU ceiling (L=0, C=64): {samples} samples in {elapsed:.1f} s = {ceiling:.1f} samples/s"
    )
    print(f"{'L (s)':>6} {'C':>4} {'C/L':>7} {'samples':>8} {'time s':>7} {'achieved':>9} "
          f"{'÷ C/L':>7} {'÷ min(C/L, ceiling)':>20}")  # fmt: skip
    met_all = True
    for latency, connections in CONFIGS:
        ideal = connections / latency
        samples, elapsed = run(latency, connections, int(ideal * args.seconds))
        achieved = samples / elapsed
        ratio = achieved / ideal
        capped = achieved / min(ideal, ceiling)
        met_all &= capped >= 0.8
        print(f"{latency:6.2f} {connections:4d} {ideal:7.1f} {samples:8d} {elapsed:7.1f} "
              f"{achieved:9.1f} {ratio:7.3f} {capped:20.3f}", flush=True)  # fmt: skip
    verdict = "met" if met_all else "NOT met"
    print(f"target achieved ÷ C/L >= 0.8 where the CPU allows: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
