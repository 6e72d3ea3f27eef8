"""Command-line front ends of the hypothesis models: ``tiergap predict`` and ``tiergap retrodict``.

The main ``tiergap`` parser owns the sub-commands; this module only adds their arguments and
runs them, so the hypotheses stay usable without the inspect harness. Observations from a log
directory come through :data:`ObservationSource`, a hook the harness supplies.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from tiergap.hypotheses.experiments import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    SEED_EXPERIMENTS,
    predict_all,
)
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.params import Params, ParamsError, load_params
from tiergap.hypotheses.scorecard import (
    Observation,
    Scorecard,
    compute_scorecard,
    observations_from_values,
    paper_observations,
)
from tiergap.hypotheses.sensitivity import SweepResult, parse_sweep, plot_sweep, sweep

#: Reads a log directory and returns observed values by experiment key, in each experiment's
#: unit (``"<key>.se"`` entries optionally give standard errors). Experiments the runs do not
#: cover are simply left out and reported ``untested``.
ObservationSource = Callable[[Path], dict[str, float]]

EXIT_USAGE = 2


def observations_from_logs(log_dir: Path) -> dict[str, float]:
    """Default :data:`ObservationSource`: not wired yet (the harness will provide it)."""
    raise NotImplementedError(
        f"reading observations from a log directory ({log_dir}) is not available yet: "
        "the inspect log reader has not been connected to `tiergap retrodict --against LOGDIR`; "
        "use `--against paper`"
    )


def _add_params_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML file overriding the default model parameters",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def add_predict_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap predict``."""
    _add_params_argument(parser)


def add_retrodict_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap retrodict``."""
    _add_params_argument(parser)
    parser.add_argument(
        "--against",
        default="paper",
        metavar="paper|LOGDIR",
        help="observed values: the paper's figures (default) or a directory of your own runs",
    )
    parser.add_argument(
        "--sweep",
        default=None,
        metavar="PARAM=lo:hi:steps",
        help="vary one parameter (dotted name, e.g. reward_hacking.free_tier.p_truth) and "
        "report where each hypothesis passes each experiment",
    )
    parser.add_argument(
        "--plot", type=Path, default=None, metavar="FILE.png", help="draw the sweep to a PNG"
    )


def _error(message: str, stream: TextIO) -> int:
    print(f"tiergap: error: {message}", file=stream)
    return EXIT_USAGE


def _console(console: Console | None) -> Console:
    return console if console is not None else Console()


def run_predict(args: argparse.Namespace, *, console: Console | None = None) -> int:
    """Print each hypothesis's predicted observable for each experiment."""
    try:
        params = load_params(args.params)
    except ParamsError as exc:
        return _error(str(exc), sys.stderr)
    predictions = predict_all(params)
    if args.json:
        payload = {
            "hypotheses": {
                name: {
                    "experiments": {
                        e.key: {
                            "predicted": round(predictions[name][e.key].value, 4),
                            "unit": e.unit,
                            "detail": {
                                k: round(v, 4) for k, v in predictions[name][e.key].detail.items()
                            },
                        }
                        for e in CATALOGUE
                    }
                }
                for name in HYPOTHESES
            }
        }
        print(json.dumps(payload, indent=2))
        return 0
    table = Table(title=f"Predictions ({params.source})")
    table.add_column("experiment")
    table.add_column("observable")
    for name in HYPOTHESES:
        table.add_column(name, justify="right")
    for entry in CATALOGUE:
        number = "{:+.1f}" if entry.kind == "effect" else "{:.1f}"
        cells = [number.format(predictions[name][entry.key].value) for name in HYPOTHESES]
        table.add_row(entry.key, entry.observable, *cells)
    _console(console).print(table)
    return 0


def _observations(against: str, source: ObservationSource) -> tuple[dict[str, Observation], str]:
    if against == "paper":
        return paper_observations(), "paper"
    log_dir = Path(against)
    if not log_dir.is_dir():
        raise ValueError(f"--against {against!r}: not 'paper' and not a directory")
    label = f"logs in {log_dir}"
    return observations_from_values(source(log_dir), label), label


def run_retrodict(
    args: argparse.Namespace,
    *,
    observation_source: ObservationSource | None = None,
    console: Console | None = None,
) -> int:
    """Print the scorecard, or with ``--sweep`` the passing ranges of one parameter.

    ``observation_source`` reads a log directory for ``--against LOGDIR``; it defaults to
    :func:`observations_from_logs`.
    """
    source = observation_source if observation_source is not None else observations_from_logs
    if args.plot is not None and args.sweep is None:
        return _error("--plot needs --sweep", sys.stderr)
    try:
        params = load_params(args.params)
        observations, label = _observations(args.against, source)
        if args.sweep is not None:
            result = sweep(params, parse_sweep(args.sweep), observations, against=label)
            if args.plot is not None:
                plot_sweep(result, args.plot)
        else:
            card = compute_scorecard(params, observations, against=label)
    except (ParamsError, ValueError, NotImplementedError, RuntimeError) as exc:
        return _error(str(exc), sys.stderr)
    out = _console(console)
    if args.sweep is not None:
        if args.json:
            print(json.dumps(result.to_json(), indent=2))
        else:
            _print_sweep(result, label, out)
        if args.plot is not None and not args.json:
            out.print(f"wrote {args.plot}")
        return 0
    if args.json:
        print(json.dumps(card.to_json(), indent=2))
    else:
        _print_scorecard(card, params, out)
    return 0


_STYLE = {"pass": ("✓", "green"), "fail": ("✗", "red"), "untested": ("·", "dim")}


def _print_scorecard(card: Scorecard, params: Params, console: Console) -> None:
    summary = Table(title=f"Scorecard against {card.against} ({params.source})")
    summary.add_column("experiment")
    summary.add_column("observed", justify="right")
    for name in HYPOTHESES:
        summary.add_column(name, justify="right")
    for entry in CATALOGUE:
        observed = card.card(HYPOTHESES[0]).verdict(entry.key).observed
        number = "{:+.1f}" if entry.kind == "effect" else "{:.1f}"
        cells = []
        for name in HYPOTHESES:
            verdict = card.card(name).verdict(entry.key)
            mark, style = _STYLE[verdict.status]
            cells.append(f"[{style}]{mark} {number.format(verdict.predicted)}[/{style}]")
        shown = "—" if observed is None else f"{number.format(observed)} {entry.unit}"
        summary.add_row(entry.key, shown, *cells)
    summary.add_section()
    for title, keys in (
        ("seed's eight", SEED_EXPERIMENTS),
        ("all (untested not counted)", EXPERIMENT_KEYS),
    ):
        totals = []
        for name in HYPOTHESES:
            statuses = [card.status(name, key) for key in keys]
            totals.append(f"{statuses.count('pass')} pass / {statuses.count('fail')} fail")
        summary.add_row(title, "", *totals)
    console.print(summary)
    for name in HYPOTHESES:
        reasons = Table(title=name, show_header=False, box=None, padding=(0, 1))
        reasons.add_column("experiment")
        reasons.add_column("status")
        reasons.add_column("reason")
        for verdict in card.card(name).verdicts:
            mark, style = _STYLE[verdict.status]
            reasons.add_row(
                verdict.experiment, f"[{style}]{mark} {verdict.status}[/{style}]", verdict.reason
            )
        console.print(reasons)


def _print_sweep(result: SweepResult, label: str, console: Console) -> None:
    spec = result.spec
    table = Table(
        title=(
            f"Passing ranges of {spec.param} over {spec.low:g}…{spec.high:g} "
            f"({spec.steps} steps; current {result.default:g}; against {label})"
        )
    )
    table.add_column("experiment")
    for name in HYPOTHESES:
        table.add_column(name)
    for entry in CATALOGUE:
        table.add_row(entry.key, *(result.describe(name, entry.key) for name in HYPOTHESES))
    console.print(table)
