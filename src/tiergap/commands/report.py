"""``tiergap report DIR -o report.html``: one self-contained file describing a log folder."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.commands import UsageError, non_negative_int

if TYPE_CHECKING:
    from tiergap.report import ReportData

FORMATS = ("html", "md")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "report", help="write a self-contained HTML or Markdown report of a log folder"
    )
    parser.add_argument("log_dir", type=Path)
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="output file (default: report.html/.md)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="html or md (default: from the -o suffix, else html); must agree with the suffix",
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=None,
        help="absolute equivalence margin for no_tier_gap (rate units; default: relative to "
        "the baseline rate, as in analyze)",
    )
    parser.add_argument(
        "--transcripts",
        type=non_negative_int,
        default=3,
        help="example queries shown per model, in every condition (default 3)",
    )
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.set_defaults(handler=handle)


SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def choose_format(output: Path | None, fmt: str | None) -> tuple[Path, str]:
    """The format the output's suffix names, or ``--format``; they must agree.

    A suffix that names no format (``r.txt``) needs ``--format``; a suffix that names the other
    format (``-o r.md --format html``) is an error, never a silently mislabelled file.
    """
    if output is None:
        chosen = fmt or "html"
        return Path(f"report.{chosen}"), chosen
    implied = SUFFIXES.get(output.suffix.lower())
    if implied is None and fmt is None:
        raise UsageError(
            f"cannot tell the report format from {str(output)!r}: name a .html or .md file, "
            "or give --format html|md"
        )
    if implied is not None and fmt is not None and implied != fmt:
        raise UsageError(
            f"--format {fmt} does not match the output file {str(output)!r} (a .{implied} "
            f"name); use a .{fmt} file name or --format {implied}"
        )
    return output, str(fmt or implied)


def build_report_data(
    log_dir: Path, margin: float | None = None, transcripts: int = 3
) -> ReportData:
    """Read the logs once for records (statistics) and once for metadata and transcripts."""
    from tiergap import __version__
    from tiergap.analysis.paraphrases import analyse as analyse_paraphrases
    from tiergap.analysis.summary import summarise
    from tiergap.harness.logs import read_records
    from tiergap.harness.transcripts import read_details
    from tiergap.report import ReportData, load_scorecard

    if margin is not None and not 0 < margin < 1:
        raise UsageError(f"--margin must be between 0 and 1 (a rate difference), got {margin}")
    if not log_dir.is_dir():
        raise UsageError(f"log directory not found: {log_dir}")
    records = read_records(log_dir)
    if not records.logs and not records.unreadable:
        raise UsageError(f"no inspect logs (.eval/.json) found in {log_dir}")
    details = read_details(log_dir, per_condition=transcripts)
    scorecard, scorecard_error = load_scorecard()
    return ReportData(
        log_dir=str(log_dir),
        summaries=tuple(summarise(records.records, margin=margin)),
        details=details,
        margin=margin,
        tiergap_version=__version__,
        scorecard=scorecard,
        scorecard_error=scorecard_error,
        unreadable=tuple(records.unreadable),
        paraphrases=tuple(analyse_paraphrases(records.records)),
    )


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: an unbounded or missing Bayes factor becomes null."""
    return None if value is None or not math.isfinite(value) else round(value, 6)


def render(
    data: ReportData, fmt: str, figures: dict[str, bytes] | None = None, folder: str = ""
) -> str:
    """The report text; a Markdown report puts its PNG figures into ``figures``."""
    from tiergap.report import render_html, render_markdown

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return render_html(data) if fmt == "html" else render_markdown(data, figures, folder)


def handle(args: argparse.Namespace, console: Console) -> int:
    output, fmt = choose_format(args.output, args.format)
    if not output.parent.is_dir():
        raise UsageError(f"output folder does not exist: {output.parent}")
    data = build_report_data(args.log_dir, args.margin, args.transcripts)
    figures: dict[str, bytes] = {}
    folder = f"{output.stem}_files"
    text = render(data, fmt, figures, folder)
    output.write_text(text, encoding="utf-8")
    for relative, png in figures.items():
        target = output.parent / relative
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(png)
    size = output.stat().st_size
    if args.json:
        payload = {
            "output": str(output),
            "format": fmt,
            "bytes": size,
            "figures": [str(output.parent / name) for name in figures],
            "runs": len(data.details.runs),
            "experiments": [
                {
                    "model": s.model,
                    "scenario": s.scenario,
                    "scratchpad": s.scratchpad,
                    "primary_metric": s.primary_metric,
                    "primary_label": s.primary_label,
                    "verdict": s.verdict,
                    "log10_bayes_factor_rh_vs_af": _finite(s.log10_bayes_factor),
                }
                for s in data.summaries
            ],
            "scorecard": data.scorecard is not None,
            "unreadable_logs": [{"log": n, "error": e} for n, e in data.skipped_logs()],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    title = f"report: {escape(str(output))} ({size / 1024:.0f} KB, {fmt})"
    table = Table(title=title, title_justify="left")
    for column in ("model", "scenario", "scratchpad", "measured on", "verdict", "log10 BF(RH:AF)"):
        table.add_column(column, overflow="fold")
    for s in data.summaries:
        bf = s.log10_bayes_factor
        cells = (s.model, s.scenario, s.scratchpad, s.primary_label, s.verdict)
        table.add_row(*map(escape, cells), "–" if bf is None else f"{bf:+.2f}")
    console.print(table)
    if data.scorecard is None:
        console.print(f"[yellow]scorecard unavailable[/]: {escape(str(data.scorecard_error))}")
    for name, error in data.skipped_logs():
        console.print(f"[yellow]skipped unreadable log[/] {escape(name)}: {escape(error)}")
    if figures:
        console.print(f"figures written beside it: {escape(str(output.parent / folder))}/")
    if fmt == "html":
        console.print(f"open {escape(str(output))} in any browser (works offline)")
    return 0
