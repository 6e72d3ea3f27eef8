"""``tiergap score DIR --judge M``: classify saved transcripts later, without re-generating."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands import UsageError, positive_int
from tiergap.experiment.fields import field_default
from tiergap.experiment.spec import ExperimentSpec


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "score", help="score saved logs again (e.g. with an LLM judge) into a new folder"
    )
    parser.add_argument(
        "log_dir", type=Path, help="log folder of a run (e.g. one generated with --no-judge)"
    )
    parser.add_argument(
        "--judge", default=None, metavar="MODEL",
        help="grader model (default: none, keyword heuristics labelled 'heuristic')",
    )  # fmt: skip
    votes = field_default(ExperimentSpec, "votes")
    threshold = field_default(ExperimentSpec, "threshold")
    parser.add_argument(
        "--votes",
        type=positive_int,
        default=votes,
        help=f"judge votes per sample (default: {votes})",
    )
    parser.add_argument(
        "--threshold", type=float, default=threshold,
        help=f"vote fraction for a positive label (default: {threshold})",
    )  # fmt: skip
    parser.add_argument(
        "-o", "--out", type=Path, default=None, help="output folder (default: LOG_DIR-scored)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.harness.rescore import rescore_logs

    if not args.log_dir.is_dir():
        raise UsageError(f"log directory not found: {args.log_dir}")
    if not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold must be in (0, 1], got {args.threshold}")
    out = args.out or args.log_dir.with_name(args.log_dir.name + "-scored")
    grader = args.judge or "none (keyword heuristics)"
    result = rescore_logs(
        args.log_dir,
        out,
        args.judge,
        args.votes,
        args.threshold,
        on_log=lambda path: console.print(f"scoring {Path(path).name} with grader {grader}"),
    )
    for path, why in result.skipped:
        console.print(f"[yellow]skipped[/] {path}: {why}")
    console.print(f"wrote {len(result.written)} scored log(s) to {out}")
    if result.written:
        console.print(f"next: tiergap analyze {out}")
    return 0 if result.written else 1
