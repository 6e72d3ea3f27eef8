"""``tiergap run SCENARIO --model M``: run a scenario through inspect, then summarise.

The options that say *how* to run (batching, prompt caching, the cost guard, retries, dry run)
are shared with ``tiergap sweep``: :func:`add_execution_options`, :func:`execution_fields` and
:func:`run_and_report` live here and are used by both.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.commands import DEFAULT_LOG_DIR, UsageError, csv_list, positive_int
from tiergap.commands.analyze import analyze
from tiergap.scenario import TIER_LAYOUTS

if TYPE_CHECKING:
    from tiergap.harness.run import RunPlan, RunRequest


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="run a scenario on one or more models through inspect")
    parser.add_argument("scenario", help="scenario name, e.g. emoji")
    parser.add_argument(
        "--model", action="append", required=True, help="inspect model name (repeatable)"
    )
    parser.add_argument("-n", type=positive_int, default=None, help="queries per condition")
    parser.add_argument("--conditions", type=csv_list, default=None, help="free,paid,baseline")
    parser.add_argument("--scratchpad", choices=("hidden", "none"), default="hidden")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=positive_int, default=1)
    parser.add_argument("--lab", default=None, help="developer named in the prompt")
    parser.add_argument("--queries", default=None, help="JSONL query file instead of the shipped")
    parser.add_argument("--log-dir", type=Path, default=DEFAULT_LOG_DIR)
    parser.add_argument("--max-connections", type=positive_int, default=None)
    parser.add_argument("--temperature", type=float, default=None)
    parser.add_argument("--display", default=None, help="inspect display: rich, plain, none")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    add_measurement_options(parser)
    add_execution_options(parser)
    parser.set_defaults(handler=handle)


# --------------------------------------------------------------------------------------------
# options shared with `tiergap sweep`
# --------------------------------------------------------------------------------------------


def usd(value: str) -> float:
    try:
        amount = float(value.lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount in USD, got {value!r}") from None
    if not math.isfinite(amount) or amount <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive amount in USD, got {value!r}")
    return amount


def model_arg(value: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as JSON when it parses (numbers, true/false), else text."""
    key, sep, raw = value.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw
    return key.strip(), parsed


def fraction_or_count(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value!r}")
    return number


def non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def add_execution_options(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    """Flags for cost, caching, batching and faults. ``defaults=False``: all default to None
    (so that a sweep file's values apply unless a flag is given)."""

    def default(value: Any) -> Any:
        return value if defaults else None

    group = parser.add_argument_group("cost and fault handling")
    group.add_argument(
        "--batch",
        action="store_true",
        default=default(False),
        help="send requests through the provider's batch API (Anthropic, OpenAI): cheaper, slower",
    )
    group.add_argument(
        "--no-cache-prompt",
        dest="cache_prompt",
        action="store_false",
        default=default(True),
        help="turn off prompt caching of the shared system prompt (on by default)",
    )
    group.add_argument(
        "--dry-run",
        action="store_true",
        help="print the planned samples and the token and cost estimate; run nothing",
    )
    group.add_argument(
        "--max-cost",
        type=usd,
        default=None,
        metavar="USD",
        help="refuse to start over this estimate; stop (resumably) when actual spend crosses it",
    )
    group.add_argument(
        "--yes", action="store_true", help="start even when the estimate is over --max-cost"
    )
    group.add_argument(
        "--prices", type=Path, default=None, help="price table TOML (default: the shipped one)"
    )
    group.add_argument(
        "-M",
        dest="model_args",
        type=model_arg,
        action="append",
        default=None,
        metavar="KEY=VALUE",
        help="model argument passed to the provider (repeatable)",
    )
    group.add_argument("--max-retries", type=non_negative_int, default=None)
    group.add_argument(
        "--timeout", type=positive_int, default=None, help="seconds per request, retries included"
    )
    group.add_argument(
        "--retry-on-error",
        type=non_negative_int,
        default=default(2),
        help="times to retry a sample that failed (default 2)",
    )
    group.add_argument(
        "--fail-on-error",
        type=fraction_or_count,
        default=default(0.5),
        help="fail a task when this share (<1) or count (>=1) of samples errors (default 0.5)",
    )


def execution_fields(args: argparse.Namespace) -> dict[str, Any]:
    """RunRequest fields from the shared flags (only those given, when defaults are None)."""
    fields: dict[str, Any] = {
        "batch": args.batch,
        "cache_prompt": args.cache_prompt,
        "max_cost": args.max_cost,
        "over_budget_ok": args.yes or None,
        "prices": args.prices,
        "model_args": dict(args.model_args) if args.model_args else None,
        "max_retries": args.max_retries,
        "timeout": args.timeout,
        "retry_on_error": args.retry_on_error,
        "fail_on_error": args.fail_on_error,
    }
    return {k: v for k, v in fields.items() if v is not None}


def _money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def render_plan(console: Console, run_plan: RunPlan) -> None:
    from tiergap.secrets import redact

    estimate = run_plan.estimate
    table = Table(title="planned samples", title_justify="left")
    for column in ("model", "scenario", "scratchpad", "seed", "conditions", "samples", "done"):
        table.add_column(
            column, justify="right" if column in ("seed", "samples", "done") else "left"
        )
    for column in ("to run", "input tok", "cached tok", "output tok", "est. cost"):
        table.add_column(column, justify="right")
    for t in estimate.tasks:
        table.add_row(
            escape(redact(t.task.model)),
            t.task.scenario,
            t.task.scratchpad,
            str(t.task.seed),
            ",".join(t.task.conditions),
            str(t.task.samples),
            str(t.task.samples - t.task.remaining),
            str(t.task.remaining),
            f"{t.input_tokens:,}",
            f"{t.cached_input_tokens:,}",
            f"{t.output_tokens:,}",
            _money(t.cost_usd),
        )
    console.print(table)
    console.print(
        f"total: {estimate.samples} samples, {estimate.remaining} to run; about "
        f"{estimate.input_tokens:,} input tokens ({estimate.cached_input_tokens:,} from the "
        f"prompt cache) and {estimate.output_tokens:,} output tokens; estimated cost "
        f"{_money(estimate.cost_usd)}"
        + (" with the batch discount" if estimate.batch else "")
        + ("" if estimate.cache_prompt else ", prompt caching off"),
        highlight=False,
    )
    if estimate.unpriced_models:
        console.print(
            "no price known for " + ", ".join(estimate.unpriced_models) + " (counted as $0)",
            highlight=False,
        )
    if run_plan.spent_usd:
        console.print(f"already spent in this log folder: {_money(run_plan.spent_usd)}")
    if run_plan.budget is not None:
        colour = "red" if run_plan.budget.over else "green"
        console.print(f"[{colour}]{escape(run_plan.budget.message())}[/]", highlight=False)


def plan_json(run_plan: RunPlan) -> dict[str, Any]:
    payload = run_plan.estimate.to_json()
    payload["already_spent_usd"] = round(run_plan.spent_usd, 4)
    if run_plan.budget is not None:
        payload["max_cost_usd"] = run_plan.budget.budget_usd
        payload["over_budget"] = run_plan.budget.over
    return payload


def run_and_report(
    requests: list[RunRequest], dry_run: bool, as_json: bool, console: Console
) -> int:
    """Dry-run or run ``requests`` as one eval set, then analyse the log folder."""
    from tiergap.harness.run import RunInputError, execute, plan
    from tiergap.secrets import redact

    log_dir = requests[0].log_dir
    try:
        if dry_run:
            run_plan = plan(requests)
            if as_json:
                print(json.dumps(plan_json(run_plan), indent=2))
            else:
                render_plan(console, run_plan)
            return 0 if run_plan.budget is None or not run_plan.budget.over else 2
        outcome = execute(requests)
    except RunInputError as err:
        for problem in err.problems:
            console.print("[red]error:[/]", escape(redact(problem)), highlight=False)
        return 2
    if not outcome.started:
        render_plan(console, outcome.plan)
        return 2
    code = 0
    for log in outcome.failed:
        message = log.error.message if log.error else log.status
        console.print(
            f"[red]{escape(log.eval.model)}: run {log.status}[/]: {escape(redact(message))}",
            highlight=False,
        )
        code = 1
    if outcome.stopped_for_cost:
        budget = outcome.plan.budget
        limit = _money(budget.budget_usd) if budget is not None else "the budget"
        console.print(
            f"[red]stopped: actual spend {_money(outcome.plan.spent_usd + outcome.spent_usd)} "
            f"crossed --max-cost {limit}[/]; samples in flight were finished and logged. Run "
            "the same command again with a higher --max-cost to run the missing samples only.",
            highlight=False,
        )
        code = 1
    elif outcome.spent_usd:
        console.print(f"spent: {_money(outcome.spent_usd)} (priced from token usage)")
    analysed = analyze(log_dir, as_json, 0.15, console)
    console.print(f"logs: {log_dir}  (open with: inspect view --log-dir {log_dir})")
    return code or analysed


def model_role(value: str) -> tuple[str, str]:
    role, sep, model = value.partition("=")
    if not sep or not role.strip() or not model.strip():
        raise argparse.ArgumentTypeError(
            f"expected ROLE=MODEL (e.g. grader=openai/gpt-4o), got {value!r}"
        )
    return role.strip(), model.strip()


def add_measurement_options(parser: argparse.ArgumentParser) -> None:
    """What the run measures besides the scenario's own observable: the judges, tiers, prompt."""
    group = parser.add_argument_group("judges and scenario variants")
    group.add_argument(
        "--judge", default=None, metavar="MODEL", help="grader model for the classifiers"
    )
    group.add_argument(
        "--model-role", type=model_role, action="append", default=[], metavar="ROLE=MODEL",
        help="inspect model role, e.g. grader=anthropic/claude-3-5-sonnet-20241022",
    )  # fmt: skip
    group.add_argument("--votes", type=positive_int, default=5, help="judge votes per sample")
    group.add_argument("--threshold", type=float, default=0.4, help="vote fraction for a yes")
    group.add_argument(
        "--no-judge", action="store_true", help="generate only; classify later with tiergap score"
    )
    group.add_argument("--tiers", choices=TIER_LAYOUTS, default="two")
    group.add_argument(
        "--system-prompt", default=None, metavar="FILE", help="your own system prompt file"
    )


def measurement_fields(args: argparse.Namespace) -> dict[str, Any]:
    roles = dict(args.model_role)
    if args.judge:
        if roles.get("grader", args.judge) != args.judge:
            raise UsageError("--judge and --model-role grader=… name different models")
        roles["grader"] = args.judge
    if not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold must be in (0, 1], got {args.threshold}")
    if args.no_judge and "grader" in roles:
        raise UsageError("--no-judge and a grader model contradict each other")
    return {
        "judges": not args.no_judge,
        "votes": args.votes,
        "threshold": args.threshold,
        "tiers": args.tiers,
        "system_prompt": args.system_prompt,
        "model_roles": roles,
    }


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.harness.run import RunRequest
    from tiergap.scenario import load_scenario_variant

    spec = load_scenario_variant(args.scenario, args.tiers, args.system_prompt)
    spec.select(args.conditions)  # unknown conditions fail before anything runs
    if args.yes and args.max_cost is None:
        raise UsageError("--yes only makes sense with --max-cost")
    request = RunRequest(
        scenario=args.scenario,
        models=args.model,
        n=args.n,
        conditions=args.conditions,
        scratchpad=args.scratchpad,
        seed=args.seed,
        log_dir=args.log_dir,
        lab=args.lab,
        queries=args.queries,
        epochs=args.epochs,
        max_connections=args.max_connections,
        temperature=args.temperature,
        display=args.display or ("none" if args.json else None),  # --json: stdout is JSON only
        **execution_fields(args),
        **measurement_fields(args),
    )
    return run_and_report([request], args.dry_run, args.json, console)
