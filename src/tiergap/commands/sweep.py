"""``tiergap sweep CONFIG.toml``: models × scenarios × scratchpad modes × seeds in one log folder.

Running the same command again after an interruption runs the missing samples only.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands.run import add_execution_options, execution_fields, run_and_report


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "sweep", help="run a grid of models × scenarios × scratchpad modes × seeds (TOML file)"
    )
    parser.add_argument(
        "config", type=Path, help="sweep file (TOML); see tiergap.experiment.sweepfile"
    )
    parser.add_argument("--log-dir", type=Path, default=None, help="overrides the file's log_dir")
    parser.add_argument("--display", default=None, help="inspect display: rich, plain, none")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    add_execution_options(parser, defaults=False)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.commands import UsageError
    from tiergap.experiment.sweepfile import load_sweep
    from tiergap.harness.sweep import sweep_requests

    config = load_sweep(args.config)
    overrides = execution_fields(args)
    if args.log_dir is not None:
        overrides["log_dir"] = args.log_dir
    if args.display is not None or args.json:
        overrides["display"] = args.display or "none"  # --json: stdout is JSON only
    requests = sweep_requests(config, overrides)
    if args.yes and requests[0].max_cost is None:
        raise UsageError("--yes only makes sense with --max-cost (or max_cost in the sweep file)")
    console.print(
        f"sweep {args.config}: {len(config.models)} model(s) × {len(config.scenarios)} "
        f"scenario(s) × {len(config.scratchpads)} scratchpad mode(s) × {len(config.seeds)} "
        f"seed(s) = {config.size} task(s) → {requests[0].log_dir}",
        highlight=False,
    )
    return run_and_report(requests, args.dry_run, args.json, console)
