"""The HTML report: one file with inline CSS, inline SVG plots and no external resource.

A Content-Security-Policy in the page forbids every network load, so a report that opens
offline today keeps doing so; a small inline script checks that every plot has drawn and
records the result on ``<body data-render-ok>`` (used by the browser test).
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from tiergap.analysis.summary import STATUS_ORDER, ExperimentSummary
from tiergap.measure.emoji import find_emoji
from tiergap.report import plots
from tiergap.report.data import ReportData, ScorecardView, Transcript
from tiergap.report.plots import VERDICT_COLOURS
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

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212529;
  max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { margin-bottom: 4px; } h2 { margin-top: 40px; border-bottom: 1px solid #dee2e6; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 13px; }
table { border-collapse: collapse; margin: 12px 0; font-size: 14px; }
th, td { border: 1px solid #dee2e6; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; } td code { word-break: break-all; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; padding: 1px 6px; border-radius: 4px; color: #fff;
  background: #343a40; }
{badges}
.pass { color: #2b8a3e; font-weight: 600; } .fail { color: #c92a2a; font-weight: 600; }
.untested { color: #868e96; }
figure.plot { margin: 16px 0; } figure.plot svg { max-width: 100%; height: auto; display: block; }
figcaption, .muted { color: #495057; font-size: 13px; }
.help { background: #f8f9fa; border-left: 4px solid #adb5bd; padding: 8px 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.card { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 10px; min-width: 0; }
.card h4 { margin: 0 0 6px; font-size: 14px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f8f9fa; padding: 8px;
  border-radius: 4px; margin: 4px 0; max-height: 360px; overflow-y: auto; }
pre.output { background: #fff; border: 1px solid #dee2e6; }
mark.emoji { background: #ffd43b; border-radius: 3px; padding: 0 1px;
  font-family: "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif; }
.scroll { overflow-x: auto; }
figure.plot.wide svg { width: 100%; max-width: 980px; }
details > summary { cursor: pointer; }
"""

# Runs last, synchronously: layout is complete for inline SVG, so sizes are final.
CHECK_SCRIPT = """
(function () {
  var plots = document.querySelectorAll("figure.plot svg");
  var ok = plots.length > 0;
  for (var i = 0; i < plots.length; i++) {
    var box = plots[i].getBoundingClientRect();
    var drawn = plots[i].querySelector("path, line, use") !== null;
    if (!(box.width > 0 && box.height > 0 && drawn)) { ok = false; }
  }
  document.body.setAttribute("data-plots", String(plots.length));
  document.body.setAttribute("data-render-ok", ok ? "true" : "false");
})();
"""

ERROR_SCRIPT = """
window.addEventListener("error", function (event) {
  document.documentElement.setAttribute("data-js-error", String(event.message));
});
"""


STYLE = STYLE.replace(
    "{badges}",
    "\n".join(
        f".verdict.{label} {{ background: {colour}; }}" for label, colour in VERDICT_COLOURS.items()
    ),
)


def _td(text: str, numeric: bool = False) -> str:
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 99) -> str:
    """Cells are already escaped HTML; columns from ``numeric_from`` on are right-aligned."""
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(_td(c, i >= numeric_from) for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    return f"<div class='scroll'>{table}</div>"


def _badge(verdict: str) -> str:
    return f'<span class="verdict {escape(verdict)}">{escape(verdict)}</span>'


def _anchor(summary: ExperimentSummary) -> str:
    raw = f"{summary.model}-{summary.scenario}-{summary.scratchpad}"
    return "exp-" + "".join(ch if ch.isalnum() else "-" for ch in raw)


def _figure(svg: str, caption: str, wide: bool = False) -> str:
    kind = "plot wide" if wide else "plot"
    return f'<figure class="{kind}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _verdict_section(data: ReportData) -> str:
    rows = [
        [
            f'<a href="#{_anchor(s)}">{escape(plots.experiment_label(s))}</a>',
            escape(s.scenario),
            escape(s.scratchpad),
            escape(s.primary_label),
            _badge(s.verdict),
            escape(bayes_text(s.log10_bayes_factor)),
            escape(s.reason),
        ]
        for s in data.summaries
    ]
    parts = [
        "<h2 id='verdicts'>Verdicts</h2>",
        _table(
            ["model", "scenario", "scratchpad", "measured on", "verdict", "log10 BF(RH:AF)", "why"],
            rows,
        ),
        f'<p class="help">{escape(VERDICT_HELP)}</p>',
        f'<p class="help">{escape(BAYES_HELP)}</p>',
    ]
    if data.summaries:
        fig = plots.gap_figure(data.summaries)
        parts.append(
            _figure(
                plots.to_svg(fig, "gaps"),
                "Paired query-level gaps of each experiment's own measure (free tier minus every "
                "other condition), 95% intervals. Reward hacking: the gaps to the unrated tier "
                "and the baseline clear of zero on the right. No tier gap: every interval inside "
                "the shaded margin.",
                wide=True,
            )
        )
    for i, analysis in enumerate(data.paraphrases):
        parts.append(
            _figure(
                plots.to_svg(plots.paraphrase_figure(analysis), f"paraphrases-{i}"),
                "Free − paid gap under each paraphrase of the training section (query-level "
                "95% CI), and pooled: averaged per query, and with queries and wordings as "
                "crossed random factors.",
                wide=True,
            )
        )
    return "\n".join(parts)


def _runs_section(data: ReportData) -> str:
    runs = data.details.runs
    parts = ["<h2 id='runs'>What was run</h2>"]
    if not runs:
        parts.append("<p>No run metadata could be read.</p>")
    rows = [
        [
            f"<code>{escape(r.log)}</code>",
            escape(r.model),
            escape(r.scenario),
            escape(r.scratchpad),
            escape(run_arg(r, "conditions")),
            escape(run_arg(r, "n")),
            escape("–" if r.epochs is None else str(r.epochs)),
            escape("–" if r.seed is None else str(r.seed)),
            str(r.samples),
            escape(r.status),
            escape(f"tiergap {r.tiergap_version or '?'}, inspect_ai {r.inspect_version or '?'}"),
        ]
        for r in runs
    ]
    head = ["log", "model", "scenario", "scratchpad", "conditions", "n", "epochs", "seed"]
    head += ["samples", "status", "versions"]
    if rows:
        parts.append(_table(head, rows))
    statuses = sorted(
        {k for s in data.summaries for k in s.statuses},
        key=lambda k: (STATUS_ORDER.index(k) if k in STATUS_ORDER else len(STATUS_ORDER), k),
    )
    counts = [
        [
            escape(plots.experiment_label(s)),
            escape(c.condition),
            str(c.n),
            *[str(c.statuses.get(k, 0)) for k in statuses],
        ]
        for s in data.summaries
        for c in s.conditions.values()
    ]
    if counts:
        parts.append("<h3>Samples per condition and parse status</h3>")
        parts.append(_table(["model", "condition", "n", *statuses], counts, 2))
    pooled = [s for s in data.summaries if len(s.seeds) > 1]
    for s in pooled:
        parts.append(
            f"<p>{escape(plots.experiment_label(s))}: seeds "
            f"{escape(', '.join(map(str, s.seeds)))} were pooled as repeated measures of each "
            "query.</p>"
        )
    conditions, hash_rows = prompt_hash_rows(runs)
    parts.append("<h3>System prompts</h3>")
    if hash_rows:
        parts.append(
            "<p class='muted'>First 16 hex digits of the SHA-256 of each system prompt as sent; "
            "equal hashes mean identical prompts, across conditions and runs.</p>"
        )
        cells = [
            [escape(m), escape(lab), *[f"<code>{escape(h)}</code>" for h in hs]]
            for m, lab, *hs in hash_rows
        ]
        parts.append(_table(["model", "lab named", *conditions], cells))
    else:
        parts.append("<p>No system prompt hashes recorded in these logs.</p>")
    args = [
        [f"<code>{escape(r.log)}</code>", escape(", ".join(f"{k}={v}" for k, v in r.task_args))]
        for r in runs
    ]
    if args:
        parts.append("<details><summary>Task arguments</summary>")
        parts.append(_table(["log", "task arguments"], args) + "</details>")
    skipped = data.skipped_logs()
    if skipped:
        parts.append("<h3>Unreadable logs (skipped)</h3><ul>")
        parts += [f"<li><code>{escape(n)}</code>: {escape(e)}</li>" for n, e in skipped]
        parts.append("</ul>")
    return "\n".join(parts)


def _plain_table(table: tuple[list[str], list[list[str]]], numeric_from: int = 99) -> str:
    head, rows = table
    return _table(head, [[escape(c) for c in row] for row in rows], numeric_from)


def _experiment_section(s: ExperimentSummary, index: int, transcripts: list[Transcript]) -> str:
    parts = [
        f"<h2 id='{_anchor(s)}'>{escape(plots.experiment_label(s))}</h2>",
        f"<p>Scenario <code>{escape(s.scenario)}</code>, scratchpad "
        f"<code>{escape(s.scratchpad)}</code>, measured on <b>{escape(s.primary_label)}</b>. "
        f"Verdict {_badge(s.verdict)}; log10 BF(RH:AF) "
        f"{escape(bayes_text(s.log10_bayes_factor))}.</p>",
        f"<p class='muted'>{escape(s.reason)}</p>",
        _figure(
            plots.to_svg(plots.rates_figure(s), f"rates-{index}"),
            f"{s.primary_label}: share of measured responses per condition, query-level 95% "
            "interval.",
        ),
        _plain_table(headline_table(s), 1),
    ]
    gaps = gap_table(s)
    if gaps[1]:
        parts.append(_plain_table(gaps))
    others = other_table(s)
    if others[1]:
        parts.append("<h3>Other observables</h3>")
        parts.append(_plain_table(others))
    parts.append("<ul class='muted'>")
    parts += [f"<li>{escape(note)}</li>" for note in experiment_notes(s)]
    parts.append("</ul>")
    parts.append(_transcripts_html(transcripts, "any_emoji" in s.measured))
    return "\n".join(parts)


def _transcripts_html(transcripts: list[Transcript], emoji: bool) -> str:
    if not transcripts:
        return "<p class='muted'>No transcripts available for this experiment.</p>"
    by_query: dict[str, list[Transcript]] = defaultdict(list)
    for t in transcripts:
        by_query[t.query_id].append(t)
    parts = [
        "<h3>Transcripts</h3>",
        "<p class='muted'>The first queries of the run, the same in every condition (not "
        "selected for effect)."
        + (" Emoji counted by tiergap are <mark class='emoji'>highlighted</mark>." if emoji else "")
        + "</p>",
    ]
    for number_, (query, rows) in enumerate(by_query.items()):
        open_attr = " open" if number_ == 0 else ""
        snippet = query_snippet(rows[0].user)
        parts.append(f"<details class='transcript'{open_attr}><summary>query <code>")
        parts.append(f"{escape(query)}</code>: {escape(snippet)}</summary><div class='cards'>")
        for t in rows:
            parts.append(_card(t, emoji))
        parts.append("</div></details>")
    return "".join(parts)


def _card(t: Transcript, emoji: bool) -> str:
    out_emoji = len(find_emoji(t.output))
    pad_emoji = len(find_emoji(t.scratchpad))
    head = f"{t.condition} · {t.status}" + (f" · {out_emoji} emoji in output" if emoji else "")
    mark = highlight_emoji_html if emoji else escape
    body = [
        f"<div class='card'><h4>{escape(head)}</h4>",
        "<details><summary>user turn</summary>",
        f"<pre class='user'>{escape(t.user)}</pre></details>",
    ]
    if t.scratchpad:
        body.append(
            f"<details><summary>scratchpad{f' ({pad_emoji} emoji)' if emoji else ''}</summary>"
            f"<pre class='scratchpad'>{mark(t.scratchpad)}</pre></details>"
        )
    if t.error:
        body.append(f"<p class='fail'>error: {escape(t.error)}</p>")
    body.append(f"<pre class='output'>{mark(t.output) or '(no output)'}</pre>")
    if t.truncated:
        body.append("<p class='muted'>(long text truncated; see the full log)</p>")
    body.append("</div>")
    return "".join(body)


def _scorecard_section(view: ScorecardView | None, error: str | None) -> str:
    parts = ["<h2 id='scorecard'>Retrodiction scorecard</h2>"]
    if view is None:
        parts.append(f"<p>Scorecard unavailable: {escape(error or 'not computed')}.</p>")
        return "\n".join(parts)
    parts.append(
        f"<p class='muted'>Each hypothesis's prediction for the experiments of the paper, "
        f"judged against {escape(view.against)} observations (pass / fail; untested: no "
        "observation). Hover a cell for the reason.</p>"
    )
    rows = []
    for row in view.rows:
        cells = [
            escape(row.title),
            escape("–" if row.observed is None else f"{row.observed:.1f} {row.unit}"),
        ]
        for cell in row.cells:
            cells.append(
                f"<span class='{escape(cell.status)}' title='{escape(cell.reason)}'>"
                f"{escape(cell.status)}</span> "
                f"<span class='muted'>{escape(f'{cell.predicted:.1f} {row.unit}')}</span>"
            )
        rows.append(cells)
    totals = [
        "<b>passed / failed</b>",
        "",
        *[f"<b>{p} / {f}</b>" for p, f in view.totals],
    ]
    rows.append(totals)
    head = ["experiment", "observed", *[h.replace("_", " ") for h in view.hypotheses]]
    parts.append(_table(head, rows))
    return "\n".join(parts)


def render_html(data: ReportData) -> str:
    """The full report as one HTML document."""
    transcripts: dict[tuple[str, str, str], list[Transcript]] = defaultdict(list)
    for t in data.details.transcripts:
        transcripts[t.experiment].append(t)
    sections = [
        _verdict_section(data),
        *[
            _experiment_section(s, i, transcripts.get((s.model, s.scenario, s.scratchpad), []))
            for i, s in enumerate(data.summaries)
        ],
        _runs_section(data),
        _scorecard_section(data.scorecard, data.scorecard_error),
        "<h2 id='logs'>Full logs</h2>",
        "<p>Every transcript, score and model call is in the inspect logs. Open them with:</p>",
        f"<pre>{escape(inspect_view_command(data.log_dir))}</pre>",
    ]
    models = sorted({s.model for s in data.summaries})
    title = "tiergap report"
    summary = (
        f"Logs <code>{escape(data.log_dir)}</code> · {len(data.details.runs)} run(s) · "
        f"models: {escape(', '.join(models) or 'none')} · {escape(data.margin_text())} · "
        f"generated by tiergap {escape(data.tiergap_version)}"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            "<html lang='en'>",
            "<head>",
            "<meta charset='utf-8'>",
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<meta name='generator' content='tiergap {escape(data.tiergap_version)}'>",
            f"<title>{title}</title>",
            f"<style>{STYLE}</style>",
            f"<script>{ERROR_SCRIPT}</script>",
            "</head>",
            "<body>",
            f"<h1>{title}</h1>",
            f"<p class='muted'>{summary}</p>",
            *sections,
            f"<script>{CHECK_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
