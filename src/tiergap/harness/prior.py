"""The logs earlier runs left in a log folder: what a new run reuses, and what it cannot.

inspect's eval set pairs each task with the newest log of the same task identity (tiergap's
run identity, :mod:`tiergap.experiment.identity`) and reuses that log's finished samples by
(id, epoch) when the task's dataset is the same or larger. This module reads the folder the
same way before anything runs, so that:

- a run never shrinks below what the folder already holds for its identity
  (:func:`grown_spec`): a smaller ``-n``, fewer conditions or epochs would make inspect drop
  (and clean up) samples already paid for, so the run keeps them instead and says so;
- ``--dry-run`` and ``--max-cost`` count exactly the samples inspect will request
  (:func:`reusable_samples`);
- a run whose content changed (an edited prompt, query or scenario file) is reported as a
  new run beside the old one (:func:`changed_content`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from tiergap.experiment.identity import experiment_key
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.inspect_private import finished_log_summaries_json
from tiergap.harness.logs import log_order


@dataclass(frozen=True)
class PriorLog:
    """One readable log of the folder (its header only)."""

    path: str
    header: EvalLog

    @property
    def model(self) -> str:
        return self.header.eval.model

    @property
    def run_identity(self) -> str | None:
        value = (self.header.eval.metadata or {}).get("run_identity")
        return None if value is None else str(value)

    @property
    def content_hash(self) -> str | None:
        value = (self.header.eval.metadata or {}).get("content_hash")
        return None if value is None else str(value)

    @property
    def experiment(self) -> str:
        """The task arguments that identify the experiment (content and growth aside)."""
        return experiment_key(self.header.eval.task_args or {})


def prior_logs(log_dir: Path) -> list[PriorLog]:
    """Every readable log in ``log_dir``, oldest first (unreadable ones are analyze's to name)."""
    if not log_dir.is_dir():
        return []
    found: list[PriorLog] = []
    for info in list_eval_logs(str(log_dir), recursive=True):
        try:
            header = read_eval_log(info.name, header_only=True)
        except Exception:  # a corrupt log is reported by analyze, not here
            continue
        found.append(PriorLog(info.name, header))
    return sorted(found, key=lambda p: log_order(p.header.eval.created, p.path))


def latest(logs: Iterable[PriorLog], model: str, identity: str) -> PriorLog | None:
    """The newest log of ``identity`` on ``model`` (the one inspect resumes or tops up)."""
    matching = [p for p in logs if p.model == model and p.run_identity == identity]
    return matching[-1] if matching else None


def grown_spec(spec: ExperimentSpec, previous: Sequence[PriorLog]) -> ExperimentSpec:
    """``spec`` grown to hold every sample ``previous`` logs of its identity already hold:
    the larger ``n``, the union of conditions, the larger ``epochs``."""
    if not previous:
        return spec
    n, conditions, epochs = spec.n, spec.conditions, spec.epochs
    scenario = spec.load_scenario()
    for log in previous:
        args = log.header.eval.task_args or {}
        old_n = args.get("n")
        n = None if n is None or old_n is None else max(n, int(old_n))
        old_conditions = args.get("conditions")
        if conditions is None or not old_conditions:
            conditions = None
        else:
            wanted = set(conditions) | {str(c) for c in old_conditions}
            conditions = tuple(c for c in scenario.conditions if c in wanted)
        epochs = max(epochs, int(args.get("epochs") or 1))
    if (n, conditions, epochs) == (spec.n, spec.conditions, spec.epochs):
        return spec
    return ExperimentSpec.from_values(
        {**spec.task_args(), "n": n, "conditions": conditions, "epochs": epochs}
    )


def _finished_ids(path: str) -> set[tuple[str, int]]:
    """(sample id, epoch) of every sample of the log that finished without an error."""
    rows = finished_log_summaries_json(path)
    if rows is not None:
        return {(str(r.get("id")), int(r.get("epoch", 1))) for r in rows if r.get("error") is None}
    return {
        (str(s.id), int(s.epoch)) for s in read_eval_log_sample_summaries(path) if s.error is None
    }


def reusable_samples(prior: PriorLog | None, wanted: set[tuple[str, int]], epochs: int) -> int:
    """How many of the ``wanted`` (sample id, epoch) pairs inspect will reuse from ``prior``
    rather than request, following its eval-set rules: a finished log that holds at least
    as many samples as planned (same epochs) is complete; otherwise finished samples are
    reused by id and epoch when the dataset is the same size or larger, and none when smaller.
    """
    if prior is None:
        return 0
    header = prior.header
    planned = len(wanted)
    results = header.results
    same_epochs = (header.eval.config.epochs or 1) == epochs
    if header.status == "success" and not header.invalidated and same_epochs and results:
        held = (
            results.logged_samples if results.logged_samples is not None else results.total_samples
        )
        if held >= planned:
            return planned
    dataset_size = planned // max(1, epochs)
    previous_size = header.eval.dataset.samples
    if previous_size is not None and previous_size > dataset_size:
        return 0
    try:
        return len(_finished_ids(prior.path) & wanted)
    except Exception:  # an unreadable log is simply not reused
        return 0


def changed_content(
    logs: Iterable[PriorLog], spec: ExperimentSpec, model: str, content: str
) -> list[PriorLog]:
    """Logs of the same experiment on ``model`` run with different content (an edited prompt,
    query or scenario file): the new run starts afresh beside them."""
    experiment = experiment_key(spec.task_args())
    return [
        p
        for p in logs
        if p.model == model
        and p.content_hash is not None
        and p.content_hash != content
        and p.experiment == experiment
    ]
