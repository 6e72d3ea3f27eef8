"""``tiergap analyze DIR``: summarise every experiment found in a log folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.analysis import DEFAULT_MARGIN
from tiergap.commands import UsageError


def register(sub: Any) -> None:
    parser = sub.add_parser("analyze", help="summarise the logs in a folder")
    parser.add_argument("log_dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="equivalence margin for 'no gap' (rate units)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    return analyze(args.log_dir, args.json, args.margin, console)


def analyze(log_dir: Path, as_json: bool, margin: float, console: Console) -> int:
    from tiergap.analysis.summary import summarise
    from tiergap.harness.logs import read_records
    from tiergap.report.terminal import render_summary

    if not 0 < margin < 1:
        raise UsageError(f"--margin must be between 0 and 1 (a rate difference), got {margin}")
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
            "superseded_samples": result.superseded,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        render_summary(console, summaries)
        for path, error in result.unreadable:
            console.print(f"[yellow]skipped unreadable log[/] {path}: {error}")
        if result.superseded:
            console.print(
                f"{result.superseded} older copies of samples (from an interrupted and resumed "
                "run) were set aside: each sample is counted once, from its newest log"
            )
    return 0
