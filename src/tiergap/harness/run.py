"""Run experiments through inspect's ``eval_set``: the CLI's bridge to the runner.

Every run is an eval set over (experiment × model) tasks in one log folder, so running the
same command again after an interruption (Ctrl-C, a crash, ``kill -9``, ``--max-cost``)
finishes the missing samples only: inspect recovers the interrupted log and reuses every
sample it had completed. Transient API failures are retried by inspect (``max_retries``,
``timeout``), a failed sample is retried ``retry_on_error`` times, and a sample that still
fails is recorded in the log as an error with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Task, eval_set, task_with
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig

from tiergap.classify.votes import DEFAULT_THRESHOLD
from tiergap.cost.budget import BudgetCheck, CostEstimate, PlannedTask, approx_tokens, check_budget
from tiergap.cost.budget import estimate as estimate_cost
from tiergap.cost.prices import ModelPrice, load_prices
from tiergap.experiment.scenario import ScratchpadMode, default_lab, load_scenario_variant
from tiergap.harness import costguard
from tiergap.harness.judges import DEFAULT_VOTES
from tiergap.harness.preflight import check_models
from tiergap.harness.tasks import experiment


class RunInputError(ValueError):
    """The run cannot start: every problem found, each naming its file, field or value."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class RunRequest:
    scenario: str
    models: list[str]
    n: int | None = None
    conditions: list[str] | None = None
    scratchpad: str = "hidden"
    seed: int = 0
    log_dir: Path = Path("tiergap-logs")
    lab: str | None = None
    queries: str | None = None
    epochs: int = 1
    max_turns: int = 4
    max_connections: int | None = None
    temperature: float | None = None
    display: str | None = None
    log_realtime: bool = True
    # cost and fault handling (shared by every request of one eval set)
    batch: bool | int = False
    cache_prompt: bool = True
    max_cost: float | None = None
    over_budget_ok: bool = False
    prices: Path | None = None
    model_args: Mapping[str, Any] = field(default_factory=dict)
    max_retries: int | None = None
    timeout: int | None = None
    retry_on_error: int = 2
    fail_on_error: bool | float = 0.5
    retry_attempts: int = 2
    # what the task measures
    judges: bool | None = None
    """None: the scenario's own classifiers, and the reasoning ones too with a grader."""
    votes: int = DEFAULT_VOTES
    threshold: float = DEFAULT_THRESHOLD
    tiers: str = "two"
    system_prompt: str | None = None
    model_roles: Mapping[str, str] = field(default_factory=dict)
    """inspect model roles, e.g. ``{"grader": "anthropic/..."}`` for the judges."""

    def task(self) -> Task:
        """The inspect task for this experiment; the seed is part of its identity."""
        built = experiment(
            scenario=self.scenario,
            n=self.n,
            conditions=",".join(self.conditions or []) or None,
            scratchpad=self.scratchpad,
            lab=self.lab,
            queries=self.queries,
            max_turns=self.max_turns,
            judges=True if self.judges is None and "grader" in self.model_roles else self.judges,
            votes=self.votes,
            threshold=self.threshold,
            tiers=self.tiers,
            system_prompt=self.system_prompt,
        )
        return task_with(built, config=built.config.merge(GenerateConfig(seed=self.seed)))

    def generate_config(self) -> GenerateConfig:
        return GenerateConfig(
            temperature=self.temperature,
            max_connections=self.max_connections,
            max_retries=self.max_retries,
            timeout=self.timeout,
            batch=self.batch or None,
            cache_prompt=self.cache_prompt,
        )


# Fields that say how to run, not what: one value for every request of an eval set.
SHARED_FIELDS = (
    "models",
    "log_dir",
    "epochs",
    "max_connections",
    "temperature",
    "display",
    "log_realtime",
    "batch",
    "cache_prompt",
    "max_cost",
    "over_budget_ok",
    "prices",
    "model_args",
    "max_retries",
    "timeout",
    "retry_on_error",
    "fail_on_error",
    "retry_attempts",
    "model_roles",
)


@dataclass(frozen=True)
class RunPlan:
    """What a run would do: its tasks, their token and cost estimate, the budget decision."""

    estimate: CostEstimate
    spent_usd: float
    budget: BudgetCheck | None


@dataclass(frozen=True)
class RunOutcome:
    """What a run did. ``started`` is False when ``--max-cost`` refused to start it."""

    plan: RunPlan
    logs: list[EvalLog]
    started: bool
    complete: bool
    stopped_for_cost: bool = False
    spent_usd: float = 0.0
    """Spend of this invocation, priced from token usage (0 without a price table)."""

    @property
    def failed(self) -> list[EvalLog]:
        return [log for log in self.logs if log.status != "success"]


def _shared(requests: Sequence[RunRequest]) -> RunRequest:
    if not requests:
        raise RunInputError(["nothing to run"])
    first = requests[0]
    for request in requests[1:]:
        for name in SHARED_FIELDS:
            if getattr(request, name) != getattr(first, name):
                raise RunInputError([f"requests of one run must share {name!r}"])
    return first


def _tasks(requests: Sequence[RunRequest]) -> list[Task]:
    """Build every task (this reads and checks scenarios, conditions and query files)."""
    return [request.task() for request in requests]


def _prices(request: RunRequest) -> dict[str, ModelPrice]:
    """The shipped price table, with the entries of ``request.prices`` (if any) on top."""
    try:
        table = load_prices()
        if request.prices is not None:
            table.update(load_prices(request.prices))
        return table
    except FileNotFoundError:
        raise RunInputError([f"price file not found: {request.prices}"]) from None
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


def planned_tasks(requests: Sequence[RunRequest], tasks: Sequence[Task]) -> list[PlannedTask]:
    shared = _shared(requests)
    done = _done_units(shared.log_dir)
    planned: list[PlannedTask] = []
    for request, task in zip(requests, tasks, strict=True):
        spec = load_scenario_variant(request.scenario, request.tiers, request.system_prompt)
        samples = list(task.dataset)
        conditions = tuple(dict.fromkeys(str((s.metadata or {})["condition"]) for s in samples))
        queries = {str((s.metadata or {})["query_id"]) for s in samples}
        user = sum(approx_tokens(str(s.input)) for s in samples) // max(1, len(samples))
        mode: ScratchpadMode = "hidden" if request.scratchpad == "hidden" else "none"
        for model in shared.models:
            lab = request.lab or default_lab(model)
            system = sum(
                approx_tokens(spec.system_prompt(c, lab=lab, scratchpad=mode)) for c in conditions
            ) // max(1, len(conditions))
            already = sum(
                1
                for c in conditions
                for q in queries
                for e in range(1, shared.epochs + 1)
                if (model, spec.name, mode, request.seed, c, q, e) in done
            )
            planned.append(
                PlannedTask(
                    model=model,
                    scenario=spec.name,
                    scratchpad=mode,
                    seed=request.seed,
                    conditions=conditions,
                    queries=len(queries),
                    epochs=shared.epochs,
                    system_tokens=system,
                    user_tokens=user,
                    done=already,
                )
            )
    return planned


def plan(requests: Sequence[RunRequest]) -> RunPlan:
    """Check the input and estimate the run; nothing is requested from any model."""
    return _plan(requests, _tasks(requests))


def _plan(requests: Sequence[RunRequest], tasks: Sequence[Task]) -> RunPlan:
    shared = _shared(requests)
    problems = check_models(shared.models, shared.model_args)
    if shared.model_roles:
        problems += check_models(list(shared.model_roles.values()), {})
    prices = _prices(shared)
    if shared.max_cost is not None:
        unpriced = [m for m in shared.models if m not in prices]
        if unpriced:
            where = shared.prices or "tiergap/data/prices.toml"
            problems.extend(
                f"--max-cost needs a price for model {m!r}: add [models.{m!r}] to {where} "
                "(or pass --prices FILE)"
                for m in unpriced
            )
    if problems:
        raise RunInputError(problems)
    estimate = estimate_cost(
        planned_tasks(requests, tasks),
        prices,
        batch=bool(shared.batch),
        cache_prompt=shared.cache_prompt,
    )
    spent = costguard.spent_in_log_dir(shared.log_dir, prices) if shared.log_dir.exists() else 0.0
    budget = None if shared.max_cost is None else check_budget(shared.max_cost, spent, estimate)
    return RunPlan(estimate=estimate, spent_usd=spent, budget=budget)


def execute(requests: Sequence[RunRequest]) -> RunOutcome:
    """Check, estimate, then run every request as one inspect eval set in one log folder."""
    shared = _shared(requests)
    tasks = _tasks(requests)
    run_plan = _plan(requests, tasks)
    if run_plan.budget is not None and run_plan.budget.over and not shared.over_budget_ok:
        return RunOutcome(plan=run_plan, logs=[], started=False, complete=False)
    left = None if run_plan.budget is None else run_plan.budget.left_usd
    prices = _prices(shared)
    with costguard.cost_guard(left, prices, bool(shared.batch), shared.models) as guard:
        complete, logs = eval_set(
            tasks,
            log_dir=str(shared.log_dir),
            model=list(shared.models),
            model_args=dict(shared.model_args),
            model_roles=dict(shared.model_roles) or None,
            epochs=shared.epochs,
            display=shared.display,  # type: ignore[arg-type]
            log_realtime=shared.log_realtime,
            log_dir_allow_dirty=True,
            retry_attempts=shared.retry_attempts,
            retry_on_error=shared.retry_on_error or None,
            fail_on_error=shared.fail_on_error,
            **shared.generate_config().model_dump(exclude_none=True),
        )
    tripped = guard.tripped
    return RunOutcome(
        plan=run_plan,
        logs=logs,
        started=True,
        complete=complete and not tripped,
        stopped_for_cost=tripped,
        spent_usd=guard.spent_usd,
    )


def run(request: RunRequest) -> list[EvalLog]:
    """Run one scenario on every model; each model's log lands in ``request.log_dir``."""
    return execute([request]).logs
