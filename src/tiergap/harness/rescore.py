"""Score saved logs again, e.g. with an LLM judge, without re-querying the policy model.

Runs generation once (``--no-judge``), then classifies later (``tiergap score DIR --judge M``)
with inspect's own ``score``: the scorers are the same ones a run would use, so the numbers
match scoring during the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import score as inspect_score
from inspect_ai.log import read_eval_log, write_eval_log

from tiergap.experiment.scenario import ScenarioError
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.logs import find_logs
from tiergap.harness.tasks import scenario_scorers


@dataclass(frozen=True)
class RescoreResult:
    written: list[Path]
    skipped: list[tuple[str, str]]


def rescore_logs(
    log_dir: Path,
    out_dir: Path,
    judge: str | None,
    votes: int,
    threshold: float,
    on_log: Callable[[str], None] | None = None,
) -> RescoreResult:
    """Re-score every tiergap log in ``log_dir`` into ``out_dir`` (the originals are kept)."""
    if out_dir.resolve() == log_dir.resolve():
        raise ScenarioError("the output folder must differ from the log folder")
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in find_logs(log_dir):
        log = read_eval_log(path)
        args = dict(log.eval.task_args or {})
        args.setdefault("scenario", (log.eval.metadata or {}).get("scenario"))
        if not args["scenario"] or log.samples is None:
            skipped.append((path, "not a tiergap experiment log, or no samples"))
            continue
        spec = dataclasses.replace(
            ExperimentSpec.from_log(args), judges=True, votes=votes, threshold=threshold
        )
        scenario = spec.load_scenario()
        scorers = scenario_scorers(scenario, True, spec.votes, spec.threshold)
        if on_log is not None:
            on_log(path)
        scored = inspect_score(
            log,
            scorers,
            model_roles={"grader": judge} if judge else None,
            action="overwrite",
            display="none",
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / Path(path.split("://", 1)[-1]).name
        write_eval_log(scored, str(target))
        written.append(target)
    return RescoreResult(written, skipped)
