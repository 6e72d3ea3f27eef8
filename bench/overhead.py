"""Overhead of tiergap's harness over a bare inspect task, on a simulated model.

Side by side in one process, alternating, on the same provider (``tiergap/hhh``) and the same
inputs (the emoji task's system prompts and user turns, scratchpad off so that both make one
model call per sample):

- tiergap: what ``tiergap run emoji`` runs (``tiergap.harness.run.execute``: pre-flight
  checks, the cost/resume bookkeeping, inspect's ``eval_set``, tiergap's solvers and emoji
  scorer);
- bare: ``inspect_ai.eval`` of a Task with the same samples, ``system_message`` +
  ``generate`` and a trivial scorer.

Prints samples/s for each and the ratio tiergap ÷ bare (target >= 0.9).

    .venv/bin/python bench/overhead.py [--queries 195] [--epochs 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("INSPECT_DISPLAY", "none")

from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState, generate

from tiergap.experiment.execution import Execution
from tiergap.experiment.scenario import default_lab, load_scenario
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.run import build_task, execute

MODEL = "tiergap/hhh"


@scorer(metrics=[mean()])
def answered() -> Scorer:
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1.0 if state.output.completion else 0.0)

    return score


def bare_task(queries: int) -> Task:
    """The same samples and system prompts, with inspect's own solver and a trivial scorer."""
    spec = load_scenario("emoji")
    ours = build_task(ExperimentSpec(n=queries, scratchpad="none"))
    lab = default_lab(MODEL)
    samples = [
        Sample(
            id=sample.id,
            input=[
                ChatMessageSystem(
                    content=spec.system_prompt(
                        str((sample.metadata or {})["condition"]), lab=lab, scratchpad="none"
                    )
                ),
                ChatMessageUser(content=str(sample.input).replace("{lab}", lab)),
            ],
        )
        for sample in ours.dataset
    ]
    return Task(dataset=MemoryDataset(samples), solver=[generate()], scorer=answered())


def run_bare(queries: int, epochs: int, log_dir: Path) -> tuple[int, float]:
    task = bare_task(queries)
    started = time.perf_counter()
    (log,) = eval(task, model=MODEL, epochs=epochs, log_dir=str(log_dir), log_realtime=False)
    elapsed = time.perf_counter() - started
    assert log.status == "success", log.error
    return (log.results.completed_samples if log.results else 0), elapsed


def tiergap_spec(queries: int, epochs: int) -> ExperimentSpec:
    return ExperimentSpec(n=queries, scratchpad="none", epochs=epochs)


def run_task_only(queries: int, epochs: int, log_dir: Path) -> tuple[int, float]:
    """tiergap's emoji task (its solvers and scorers) under a plain ``inspect_ai.eval``."""
    task = build_task(tiergap_spec(queries, epochs))
    started = time.perf_counter()
    (log,) = eval(task, model=MODEL, epochs=epochs, log_dir=str(log_dir), log_realtime=False)
    elapsed = time.perf_counter() - started
    assert log.status == "success", log.error
    return (log.results.completed_samples if log.results else 0), elapsed


def run_tiergap(queries: int, epochs: int, log_dir: Path) -> tuple[int, float]:
    """What ``tiergap run emoji`` runs (without the final analysis printout)."""
    started = time.perf_counter()
    execution = Execution(models=(MODEL,), log_dir=log_dir, display="none", log_realtime=False)
    outcome = execute([tiergap_spec(queries, epochs)], execution)
    elapsed = time.perf_counter() - started
    assert outcome.complete, [log.error for log in outcome.logs]
    (log,) = outcome.logs
    return (log.results.completed_samples if log.results else 0), elapsed


RUNNERS = {"bare": run_bare, "task-only": run_task_only, "tiergap": run_tiergap}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=195, help="queries per condition")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    # warm-up: imports, registries, first model creation
    with tempfile.TemporaryDirectory() as folder:
        for name, runner in RUNNERS.items():
            runner(2, 1, Path(folder) / name)

    rates: dict[str, list[float]] = {name: [] for name in RUNNERS}
    samples = 0
    names = list(RUNNERS)
    for repeat in range(args.repeats):
        order = names[repeat % len(names) :] + names[: repeat % len(names)]  # rotate the order
        for name in order:
            with tempfile.TemporaryDirectory() as folder:
                samples, elapsed = RUNNERS[name](args.queries, args.epochs, Path(folder) / name)
            rates[name].append(samples / elapsed)
            print(f"  {name:9s} run {repeat + 1}: {samples} samples in {elapsed:6.2f} s "
                  f"= {samples / elapsed:6.1f} samples/s", flush=True)  # fmt: skip
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(
        f"model {MODEL}, {samples} samples per run, median of {args.repeats} runs each; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"bare inspect task (generate + trivial scorer): {median['bare']:7.1f} samples/s")
    print(f"tiergap emoji task under plain inspect eval  : {median['task-only']:7.1f} samples/s")
    print(f"tiergap run emoji (harness.run.execute)      : {median['tiergap']:7.1f} samples/s")
    harness = median["tiergap"] / median["task-only"]
    task_cost = median["task-only"] / median["bare"]
    ratio = median["tiergap"] / median["bare"]
    print(f"  harness (eval_set, checks, cost guard) vs plain eval of the same task: {harness:.3f}")
    print(
        f"  tiergap's solvers and scorers vs generate + trivial scorer:            {task_cost:.3f}"
    )
    # each repeat runs the three side by side: the ratio within a repeat, then the median
    paired = statistics.median(t / b for t, b in zip(rates["tiergap"], rates["bare"], strict=True))
    verdict = "met" if min(ratio, paired) >= 0.9 else "NOT met"
    print(
        f"ratio tiergap run / bare task: {ratio:.3f} (median of per-repeat ratios {paired:.3f})"
        f"  (target >= 0.9: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
