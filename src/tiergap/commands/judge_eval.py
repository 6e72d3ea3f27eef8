"""``tiergap judge-eval LABELS``: measure a classifier against human labels before trusting it.

``--heuristic`` scores the keyword heuristics offline; ``--judge MODEL`` runs the LLM judge
through inspect with MODEL as the grader (``--judge2 MODEL`` adds a second grader and an
agreement report). LABELS is a JSON (``{"samples": [{"text", "label"}]}``), JSONL or CSV file,
or the name of a shipped corpus (``af``, ``rs``, ``compliance``), whose ``--split`` defaults to
``test``. The report: accuracy, precision, recall, F1 and AUROC (from the vote fraction or the
heuristic's score) with bootstrap 95% intervals, a calibration table, and per-kind accuracy.
A grader that fails part way keeps what it scored in ``--log-dir``; the same command resumes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.commands import UsageError, positive_int, print_error
from tiergap.experiment.execution import DEFAULT_LOG_DIR

SPLITS = ("train", "dev", "test", "all")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "judge-eval",
        help="measure a judge or the heuristics against human labels",
        description="Accuracy, precision, recall, F1 and AUROC (bootstrap 95%% CIs) of a "
        "classifier on a labelled set.",
    )
    parser.add_argument(
        "labels", help="labels file (JSON/JSONL/CSV) or a shipped corpus: af, rs, compliance"
    )
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--heuristic", action="store_true", help="score the keyword heuristics")
    how.add_argument("--judge", metavar="MODEL", help="grader model, e.g. openai/gpt-4o")
    parser.add_argument("--judge2", metavar="MODEL", help="second grader (agreement report)")
    parser.add_argument(
        "--model-role",
        action="append",
        default=[],
        metavar="ROLE=MODEL",
        help="bind an inspect model role (grader=..., grader2=...); repeatable",
    )
    parser.add_argument(
        "--criteria",
        default=None,
        help="af, rs, compliance, divergence or anti_lab (default: the shipped corpus's, else af)",
    )
    parser.add_argument("--positive", default=None, metavar="LABEL", help="the positive class")
    parser.add_argument(
        "--split", choices=SPLITS, default=None, help="default: test for a shipped corpus, else all"
    )
    parser.add_argument(
        "--votes", type=positive_int, default=None, help="judge votes (default 20; compliance 1)"
    )
    parser.add_argument("--threshold", type=float, default=0.4, help="vote fraction for a yes")
    parser.add_argument("--temperature", type=float, default=1.0, help="judge vote temperature")
    parser.add_argument("--limit", type=positive_int, default=None, help="first N items only")
    parser.add_argument("--errors", type=Path, default=None, help="write misread items (JSONL)")
    parser.add_argument(
        "--log-dir", type=Path, default=DEFAULT_LOG_DIR / "judge-eval", help="judge logs"
    )
    parser.add_argument("--bootstrap", type=positive_int, default=2000, help="resamples")
    parser.add_argument("--retry-attempts", type=int, default=2, help="eval-set retries")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.set_defaults(handler=handle)


def _roles(args: argparse.Namespace) -> dict[str, str]:
    roles: dict[str, str] = {}
    for spec in args.model_role:
        role, sep, model = spec.partition("=")
        if not sep or not role.strip() or not model.strip():
            raise UsageError(f"--model-role expects ROLE=MODEL, got {spec!r}")
        roles[role.strip()] = model.strip()
    if args.judge:
        roles["grader"] = args.judge
    if args.judge2:
        roles["grader2"] = args.judge2
    return roles


def _source(args: argparse.Namespace) -> tuple[Path, str, str]:
    """(file, criterion, split) from the arguments."""
    from tiergap.classify.accuracy import MEASURED_SPLIT, shipped_corpus
    from tiergap.classify.labelled import criterion_name

    path = Path(args.labels)
    shipped = None if path.exists() else shipped_corpus(args.labels)
    if shipped is None and not path.is_file():
        raise UsageError(
            f"labels file not found: {args.labels} (or name a shipped corpus: af, rs, compliance)"
        )
    if shipped is not None:
        path = shipped
    try:
        default = criterion_name(args.labels) if shipped is not None else "alignment_faking"
        criterion = criterion_name(args.criteria) if args.criteria else default
    except ValueError as err:
        raise UsageError(f"--criteria: {err}") from None
    split = args.split or (MEASURED_SPLIT if shipped is not None else "all")
    return path, criterion, split


def _validate(args: argparse.Namespace) -> None:
    if not 0.0 < args.threshold <= 1.0:
        raise UsageError(f"--threshold must be in (0, 1], got {args.threshold:g}")
    if args.temperature < 0:
        raise UsageError(f"--temperature must be at least 0, got {args.temperature:g}")
    if args.heuristic and (args.judge2 or args.model_role):
        raise UsageError("--judge2/--model-role need --judge (the heuristic uses no grader)")


def evaluate(args: argparse.Namespace) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """(report, errors, exit status) for the parsed arguments."""
    from tiergap.classify.evaluation import Reading, errors, heuristic_readings, report
    from tiergap.classify.labelled import read_labels

    _validate(args)
    path, criterion, split = _source(args)
    labels = read_labels(path, criterion, args.positive, split)
    if args.limit:
        labels = type(labels)(
            labels.source, labels.criterion, labels.positive, labels.items[: args.limit],
            labels.classes,
        )  # fmt: skip
    header: dict[str, Any] = {
        "labels": str(args.labels),
        "file": str(path),
        "split": split,
    }
    status = 0
    if args.heuristic:
        readings = heuristic_readings(labels)
        header |= {"method": "heuristic"}
    else:
        from tiergap.classify.votes import DEFAULT_VOTES
        from tiergap.harness.judges import run_judge_eval
        from tiergap.harness.preflight import check_models

        roles = _roles(args)
        problems = check_models(sorted(set(roles.values())), {})
        if problems:
            raise UsageError("; ".join(problems))
        votes = args.votes or (1 if criterion == "compliance" else DEFAULT_VOTES)
        run = run_judge_eval(
            path,
            criterion,
            roles,
            split=split,
            positive=args.positive,
            votes=votes,
            threshold=args.threshold,
            temperature=args.temperature,
            limit=args.limit,
            log_dir=args.log_dir,
            retry_attempts=args.retry_attempts,
        )
        readings = {
            item_id: Reading(
                judged.label,
                judged.fraction,
                {"votes": judged.votes, "unparseable": judged.unparseable},
                judged.label2,
            )
            for item_id, judged in run.items.items()
        }
        header |= {
            "method": "judge",
            "grader": roles.get("grader"),
            "grader2": roles.get("grader2"),
            "votes": votes,
            "threshold": args.threshold,
            "temperature": args.temperature,
            "votes_unparseable": sum(j.unparseable for j in run.items.values()),
            "complete": run.complete,
            "logs": run.logs,
        }
        if not run.complete:
            header["error"] = (
                f"the grader failed after scoring {len(run.items)} of {len(labels.items)} items"
                + (f" ({run.error})" if run.error else "")
                + f"; they are saved in {args.log_dir}: run the same command again to resume"
            )
            status = 1
    result = {**header, **report(labels, readings, resamples=args.bootstrap)}
    return result, errors(labels, readings), status


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def render(result: dict[str, Any], console: Console) -> None:
    from tiergap.classify.evaluation import summary_line

    method = result["method"]
    who = "keyword heuristic" if method == "heuristic" else f"judge {result['grader']}"
    title = (
        f"judge-eval: {who} on {result['labels']} ({result['criterion']}, split {result['split']})"
    )
    table = Table(title=escape(title), title_justify="left")
    for column in ("metric", "value", "95% CI", "n"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name in ("accuracy", "precision", "recall", "f1", "auroc"):
        m = result[name]
        ci = "–" if m["ci_low"] is None else f"[{m['ci_low']:.3f}, {m['ci_high']:.3f}]"
        table.add_row(name, _fmt(m["value"]), ci, str(m["n"]))
    console.print(table)
    calibration = Table(title="calibration (score bins)", title_justify="left")
    for column in ("bin", "n", "mean score", "observed positive", "95% CI"):
        calibration.add_column(column, justify="right")
    for b in result["calibration"]:
        ci = "–" if b["ci_low"] is None else f"[{b['ci_low']:.2f}, {b['ci_high']:.2f}]"
        calibration.add_row(
            f"{b['bin'][0]:.1f}-{b['bin'][1]:.1f}", str(b["n"]), _fmt(b["mean_score"]),
            _fmt(b["observed"]), ci,
        )  # fmt: skip
    console.print(calibration)
    if result["by_kind"]:
        kinds = Table(title="accuracy by kind of item", title_justify="left")
        for column in ("kind", "n", "accuracy"):
            kinds.add_column(column, justify="left" if column == "kind" else "right")
        for kind, entry in result["by_kind"].items():
            kinds.add_row(escape(kind), str(entry["n"]), f"{entry['accuracy']:.2f}")
        console.print(kinds)
    if "agreement" in result:
        a = result["agreement"]
        console.print(
            f"graders agree on {a['percent']:.1%} of {a['n']} items "
            f"(Cohen's kappa {_fmt(a['cohen_kappa'])})"
        )
    if result.get("n_unjudged"):
        console.print(f"[yellow]{result['n_unjudged']} item(s) unjudged[/] (no readable vote)")
    if method == "judge":
        console.print(
            f"{result['votes']} vote(s) per item at temperature {result['temperature']:g}, "
            f"threshold {result['threshold']:g}; {result['votes_unparseable']} unparseable vote(s)"
        )
    console.print(escape(summary_line(result)))
    if method == "heuristic":
        console.print("[dim]heuristics are an offline fallback; use an LLM grader for claims[/]")


def handle(args: argparse.Namespace, console: Console) -> int:
    result, wrong, status = evaluate(args)
    if args.errors is not None:
        args.errors.parent.mkdir(parents=True, exist_ok=True)
        args.errors.write_text(
            "".join(json.dumps(w, ensure_ascii=False) + "\n" for w in wrong), encoding="utf-8"
        )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        render(result, console)
        if args.errors is not None:
            console.print(f"{len(wrong)} misread item(s) written to {escape(str(args.errors))}")
    if status:
        print_error(result["error"])
    return status
