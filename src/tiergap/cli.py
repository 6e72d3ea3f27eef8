"""The ``tiergap`` command line. Each sub-command lives in :mod:`tiergap.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from rich.console import Console

from tiergap import __version__
from tiergap.commands import (
    ERROR_PREFIX,
    UsageError,
    analyze,
    demo,
    design,
    hypotheses,
    infer,
    judge_eval,
    plan,
    print_error,
    report,
    run,
    score,
    sweep,
)

COMMANDS = (run, sweep, score, analyze, demo, hypotheses, infer, design, plan, report, judge_eval)


class _Parser(argparse.ArgumentParser):
    """argparse, with the one error style of every command (``tiergap: error: ...``)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{ERROR_PREFIX} {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tiergap",
        description="Free-tier vs paid-tier behaviour gaps: alignment faking or reward hacking?",
    )
    parser.add_argument("--version", action="version", version=f"tiergap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(given)
    args.argv = given  # to print the command that resumes an interrupted run
    # With --json, stdout carries only the JSON document; messages go to stderr.
    console = Console(stderr=bool(getattr(args, "json", False)))
    try:
        code: int = args.handler(args, console)
        return code
    except (UsageError, ValueError, FileNotFoundError) as err:
        print_error(str(err))
        return 2


if __name__ == "__main__":
    sys.exit(main())
