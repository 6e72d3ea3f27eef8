"""``tiergap run SCENARIO --model M``: run a scenario through inspect, then summarise."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands import DEFAULT_LOG_DIR, csv_list, positive_int
from tiergap.commands.analyze import analyze


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
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.harness.run import RunRequest, run
    from tiergap.scenario import load_scenario

    spec = load_scenario(args.scenario)
    spec.select(args.conditions)  # unknown conditions fail before anything runs
    logs = run(
        RunRequest(
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
            display=args.display,
        )
    )
    failed = [log for log in logs if log.status != "success"]
    for log in failed:
        message = log.error.message if log.error else log.status
        console.print(f"[red]{log.eval.model}: run {log.status}[/]: {message}")
    code = analyze(args.log_dir, args.json, 0.15, console)
    console.print(f"logs: {args.log_dir}  (open with: inspect view --log-dir {args.log_dir})")
    return 1 if failed else code
