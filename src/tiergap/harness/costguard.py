"""``--max-cost``: stop a running eval set cleanly when its actual spend crosses the budget.

Spend is priced from the token usage inspect reports for every model call (the
``on_model_usage`` hook) with the price table of :mod:`tiergap.cost.prices`. When it crosses the
budget every running task is *drained* with inspect's own task-drain directive: queued samples
are abandoned (absent from the log), samples already in flight finish and are scored, a sample
that had left the queue but not yet started is logged as cancelled (its request never sent),
and the log is written with its ordinary status. Drained logs hold fewer samples than planned, so
running the same command again (with a larger budget) finishes the missing (and cancelled)
samples only.
In-flight samples finish after the budget is crossed, so the final spend can exceed it by
about one sample per connection.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.hooks import Hooks, ModelUsageData, TaskStart, hooks
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log, read_eval_log_sample_summaries
from inspect_ai.model import ModelUsage

from tiergap.cost.budget import usage_cost
from tiergap.cost.prices import ModelPrice
from tiergap.harness.inspect_private import drain_running_tasks


@dataclass
class GuardState:
    """The active budget of this process (one eval set at a time)."""

    budget_usd: float
    prices: Mapping[str, ModelPrice]
    batch: bool
    tracking: bool = True
    spent_usd: float = 0.0
    tripped: bool = False
    drained: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


_active: GuardState | None = None


def model_usage_cost(
    model: str, usage: ModelUsage, prices: Mapping[str, ModelPrice], batch: bool
) -> float:
    """USD for one ``ModelUsage`` (0 for models without a price: they are refused earlier)."""
    price = prices.get(model)
    if price is None:
        return 0.0
    return usage_cost(
        price,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read=usage.input_tokens_cache_read or 0,
        cache_write=usage.input_tokens_cache_write or 0,
        batch=batch,
    )


def _drain_running_tasks(state: GuardState) -> None:
    state.drained.update(drain_running_tasks(state.drained))


class CostGuardHooks(Hooks):
    """Prices every model call and drains the running tasks once the budget is crossed."""

    def enabled(self) -> bool:
        # off for runs with nothing to price (simulated and local models) and no budget:
        # an enabled hook makes inspect stream every sample event through the hook machinery
        return _active is not None and _active.tracking

    async def on_model_usage(self, data: ModelUsageData) -> None:
        state = _active
        if state is None:
            return
        cost = model_usage_cost(data.model_name, data.usage, state.prices, state.batch)
        with state.lock:
            state.spent_usd += cost
            crossed = not state.tripped and state.spent_usd >= state.budget_usd
            if crossed:
                state.tripped = True
        if state.tripped:
            _drain_running_tasks(state)

    async def on_task_start(self, data: TaskStart) -> None:
        state = _active
        if state is not None and state.tripped:
            _drain_running_tasks(state)


_registered = False


def _costs_money(price: ModelPrice | None) -> bool:
    """Unknown prices count as paid: their spend is tracked (as 0) rather than assumed."""
    if price is None:
        return True
    return any(v > 0 for v in (price.input, price.output, price.cache_read, price.cache_write))


def _register() -> None:
    """Register the hook on first use, not at import.

    inspect prints a banner listing registered hooks when it first creates a model; the run
    has already created its models (in the pre-flight checks) by the time it gets here, so
    registering late keeps that banner out of tiergap's output (and out of ``--json``).
    """
    global _registered
    if not _registered:
        hooks(name="tiergap_cost_guard", description="tiergap spend tracking and --max-cost")(
            CostGuardHooks
        )
        _registered = True


@contextlib.contextmanager
def cost_guard(
    budget_usd: float | None,
    prices: Mapping[str, ModelPrice],
    batch: bool,
    models: Sequence[str] = (),
) -> Iterator[GuardState]:
    """Track the spend of the enclosed eval set and stop it past ``budget_usd`` (None: never).

    ``budget_usd`` is what is still available: the ``--max-cost`` less what earlier runs in
    the same log folder spent. Without a budget, spend is tracked only when one of ``models``
    costs money.
    """
    global _active
    if _active is not None:
        raise RuntimeError("a cost guard is already active in this process")
    _register()
    paid = any(_costs_money(prices.get(m)) for m in models)
    state = GuardState(
        budget_usd=math.inf if budget_usd is None else budget_usd,
        prices=prices,
        batch=batch,
        tracking=budget_usd is not None or paid,
    )
    _active = state
    try:
        yield state
    finally:
        _active = None


def _log_cost(log: EvalLog, path: str, prices: Mapping[str, ModelPrice]) -> float:
    batch = bool(log.plan.config.batch) if log.plan and log.plan.config else False
    usage: dict[str, ModelUsage] = dict(log.stats.model_usage) if log.stats else {}
    if not usage:
        # an interrupted log has no totals yet: add up its samples
        for summary in read_eval_log_sample_summaries(path):
            for model, sample_usage in summary.model_usage.items():
                usage[model] = usage[model] + sample_usage if model in usage else sample_usage
    return sum(model_usage_cost(m, u, prices, batch) for m, u in usage.items())


def spent_in_log_dir(log_dir: str | Path, prices: Mapping[str, ModelPrice]) -> float:
    """USD already spent by the logs in ``log_dir``, counting each task's newest log once.

    A resumed task's newest log includes the usage of the samples it reused from the
    interrupted one, so older logs of the same task are not added again.
    """
    folder = Path(log_dir)
    if not folder.exists():
        return 0.0
    newest: dict[str, tuple[str, EvalLog]] = {}
    for info in list_eval_logs(str(folder), recursive=True):
        try:
            header = read_eval_log(info.name, header_only=True)
        except Exception:
            continue  # unreadable logs are reported by analyze, not priced here
        key = header.eval.task_id or info.name
        if key not in newest or header.eval.created > newest[key][1].eval.created:
            newest[key] = (info.name, header)
    total = 0.0
    for path, header in newest.values():
        with contextlib.suppress(Exception):
            total += _log_cost(header, path, prices)
    return total
