"""``tiergap run SCENARIO --model M``: run a scenario through inspect, then summarise.

The experiment options are the fields of :class:`~tiergap.experiment.spec.ExperimentSpec`
(the ``-T`` arguments of ``inspect eval tiergap/experiment``); the options that say *how* to
run are shared with ``tiergap sweep`` (:mod:`tiergap.commands.options`), and so is
:func:`run_and_report`.
"""

from __future__ import annotations

import argparse
import json
import shlex
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.commands import UsageError, print_error
from tiergap.commands.analyze import analyze
from tiergap.commands.options import (
    add_execution_options,
    add_model_options,
    add_spec_options,
    execution_values,
    spec_values,
)

if TYPE_CHECKING:
    from tiergap.experiment.execution import Execution
    from tiergap.experiment.spec import ExperimentSpec
    from tiergap.harness.run import RunPreview


INTERRUPTED = 130
"""Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)."""


def command_line(args: argparse.Namespace) -> str:
    """The shell-quoted command line of this invocation (to resume it)."""
    return shlex.join(["tiergap", *getattr(args, "argv", [])])


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="run a scenario on one or more models through inspect")
    add_spec_options(parser, positional=("scenario",))
    add_model_options(parser)
    add_execution_options(parser)
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.set_defaults(handler=handle)


def _money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def render_preview(console: Console, preview: RunPreview) -> None:
    from tiergap.harness.secrets import redact

    estimate = preview.estimate
    table = Table(title="planned samples", title_justify="left")
    for column in ("model", "scenario", "scratchpad", "seed", "conditions", "samples", "done"):
        table.add_column(  # fold, never "…": rows of a sweep differ in these columns
            column,
            justify="right" if column in ("seed", "samples", "done") else "left",
            overflow="fold",
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
    if preview.spent_usd:
        console.print(f"already spent in this log folder: {_money(preview.spent_usd)}")
    if preview.budget is not None:
        colour = "red" if preview.budget.over else "green"
        console.print(f"[{colour}]{escape(preview.budget.message())}[/]", highlight=False)


def preview_json(preview: RunPreview) -> dict[str, Any]:
    payload = preview.estimate.to_json()
    payload["already_spent_usd"] = round(preview.spent_usd, 4)
    if preview.budget is not None:
        payload["max_cost_usd"] = preview.budget.budget_usd
        payload["over_budget"] = preview.budget.over
    return payload


def check_execution(execution: Execution, specs: list[ExperimentSpec]) -> None:
    """Contradictions between options that each look fine alone, and a log folder that is
    not one."""
    if execution.log_dir.exists() and not execution.log_dir.is_dir():
        raise UsageError(f"--log-dir {execution.log_dir}: is a file, not a folder")
    if execution.over_budget_ok and execution.max_cost is None:
        raise UsageError("--yes only makes sense with --max-cost")
    # judges=None (the default) runs the scenario's classifiers, with the grader when one is bound
    if "grader" in execution.model_roles and any(s.judges is False for s in specs):
        raise UsageError("--no-judge and a grader model contradict each other")


def run_and_report(
    specs: list[ExperimentSpec],
    execution: Execution,
    dry_run: bool,
    as_json: bool,
    console: Console,
    resume_command: str = "tiergap ...",
) -> int:
    """Dry-run or run ``specs`` as one eval set, then analyse the log folder.

    ``resume_command`` is the command line that resumes an interrupted run (shell-quoted)."""
    from tiergap.harness.logs import error_reason
    from tiergap.harness.run import RunInputError, execute, preview_run
    from tiergap.harness.secrets import redact

    log_dir = execution.log_dir
    errors = Console(stderr=True)

    def note(text: str) -> None:
        errors.print(f"note: {escape(text)}", highlight=False, soft_wrap=True)

    for spec in specs:
        if spec.system_prompt and not spec.baseline_prompt:
            note(
                f"no baseline condition: your system prompt ({spec.system_prompt}) has no "
                "version without its training information that tiergap could derive, so this "
                "run has no baseline and no verdict can be computed from it (free vs paid is "
                "still measured). Pass --baseline-prompt FILE (the same prompt without the "
                "training information) to get one."
            )
    try:
        if dry_run:
            from tiergap.harness.judges import run_judge_costs

            preview = preview_run(specs, execution)
            judges = run_judge_costs(specs, execution, preview.estimate)
            for text in preview.notes:
                note(text)
            if as_json:
                payload = preview_json(preview) | {"judges": [j.to_json() for j in judges]}
                print(json.dumps(payload, indent=2))
            else:
                render_preview(console, preview)
                for judge in judges:
                    console.print(escape(redact(judge.describe())), highlight=False)
            return 0 if preview.budget is None or not preview.budget.over else 2
        outcome = execute(specs, execution, notify=note)
    except RunInputError as err:
        for problem in err.problems:
            print_error(redact(problem))
        return 2
    if not outcome.started:
        render_preview(console, outcome.preview)
        return 2
    if outcome.interrupted:
        estimate = outcome.preview.estimate
        errors.print(
            f"interrupted: {outcome.finished_samples} of {estimate.samples} samples finished "
            f"and are kept in {escape(str(log_dir))} (samples run query by query across "
            "conditions, so they are paired). To run the rest, run the same command again:\n"
            f"  {escape(resume_command)}",
            highlight=False,
            soft_wrap=True,
        )
        return INTERRUPTED
    code = 0
    for log in outcome.failed:
        message = error_reason(log.error.message) if log.error else log.status
        errors.print(
            f"[red]{escape(log.eval.model)}: run {log.status}[/]: {escape(message)} (the log "
            "holds the full traceback; the same command resumes once the cause is fixed)",
            highlight=False,
            soft_wrap=True,
        )
        code = 1
    if outcome.stopped_for_cost:
        budget = outcome.preview.budget
        limit = _money(budget.budget_usd) if budget is not None else "the budget"
        spent = _money(outcome.preview.spent_usd + outcome.spent_usd)
        console.print(
            f"[red]stopped: actual spend {spent} crossed --max-cost {limit}[/]; samples in "
            "flight were finished and logged. Run the same command again with a higher "
            "--max-cost to run the missing samples only.",
            highlight=False,
        )
        code = 1
    elif outcome.spent_usd:
        console.print(f"spent: {_money(outcome.spent_usd)} (priced from token usage)")
    analysed = analyze(log_dir, as_json, None, console)
    view = shlex.join(["inspect", "view", "--log-dir", str(log_dir)])
    console.print(f"logs: {escape(str(log_dir))}  (open with: {escape(view)})", soft_wrap=True)
    return code or analysed


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.experiment.execution import Execution
    from tiergap.experiment.spec import ExperimentSpec
    from tiergap.experiment.variants import expand_scenarios

    values = spec_values(args)
    # a family name (`tiergap run orthogonal`) runs each of its scenarios
    specs = [
        ExperimentSpec.from_values({**values, "scenario": name})
        for name in expand_scenarios(str(values.get("scenario", "emoji")))
    ]
    for spec in specs:
        spec.load_scenario()  # unknown scenarios and conditions fail before anything runs
    settings = execution_values(args)
    if args.json and "display" not in settings:
        settings["display"] = "none"  # --json: stdout is JSON only
    execution = Execution.from_values(settings)
    check_execution(execution, specs)
    return run_and_report(
        specs, execution, args.dry_run, args.json, console, resume_command=command_line(args)
    )
