"""The Markdown report: the same content as the HTML one; plots as PNG files beside it.

A Markdown file with a base64 image inside is unreadable as text (and hundreds of KB), so the
figures are returned for the caller to write next to the report (``report_files/*.png``) and
linked by a relative path; every figure's numbers are also in a table.

Model text goes into ``<pre>`` blocks, HTML-escaped: inside them Markdown is not interpreted,
so a model's ``*`` or ``|`` cannot reformat the report, and ``<mark>`` still highlights emoji.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING

from tiergap.analysis.summary import ExperimentSummary
from tiergap.measure.emoji import find_emoji
from tiergap.report import plots
from tiergap.report.data import ReportData, ScorecardView, Transcript
from tiergap.report.text import (
    BAYES_HELP,
    VERDICT_HELP,
    bayes_text,
    experiment_notes,
    gap_table,
    headline_table,
    highlight_emoji_html,
    inspect_view_command,
    other_table,
    prompt_hash_rows,
    query_snippet,
    run_arg,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in head) + " |"]
    lines.append("|" + "---|" * len(head))
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


class _Figures:
    """Figures to write beside the report, linked by relative path (none when not wanted)."""

    def __init__(self, sink: dict[str, bytes] | None, folder: str) -> None:
        self.sink = sink
        self.folder = folder

    def link(self, name: str, figure: Figure, alt: str) -> list[str]:
        if self.sink is None:
            return []
        path = f"{self.folder}/{name}.png" if self.folder else f"{name}.png"
        self.sink[path] = plots.to_png(figure)
        return [f"![{cell(alt)}]({path})", ""]


def _experiment(
    s: ExperimentSummary, transcripts: list[Transcript], figures: _Figures, index: int
) -> list[str]:
    lines = [
        f"## {cell(plots.experiment_label(s))}",
        "",
        f"Scenario `{s.scenario}`, scratchpad `{s.scratchpad}`, measured on "
        f"**{cell(s.primary_label)}**. **Verdict: {s.verdict}**; log10 BF(RH:AF) "
        f"{bayes_text(s.log10_bayes_factor)}.",
        "",
        f"> {cell(s.reason)}",
        "",
    ]
    lines += figures.link(
        f"rates-{index}", plots.rates_figure(s), f"{s.primary_label} per condition"
    )
    lines += _table(*headline_table(s))
    gaps = gap_table(s)
    if gaps[1]:
        lines += _table(*gaps)
    others = other_table(s)
    if others[1]:
        lines += ["Other observables:", ""]
        lines += _table(*others)
    lines += [f"- {cell(note)}" for note in experiment_notes(s)]
    lines.append("")
    emoji = "any_emoji" in s.measured
    if transcripts:
        lines += [
            "### Transcripts",
            "",
            "The first queries of the run, the same in every condition (not selected for "
            "effect)" + ("; counted emoji are marked." if emoji else "."),
            "",
        ]
        for t in transcripts:
            lines += _transcript(t, emoji)
    return lines


def _transcript(t: Transcript, emoji: bool) -> list[str]:
    head = f"**{cell(t.condition)}** · query `{t.query_id}` ({cell(query_snippet(t.user, 60))}) · "
    head += t.status + (f" · {len(find_emoji(t.output))} emoji in output" if emoji else "")
    mark = highlight_emoji_html if emoji else escape
    lines = [head, ""]
    if t.scratchpad:
        lines += [
            "<details><summary>scratchpad</summary>",
            "",
            f"<pre>{mark(t.scratchpad)}</pre>",
            "</details>",
            "",
        ]
    if t.error:
        lines += [f"error: {cell(t.error)}", ""]
    lines += [f"<pre>{mark(t.output) or '(no output)'}</pre>", ""]
    return lines


def _scorecard(view: ScorecardView | None, error: str | None) -> list[str]:
    lines = ["## Retrodiction scorecard", ""]
    if view is None:
        return [*lines, f"Scorecard unavailable: {cell(error or 'not computed')}.", ""]
    lines += [f"Predictions of each hypothesis judged against {cell(view.against)}.", ""]
    rows = [
        [
            row.title,
            "–" if row.observed is None else f"{row.observed:.1f} {row.unit}",
            *[f"{c.status} ({c.predicted:.1f})" for c in row.cells],
        ]
        for row in view.rows
    ]
    rows.append(["passed / failed", "", *[f"{p} / {f}" for p, f in view.totals]])
    return lines + _table(["experiment", "observed", *view.hypotheses], rows)


def render_markdown(
    data: ReportData, figures: dict[str, bytes] | None = None, folder: str = ""
) -> str:
    """The full report as one Markdown document.

    ``figures``: a dict that receives the plots as PNG bytes keyed by the relative path the
    report links (``folder/name.png``), for the caller to write; None leaves the plots out
    (their numbers are in the tables).
    """
    sink = _Figures(figures, folder)
    by_experiment: dict[tuple[str, str, str], list[Transcript]] = defaultdict(list)
    for t in data.details.transcripts:
        by_experiment[t.experiment].append(t)
    lines = [
        "# tiergap report",
        "",
        f"Logs `{data.log_dir}` · {len(data.details.runs)} run(s) · {data.margin_text()} · "
        f"generated by tiergap {data.tiergap_version}",
        "",
        "## Verdicts",
        "",
    ]
    lines += _table(
        ["model", "scenario", "scratchpad", "measured on", "verdict", "log10 BF(RH:AF)"],
        [
            [
                s.model,
                s.scenario,
                s.scratchpad,
                s.primary_label,
                s.verdict,
                bayes_text(s.log10_bayes_factor),
            ]
            for s in data.summaries
        ],
    )
    lines += [VERDICT_HELP, "", BAYES_HELP, ""]
    if data.summaries:
        lines += sink.link("gaps", plots.gap_figure(data.summaries), "paired tier gaps")
    for i, s in enumerate(data.summaries):
        key = (s.model, s.scenario, s.scratchpad)
        lines += _experiment(s, by_experiment.get(key, []), sink, i)
    lines += ["## What was run", ""]
    run_columns = ["log", "model", "scenario", "scratchpad", "conditions", "n", "epochs"]
    lines += _table(
        [*run_columns, "seed", "samples", "status", "tiergap", "inspect_ai"],
        [
            [
                r.log,
                r.model,
                r.scenario,
                r.scratchpad,
                run_arg(r, "conditions"),
                run_arg(r, "n"),
                "–" if r.epochs is None else str(r.epochs),
                "–" if r.seed is None else str(r.seed),
                str(r.samples),
                r.status,
                r.tiergap_version or "unknown",
                r.inspect_version or "unknown",
            ]
            for r in data.details.runs
        ],
    )
    for s in data.summaries:
        if len(s.seeds) > 1:
            lines += [
                f"{cell(plots.experiment_label(s))}: seeds {', '.join(map(str, s.seeds))} were "
                "pooled as repeated measures of each query.",
                "",
            ]
    conditions, hash_rows = prompt_hash_rows(data.details.runs)
    lines += ["System prompts (first 16 hex digits of the SHA-256 of each prompt as sent):", ""]
    lines += _table(["model", "lab named", *conditions], hash_rows)
    skipped = data.skipped_logs()
    if skipped:
        lines += ["Unreadable logs (skipped):", ""]
        lines += [f"- `{name}`: {cell(err)}" for name, err in skipped]
        lines.append("")
    lines += _scorecard(data.scorecard, data.scorecard_error)
    lines += [
        "## Full logs",
        "",
        "```bash",
        inspect_view_command(data.log_dir),
        "```",
        "",
    ]
    return "\n".join(lines)
