"""``tiergap analyze DIR``: summarise every experiment found in a log folder.

The verdict's parameters come from the options (alpha, a relative or absolute margin) or,
with ``--prereg FILE``, from a pre-registration, whose every difference from the logs is
listed as a deviation.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from tiergap.commands import UsageError

if TYPE_CHECKING:
    from tiergap.analysis.records import SampleRecord
    from tiergap.analysis.summary import ExperimentSummary
    from tiergap.experiment.prereg import Preregistration


def register(sub: Any) -> None:
    parser = sub.add_parser("analyze", help="summarise the logs in a folder")
    parser.add_argument("log_dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--margin",
        type=float,
        default=None,
        help="absolute equivalence margin for no_tier_gap (rate units; default: relative)",
    )
    parser.add_argument(
        "--relative-margin",
        type=float,
        default=0.5,
        help="margin as a share of min(baseline rate, 1 - baseline rate) (default 0.5)",
    )
    parser.add_argument(
        "--margin-floor",
        type=float,
        default=0.02,
        help="smallest relative margin, in rate units (default 0.02)",
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="level of every verdict test, in (0, 0.5)"
    )
    parser.add_argument(
        "--require-control",
        action="store_true",
        help="fail when an experiment has no positive-control condition (requested)",
    )
    parser.add_argument(
        "--prereg",
        type=Path,
        default=None,
        help="pre-registration (tiergap plan --write): check the logs and use its parameters",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, console: Console) -> int:
    return analyze(
        args.log_dir,
        args.json,
        args.margin,
        console,
        relative_margin=args.relative_margin,
        margin_floor=args.margin_floor,
        alpha=args.alpha,
        require_control=args.require_control,
        prereg=args.prereg,
    )


def _open_unit(option: str, value: float) -> None:
    if not math.isfinite(value) or not 0 < value < 1:
        raise UsageError(f"{option} must be between 0 and 1 (a rate difference), got {value:g}")


def analyze(
    log_dir: Path,
    as_json: bool,
    margin: float | None,
    console: Console,
    *,
    relative_margin: float = 0.5,
    margin_floor: float = 0.02,
    alpha: float = 0.05,
    require_control: bool = False,
    prereg: Path | None = None,
) -> int:
    from tiergap.analysis.summary import CONTROL, Settings, summarise
    from tiergap.analysis.verdict import MarginRule
    from tiergap.harness.logs import read_records
    from tiergap.report.terminal import render_summary

    if margin is not None:
        _open_unit("--margin", margin)
    _open_unit("--relative-margin", relative_margin)
    _open_unit("--margin-floor", margin_floor)
    if not math.isfinite(alpha) or not 0 < alpha < 0.5:
        raise UsageError(f"--alpha must be in (0, 0.5), got {alpha:g}")
    plan = None
    if prereg is not None:
        from tiergap.experiment.prereg import load_prereg

        plan = load_prereg(prereg)
    if not log_dir.exists():
        raise UsageError(f"log directory not found: {log_dir}")
    result = read_records(log_dir)
    if not result.logs and not result.unreadable:
        raise UsageError(f"no inspect logs (.eval/.json) found in {log_dir}")
    rule = MarginRule(relative=relative_margin, floor=margin_floor, absolute=margin)
    if require_control:
        _check_controls(result.records, log_dir, CONTROL)
    overrides = None
    if plan is not None:
        if not any(r.scenario == plan.scenario for r in result.records):
            found = ", ".join(sorted({r.scenario for r in result.records})) or "none"
            raise UsageError(
                f"{prereg}: pre-registers scenario {plan.scenario!r}, but {log_dir} holds only: "
                f"{found}"
            )
        overrides = {
            plan.scenario: Settings(
                alpha=plan.alpha,
                margin=plan.margin,
                require_control=plan.positive_control is not None,
                primary_metric=plan.primary_metric,
            )
        }
    summaries = summarise(
        result.records,
        rule,
        alpha=alpha,
        require_control=require_control,
        overrides=overrides,
    )
    folder_deviations: list[str] = []
    if plan is not None:
        summaries, folder_deviations = _check_prereg(plan, log_dir, result.records, summaries)
    from tiergap.analysis.paraphrases import analyse as analyse_paraphrases
    from tiergap.analysis.pooled import pool_records
    from tiergap.experiment.variants import families
    from tiergap.harness.judges import folder_agreement

    worded = analyse_paraphrases(result.records)
    set_aside = {s.log for s in result.stale}
    agreement = folder_agreement([p for p in result.logs if Path(p).name not in set_aside])
    pooled = pool_records(result.records, families().get("orthogonal"), alpha=alpha)
    if as_json:
        payload: dict[str, Any] = {
            "models": [s.to_json() for s in summaries],
            "statuses": status_counts(result.records),
            "paraphrases": [a.to_json() for a in worded],
            "pooled_objectives": [p.to_json() for p in pooled],
            "judge_agreement": agreement,
            "unreadable_logs": [{"log": p, "error": e} for p, e in result.unreadable],
            "superseded_samples": result.superseded,
            "stale_logs": [dataclasses.asdict(s) for s in result.stale],
        }
        if plan is not None:
            payload["prereg"] = {"file": str(prereg), "deviations": folder_deviations}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        render_summary(console, summaries)
        for counts in status_counts(result.records):
            unscored = {k: counts["statuses"].get(k, 0) for k in ("truncated", "looping")}
            if any(unscored.values()) or counts["reasoning"].get("summary"):
                console.print(
                    f"{escape(counts['model'])} · {counts['scenario']} · {counts['scratchpad']}: "
                    + ", ".join(f"{v} {k}" for k, v in unscored.items())
                    + " (counted, not scored); reasoning "
                    + ", ".join(f"{k} {v}" for k, v in sorted(counts["reasoning"].items())),
                    highlight=False,
                )
        for p in pooled:
            gap = p.gaps["free_minus_paid"]
            console.print(
                f"{escape(p.model)} · orthogonal objectives pooled ({gap.k}): free − paid "
                f"{gap.estimate:+.3f} [{gap.ci_low:+.3f}, {gap.ci_high:+.3f}]; "
                f"{p.sign['positive']}/{p.sign['nonzero']} objectives positive; "
                f"pooled verdict: {p.verdict}",
                highlight=False,
            )
        for a in worded:
            share = a.variance.paraphrase_share
            console.print(
                f"{escape(a.model)} · {a.scenario}: pooled {a.metric} gap over "
                f"{len(a.paraphrases)} paraphrases {a.crossed.estimate:+.3f} "
                f"[{a.crossed.ci_low:+.3f}, {a.crossed.ci_high:+.3f}] (queries and wording "
                f"random); wording explains "
                + ("–" if math.isnan(share) else f"{share:.0%}")
                + " of the variance",
                highlight=False,
            )
        for name, row in agreement.items():
            kappa = row["cohen_kappa"]
            console.print(
                f"graders agree on {name}: {row['percent']:.0%} of {row['n']} samples both "
                "could label; Cohen's kappa "
                + ("undefined (one class)" if kappa is None else f"{kappa:.2f}"),
                highlight=False,
            )
        for deviation in folder_deviations:
            console.print(f"[yellow]deviation from the pre-registration[/]: {escape(deviation)}")
        for path, error in result.unreadable:
            console.print(f"[yellow]skipped unreadable log[/] {path}: {error}")
        if result.superseded:
            console.print(
                f"{result.superseded} older copies of samples (from an interrupted, resumed or "
                "grown run) were set aside: each sample is counted once, from its newest log"
            )
    for stale in result.stale:  # on stderr, so --json keeps stdout a JSON document
        Console(stderr=True).print(
            f"note: {escape(stale.message())}", highlight=False, soft_wrap=True
        )
    return 0


def status_counts(records: list[SampleRecord]) -> list[dict[str, Any]]:
    """How every experiment's samples were read: parse statuses (``truncated`` and ``looping``
    counted apart from ``invalid``; ``untagged`` apart from ``ok``) and reasoning levels."""
    statuses: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    reasoning: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for r in records:
        statuses[r.experiment][r.status] += 1
        if r.reasoning:
            reasoning[r.experiment][r.reasoning] += 1
    return [
        {
            "model": key[0],
            "scenario": key[1],
            "scratchpad": key[2],
            "statuses": dict(sorted(statuses[key].items())),
            "reasoning": dict(sorted(reasoning[key].items())),
        }
        for key in sorted(statuses)
    ]


def _check_controls(records: list[SampleRecord], log_dir: Path, control: str) -> None:
    """--require-control: every orthogonal-objective experiment must have run the control."""
    conditions: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    conflicting: set[tuple[str, str, str]] = set()
    for r in records:
        conditions[r.experiment].add(r.condition)
        if r.conflicts_with_values:
            conflicting.add(r.experiment)
    for key in sorted(conditions):
        if key not in conflicting and control not in conditions[key]:
            model, scenario, mode = key
            raise UsageError(
                f"{log_dir}: {model} · {scenario} · scratchpad {mode} has no positive-control "
                f"condition {control!r} (required by --require-control); run it with "
                f"--conditions free,paid,baseline,{control}"
            )


def _prompt_hashes(
    log_dir: Path, records: list[SampleRecord]
) -> tuple[dict[tuple[str, str, str], dict[tuple[str, str], set[str]]], list[str]]:
    """System-prompt hashes the logs recorded, by experiment and (condition, lab).

    Read from the logs' sample summaries (fast); a log without them (still running, or a
    ``.json`` log) is read sample by sample. Logs whose hashes cannot be read are named.
    """
    from tiergap.harness.inspect_private import finished_log_summaries_json
    from tiergap.harness.logs import find_logs
    from tiergap.harness.transcripts import read_log_details

    experiment_of = {r.log: r.experiment for r in records}
    hashes: dict[tuple[str, str, str], dict[tuple[str, str], set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    problems: list[str] = []
    for path in find_logs(log_dir):
        key = experiment_of.get(Path(path).name)
        if key is None:
            continue
        rows = finished_log_summaries_json(path)
        if rows is None:
            try:
                info, _ = read_log_details(path, per_condition=0)
            except Exception as err:  # any reader failure: named, the rest is still checked
                problems.append(f"system-prompt hashes of {path} could not be read: {err}")
                continue
            for prompt in info.system_prompts:
                hashes[key][(prompt.condition, prompt.lab)].add(prompt.sha)
            continue
        for row in rows:
            meta = row.get("metadata") or {}
            if "system_prompt_sha" in meta:
                condition = str(meta.get("condition", ""))
                hashes[key][(condition, str(meta.get("lab", "")))].add(
                    str(meta["system_prompt_sha"])
                )
    return hashes, problems


def _check_prereg(
    plan: Preregistration,
    log_dir: Path,
    records: list[SampleRecord],
    summaries: list[ExperimentSummary],
) -> tuple[list[ExperimentSummary], list[str]]:
    """Attach to each pre-registered experiment its deviations; return folder-level ones."""
    from tiergap.analysis.summary import TIERS
    from tiergap.experiment.prereg import ObservedExperiment, deviations, scenario_drift

    hashes, problems = _prompt_hashes(log_dir, records)
    by_key: dict[tuple[str, str, str], list[SampleRecord]] = defaultdict(list)
    for r in records:
        by_key[r.experiment].append(r)
    drift = scenario_drift(plan)
    out = []
    for s in summaries:
        if s.scenario != plan.scenario:
            out.append(s)
            continue
        key = (s.model, s.scenario, s.scratchpad)
        rows = by_key[key]
        primary = Counter(r.primary_metric for r in rows).most_common(1)[0][0]
        seen = ObservedExperiment(
            model=s.model,
            scenario=s.scenario,
            scratchpad=s.scratchpad,
            conditions=tuple(s.conditions),
            query_ids=tuple(sorted({r.query_id for r in rows if r.condition in TIERS})),
            n_queries=s.n_queries,
            epochs=s.epochs,
            seeds=s.seeds,
            primary_metric=primary,
            prompt_hashes={k: frozenset(v) for k, v in hashes.get(key, {}).items()},
        )
        out.append(replace(s, deviations=tuple(deviations(plan, seen) + drift)))
    ran = {s.model for s in summaries if s.scenario == plan.scenario}
    folder = [f"model {m} was pre-registered but not run" for m in plan.models if m not in ran]
    return out, folder + problems
