"""``tiergap demo``: the emoji experiment offline, on simulated models and the embedded one."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from tiergap.commands import positive_int
from tiergap.commands.analyze import analyze
from tiergap.commands.report import build_report_data, render
from tiergap.experiment.execution import DEFAULT_LOG_DIR, Display
from tiergap.experiment.fields import field_default
from tiergap.experiment.spec import ExperimentSpec

SIMULATED_MODELS = ("tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh")
EMBEDDED_MODEL = "tiergap/smollm2"


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="offline demo: simulated hypotheses + embedded model")
    parser.add_argument("-n", type=positive_int, default=50, help="queries per condition")
    parser.add_argument("--embedded-n", type=positive_int, default=4)
    parser.add_argument("--log-dir", type=Path, default=None)
    seed = field_default(ExperimentSpec, "seed")
    parser.add_argument("--seed", type=int, default=None, help=f"generation seed (default {seed})")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.experiment.execution import Execution
    from tiergap.harness.run import execute

    log_dir = args.log_dir or DEFAULT_LOG_DIR / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
    display: Display | None = None if sys.stdout.isatty() else "plain"
    started = time.monotonic()
    console.rule("tiergap demo: the emoji tier experiment, offline")
    console.print(
        f"1/2 simulated hypotheses ({', '.join(SIMULATED_MODELS)}): {args.n} queries × "
        "free / paid / baseline"
    )
    simulated = Execution(
        models=SIMULATED_MODELS, log_dir=log_dir, display=display, log_realtime=False
    )
    seed = {} if args.seed is None else {"seed": args.seed}
    execute([ExperimentSpec.from_values({"n": args.n, **seed})], simulated)
    console.print(
        f"2/2 embedded model {EMBEDDED_MODEL} (SmolLM2-135M, in-process): "
        f"{args.embedded_n} queries × free / paid / baseline"
    )
    embedded = Execution(models=(EMBEDDED_MODEL,), log_dir=log_dir, display=display)
    execute([ExperimentSpec.from_values({"n": args.embedded_n, "max_turns": 2, **seed})], embedded)
    code = analyze(log_dir, args.json, None, console)
    report = log_dir / "report.html"
    report.write_text(render(build_report_data(log_dir), "html"), encoding="utf-8")
    console.print(f"demo finished in {time.monotonic() - started:.0f} s; logs in {log_dir}")
    console.print(f"report (opens offline in a browser): {report}")
    console.print(f"every transcript: inspect view --log-dir {log_dir}")
    return code
