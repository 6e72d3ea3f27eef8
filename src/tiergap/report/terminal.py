"""Terminal rendering of analysis results with rich (JSON output lives with the data classes)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.analysis.summary import COUNT_METRICS, RATE_METRICS, ExperimentSummary

#: Colour of each verdict label in the terminal (the HTML report has matching badges).
VERDICT_STYLES = {
    "reward_hacking": "bold red",
    "alignment_faking": "bold green",
    "no_tier_gap": "bold cyan",
    "insensitive": "bold magenta",
    "anomalous": "bold blue",
    "inconclusive": "bold yellow",
}


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"


def _pp(value: float) -> str:
    return "–" if value != value else f"{100 * value:+.1f} pp"


def _p(value: float) -> str:
    if value != value:
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _design(s: ExperimentSummary) -> str:
    seeds = ",".join(str(x) for x in s.seeds) or "–"
    return f"unit: query · {s.n_queries} queries · {s.epochs} epoch(s) · seed(s) {seeds}"


def render_summary(console: Console, summaries: list[ExperimentSummary]) -> None:
    for s in summaries:
        title = f"{s.model} · {s.scenario} · scratchpad {s.scratchpad}"
        table = Table(title=title, title_justify="left", caption=_design(s), caption_justify="left")
        for column in ("condition", "n", "invalid", "errors", "any emoji [95% CI]", "mean emoji"):
            table.add_column(column, justify="left" if column == "condition" else "right")
        for c in s.conditions.values():
            table.add_row(
                c.condition,
                str(c.n),
                str(c.invalid),
                str(c.errors),
                f"{_pct(c.any_emoji_rate)} [{_pct(c.ci_low)}, {_pct(c.ci_high)}]",
                "–" if c.mean_emoji != c.mean_emoji else f"{c.mean_emoji:.2f}",
            )
        console.print(table)
        _render_gaps(console, s)
        _render_rates(console, s)
        _render_secondary(console, s)
        _render_bounds(console, s)
        _render_bayes(console, s)
        style = VERDICT_STYLES.get(s.verdict, "bold yellow")
        console.print(f"verdict: [{style}]{s.verdict}[/] — {escape(s.reason)}")
        for deviation in s.deviations:
            console.print(f"[yellow]deviation from the pre-registration[/]: {escape(deviation)}")
        console.print()


def _render_gaps(console: Console, s: ExperimentSummary) -> None:
    d = s.decision
    gaps = Table(show_header=True, box=None, padding=(0, 2))
    label = RATE_METRICS.get(s.primary_metric, s.primary_metric)
    for column in (f"gap ({label}, query-level)", "estimate", "95% CI", "p", "one-sided p"):
        gaps.add_column(column)
    if d is not None:
        for name, g in d.gaps.items():
            gaps.add_row(
                name.replace("_minus_", " − "),
                _pp(g.estimate),
                f"[{_pp(g.ci_low)}, {_pp(g.ci_high)}]",
                _p(g.p_value),
                _p(g.p_greater),
            )
        console.print(gaps)
        control = d.control
        if control is not None:
            state = "[green]passed[/]" if control.passed else "[red]failed[/]"
            console.print(
                f"positive control (requested − baseline): {_pp(control.gap.estimate)} "
                f"[{_pp(control.gap.ci_low)}, {_pp(control.gap.ci_high)}], one-sided p "
                f"{_p(control.gap.p_greater)}: {state}"
            )
        console.print(
            f"margin ±{100 * d.margin:.1f} pp, alpha {d.alpha:g}; reward-hacking test "
            f"(intersection-union) p {_p(d.p_reward_hacking)}; equivalence (TOST) p "
            f"{_p(max(e.p_value for e in d.equivalence.values()))}"
        )


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
            cells.append(
                "–" if r is None else f"{_pct(r.rate)} [{_pct(r.ci_low)}, {_pct(r.ci_high)}]"
            )
        gap = s.metric_gaps.get(key, {}).get("free_minus_paid")
        gap_text = "–" if gap is None else f"{_pp(gap.estimate)} (p {_p(gap.p_value)})"
        label = RATE_METRICS[key] + (" *" if key == s.primary_metric else "")
        table.add_row(label, *cells, gap_text)
    console.print(table)


def _render_secondary(console: Console, s: ExperimentSummary) -> None:
    """Secondary outcomes: query-level gaps with Benjamini-Hochberg q-values across all."""
    if not s.secondary:
        return
    table = Table(box=None, padding=(0, 2))
    for column in ("secondary outcome", "gap", "estimate", "95% CI", "p", "q (BH)"):
        table.add_column(column)
    names = {**RATE_METRICS, **COUNT_METRICS}
    for key, gaps in s.secondary.items():
        counts = key in COUNT_METRICS
        for name, g in gaps.items():
            fmt = (lambda v: "–" if v != v else f"{v:+.2f}") if counts else _pp
            table.add_row(
                names.get(key, key),
                name.replace("_minus_", " − "),
                fmt(g.gap.estimate),
                f"[{fmt(g.gap.ci_low)}, {fmt(g.gap.ci_high)}]",
                _p(g.gap.p_value),
                _p(g.q_value),
            )
    console.print(table)


def _render_bounds(console: Console, s: ExperimentSummary) -> None:
    b = s.invalid_bounds
    if b is None:
        return
    missing = ", ".join(f"{c} {n}" for c, n in b.missing.items())
    parts = [
        f"{name.replace('_minus_', ' − ')} {_pp(low.estimate)} to {_pp(high.estimate)}"
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
    console.print(
        f"Bayes (paired, query-level): log10 BF(RH:AF) {b.log10_bf:+.2f} "
        f"(range {b.prior_range[0]:+.2f} to {b.prior_range[1]:+.2f} over the prior set); "
        f"posterior {post}"
    )
