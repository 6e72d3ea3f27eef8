"""``tiergap demo``: the emoji experiment offline, on simulated models and the embedded one."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands import DEFAULT_LOG_DIR, positive_int
from tiergap.commands.analyze import analyze
from tiergap.commands.report import build_report_data, render

SIMULATED_MODELS = ("tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh")
EMBEDDED_MODEL = "tiergap/smollm2"


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="offline demo: simulated hypotheses + embedded model")
    parser.add_argument("-n", type=positive_int, default=50, help="queries per condition")
    parser.add_argument("--embedded-n", type=positive_int, default=4)
    parser.add_argument("--log-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.harness.run import RunRequest, run

    log_dir = args.log_dir or DEFAULT_LOG_DIR / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
    display = None if sys.stdout.isatty() else "plain"
    started = time.monotonic()
    console.rule("tiergap demo: the emoji tier experiment, offline")
    console.print(
        f"1/2 simulated hypotheses ({', '.join(SIMULATED_MODELS)}): {args.n} queries × "
        "free / paid / baseline"
    )
    run(
        RunRequest(
            scenario="emoji",
            models=list(SIMULATED_MODELS),
            n=args.n,
            seed=args.seed,
            log_dir=log_dir,
            display=display,
            log_realtime=False,
        )
    )
    console.print(
        f"2/2 embedded model {EMBEDDED_MODEL} (SmolLM2-135M, in-process): "
        f"{args.embedded_n} queries × free / paid / baseline"
    )
    run(
        RunRequest(
            scenario="emoji",
            models=[EMBEDDED_MODEL],
            n=args.embedded_n,
            seed=args.seed,
            log_dir=log_dir,
            max_turns=2,
            display=display,
        )
    )
    code = analyze(log_dir, args.json, None, console)
    report = log_dir / "report.html"
    report.write_text(render(build_report_data(log_dir), "html"), encoding="utf-8")
    console.print(f"demo finished in {time.monotonic() - started:.0f} s; logs in {log_dir}")
    console.print(f"report (opens offline in a browser): {report}")
    console.print(f"every transcript: inspect view --log-dir {log_dir}")
    return code
