"""``tiergap infer LOGDIR...``: update the posterior over hypotheses with your own runs."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console


def register(sub: Any) -> None:
    from tiergap.hypotheses.cli import add_infer_arguments

    parser = sub.add_parser(
        "infer",
        help="posterior over the hypotheses given your runs (with the paper's figures, or "
        "without: --no-paper)",
    )
    add_infer_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.commands.hypotheses import read_log_records
    from tiergap.hypotheses.cli import run_infer

    return run_infer(args, records_source=read_log_records, console=console)
