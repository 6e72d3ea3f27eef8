"""Score saved logs again, e.g. with an LLM judge, without re-querying the policy model.

Runs generation once (``--no-judge``), then classifies later (``tiergap score DIR --judge M``)
with inspect's own ``score``: the scorers are the same ones a run would use, so the numbers
match scoring during the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import score as inspect_score
from inspect_ai.log import read_eval_log, write_eval_log

from tiergap.experiment.scenario import ScenarioError, load_scenario_variant
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
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in find_logs(log_dir):
        log = read_eval_log(path)
        args = dict(log.eval.task_args or {})
        scenario_name = str(args.get("scenario") or (log.eval.metadata or {}).get("scenario") or "")
        if not scenario_name or log.samples is None:
            skipped.append((path, "not a tiergap experiment log, or no samples"))
            continue
        scenario = load_scenario_variant(
            scenario_name,
            str(args.get("tiers") or "two"),
            args.get("system_prompt"),  # type: ignore[arg-type]
        )
        scorers = scenario_scorers(scenario, True, votes, threshold)
        if on_log is not None:
            on_log(path)
        scored = inspect_score(
            log,
            scorers,
            model_roles={"grader": judge} if judge else None,
            action="overwrite",
            display="none",
        )
        target = out_dir / Path(path.split("://", 1)[-1]).name
        write_eval_log(scored, str(target))
        written.append(target)
    return RescoreResult(written, skipped)
