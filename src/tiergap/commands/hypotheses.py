"""``tiergap predict`` and ``tiergap retrodict``: the executable hypotheses on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from tiergap.analysis.records import SampleRecord


def register(sub: Any) -> None:
    from tiergap.hypotheses.cli import add_predict_arguments, add_retrodict_arguments

    predict = sub.add_parser(
        "predict",
        help="each hypothesis's predictions (posterior given the paper), or a planned run's "
        "predictive distribution with --experiment",
    )
    add_predict_arguments(predict)
    predict.set_defaults(handler=handle_predict)

    retrodict = sub.add_parser(
        "retrodict",
        help="fit every hypothesis to the paper: evidence, posterior, in-sample and held-out "
        "scorecard (or against your own logs)",
    )
    add_retrodict_arguments(retrodict)
    retrodict.add_argument(
        "--model", default=None, help="with --against LOGDIR: the model whose runs to use"
    )
    retrodict.set_defaults(handler=handle_retrodict)


def read_log_records(log_dir: Path) -> list[SampleRecord]:
    """Every scored sample in ``log_dir`` (the inspect log reader)."""
    from tiergap.harness.logs import read_records

    return list(read_records(log_dir).records)


def handle_predict(args: argparse.Namespace, console: Console) -> int:
    from tiergap.hypotheses.cli import run_predict

    return run_predict(args, console=console)


def handle_retrodict(args: argparse.Namespace, console: Console) -> int:
    from tiergap.hypotheses.cli import run_retrodict

    def from_logs(log_dir: Path) -> dict[str, float]:
        from tiergap.hypotheses.observations import ignored_runs, observations_from_records

        records = read_log_records(log_dir)
        if not records:
            raise ValueError(f"no readable samples in {log_dir}")
        for note in ignored_runs(records, args.model):  # stderr under --json
            console.print(f"[yellow]retrodict --against {log_dir}[/]: {escape(note)}")
        return observations_from_records(records, args.model)

    return run_retrodict(args, observation_source=from_logs, console=console)
