"""Read inspect ``.eval`` logs into plain :class:`~tiergap.records.SampleRecord` rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.log import EvalSample, list_eval_logs, read_eval_log, read_eval_log_samples

from tiergap.records import SampleRecord


@dataclass
class LogReadResult:
    """Records from every readable log, and the logs that could not be read (with why)."""

    records: list[SampleRecord] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


def find_logs(log_dir: str | Path) -> list[str]:
    folder = Path(log_dir)
    if not folder.exists():
        raise FileNotFoundError(f"log directory not found: {folder}")
    return sorted(info.name for info in list_eval_logs(str(folder), recursive=True))


def _record(
    sample: EvalSample, log_name: str, model: str, task_args: dict[str, object]
) -> SampleRecord:
    meta = sample.metadata or {}
    base = {
        "log": log_name,
        "model": model,
        "scenario": str(meta.get("scenario", "")),
        "scratchpad": str(meta.get("scratchpad", task_args.get("scratchpad", "hidden"))),
        "condition": str(meta.get("condition", "")),
        "query_id": str(meta.get("query_id", sample.id)),
        "epoch": int(sample.epoch),
    }
    score = next(iter((sample.scores or {}).values()), None)
    if sample.error is not None or score is None:
        reason = sample.error.message if sample.error is not None else "not scored"
        return SampleRecord(**base, status="error", error=reason.splitlines()[0][:300])  # type: ignore[arg-type]
    status = str((score.metadata or {}).get("status", "ok"))
    if status == "invalid" or not isinstance(score.value, dict):
        return SampleRecord(**base, status="invalid", error=score.explanation)  # type: ignore[arg-type]
    value = score.value
    return SampleRecord(
        **base,  # type: ignore[arg-type]
        status=status,
        any_emoji=int(value["any_emoji"]),
        emoji_count=int(value["emoji_count"]),
        emoji_per_100w=float(value["emoji_per_100w"]),
        scratchpad_emoji_count=int((score.metadata or {}).get("scratchpad_emoji_count", 0)),
    )


def iter_log_records(path: str) -> Iterator[SampleRecord]:
    header = read_eval_log(path, header_only=True)
    model = header.eval.model
    args = dict(header.eval.task_args or {})
    for sample in read_eval_log_samples(path, all_samples_required=False):
        yield _record(sample, Path(path).name, model, args)


def read_records(log_dir: str | Path) -> LogReadResult:
    """Every sample record under ``log_dir``; a corrupt log is named and skipped, not fatal."""
    result = LogReadResult()
    for path in find_logs(log_dir):
        try:
            rows = list(iter_log_records(path))
        except Exception as err:
            result.unreadable.append((path, f"{type(err).__name__}: {err}"))
            continue
        result.records.extend(rows)
        result.logs.append(path)
    return result
