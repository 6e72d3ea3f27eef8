"""``tiergap score DIR --judge M``: classify saved transcripts later, without re-generating."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands import UsageError, positive_int


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "score", help="score saved logs again (e.g. with an LLM judge) into a new folder"
    )
    parser.add_argument("log_dir", type=Path)
    parser.add_argument("--judge", default=None, help="grader model (e.g. anthropic/…)")
    parser.add_argument("--votes", type=positive_int, default=5, help="judge votes per sample")
    parser.add_argument("--threshold", type=float, default=0.4, help="vote fraction for a yes")
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
    console.print(f"next: tiergap analyze {out}")
    return 0 if result.written else 1
