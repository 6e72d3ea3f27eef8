"""``tiergap predict`` and ``tiergap retrodict``: the executable hypotheses on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console


def register(sub: Any) -> None:
    from tiergap.hypotheses.cli import add_predict_arguments, add_retrodict_arguments

    predict = sub.add_parser("predict", help="each hypothesis's prediction for every experiment")
    add_predict_arguments(predict)
    predict.set_defaults(handler=handle_predict)

    retrodict = sub.add_parser(
        "retrodict", help="score the hypotheses against the paper or your own logs"
    )
    add_retrodict_arguments(retrodict)
    retrodict.add_argument(
        "--model", default=None, help="with --against LOGDIR: the model whose runs to use"
    )
    retrodict.set_defaults(handler=handle_retrodict)


def handle_predict(args: argparse.Namespace, console: Console) -> int:
    from tiergap.hypotheses.cli import run_predict

    return run_predict(args, console=console)


def handle_retrodict(args: argparse.Namespace, console: Console) -> int:
    from tiergap.hypotheses.cli import run_retrodict

    def from_logs(log_dir: Path) -> dict[str, float]:
        from tiergap.analysis.observations import observations_from_records
        from tiergap.harness.logs import read_records

        result = read_records(log_dir)
        if not result.records:
            raise ValueError(f"no readable samples in {log_dir}")
        return observations_from_records(result.records, args.model)

    return run_retrodict(args, observation_source=from_logs, console=console)
