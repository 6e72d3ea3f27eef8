"""Terminal rendering of analysis results with rich (JSON output lives with the data classes)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tiergap.analysis.summary import RATE_METRICS, ExperimentSummary
from tiergap.report.text import number, p_value, pct, pp


def render_summary(console: Console, summaries: list[ExperimentSummary]) -> None:
    for s in summaries:
        title = f"{s.model} · {s.scenario} · scratchpad {s.scratchpad}"
        table = Table(title=title, title_justify="left")
        for column in ("condition", "n", "invalid", "errors", "any emoji [95% CI]", "mean emoji"):
            table.add_column(column, justify="left" if column == "condition" else "right")
        for c in s.conditions.values():
            table.add_row(
                c.condition,
                str(c.n),
                str(c.invalid),
                str(c.errors),
                f"{pct(c.any_emoji_rate)} [{pct(c.ci_low)}, {pct(c.ci_high)}]",
                number(c.mean_emoji),
            )
        console.print(table)
        gaps = Table(show_header=True, box=None, padding=(0, 2))
        for column in ("gap (any emoji, paired)", "estimate", "95% CI", "p", "pairs"):
            gaps.add_column(column)
        for name, g in s.gaps.items():
            gaps.add_row(
                name.replace("_minus_", " − "),
                pp(g.estimate),
                f"[{pp(g.ci_low)}, {pp(g.ci_high)}]",
                p_value(g.p_value),
                str(g.n_pairs),
            )
        console.print(gaps)
        _render_rates(console, s)
        style = {"reward_hacking": "bold red", "alignment_faking": "bold green"}.get(
            s.verdict, "bold yellow"
        )
        console.print(f"verdict: [{style}]{s.verdict}[/] — {s.reason}\n")


def _render_rates(console: Console, s: ExperimentSummary) -> None:
    """The other 0/1 observables (classifiers, LaTeX, stance) per condition, with gaps."""
    measured = [k for k in RATE_METRICS if any(k in c.rates for c in s.conditions.values())]
    if not measured:
        return
    table = Table(box=None, padding=(0, 2))
    table.add_column("observable (rate [95% CI])")
    for c in s.conditions.values():
        table.add_column(c.condition)
    table.add_column("free − paid")
    for key in measured:
        cells = []
        for c in s.conditions.values():
            r = c.rates.get(key)
            cells.append("–" if r is None else f"{pct(r.rate)} [{pct(r.ci_low)}, {pct(r.ci_high)}]")
        gap = s.metric_gaps.get(key, {}).get("free_minus_paid")
        gap_text = "–" if gap is None else f"{pp(gap.estimate)} (p {p_value(gap.p_value)})"
        label = RATE_METRICS[key] + (" *" if key == s.primary_metric else "")
        table.add_row(label, *cells, gap_text)
    console.print(table)
