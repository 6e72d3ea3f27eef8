"""Run experiments through inspect's ``eval_set``: the CLI's bridge to the runner.

A run is a list of :class:`~tiergap.experiment.spec.ExperimentSpec` (what to run) and one
:class:`~tiergap.experiment.execution.Execution` (how): an eval set over (experiment × model)
tasks in one log folder, so running the same command again after an interruption (Ctrl-C, a
crash, ``kill -9``, ``--max-cost``) finishes the missing samples only: inspect recovers the
interrupted log and reuses every sample it had completed. Transient API failures are retried
by inspect (``max_retries``, ``timeout``), a failed sample is retried ``retry_on_error`` times,
and a sample that still fails is recorded in the log as an error with its reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig

from tiergap.cost.budget import BudgetCheck, CostEstimate, PlannedTask, approx_tokens, check_budget
from tiergap.cost.budget import estimate as estimate_cost
from tiergap.cost.prices import ModelPrice, load_prices
from tiergap.experiment.execution import Execution
from tiergap.experiment.scenario import default_lab
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness import costguard
from tiergap.harness.preflight import check_models
from tiergap.harness.tasks import experiment


class RunInputError(ValueError):
    """The run cannot start: every problem found, each naming its file, field or value."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def build_task(spec: ExperimentSpec, model_roles: Mapping[str, str] | None = None) -> Task:
    """The inspect task of one experiment, built as ``inspect eval tiergap/experiment`` would
    (so its task arguments, and with them its identity for resuming, are the spec's).

    Tasks are built before inspect binds the model roles, so a grader given for the run turns
    the default classifiers (``judges=None``) into all of them here, as a bound grader would."""
    if spec.judges is None and "grader" in (model_roles or {}):
        spec = dataclasses.replace(spec, judges=True)
    return experiment(**spec.task_args())


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

    @property
    def failed(self) -> list[EvalLog]:
        return [log for log in self.logs if log.status != "success"]


def _tasks(specs: Sequence[ExperimentSpec]) -> list[Task]:
    """Build every task (this reads and checks scenarios, conditions and query files)."""
    if not specs:
        raise RunInputError(["nothing to run"])
    return [build_task(spec) for spec in specs]


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


def _done_units(log_dir: Path) -> set[tuple[str, str, str, int, str, str, int]]:
    """(model, scenario, scratchpad, seed, condition, query, epoch) already done in log_dir."""
    from tiergap.harness.logs import read_records

    if not log_dir.exists():
        return set()
    return {
        (r.model, r.scenario, r.scratchpad, r.seed, r.condition, r.query_id, r.epoch)
        for r in read_records(log_dir).records
        if r.status != "error"
    }


def planned_tasks(
    specs: Sequence[ExperimentSpec], tasks: Sequence[Task], execution: Execution
) -> list[PlannedTask]:
    done = _done_units(execution.log_dir)
    planned: list[PlannedTask] = []
    for spec, task in zip(specs, tasks, strict=True):
        scenario = spec.load_scenario()
        samples = list(task.dataset)
        conditions = tuple(dict.fromkeys(str((s.metadata or {})["condition"]) for s in samples))
        queries = {str((s.metadata or {})["query_id"]) for s in samples}
        user = sum(approx_tokens(str(s.input)) for s in samples) // max(1, len(samples))
        for model in execution.models:
            lab = spec.lab or default_lab(model)
            system = sum(
                approx_tokens(scenario.system_prompt(c, lab=lab, scratchpad=spec.scratchpad))
                for c in conditions
            ) // max(1, len(conditions))
            already = sum(
                1
                for c in conditions
                for q in queries
                for e in range(1, spec.epochs + 1)
                if (model, scenario.name, spec.scratchpad, spec.seed, c, q, e) in done
            )
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
                    done=already,
                )
            )
    return planned


def preview_run(specs: Sequence[ExperimentSpec], execution: Execution) -> RunPreview:
    """Check the input and estimate the run; nothing is requested from any model."""
    return _preview(specs, _tasks(specs), execution)


def _preview(
    specs: Sequence[ExperimentSpec], tasks: Sequence[Task], execution: Execution
) -> RunPreview:
    problems = check_models(execution.models, execution.model_args)
    if execution.model_roles:
        problems += check_models(list(execution.model_roles.values()), {})
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
        planned_tasks(specs, tasks, execution),
        prices,
        batch=bool(execution.batch),
        cache_prompt=execution.cache_prompt,
    )
    log_dir = execution.log_dir
    spent = costguard.spent_in_log_dir(log_dir, prices) if log_dir.exists() else 0.0
    max_cost = execution.max_cost
    budget = None if max_cost is None else check_budget(max_cost, spent, estimate)
    return RunPreview(estimate=estimate, spent_usd=spent, budget=budget)


def execute(specs: Sequence[ExperimentSpec], execution: Execution) -> RunOutcome:
    """Check, estimate, then run every experiment on every model as one inspect eval set."""
    tasks = _tasks(specs)
    preview = _preview(specs, tasks, execution)
    if preview.budget is not None and preview.budget.over and not execution.over_budget_ok:
        return RunOutcome(preview=preview, logs=[], started=False, complete=False)
    left = None if preview.budget is None else preview.budget.left_usd
    prices = _prices(execution)
    with costguard.cost_guard(left, prices, bool(execution.batch), execution.models) as guard:
        complete, logs = eval_set(
            tasks,
            log_dir=str(execution.log_dir),
            model=list(execution.models),
            model_args=dict(execution.model_args),
            model_roles=dict(execution.model_roles) or None,
            display=execution.display,
            log_realtime=execution.log_realtime,
            log_dir_allow_dirty=True,
            retry_attempts=execution.retry_attempts,
            retry_on_error=execution.retry_on_error or None,
            fail_on_error=execution.fail_on_error,
            **generate_config(execution).model_dump(exclude_none=True),
        )
    tripped = guard.tripped
    return RunOutcome(
        preview=preview,
        logs=logs,
        started=True,
        complete=complete and not tripped,
        stopped_for_cost=tripped,
        spent_usd=guard.spent_usd,
    )
