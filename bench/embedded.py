"""The embedded model (SmolLM2-135M through xllamacpp): prefix reuse, and provider overhead.

Every sample shares one long system prompt (the emoji scenario's free-tier prompt with the
hidden-scratchpad protocol, ~600 tokens) and differs in a short user turn; each sample is one
model call of at most ``--max-tokens`` tokens at temperature 0. Measured side by side, in turn:

- ``tiergap/smollm2`` through inspect with prefix reuse on (the default);
- the same with ``-M prefix_reuse=false`` (every call evaluates the whole prompt);
- the engine alone: the same messages through ``tiergap.harness.smollm2.Engine.complete`` in a
  plain loop (the provider's llama.cpp requests, priming included, without inspect);
- raw xllamacpp: the same messages sent straight to an ``xllamacpp.Server`` with llama.cpp's
  own prompt cache on, no inspect and no tiergap.

Prints seconds per sample for each, the speed-up of reuse (target >= 3x) and raw ÷ provider
time (target >= 0.9); raw ÷ engine separates tiergap's llama.cpp requests from inspect.
Provider times run from the first sample's start to the last sample's end (inspect's
once-per-run start-up and final log write are left out: they are not per sample); engine and
raw times are loops over the same conversations. Engine and raw use the provider's settings
(threads: one fewer than the cores).

    .venv/bin/python bench/embedded.py [--queries 12] [--max-tokens 24] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("INSPECT_DISPLAY", "none")

from inspect_ai import eval

from tiergap.experiment.scenario import default_lab, load_scenario
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.run import build_task
from tiergap.harness.smollm2 import EngineSettings, find_gguf, get_engine

MODEL = "tiergap/smollm2"


def messages(queries: int) -> list[list[dict[str, str]]]:
    """The exact conversations the provider sends (system prompt + user turn)."""
    task = build_task(ExperimentSpec(n=queries, conditions=("free",), max_turns=1))
    spec = load_scenario("emoji")
    lab = default_lab(MODEL)
    system = spec.system_prompt("free", lab=lab, scratchpad="hidden")
    return [
        [
            {"role": "system", "content": system},
            {"role": "user", "content": str(sample.input).replace("{lab}", lab)},
        ]
        for sample in task.dataset
    ]


def run_provider(queries: int, max_tokens: int, reuse: bool) -> float:
    """Seconds per sample for the emoji task on tiergap/smollm2 through inspect."""
    task = build_task(ExperimentSpec(n=queries, conditions=("free",), max_turns=1))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        (log,) = eval(
            task,
            model=MODEL,
            model_args={"prefix_reuse": reuse},
            log_dir=str(Path(folder)),
            max_tokens=max_tokens,
            seed=0,
            log_realtime=False,
        )
        elapsed = time.perf_counter() - started
        assert log.status == "success", log.error
        assert log.samples is not None and len(log.samples) == queries
        # from the first sample's start to the last one's end: the engine's work and the
        # provider's, without inspect's once-per-run start-up and log writing
        starts = [datetime.fromisoformat(s.started_at) for s in log.samples if s.started_at]
        ends = [datetime.fromisoformat(s.completed_at) for s in log.samples if s.completed_at]
    span = (max(ends) - min(starts)).total_seconds()
    assert 0 < span <= elapsed
    return span / queries


def run_engine(conversations: list[list[dict[str, str]]], max_tokens: int) -> float:
    """Seconds per sample for the provider's engine alone (priming included), no inspect."""
    engine = get_engine(EngineSettings(gguf=str(find_gguf())))
    # the shared prompt is read once per run, as in the provider's runs (which follow runs
    # with the same prompt): a run after `reuse off` would otherwise read it here
    engine.complete(conversations[0], max_tokens=1, temperature=0.0, seed=0)
    started = time.perf_counter()
    for conversation in conversations:
        engine.complete(conversation, max_tokens=max_tokens, temperature=0.0, seed=0)
    return (time.perf_counter() - started) / len(conversations)


class Raw:
    """xllamacpp on its own, configured as the provider configures it."""

    def __init__(self) -> None:
        import xllamacpp

        settings = EngineSettings(gguf=str(find_gguf()))
        params = xllamacpp.CommonParams()
        params.model.path = settings.gguf
        params.n_ctx = settings.n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = settings.threads
        params.cpuparams_batch.n_threads = settings.threads
        params.cache_prompt = True
        params.verbosity = -1
        params.warmup = False
        self.server: Any = xllamacpp.Server(params)

    def run(self, conversations: list[list[dict[str, str]]], max_tokens: int) -> float:
        started = time.perf_counter()
        for conversation in conversations:
            response = self.server.handle_chat_completions(
                {
                    "messages": conversation,
                    "max_tokens": max_tokens,
                    "temperature": 0.0,
                    "seed": 0,
                    "cache_prompt": True,
                }
            )
            assert "error" not in response, response
        return (time.perf_counter() - started) / len(conversations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=12, help="samples per measurement")
    parser.add_argument("--max-tokens", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    conversations = messages(args.queries)
    raw = Raw()
    # warm-up: load the model in the provider with one sample. (Several samples at once on a
    # fresh process each load an engine of their own: tiergap.harness.smollm2.get_engine is
    # not guarded against concurrent first calls; see bench/RESULTS.md.)
    run_provider(1, args.max_tokens, True)
    raw.run(conversations[:2], args.max_tokens)

    results: dict[str, list[float]] = {
        "reuse on": [], "reuse off": [], "engine alone": [], "raw xllamacpp": []
    }  # fmt: skip
    for repeat in range(args.repeats):
        results["reuse on"].append(run_provider(args.queries, args.max_tokens, True))
        results["reuse off"].append(run_provider(args.queries, args.max_tokens, False))
        results["engine alone"].append(run_engine(conversations, args.max_tokens))
        results["raw xllamacpp"].append(raw.run(conversations, args.max_tokens))
        print(
            f"  run {repeat + 1}: "
            + ", ".join(f"{k} {v[-1]:.3f} s/sample" for k, v in results.items()),
            flush=True,
        )
    median = {k: statistics.median(v) for k, v in results.items()}
    system_chars = len(conversations[0][0]["content"])
    settings = EngineSettings(gguf=str(find_gguf()))
    print(
        f"SmolLM2-135M, system prompt {system_chars} characters, {args.queries} samples, "
        f"max_tokens {args.max_tokens}, {settings.threads} engine thread(s), "
        f"median of {args.repeats}; load average {os.getloadavg()[0]:.1f} at the end"
    )
    for name, value in median.items():
        print(f"{name:14s}: {value:.3f} s/sample")

    def paired(numerator: str, denominator: str) -> float:
        """Median over repeats of the ratio within each repeat (measured side by side)."""
        return statistics.median(
            a / b for a, b in zip(results[numerator], results[denominator], strict=True)
        )

    speedup = median["reuse off"] / median["reuse on"]
    raw_ratio = median["raw xllamacpp"] / median["reuse on"]
    engine_ratio = median["raw xllamacpp"] / median["engine alone"]
    print(
        f"prefix reuse speed-up: {speedup:.2f}x (median of per-run ratios "
        f"{paired('reuse off', 'reuse on'):.2f}x)  (target >= 3x: "
        f"{'met' if min(speedup, paired('reuse off', 'reuse on')) >= 3 else 'NOT met'})"
    )
    print(
        f"raw xllamacpp time / provider time: {raw_ratio:.3f} (median of per-run ratios "
        f"{paired('raw xllamacpp', 'reuse on'):.3f})  (target >= 0.9: "
        f"{'met' if min(raw_ratio, paired('raw xllamacpp', 'reuse on')) >= 0.9 else 'NOT met'})"
    )
    print(
        f"raw xllamacpp time / engine-alone time: {engine_ratio:.3f} (median of per-run ratios "
        f"{paired('raw xllamacpp', 'engine alone'):.3f})  (no inspect)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
