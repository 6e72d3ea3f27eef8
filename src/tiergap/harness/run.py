"""Run experiments through inspect's ``eval_set``: the CLI's bridge to the runner.

A run is a list of :class:`~tiergap.experiment.spec.ExperimentSpec` (what to run) and one
:class:`~tiergap.experiment.execution.Execution` (how): an eval set over (experiment × model)
tasks in one log folder, so running the same command again after an interruption (Ctrl-C, a
crash, ``kill -9``, ``--max-cost``) finishes the missing samples only: inspect recovers the
interrupted log and reuses every sample it had completed. Transient API failures are retried
by inspect (``max_retries``, ``timeout``), a failed sample is retried ``retry_on_error`` times,
and a sample that still fails is recorded in the log as an error with its reason.

Each task is identified by its content and settings, not by ``n``, conditions or epochs
(:mod:`tiergap.experiment.identity`): a larger run into the same folder tops up the smaller
one's log and requests only the new samples, an edited prompt or query file is a new run, and
:mod:`tiergap.harness.prior` counts in advance exactly what inspect will request. Ctrl-C ends
the run with the finished samples logged (:attr:`RunOutcome.interrupted`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inspect_ai import Task, eval_set, task_with
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig

from tiergap.cost.budget import BudgetCheck, CostEstimate, PlannedTask, approx_tokens, check_budget
from tiergap.cost.budget import estimate as estimate_cost
from tiergap.cost.prices import ModelPrice, load_prices
from tiergap.experiment.execution import Execution
from tiergap.experiment.identity import content_hash, identity_args, run_identity
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import default_lab
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness import costguard
from tiergap.harness.inspect_private import drain_running_tasks, set_identity_args
from tiergap.harness.preflight import check_models
from tiergap.harness.prior import (
    changed_content,
    grown_spec,
    latest,
    prior_logs,
    reusable_samples,
)
from tiergap.harness.tasks import experiment


class RunInputError(ValueError):
    """The run cannot start: every problem found, each naming its file, field or value."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def identity_settings(execution: Execution | None) -> dict[str, Any]:
    """The run settings that change what a model is asked, as inspect's task identity counts
    them (sampling settings, model arguments and roles; not connections, retries or caching)."""
    if execution is None:
        return {}
    config = generate_config(execution).model_dump(
        exclude_none=True,
        exclude={"max_connections", "max_retries", "timeout", "batch", "cache_prompt"},
    )
    return {
        **config,
        "model_args": dict(execution.model_args),
        "model_roles": dict(execution.model_roles),
    }


def _with_grader(spec: ExperimentSpec, roles: Mapping[str, str] | None) -> ExperimentSpec:
    """A grader bound for the run makes the default classifiers (``judges=None``) all of them."""
    if spec.judges is None and "grader" in (roles or {}):
        return dataclasses.replace(spec, judges=True)
    return spec


def build_task(
    spec: ExperimentSpec,
    model_roles: Mapping[str, str] | None = None,
    execution: Execution | None = None,
) -> Task:
    """The inspect task of one experiment, built as ``inspect eval tiergap/experiment`` would,
    with a content-based identity for the eval set (:mod:`tiergap.experiment.identity`).

    Its identity (the task arguments inspect compares, and its version) is the run identity:
    the content hash and every setting but ``n``, ``conditions`` and ``epochs``. A larger run
    into the same folder therefore finds the smaller run's log and requests only the new
    samples; an edited prompt, query or scenario file is a new run. The log records every
    argument all the same.

    Tasks are built before inspect binds the model roles, so a grader given for the run turns
    the default classifiers (``judges=None``) into all of them here, as a bound grader would."""
    roles = model_roles if model_roles is not None else (execution.model_roles if execution else {})
    spec = _with_grader(spec, roles)
    task = experiment(**spec.task_args())
    content = str((task.metadata or {})["content_hash"])
    identity = run_identity(spec, content, identity_settings(execution))
    set_identity_args(task, identity_args(spec))
    return task_with(
        task, version=identity, metadata={**(task.metadata or {}), "run_identity": identity}
    )


def generate_config(execution: Execution) -> GenerateConfig:
    return GenerateConfig(
        temperature=execution.temperature,
        max_tokens=execution.max_tokens,
        max_connections=execution.max_connections,
        max_retries=execution.max_retries,
        timeout=execution.timeout,
        batch=execution.batch or None,
        cache_prompt=execution.cache_prompt,
    )


@dataclass(frozen=True)
class RunPreview:
    """What a run would do: its tasks, their token and cost estimate, the budget decision."""

    estimate: CostEstimate
    spent_usd: float
    budget: BudgetCheck | None
    notes: tuple[str, ...] = ()
    """What the folder changed about the run (kept samples, a new run after an edit)."""


@dataclass(frozen=True)
class RunOutcome:
    """What a run did. ``started`` is False when ``--max-cost`` refused to start it."""

    preview: RunPreview
    logs: list[EvalLog]
    started: bool
    complete: bool
    stopped_for_cost: bool = False
    spent_usd: float = 0.0
    """Spend of this invocation, priced from token usage (0 without a price table)."""
    interrupted: bool = False
    """Stopped by Ctrl-C (SIGINT): the finished samples are logged, the rest are not."""
    finished_samples: int = 0
    """After an interruption: samples of the run finished and kept in the log folder."""

    @property
    def failed(self) -> list[EvalLog]:
        return [log for log in self.logs if log.status != "success"]


@dataclass(frozen=True)
class _Plan:
    """The tasks to run, each spec grown to keep what the folder holds of its identity."""

    specs: list[ExperimentSpec]
    tasks: list[Task]
    identities: list[str]
    notes: list[str]


def _plan(specs: Sequence[ExperimentSpec], execution: Execution) -> _Plan:
    """Build every task (this reads and checks scenarios, conditions and query files)."""
    if not specs:
        raise RunInputError(["nothing to run"])
    logs = prior_logs(execution.log_dir)
    settings = identity_settings(execution)
    grown: list[ExperimentSpec] = []
    identities: list[str] = []
    notes: list[str] = []
    for spec in specs:
        scenario = spec.load_scenario()
        rows = len(load_queries(spec.queries or scenario.queries))
        if spec.n is not None and spec.n > rows:
            notes.append(
                f"-n {spec.n} is more than the {rows} queries of "
                f"{spec.queries or scenario.queries}: running {rows} per condition"
            )
        content = content_hash(spec, scenario)
        as_run = _with_grader(spec, execution.model_roles)  # as build_task identifies it
        identity = run_identity(as_run, content, settings)
        same = [p for p in logs if p.run_identity == identity and p.model in execution.models]
        bigger = grown_spec(spec, same)
        if bigger != spec:
            notes.append(
                f"{spec.scenario}: the log folder already holds more of this run "
                f"(n={bigger.n or 'all'}, conditions={','.join(bigger.conditions or ()) or 'all'}"
                f", epochs={bigger.epochs}) than asked; keeping all of it"
            )
        for model in execution.models:
            stale = changed_content(logs, as_run, model, content)
            if stale and not any(p.model == model for p in same):
                old = ", ".join(sorted({str(p.content_hash) for p in stale}))
                notes.append(
                    f"{spec.scenario} on {model}: the prompts, queries or scenario file changed "
                    f"(content {old} -> {content}); starting a new run. analyze reads only the "
                    "newest content of an experiment"
                )
        grown.append(bigger)
        identities.append(identity)
    seen: dict[tuple[str, str], ExperimentSpec] = {}
    for spec, identity in zip(grown, identities, strict=True):
        key = (identity, spec.scenario)
        if key in seen:
            raise RunInputError(
                [
                    f"two experiments differ only in n, conditions or epochs ({spec.scenario}): "
                    "they are one run; give the larger one only"
                ]
            )
        seen[key] = spec
    tasks = [build_task(spec, execution=execution) for spec in grown]
    return _Plan(grown, tasks, identities, notes)


def _prices(execution: Execution) -> dict[str, ModelPrice]:
    """The shipped price table, with the entries of ``execution.prices`` (if any) on top."""
    try:
        table = load_prices()
        if execution.prices is not None:
            table.update(load_prices(execution.prices))
        return table
    except FileNotFoundError:
        raise RunInputError([f"price file not found: {execution.prices}"]) from None
    except ValueError as err:
        raise RunInputError([str(err)]) from None


def _sample_ids(task: Task, epochs: int) -> set[tuple[str, int]]:
    return {(str(sample.id), epoch) for sample in task.dataset for epoch in range(1, epochs + 1)}


def planned_tasks(plan: _Plan, execution: Execution) -> list[PlannedTask]:
    """Each (experiment × model) task, with what inspect will reuse from the folder's logs."""
    logs = prior_logs(execution.log_dir)
    planned: list[PlannedTask] = []
    for spec, task, identity in zip(plan.specs, plan.tasks, plan.identities, strict=True):
        scenario = spec.load_scenario()
        samples = list(task.dataset)
        conditions = tuple(dict.fromkeys(str((s.metadata or {})["condition"]) for s in samples))
        queries = {str((s.metadata or {})["query_id"]) for s in samples}
        user = sum(approx_tokens(str(s.input)) for s in samples) // max(1, len(samples))
        wanted = _sample_ids(task, spec.epochs)
        for model in execution.models:
            lab = spec.lab or default_lab(model)
            system = sum(
                approx_tokens(scenario.system_prompt(c, lab=lab, scratchpad=spec.scratchpad))
                for c in conditions
            ) // max(1, len(conditions))
            planned.append(
                PlannedTask(
                    model=model,
                    scenario=scenario.name,
                    scratchpad=spec.scratchpad,
                    seed=spec.seed,
                    conditions=conditions,
                    queries=len(queries),
                    epochs=spec.epochs,
                    system_tokens=system,
                    user_tokens=user,
                    done=reusable_samples(latest(logs, model, identity), wanted, spec.epochs),
                    per_epoch=len(samples),
                )
            )
    return planned


def preview_run(specs: Sequence[ExperimentSpec], execution: Execution) -> RunPreview:
    """Check the input and estimate the run; nothing is requested from any model."""
    return _preview(_plan(specs, execution), execution)


def _preview(plan: _Plan, execution: Execution) -> RunPreview:
    problems = check_models(execution.models, execution.model_args)
    if execution.model_roles:
        problems += check_models(
            list(dict.fromkeys(execution.model_roles.values())), {}
        )  # one model may fill two roles
    prices = _prices(execution)
    if execution.max_cost is not None:
        unpriced = [m for m in execution.models if m not in prices]
        if unpriced:
            where = execution.prices or "tiergap/data/prices.toml"
            problems.extend(
                f"--max-cost needs a price for model {m!r}: add [models.{m!r}] to {where} "
                "(or pass --prices FILE)"
                for m in unpriced
            )
    if problems:
        raise RunInputError(problems)
    estimate = estimate_cost(
        planned_tasks(plan, execution),
        prices,
        batch=bool(execution.batch),
        cache_prompt=execution.cache_prompt,
    )
    log_dir = execution.log_dir
    spent = costguard.spent_in_log_dir(log_dir, prices) if log_dir.exists() else 0.0
    max_cost = execution.max_cost
    budget = None if max_cost is None else check_budget(max_cost, spent, estimate)
    return RunPreview(estimate=estimate, spent_usd=spent, budget=budget, notes=tuple(plan.notes))


def execute(
    specs: Sequence[ExperimentSpec],
    execution: Execution,
    notify: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Check, estimate, then run every experiment on every model as one inspect eval set.

    ``notify`` receives the notes of the plan (samples kept, a new run after an edit) before
    anything is requested."""
    plan = _plan(specs, execution)
    tasks = plan.tasks
    preview = _preview(plan, execution)
    for note in preview.notes:
        if notify is not None:
            notify(note)
    if preview.budget is not None and preview.budget.over and not execution.over_budget_ok:
        return RunOutcome(preview=preview, logs=[], started=False, complete=False)
    left = None if preview.budget is None else preview.budget.left_usd
    prices = _prices(execution)
    interrupted = False
    with (
        costguard.cost_guard(left, prices, bool(execution.batch), execution.models) as guard,
        # inspect's own messages ("Completed all tasks ...") are progress, never results:
        # stderr, so that stdout holds only what tiergap prints (JSON under --json)
        contextlib.redirect_stdout(sys.stderr),
    ):
        try:
            with _ctrl_c_drains() as caught:
                complete, logs = _eval_set(tasks, execution)
            interrupted = caught.is_set()
        except KeyboardInterrupt:
            complete, logs, interrupted = False, [], True
    # inspect ends a Ctrl-C'd run with cancelled logs, or none at all, and reports success
    expected = len(tasks) * len(execution.models)
    interrupted = (
        interrupted or len(logs) < expected or any(log.status == "cancelled" for log in logs)
    )
    finished = sum(t.done for t in planned_tasks(plan, execution)) if interrupted else 0
    tripped = guard.tripped
    return RunOutcome(
        preview=preview,
        logs=logs,
        started=True,
        complete=complete and not tripped and not interrupted,
        stopped_for_cost=tripped,
        spent_usd=guard.spent_usd,
        interrupted=interrupted,
        finished_samples=finished,
    )


@contextlib.contextmanager
def _ctrl_c_drains() -> Iterator[threading.Event]:
    """Ctrl-C stops the run the way ``--max-cost`` does: the running tasks are drained (queued
    samples abandoned, those in flight finished and logged), so what finished is written
    and paired. Left to asyncio, the first SIGINT cancels the event loop's main task, and
    where inspect absorbs that cancellation the run went on to the end (seen under load). A
    second Ctrl-C, or one before any task has started, stops at once (KeyboardInterrupt)."""
    caught = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield caught  # signals reach only the main thread: nothing to install
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: object) -> None:
        if caught.is_set() or not drain_running_tasks(()):
            caught.set()
            raise KeyboardInterrupt
        caught.set()

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def _eval_set(tasks: list[Task], execution: Execution) -> tuple[bool, list[EvalLog]]:
    return eval_set(
        tasks,
        log_dir=str(execution.log_dir),
        model=list(execution.models),
        model_args=dict(execution.model_args),
        model_roles=dict(execution.model_roles) or None,
        display=execution.display,
        log_realtime=execution.log_realtime,
        log_dir_allow_dirty=True,
        retry_attempts=execution.retry_attempts,
        retry_immediate=execution.retry_attempts > 0,
        retry_on_error=execution.retry_on_error or None,
        fail_on_error=execution.fail_on_error,
        **generate_config(execution).model_dump(exclude_none=True),
    )
