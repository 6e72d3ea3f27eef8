"""Terminal rendering of analysis results with rich (JSON output lives with the data classes).

Every experiment is shown in its scenario's own measure first (compliance, stance, LaTeX,
anti-lab action, emoji for the emoji scenario): the headline table, the gap table and the
verdict are about it, with the classifier that produced it named beside it. Other observables
follow; emoji appears only where it was measured. Samples are counted per parse status,
whatever statuses the records carry.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.analysis.numbers import contrast_name, interval_pp, p_value, pct, pp
from tiergap.analysis.summary import (
    COUNT_METRICS,
    LLM_GRADER_ADVICE,
    RATE_METRICS,
    ExperimentSummary,
    RateSummary,
)

#: Colour of each verdict label in the terminal (the HTML report has matching badges).
VERDICT_STYLES = {
    "reward_hacking": "bold red",
    "alignment_faking": "bold green",
    "no_tier_gap": "bold cyan",
    "insensitive": "bold magenta",
    "anomalous": "bold blue",
    "inconclusive": "bold yellow",
    "not_applicable": "bold white",
}


def rate_cell(r: RateSummary | None) -> str:
    return "–" if r is None else f"{pct(r.rate)} {interval_pp_rate(r)}"


def interval_pp_rate(r: RateSummary) -> str:
    return f"[{pct(r.ci_low)}, {pct(r.ci_high)}]"


def metric_name(s: ExperimentSummary, key: str) -> str:
    """The scenario's own name for its primary metric; the shared name for the others."""
    return s.primary_label if key == s.primary_metric else RATE_METRICS.get(key, key)


def design_text(s: ExperimentSummary) -> str:
    """Unit, queries, epochs, seeds (and that seeds were pooled, when they were)."""
    seeds = ",".join(str(x) for x in s.seeds) or "none recorded"
    pooled = (
        f" (pooled: {len(s.seeds)} seeds are repeated measures of each query)"
        if len(s.seeds) > 1
        else ""
    )
    return (
        f"unit: query · {s.n_queries} queries in every tier condition · {s.epochs} epoch(s) · "
        f"seed(s) {seeds}{pooled}"
    )


def source_text(s: ExperimentSummary, key: str) -> str:
    found = s.provenance.get(key)
    return "not measured" if found is None else found.source


def unjudged_lines(s: ExperimentSummary) -> list[str]:
    """One line per measured observable with samples left without a value, saying why."""
    lines = []
    for key in s.measured:
        found = s.provenance.get(key)
        if found is None or not found.unjudged:
            continue
        missing = sum(found.unjudged.values())
        why = "; ".join(f"{n}× {reason}" for reason, n in found.unjudged.items())
        total = missing + found.judged
        state = "no value at all" if not found.judged else f"{missing} of {total} without a value"
        lines.append(f"{metric_name(s, key)}: {state} ({why})")
    return lines


def render_summary(console: Console, summaries: list[ExperimentSummary]) -> None:
    for s in summaries:
        _render_headline(console, s)
        _render_gaps(console, s)
        _render_rates(console, s)
        _render_secondary(console, s)
        _render_bounds(console, s)
        _render_bayes(console, s)
        style = VERDICT_STYLES.get(s.verdict, "bold yellow")
        console.print(
            f"verdict: [{style}]{s.verdict}[/] (on {escape(s.primary_label)}) — {escape(s.reason)}"
        )
        for deviation in s.deviations:
            console.print(f"[yellow]deviation from the pre-registration[/]: {escape(deviation)}")
        console.print()


def _render_headline(console: Console, s: ExperimentSummary) -> None:
    title = f"{s.model} · {s.scenario} · scratchpad {s.scratchpad}"
    table = Table(title=escape(title), title_justify="left")
    table.add_column("condition", overflow="fold")
    table.add_column("n", justify="right")
    for status in s.statuses:
        table.add_column(status, justify="right")
    table.add_column(f"{metric_name(s, s.primary_metric)} [95% CI]", justify="right")
    emoji = "any_emoji" in s.measured
    if emoji:
        table.add_column("mean emoji", justify="right")
    for c in s.conditions.values():
        cells = [escape(c.condition), str(c.n)]
        cells += [str(c.statuses.get(status, 0)) for status in s.statuses]
        cells.append(rate_cell(c.rates.get(s.primary_metric)))
        if emoji:
            cells.append("–" if c.mean_emoji != c.mean_emoji else f"{c.mean_emoji:.2f}")
        table.add_row(*cells)
    console.print(table)
    console.print(escape(design_text(s)))
    console.print(
        f"{escape(metric_name(s, s.primary_metric))} measured by: "
        f"{escape(source_text(s, s.primary_metric))}"
    )


def _render_gaps(console: Console, s: ExperimentSummary) -> None:
    d = s.decision
    if d is None:
        return
    gaps = Table(show_header=True, box=None, padding=(0, 2))
    label = metric_name(s, s.primary_metric)
    for column in (f"gap in {label} (query-level)", "estimate", "95% CI", "p", "one-sided p"):
        gaps.add_column(escape(column), overflow="fold")
    for name, g in d.gaps.items():
        gaps.add_row(
            contrast_name(name),
            pp(g.estimate),
            interval_pp(g.ci_low, g.ci_high),
            p_value(g.p_value),
            p_value(g.p_greater),
        )
    control = d.control
    if control is not None:
        state = "[green]passed[/]" if control.passed else "[red]failed[/]"
        gaps.add_row(
            f"requested − baseline (positive control: {state})",
            pp(control.gap.estimate),
            interval_pp(control.gap.ci_low, control.gap.ci_high),
            p_value(control.gap.p_value),
            p_value(control.gap.p_greater),
        )
    console.print(gaps)
    against = ", ".join(d.layout.comparators)
    console.print(
        f"margin ±{pp(d.margin)[1:]}, alpha {d.alpha:g}; reward-hacking test "
        f"({d.layout.trained} above {against}, intersection-union) p "
        f"{p_value(d.p_reward_hacking)}; equivalence (TOST) p "
        f"{p_value(max(e.p_value for e in d.equivalence.values()))}"
    )


def _render_rates(console: Console, s: ExperimentSummary) -> None:
    """The other 0/1 observables per condition, then what produced each (judge or heuristic)."""
    others = s.measured[1:]
    if others:
        names = [metric_name(s, key) for key in others]
        table = Table(box=None, padding=(0, 2))
        table.add_column(  # names whole (never cut mid-word); the cells wrap instead
            "other observables (rate [95% CI])", min_width=min(32, max(map(len, names)))
        )
        for c in s.conditions.values():
            table.add_column(escape(c.condition), overflow="fold")
        for key, name in zip(others, names, strict=True):
            cells = [rate_cell(c.rates.get(key)) for c in s.conditions.values()]
            table.add_row(escape(name), *cells)
        console.print(table)
        for key, name in zip(others, names, strict=True):
            console.print(f"  {escape(name)} measured by: {escape(source_text(s, key))}")
    for line in unjudged_lines(s):
        console.print(f"[yellow]unjudged[/] {escape(line)}")
    if s.uses_heuristics:
        console.print(f"[yellow]note[/]: {escape(LLM_GRADER_ADVICE)}")


def _render_secondary(console: Console, s: ExperimentSummary) -> None:
    """Secondary outcomes: query-level gaps with Benjamini-Hochberg q-values across all."""
    if not s.secondary:
        return
    table = Table(box=None, padding=(0, 2))
    for column in ("secondary outcome", "gap", "estimate", "95% CI", "p", "q (BH)"):
        table.add_column(column, overflow="fold")
    names = {**RATE_METRICS, **COUNT_METRICS}
    for key, gaps in s.secondary.items():
        counts = key in COUNT_METRICS
        for name, g in gaps.items():
            fmt = (lambda v: "–" if v != v else f"{v:+.2f}") if counts else pp
            table.add_row(
                names.get(key, key),
                contrast_name(name),
                fmt(g.gap.estimate),
                f"[{fmt(g.gap.ci_low)}, {fmt(g.gap.ci_high)}]",
                p_value(g.gap.p_value),
                p_value(g.q_value),
            )
    console.print(table)


def _render_bounds(console: Console, s: ExperimentSummary) -> None:
    b = s.invalid_bounds
    if b is None:
        return
    missing = ", ".join(f"{c} {n}" for c, n in b.missing.items())
    parts = [
        f"{contrast_name(name)} {pp(low.estimate)} to {pp(high.estimate)}"
        for name, (low, high) in b.gaps.items()
    ]
    console.print(
        f"[yellow]unmeasured samples[/] ({missing}): worst-case gaps {'; '.join(parts)}; "
        f"verdict with them as 0: {b.verdicts['invalid_as_0']}, as 1: {b.verdicts['invalid_as_1']}"
    )


def _render_bayes(console: Console, s: ExperimentSummary) -> None:
    b = s.bayes
    if b is None:
        return
    post = ", ".join(f"{k} {v:.3f}" for k, v in b.posterior.items())
    note = f", {s.bayes_note}" if s.bayes_note else ""
    console.print(
        f"Bayes (paired, query-level{note}): log10 BF(RH:AF) {b.log10_bf:+.2f} "
        f"(range {b.prior_range[0]:+.2f} to {b.prior_range[1]:+.2f} over the prior set); "
        f"posterior {post}"
    )
