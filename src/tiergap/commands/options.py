"""Command options that set :class:`ExperimentSpec` and :class:`Execution` fields by name.

The experiment options are generated from the spec's fields (flag, choices, help and default
all come from the field), so ``tiergap run`` accepts exactly what ``-T`` and a sweep file do.
The run settings are written out (their flags take special forms: ``-M KEY=VALUE``,
``--model-role ROLE=MODEL``, ``--yes``) but each stores into the field of the same name and
defaults to "not given", so the one default is :class:`Execution`'s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from typing import Any, Literal, get_args, get_origin

from tiergap.commands import UsageError, csv_list, non_negative_int, positive_int
from tiergap.experiment.execution import Display, Execution
from tiergap.experiment.fields import field_default, field_types
from tiergap.experiment.spec import ExperimentSpec


def _base(hint: Any) -> Any:
    """``X`` for ``X | None``."""
    members = [a for a in get_args(hint) if a is not type(None)]
    return members[0] if get_origin(hint) is not Literal and len(members) == 1 else hint


def add_spec_options(parser: argparse.ArgumentParser, positional: tuple[str, ...] = ()) -> None:
    """One option per experiment field (``positional`` ones as positional arguments)."""
    group = parser.add_argument_group("the experiment (as inspect eval tiergap/experiment -T)")
    hints = field_types(ExperimentSpec)
    for item in dataclasses.fields(ExperimentSpec):
        hint = _base(hints[item.name])
        help_text = str(item.metadata.get("help", ""))
        if item.name in positional:
            parser.add_argument(item.name, help=help_text)
            continue
        flag = str(item.metadata.get("flag", "--" + item.name.replace("_", "-")))
        if hint is bool:
            action = str(
                item.metadata.get("action", "store_false" if item.default else "store_true")
            )
            help_text = str(item.metadata.get("flag_help", help_text))
            group.add_argument(flag, dest=item.name, action=action, default=None, help=help_text)
            continue
        if item.default is not None:
            help_text += f" (default: {item.default})"
        if get_origin(hint) is Literal:
            group.add_argument(
                flag, dest=item.name, choices=get_args(hint), default=None, help=help_text
            )
        else:
            metavar = "N" if flag == "-n" else item.name.upper()
            group.add_argument(flag, dest=item.name, default=None, metavar=metavar, help=help_text)


def spec_values(args: argparse.Namespace) -> dict[str, object]:
    """The experiment fields given on the command line (the spec supplies the rest)."""
    names = (f.name for f in dataclasses.fields(ExperimentSpec))
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


# --------------------------------------------------------------------------------------------
# run settings
# --------------------------------------------------------------------------------------------


def usd(value: str) -> float:
    try:
        amount = float(value.lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount in USD, got {value!r}") from None
    if not math.isfinite(amount) or amount <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive amount in USD, got {value!r}")
    return amount


def temperature(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value!r}")
    return number


def model_arg(value: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as JSON when it parses (numbers, true/false), else text."""
    key, sep, raw = value.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw
    return key.strip(), parsed


def model_role(value: str) -> tuple[str, str]:
    role, sep, model = value.partition("=")
    if not sep or not role.strip() or not model.strip():
        raise argparse.ArgumentTypeError(
            f"expected ROLE=MODEL (e.g. grader=openai/gpt-4o), got {value!r}"
        )
    return role.strip(), model.strip()


def fraction_or_count(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value!r}")
    return number


def _help(name: str, extra: str = "") -> str:
    """A setting's help from its field, with its default when it has one."""
    item = next(f for f in dataclasses.fields(Execution) if f.name == name)
    text = str(item.metadata.get("help", ""))
    default = field_default(Execution, name) if name != "models" else None
    if default not in (None, False, {}):
        text += f" (default: {default})"
    return text + extra


def add_model_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """``--model`` (repeatable), ``--model-role`` and ``--judge``."""
    parser.add_argument(
        "--model", dest="models", action="append", required=required, metavar="MODEL",
        help=_help("models", " (repeatable)"),
    )  # fmt: skip
    parser.add_argument(
        "--model-role", dest="model_roles", type=model_role, action="append", default=None,
        metavar="ROLE=MODEL", help="inspect model role (repeatable), e.g. grader=MODEL",
    )  # fmt: skip
    parser.add_argument(
        "--judge", default=None, metavar="MODEL",
        help="grader model for the classifiers (the same as --model-role grader=MODEL)",
    )  # fmt: skip


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """Log folder, display, concurrency, faults, cost and caching; all default to not given."""
    group = parser.add_argument_group("how to run")
    group.add_argument("--log-dir", dest="log_dir", default=None, help=_help("log_dir"))
    group.add_argument("--display", choices=get_args(Display), default=None, help=_help("display"))
    group.add_argument("--max-connections", type=positive_int, help=_help("max_connections"))
    group.add_argument("--temperature", type=temperature, help=_help("temperature"))
    group.add_argument("--max-tokens", type=positive_int, help=_help("max_tokens"))
    group.add_argument(
        "-M", dest="model_args", type=model_arg, action="append", default=None,
        metavar="KEY=VALUE", help=_help("model_args", " (repeatable)"),
    )  # fmt: skip
    group.add_argument("--max-retries", type=non_negative_int, help=_help("max_retries"))
    group.add_argument("--timeout", type=positive_int, help=_help("timeout"))
    group.add_argument("--retry-on-error", type=non_negative_int, help=_help("retry_on_error"))
    group.add_argument("--fail-on-error", type=fraction_or_count, help=_help("fail_on_error"))
    cost = parser.add_argument_group("cost")
    cost.add_argument(
        "--batch", action="store_true", default=None, help=_help("batch", " (Anthropic, OpenAI)")
    )
    cost.add_argument(
        "--no-cache-prompt", dest="cache_prompt", action="store_false", default=None,
        help="turn off " + _help("cache_prompt").replace(" (default: True)", " (on by default)"),
    )  # fmt: skip
    cost.add_argument(
        "--dry-run", action="store_true",
        help="print the planned samples and the token and cost estimate; run nothing",
    )  # fmt: skip
    cost.add_argument("--max-cost", type=usd, metavar="USD", help=_help("max_cost"))
    cost.add_argument(
        "--yes", dest="over_budget_ok", action="store_true", default=None,
        help=_help("over_budget_ok"),
    )  # fmt: skip
    cost.add_argument("--prices", default=None, help=_help("prices"))


def execution_values(args: argparse.Namespace) -> dict[str, object]:
    """The run settings given on the command line, by field name (``--judge`` included)."""
    values = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(Execution)
        if getattr(args, f.name, None) is not None
    }
    if "model_args" in values:
        values["model_args"] = dict(args.model_args)
    roles = dict(args.model_roles or []) if hasattr(args, "model_roles") else {}
    judge = getattr(args, "judge", None)
    if judge:
        if roles.get("grader", judge) != judge:
            raise UsageError("--judge and --model-role grader=… name different models")
        roles["grader"] = judge
    if roles:
        values["model_roles"] = roles
    if "models" in values:
        values["models"] = [m for given in args.models for m in csv_list(given)]
    if values.get("retry_on_error") == 0:
        # no retries means none at all: not the eval set's retries of a failed task either
        values.setdefault("retry_attempts", 0)
    return values
