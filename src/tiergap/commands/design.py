"""``tiergap design``: rank candidate experiments by expected information about the hypotheses."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console


def register(sub: Any) -> None:
    from tiergap.hypotheses.cli import add_design_arguments

    parser = sub.add_parser(
        "design",
        help="which experiment to run next: expected bits, P(decisive) and cost per candidate",
    )
    add_design_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    from tiergap.commands.hypotheses import read_log_records
    from tiergap.hypotheses.cli import run_design

    return run_design(args, records_source=read_log_records, console=console)
