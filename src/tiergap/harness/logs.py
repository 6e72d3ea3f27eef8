"""Read inspect ``.eval`` logs into plain :class:`~tiergap.analysis.records.SampleRecord` rows.

Records come from the logs' sample summaries (ids, metadata, scores and error messages), which
inspect stores apart from the full transcripts, so a folder of 100k samples reads in seconds.

A folder may hold the same sample more than once: a run interrupted and resumed leaves the
interrupted log beside the finished one, which reuses its samples. Each sample, identified by
(model, scenario, scratchpad mode, seed, condition, query, epoch), is counted once, from the
newest log that holds it; :attr:`LogReadResult.superseded` says how many older copies were
set aside. A log that cannot be read is named with the reason and the rest are read.

Runs are identified by their content (:mod:`tiergap.experiment.identity`): when a folder holds
logs of one experiment on one model with different content hashes (the system prompt, a
query or the scenario file was edited between runs), only the newest content is read; the
older logs are listed in :attr:`LogReadResult.stale` with both hashes, never pooled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from inspect_ai.log import (
    EvalLog,
    list_eval_logs,
    read_eval_log,
    read_eval_log_sample_summaries,
)
from inspect_ai.scorer import Score

from tiergap.analysis.records import UNUSABLE, SampleRecord, Source
from tiergap.harness.inspect_private import finished_log_summaries_json
from tiergap.harness.secrets import redact


@dataclass
class LogReadResult:
    """Records from every readable log, and the logs that could not be read (with why)."""

    records: list[SampleRecord] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    superseded: int = 0
    """Older copies of samples also found in a newer log (a resumed run): counted once."""
    stale: list[StaleLog] = field(default_factory=list)
    """Logs set aside because a newer run of the same experiment has different content."""


@dataclass(frozen=True)
class StaleLog:
    """A log of an experiment whose prompts, queries or scenario file changed since."""

    log: str
    model: str
    scenario: str
    content_hash: str
    newer_log: str
    newer_content_hash: str

    def message(self) -> str:
        return (
            f"set aside {self.log} ({self.model} · {self.scenario}, content "
            f"{self.content_hash}): {self.newer_log} is a newer run of the same experiment "
            f"with different content ({self.newer_content_hash}); runs with different "
            "prompts, queries or scenario files are never pooled"
        )


def find_logs(log_dir: str | Path) -> list[str]:
    folder = Path(log_dir)
    if not folder.exists():
        raise FileNotFoundError(f"log directory not found: {folder}")
    if not folder.is_dir():
        raise ValueError(f"log directory {folder} is a file, not a folder")
    return sorted(info.name for info in list_eval_logs(str(folder), recursive=True))


_RETRY_ERROR = re.compile(r"^RetryError\(<Future .*? raised (\w+)>\)")


def error_reason(message: str, limit: int = 300) -> str:
    """One readable line for a sample's error message, with any secret redacted.

    inspect records a call that failed on every retry as tenacity's ``RetryError(<Future ...
    raised InternalServerError>)``; that is shown as ``InternalServerError (still failing
    after retries)``.
    """
    lines = message.strip().splitlines()
    first = lines[0] if lines else ""
    retried = _RETRY_ERROR.match(first)
    if retried:
        first = f"{retried.group(1)} (still failing after retries)"
    return redact(first[:limit]) or "error (no message)"


@dataclass(frozen=True)
class _RawScore:
    """The parts of a score tiergap reads, straight from JSON (a pydantic ``Score`` costs
    ~0.2 ms to construct even unvalidated: most of the time of 100k samples)."""

    value: Any
    explanation: str | None
    metadata: dict[str, Any] | None


def _build(
    *,
    sample_id: int | str,
    epoch: int,
    metadata: Mapping[str, Any],
    scores: Mapping[str, Score | _RawScore] | None,
    error: str | None,
    log_name: str,
    model: str,
    task_args: Mapping[str, object],
    task_metadata: Mapping[str, Any],
    seed: int,
) -> SampleRecord:
    def measured(key: str, default: Any) -> Any:
        return metadata.get(key, task_metadata.get(key, default))

    base: dict[str, Any] = {
        "log": log_name,
        "model": model,
        "scenario": str(metadata.get("scenario", "")),
        "scratchpad": str(metadata.get("scratchpad", task_args.get("scratchpad", "hidden"))),
        "condition": str(metadata.get("condition", "")),
        "query_id": str(metadata.get("query_id", sample_id)),
        "epoch": int(epoch),
        "seed": seed,
        "primary_metric": str(measured("primary_metric", "any_emoji")),
        "primary_label": str(measured("primary_label", "emoji")),
        "conflicts_with_values": bool(measured("conflicts_with_values", False)),
        "paraphrase": str(metadata.get("paraphrase", "")),
    }
    scores = scores or {}
    # The task's first scorer (its detector, or the response scorer) carries the parse status.
    score = next(iter(scores.values()), None)
    if error is not None or score is None:
        reason = error_reason(error) if error is not None else "not scored"
        return SampleRecord(**base, status="error", error=reason)
    base["values"], base["methods"] = _all_values(scores)
    base["sources"], base["unjudged"] = _sources(scores)
    status = str((score.metadata or {}).get("status", "ok"))
    base["reasoning"] = str((score.metadata or {}).get("reasoning", ""))
    if status in UNUSABLE or not isinstance(score.value, dict):
        # no answer to measure (invalid, truncated, looping): counted under its own status
        explanation = None if score.explanation is None else redact(score.explanation)
        unscored = status if status in UNUSABLE else "invalid"
        return SampleRecord(**base, status=unscored, error=explanation)
    value = score.value
    if "any_emoji" not in value:
        return SampleRecord(**base, status=status)
    return SampleRecord(
        **base,
        status=status,
        any_emoji=int(value["any_emoji"]),
        emoji_count=int(value["emoji_count"]),
        emoji_per_100w=float(value["emoji_per_100w"]),
        scratchpad_emoji_count=_optional_int(
            (score.metadata or {}).get("scratchpad_emoji_count", 0)
        ),
    )


def _optional_int(value: Any) -> int | None:
    """A count, or ``None`` where it was not measured (no scratchpad: missing, not zero)."""
    return None if value is None else int(value)


def _all_values(
    scores: Mapping[str, Score | _RawScore],
) -> tuple[dict[str, float], dict[str, str]]:
    """Finite numeric values of every scorer, and each classifier's method."""
    values: dict[str, float] = {}
    methods: dict[str, str] = {}
    for name, score in scores.items():
        if isinstance(score.value, dict):
            for key, value in score.value.items():
                if isinstance(value, int | float) and math.isfinite(value):
                    values[key] = float(value)
        method = (score.metadata or {}).get("method")
        if method:
            methods[name] = str(method)
    return values, methods


def _sources(
    scores: Mapping[str, Score | _RawScore],
) -> tuple[dict[str, Source], dict[str, str]]:
    """Which classifier (judge with its grader and votes, or heuristic) wrote each value key,
    and why a key has no value (the score's explanation)."""
    sources: dict[str, Source] = {}
    unjudged: dict[str, str] = {}
    for score in scores.values():
        meta = score.metadata or {}
        method = meta.get("method")
        if not method or not isinstance(score.value, dict):
            continue
        votes = meta.get("votes")
        source = Source(
            str(method),
            None if meta.get("grader") is None else str(meta["grader"]),
            int(votes) if isinstance(votes, int) and meta.get("grader") else None,
        )
        for key, value in score.value.items():
            if key.endswith("_fraction") or not isinstance(value, int | float):
                continue
            if math.isfinite(value):
                sources[key] = source
            else:
                unjudged[key] = redact(str(score.explanation or "no value"))[:200]
    return sources, unjudged


def _seed(header: EvalLog) -> int:
    seed = header.plan.config.seed if header.plan is not None else None
    return int(seed) if seed is not None else 0


def _raw_scores(row: Mapping[str, Any]) -> dict[str, _RawScore] | None:
    scores = row.get("scores")
    if not isinstance(scores, dict):
        return None
    return {
        str(name): _RawScore(
            value=score.get("value"),
            explanation=score.get("explanation"),
            metadata=score.get("metadata"),
        )
        for name, score in scores.items()
        if isinstance(score, dict)
    }


def _log_records(path: str) -> tuple[EvalLog, list[SampleRecord]]:
    header = read_eval_log(path, header_only=True)
    model = header.eval.model
    args = dict(header.eval.task_args or {})
    task_metadata = dict(header.eval.metadata or {})
    seed = _seed(header)
    name = Path(path).name
    raw = finished_log_summaries_json(path) if header.status != "started" else None
    if raw is not None:
        records = [
            _build(
                sample_id=row.get("id", ""),
                epoch=int(row.get("epoch", 1)),
                metadata=row.get("metadata") or {},
                scores=_raw_scores(row),
                error=row.get("error"),
                log_name=name,
                model=model,
                task_args=args,
                task_metadata=task_metadata,
                seed=seed,
            )
            for row in raw
        ]
        return header, records
    records = [
        _build(
            sample_id=summary.id,
            epoch=summary.epoch,
            metadata=summary.metadata,
            scores=summary.scores,
            error=summary.error,
            log_name=name,
            model=model,
            task_args=args,
            task_metadata=task_metadata,
            seed=seed,
        )
        for summary in read_eval_log_sample_summaries(path)
    ]
    return header, records


def _unreadable_reason(err: Exception) -> str:
    reason = f"{type(err).__name__}: {err}"
    if "EOCD" in reason or "BadZipFile" in reason or "zip" in reason.lower():
        return f"not a complete .eval archive: truncated or corrupt ({reason})"
    return reason


def sample_key(record: SampleRecord) -> tuple[str, str, str, int, str, str, int, str]:
    """What makes two records the same sample: experiment, seed, condition, query, epoch and
    paraphrase."""
    return (
        record.model,
        record.scenario,
        record.scratchpad,
        record.seed,
        record.condition,
        record.query_id,
        record.epoch,
        record.paraphrase,
    )


def _content(header: EvalLog) -> str:
    return str((header.eval.metadata or {}).get("content_hash", "unrecorded"))


def _pooled_as(header: EvalLog) -> tuple[str, str, str]:
    """What the analysis pools a log's samples under: model, scenario and scratchpad mode."""
    meta = header.eval.metadata or {}
    scenario = str(meta.get("scenario", header.eval.task))
    return (header.eval.model, scenario, str(meta.get("scratchpad", "")))


def _stale_logs(logs: list[tuple[str, EvalLog]]) -> list[StaleLog]:
    """Logs (oldest first) that the analysis would pool with newer logs of different content.

    Keyed on what the analysis pools (model, scenario, mode), not on every task argument: a
    three-tier run after a two-tier one, or an edited prompt, is different content, and mixing
    their samples would compare prompts that differ in more than the tier tag. Replicates
    (seeds), other judges and grown runs share the content and are kept."""
    newest: dict[tuple[str, str, str], tuple[str, EvalLog]] = {}
    for path, header in logs:
        newest[_pooled_as(header)] = (path, header)
    stale: list[StaleLog] = []
    for path, header in logs:
        newer_path, newer = newest[_pooled_as(header)]
        if _content(header) != _content(newer):
            stale.append(
                StaleLog(
                    log=Path(path).name,
                    model=header.eval.model,
                    scenario=str((header.eval.metadata or {}).get("scenario", header.eval.task)),
                    content_hash=_content(header),
                    newer_log=Path(newer_path).name,
                    newer_content_hash=_content(newer),
                )
            )
    return stale


def log_order(created: str, path: str) -> tuple[str, int, str]:
    """Sort key, oldest log first. inspect's ``created`` has whole seconds, so two runs
    started in the same second (a re-run after an edit, in a script) are told apart by when
    their files were last written, never by the random part of their names."""
    local = unquote(urlparse(path).path) if path.startswith("file://") else path
    try:
        written = Path(local).stat().st_mtime_ns if "://" not in local else 0
    except OSError:  # gone, or not a local file: creation time and name only
        written = 0
    return (created, written, path)


def read_records(log_dir: str | Path) -> LogReadResult:
    """Every sample under ``log_dir`` once; a corrupt log is named and skipped, not fatal."""
    result = LogReadResult()
    loaded: list[tuple[str, str, list[SampleRecord]]] = []
    headers: dict[str, EvalLog] = {}
    for path in find_logs(log_dir):
        try:
            header, rows = _log_records(path)
        except Exception as err:
            result.unreadable.append((path, redact(_unreadable_reason(err))))
            continue
        loaded.append((header.eval.created, path, rows))
        headers[path] = header
        result.logs.append(path)
    loaded.sort(key=lambda item: log_order(item[0], item[1]))
    result.stale = _stale_logs([(path, headers[path]) for _, path, _ in loaded])
    set_aside = {s.log for s in result.stale}
    newest: dict[tuple[str, str, str, int, str, str, int, str], SampleRecord] = {}
    for _, path, rows in loaded:
        if Path(path).name in set_aside:
            continue
        for row in rows:
            key = sample_key(row)
            if key in newest:
                result.superseded += 1
            newest[key] = row
    result.records = list(newest.values())
    return result
