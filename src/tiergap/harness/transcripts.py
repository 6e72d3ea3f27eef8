"""Run metadata and example transcripts from inspect logs, as plain data for reports.

Transcripts are the first few queries of each run, the same queries in every condition, so a
reader compares a free-tier answer with the paid-tier and baseline answers to the same request.
They are not selected for showing an effect.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, read_eval_log, read_eval_log_samples
from inspect_ai.model import ChatMessageAssistant, ChatMessageUser

from tiergap.harness.logs import find_logs
from tiergap.measure.parsing import parse_response
from tiergap.report.data import LogDetails, RunInfo, SystemPromptHash, Transcript

#: Longest text kept per transcript part; longer text is cut and marked as truncated.
MAX_CHARS = 6000


def _clip(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit], True


def _user_text(sample: EvalSample) -> str:
    for message in sample.messages:
        if isinstance(message, ChatMessageUser):
            return message.text
    return sample.input if isinstance(sample.input, str) else ""


def transcript_of(
    sample: EvalSample, model: str, scratchpad_mode: str, max_chars: int = MAX_CHARS
) -> Transcript:
    """The sample's user turn, scratchpad and output, split the way the scorer split them."""
    meta = sample.metadata or {}
    assistant = "\n".join(m.text for m in sample.messages if isinstance(m, ChatMessageAssistant))
    parsed = parse_response(assistant, scratchpad_expected=scratchpad_mode == "hidden")
    status = parsed.status.value
    error = None
    if sample.error is not None:
        status, error = "error", sample.error.message.splitlines()[0][:300]
    user, cut_user = _clip(_user_text(sample), max_chars)
    pad, cut_pad = _clip(parsed.scratchpad, max_chars)
    output, cut_out = _clip(parsed.output, max_chars)
    return Transcript(
        model=model,
        scenario=str(meta.get("scenario", "")),
        scratchpad_mode=scratchpad_mode,
        condition=str(meta.get("condition", "")),
        query_id=str(meta.get("query_id", sample.id)),
        epoch=int(sample.epoch),
        status=status,
        user=user,
        scratchpad=pad,
        output=output,
        error=error,
        truncated=cut_user or cut_pad or cut_out,
    )


def _pick(by_condition: dict[str, list[Transcript]], per_condition: int) -> list[Transcript]:
    """The first ``per_condition`` queries present in every condition (else each one's first)."""
    if not by_condition:
        return []
    conditions = list(by_condition)
    ids = [{t.query_id for t in by_condition[c]} for c in conditions]
    common = set.intersection(*ids)
    order = [t.query_id for t in by_condition[conditions[0]] if t.query_id in common]
    chosen = order[:per_condition]
    picked: list[Transcript] = []
    for c in conditions:
        rows = by_condition[c]
        if len(chosen) == per_condition:
            wanted = {q: t for t in rows if (q := t.query_id) in chosen}
            picked += [wanted[q] for q in chosen]
        else:
            picked += rows[:per_condition]
    return picked


def _run_info(
    header: EvalLog, name: str, samples: int, prompts: set[tuple[str, str, str]]
) -> RunInfo:
    spec = header.eval
    packages: dict[str, Any] = dict(spec.packages or {})
    args = dict(spec.task_args or {})
    meta = dict(spec.metadata or {})
    # the seed the records are keyed by (tiergap.harness.logs): the plan's generate config
    seed = header.plan.config.seed if header.plan is not None else None
    if seed is None and spec.model_generate_config is not None:
        seed = spec.model_generate_config.seed
    return RunInfo(
        log=name,
        model=spec.model,
        task=spec.task,
        scenario=str(meta.get("scenario", args.get("scenario", spec.task))),
        scratchpad=str(meta.get("scratchpad", args.get("scratchpad", ""))),
        status=str(header.status),
        created=str(spec.created),
        samples=samples,
        epochs=spec.config.epochs if spec.config else None,
        seed=seed,
        tiergap_version=None if "tiergap" not in packages else str(packages["tiergap"]),
        inspect_version=None if "inspect_ai" not in packages else str(packages["inspect_ai"]),
        task_args=tuple(sorted((str(k), repr(v)) for k, v in args.items())),
        system_prompts=tuple(
            SystemPromptHash(condition=c, sha=s, lab=lab) for c, s, lab in sorted(prompts)
        ),
    )


def read_log_details(
    path: str, per_condition: int = 3, max_chars: int = MAX_CHARS
) -> tuple[RunInfo, list[Transcript]]:
    """One log's run metadata and up to ``per_condition`` first-epoch transcripts per condition."""
    header = read_eval_log(path, header_only=True)
    model = header.eval.model
    mode_default = str((header.eval.task_args or {}).get("scratchpad", "hidden"))
    prompts: set[tuple[str, str, str]] = set()
    by_condition: dict[str, list[Transcript]] = defaultdict(list)
    # Keep a few spare candidates so that queries missing from one condition can be skipped.
    keep = 3 * per_condition
    count = 0
    for sample in read_eval_log_samples(path, all_samples_required=False):
        count += 1
        meta = sample.metadata or {}
        condition = str(meta.get("condition", ""))
        if "system_prompt_sha" in meta:
            prompts.add((condition, str(meta["system_prompt_sha"]), str(meta.get("lab", ""))))
        if sample.epoch == 1 and len(by_condition[condition]) < keep:
            mode = str(meta.get("scratchpad", mode_default))
            by_condition[condition].append(transcript_of(sample, model, mode, max_chars))
    info = _run_info(header, Path(path).name, count, prompts)
    return info, _pick(dict(by_condition), per_condition) if per_condition > 0 else []


def read_details(
    log_dir: str | Path, per_condition: int = 3, max_chars: int = MAX_CHARS
) -> LogDetails:
    """Metadata and transcripts for every log under ``log_dir``; unreadable logs are named."""
    runs: list[RunInfo] = []
    transcripts: list[Transcript] = []
    unreadable: list[tuple[str, str]] = []
    for path in find_logs(log_dir):
        try:
            info, rows = read_log_details(path, per_condition, max_chars)
        except Exception as err:
            unreadable.append((path, f"{type(err).__name__}: {err}"))
            continue
        runs.append(info)
        transcripts.extend(rows)
    return LogDetails(tuple(runs), tuple(transcripts), tuple(unreadable))
