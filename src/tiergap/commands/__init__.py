"""Sub-commands of the ``tiergap`` CLI, one module each.

Each module exposes ``register(subparsers)``, which adds its parser and sets ``handler`` to a
function ``(args, console) -> int``. Heavy imports (inspect, numpy) happen inside handlers so
that ``tiergap --help`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

Handler = Callable[[argparse.Namespace, Console], int]


class UsageError(Exception):
    """A bad command-line value: printed as one clear line, exit status 2."""


ERROR_PREFIX = "tiergap: error:"
"""The one prefix of every error message, whichever command prints it (argparse's too)."""


def print_error(message: str) -> None:
    """One error on stderr (never stdout: under ``--json`` it holds the JSON document)."""
    Console(stderr=True).print(
        f"[red]{ERROR_PREFIX}[/] {escape(message)}", highlight=False, soft_wrap=True
    )


def csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _whole_number(value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {number}")
    return number


def positive_int(value: str) -> int:
    return _whole_number(value, 1)


def non_negative_int(value: str) -> int:
    return _whole_number(value, 0)
