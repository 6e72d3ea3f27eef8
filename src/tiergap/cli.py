"""The ``tiergap`` command line: run experiments, analyse logs, and the offline demo."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rich.console import Console

from tiergap import __version__

DEFAULT_LOG_DIR = Path("tiergap-logs")
SIMULATED_MODELS = ("tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh")
EMBEDDED_MODEL = "tiergap/smollm2"


class UsageError(Exception):
    """A bad command-line value: printed as one clear line, exit status 2."""


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tiergap",
        description="Free-tier vs paid-tier behaviour gaps: alignment faking or reward hacking?",
    )
    parser.add_argument("--version", action="version", version=f"tiergap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a scenario on one or more models through inspect")
    run.add_argument("scenario", help="scenario name, e.g. emoji")
    run.add_argument("--model", action="append", required=True, help="inspect model (repeatable)")
    run.add_argument("-n", type=_positive_int, default=None, help="queries per condition")
    run.add_argument("--conditions", type=_csv, default=None, help="e.g. free,paid,baseline")
    run.add_argument("--scratchpad", choices=("hidden", "none"), default="hidden")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--epochs", type=_positive_int, default=1)
    run.add_argument("--lab", default=None, help="developer named in the prompt")
    run.add_argument("--queries", default=None, help="JSONL query file instead of the shipped set")
    run.add_argument("--log-dir", type=Path, default=DEFAULT_LOG_DIR)
    run.add_argument("--max-connections", type=_positive_int, default=None)
    run.add_argument("--temperature", type=float, default=None)
    run.add_argument("--display", default=None, help="inspect display: rich, plain, none, ...")
    run.add_argument("--json", action="store_true", help="print the analysis as JSON")

    analyze = sub.add_parser("analyze", help="summarise the logs in a folder")
    analyze.add_argument("log_dir", type=Path)
    analyze.add_argument("--json", action="store_true")
    analyze.add_argument(
        "--margin", type=float, default=0.15, help="equivalence margin for 'no gap' (rate units)"
    )

    demo = sub.add_parser("demo", help="the offline demo: simulated hypotheses + embedded model")
    demo.add_argument(
        "-n", type=_positive_int, default=50, help="queries per condition (simulated)"
    )
    demo.add_argument("--embedded-n", type=_positive_int, default=4)
    demo.add_argument("--log-dir", type=Path, default=None)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--json", action="store_true")
    return parser


def _analyze(log_dir: Path, as_json: bool, margin: float, console: Console) -> int:
    from tiergap.analysis import summarise
    from tiergap.display import render_summary
    from tiergap.harness.logs import read_records

    if not log_dir.exists():
        raise UsageError(f"log directory not found: {log_dir}")
    result = read_records(log_dir)
    if not result.logs and not result.unreadable:
        raise UsageError(f"no inspect logs (.eval/.json) found in {log_dir}")
    summaries = summarise(result.records, margin=margin)
    if as_json:
        payload = {
            "models": [s.to_json() for s in summaries],
            "unreadable_logs": [{"log": p, "error": e} for p, e in result.unreadable],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        render_summary(console, summaries)
        for path, error in result.unreadable:
            console.print(f"[yellow]skipped unreadable log[/] {path}: {error}")
    return 0


def _run(args: argparse.Namespace, console: Console) -> int:
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
    code = _analyze(args.log_dir, args.json, 0.15, console)
    console.print(f"logs: {args.log_dir}  (open with: inspect view --log-dir {args.log_dir})")
    return 1 if failed else code


def _demo(args: argparse.Namespace, console: Console) -> int:
    from tiergap.harness.run import RunRequest, run

    log_dir = args.log_dir or DEFAULT_LOG_DIR / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
    started = time.monotonic()
    console.rule("tiergap demo: the emoji tier experiment, offline")
    console.print(
        f"1/2 simulated hypotheses ({', '.join(SIMULATED_MODELS)}), {args.n} queries × "
        "free/paid/baseline"
    )
    run(
        RunRequest(
            scenario="emoji",
            models=list(SIMULATED_MODELS),
            n=args.n,
            seed=args.seed,
            log_dir=log_dir,
            display="plain" if not sys.stdout.isatty() else None,
            log_realtime=False,
        )
    )
    console.print(
        f"2/2 embedded model {EMBEDDED_MODEL} (SmolLM2-135M, in-process), "
        f"{args.embedded_n} queries × free/paid/baseline"
    )
    run(
        RunRequest(
            scenario="emoji",
            models=[EMBEDDED_MODEL],
            n=args.embedded_n,
            seed=args.seed,
            log_dir=log_dir,
            max_turns=2,
            display="plain" if not sys.stdout.isatty() else None,
        )
    )
    code = _analyze(log_dir, args.json, 0.15, console)
    console.print(f"demo finished in {time.monotonic() - started:.0f} s; logs in {log_dir}")
    console.print(f"open the transcripts with: inspect view --log-dir {log_dir}")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=bool(getattr(args, "json", False)))
    try:
        if args.command == "run":
            return _run(args, console)
        if args.command == "analyze":
            return _analyze(args.log_dir, args.json, args.margin, console)
        if args.command == "demo":
            return _demo(args, console)
    except UsageError as err:
        console.print(f"[red]error:[/] {err}")
        return 2
    except (ValueError, FileNotFoundError) as err:
        console.print(f"[red]error:[/] {err}")
        return 2
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
