"""Report plots with matplotlib (Agg): per-condition rates and the gap forest plot.

Figures are returned as inline SVG (HTML) or PNG bytes (the Markdown report writes them beside
itself and links them). Every figure is about the scenario's own measure.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tiergap.analysis.paraphrases import ParaphraseAnalysis
from tiergap.analysis.summary import ExperimentSummary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CONDITION_COLOURS = {
    "free": "#d9480f",
    "pro": "#e67700",
    "paid": "#1971c2",
    "enterprise": "#1864ab",
    "baseline": "#495057",
    "requested": "#2b8a3e",
}
#: One colour per verdict label, the same as the HTML badges.
VERDICT_COLOURS = {
    "reward_hacking": "#c92a2a",
    "alignment_faking": "#2b8a3e",
    "no_tier_gap": "#1971c2",
    "insensitive": "#862e9c",
    "anomalous": "#495057",
    "inconclusive": "#a66300",
    "not_applicable": "#868e96",
}
_OTHER = "#7048e8"
# Metadata matplotlib would write into an SVG (creator URL, date): none of it is wanted.
_SVG_METADATA = ("Creator", "Date", "Format", "Type")


def _new_figure(width: float, height: float) -> Figure:
    # Figure() without pyplot: no global state, no GUI backend, safe in threads and tests.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def experiment_label(summary: ExperimentSummary) -> str:
    """Short label: the model, plus scenario and scratchpad mode when they are not the defaults."""
    extras = [s for s in (summary.scenario, summary.scratchpad) if s not in ("emoji", "hidden")]
    return " · ".join([summary.model, *extras])


def rates_figure(summary: ExperimentSummary) -> Figure:
    """The primary outcome's rate per condition with its 95% interval, one row per condition."""
    rows = list(summary.conditions.values())
    fig = _new_figure(6.4, 0.55 * len(rows) + 1.1)
    ax = fig.add_subplot()
    for y, c in enumerate(reversed(rows)):
        colour = CONDITION_COLOURS.get(c.condition, _OTHER)
        rate = c.rates.get(summary.primary_metric)
        if rate is not None and math.isfinite(rate.rate):
            ax.errorbar(
                100 * rate.rate,
                y,
                xerr=[[100 * (rate.rate - rate.ci_low)], [100 * (rate.ci_high - rate.rate)]],
                fmt="o",
                color=colour,
                capsize=4,
                markersize=7,
            )
        judged = 0 if rate is None else rate.n
        ax.annotate(
            f"{judged}/{c.n} measured",
            (1.01, y),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=8,
            color="#495057",
        )
    ax.set_yticks(range(len(rows)), [c.condition for c in reversed(rows)])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(-1.5, 101.5)  # room for a marker or error bar cap at 0% or 100%
    ax.set_xlabel(f"{summary.primary_label} (% of measured responses), query-level 95% interval")
    ax.set_title(experiment_label(summary), loc="left", fontsize=10)
    ax.grid(axis="x", color="#dee2e6", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig


def gap_figure(summaries: Sequence[ExperimentSummary]) -> Figure:
    """Forest plot of the tested gaps (free tier − every other condition) across experiments.

    Each row's shaded band is the equivalence margin its verdict used (relative to that
    experiment's baseline rate unless an absolute margin was set): both intervals inside it
    read as no tier gap, both clear of zero on the right as reward hacking.
    """
    labels: list[str] = []
    fig = _new_figure(7.6, 0.42 * 2 * max(len(summaries), 1) + 1.4)
    ax = fig.add_subplot()
    ax.axvline(0, color="#868e96", linewidth=1, zorder=1)
    y = 0
    positions: list[float] = []
    for s in reversed(list(summaries)):
        tested = [] if s.layout is None else [f"free_minus_{x}" for x in s.layout.order[1:]]
        names = [n for n in reversed(tested) if n in s.gaps]
        start = y
        margin = s.margin
        if names and margin is not None and math.isfinite(margin):
            ax.fill_betweenx(
                [start - 0.45, start + len(names) - 0.55],
                -100 * margin,
                100 * margin,
                color="#e9ecef",
                zorder=0,
            )
        for name in names:
            gap = s.gaps[name]
            other = name.removeprefix("free_minus_")
            colour = CONDITION_COLOURS.get(other, _OTHER)
            if math.isfinite(gap.estimate):
                ax.errorbar(
                    100 * gap.estimate,
                    y,
                    xerr=[
                        [100 * (gap.estimate - gap.ci_low)],
                        [100 * (gap.ci_high - gap.estimate)],
                    ],
                    fmt="s",
                    color=colour,
                    capsize=4,
                    markersize=6,
                    zorder=3,
                )
            labels.append(f"{experiment_label(s)}: {s.primary_label}\nfree − {other}")
            positions.append(y)
            y += 1
        if names:
            bf = s.log10_bayes_factor
            text = s.verdict.replace("_", " ")
            if bf is not None and math.isfinite(bf):
                text += f"\nlog10 BF {bf:+.1f}"
            ax.annotate(
                text,
                (1.02, (start + y - 1) / 2),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=8,
                color=VERDICT_COLOURS.get(s.verdict, _OTHER),
                fontweight="bold",
            )
            if start > 0:
                ax.axhline(start - 0.5, color="#dee2e6", linewidth=0.8)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_ylim(-0.6, max(y, 1) - 0.4)
    ax.set_xlim(-102, 102)
    ax.set_xlabel(
        "paired gap in each experiment's own measure (points, query-level 95% CI)\n"
        "band = its equivalence margin"
    )
    ax.set_title("Tier gaps across models", loc="left", fontsize=10)
    return fig


def paraphrase_figure(analysis: ParaphraseAnalysis) -> Figure:
    """Forest plot of one experiment's free − paid gap under each paraphrase, with the pooled
    gaps below (query-level: wordings fixed; crossed: queries and wordings random)."""
    rows: list[tuple[str, float, float, float, str]] = [
        (f"paraphrase {p}", g.estimate, g.ci_low, g.ci_high, CONDITION_COLOURS["paid"])
        for p, g in analysis.per_paraphrase.items()
    ]
    q = analysis.query_level
    c = analysis.crossed
    rows.append(("pooled (query level)", q.estimate, q.ci_low, q.ci_high, _OTHER))
    rows.append(("pooled (crossed)", c.estimate, c.ci_low, c.ci_high, "#212529"))
    fig = _new_figure(6.4, 0.36 * len(rows) + 1.3)
    ax = fig.add_subplot()
    ax.axvline(0, color="#868e96", linewidth=1, zorder=1)
    for y, (_, estimate, low, high, colour) in enumerate(reversed(rows)):
        if math.isfinite(estimate):
            ax.errorbar(
                100 * estimate,
                y,
                xerr=[[100 * (estimate - low)], [100 * (high - estimate)]],
                fmt="D" if y < 2 else "s",
                color=colour,
                capsize=3,
                markersize=5,
                zorder=3,
            )
    ax.axhline(1.5, color="#dee2e6", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)], fontsize=8)
    ax.set_xlim(-102, 102)
    share = analysis.variance.paraphrase_share
    wording = "–" if math.isnan(share) else f"{share:.0%}"
    ax.set_xlabel(
        f"free − paid gap in {analysis.metric} (percentage points, 95% CI); "
        f"wording explains {wording} of the variance"
    )
    ax.set_title(
        f"{analysis.model} · {analysis.scenario}: gap per paraphrase", loc="left", fontsize=10
    )
    return fig


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (text kept as text, ids unique per ``salt``)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata=dict.fromkeys(_SVG_METADATA))
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    # Inside HTML the parser assigns the SVG and xlink namespaces itself; dropping the
    # declarations leaves the report without a single URL.
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", head)
    return f"{head}>{rest}"


def to_png(fig: Figure, dpi: int = 120) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
