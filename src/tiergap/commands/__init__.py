"""Sub-commands of the ``tiergap`` CLI, one module each.

Each module exposes ``register(subparsers)``, which adds its parser and sets ``handler`` to a
function ``(args, console) -> int``. Heavy imports (inspect, numpy) happen inside handlers so
that ``tiergap --help`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.console import Console

Handler = Callable[[argparse.Namespace, Console], int]


class UsageError(Exception):
    """A bad command-line value: printed as one clear line, exit status 2."""


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
