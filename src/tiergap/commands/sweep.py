"""``tiergap sweep FILE.toml``: a grid of experiments on a list of models, in one log folder.

Running the same command again after an interruption runs the missing samples only. The
run-setting options override the file's values.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands.options import add_execution_options, execution_values
from tiergap.commands.run import check_execution, command_line, run_and_report


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "sweep", help="run a grid of experiments (scenarios, scratchpad modes, seeds...) on models"
    )
    parser.add_argument(
        "config", type=Path, help="sweep file (TOML); see tiergap.experiment.sweepfile"
    )
    add_execution_options(parser)
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.experiment.sweepfile import load_sweep_file

    sweep = load_sweep_file(args.config)
    overrides = execution_values(args)
    if args.json and "display" not in overrides:
        overrides["display"] = "none"  # --json: stdout is JSON only
    execution = sweep.execution.override(overrides)
    specs = list(sweep.experiments)
    check_execution(execution, specs)
    axes = " × ".join(f"{len({getattr(s, a) for s in specs})} {a}" for a in sweep.axes)
    console.print(
        f"sweep {args.config}: {len(execution.models)} model(s) × {len(specs)} experiment(s)"
        + (f" ({axes})" if axes else "")
        + f" = {sweep.size} task(s) → {execution.log_dir}",
        highlight=False,
    )
    return run_and_report(
        specs, execution, args.dry_run, args.json, console, resume_command=command_line(args)
    )
