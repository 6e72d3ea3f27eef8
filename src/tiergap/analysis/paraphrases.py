"""The tier gap across prompt paraphrases: query and wording as crossed factors.

A result on one wording of the prompt is an anecdote: gaps appear on some paraphrases and not
on others. When an experiment asked every query under several paraphrases of the training
section (``--paraphrases K``), the free-minus-paid difference of each query under each
paraphrase, ``d[q, p]``, is a two-way table with queries and paraphrases as crossed random
factors (plus their interaction, confounded with the residual: one cell per pair after epochs
are averaged). From it:

- **per-paraphrase gaps**: the usual query-level paired gap under each wording;
- **query-level pooled gap**: each query's difference averaged over the paraphrases, the query
  the unit (the analysis every other experiment gets); its interval treats the paraphrases
  actually used as fixed;
- **crossed pooled gap**: the grand mean with both factors random, so that it generalises to
  other wordings too. Method-of-moments (two-way ANOVA without replication):
  ``Var(mean) = s2_query/Q + s2_wording/P + s2_residual/(Q P)``, estimated as
  ``(MS_query + MS_wording - MS_residual) / (Q P)`` with Satterthwaite degrees of freedom (a
  component estimated below zero is set to zero, and its mean square left out); a Student-t
  interval. It widens when the wording matters, which the query-level one cannot;
- **variance decomposition**: the components and the share of the variance the wording
  explains.

Only queries measured under every kept paraphrase (in both tiers) enter the table; the others
are counted as ``dropped_queries``. The contrast is free - paid (the two-tier layout; the
baseline shows no training section, so it has no wording to vary). Pure Python and numpy:
tested on simulated tables.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from tiergap.analysis.records import SampleRecord
from tiergap.analysis.summary import metric_value
from tiergap.stats.paired import UnitGap, paired_unit_gap

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
TREATED, CONTROL = "free", "paid"


@dataclass(frozen=True)
class VarianceShare:
    """Variance components of the per-(query, paraphrase) gap."""

    query: float
    paraphrase: float
    residual: float

    @property
    def paraphrase_share(self) -> float:
        """Share of the variance the wording explains (NaN with no variance at all)."""
        total = self.query + self.paraphrase + self.residual
        return self.paraphrase / total if total > 0 else math.nan

    def to_json(self) -> dict[str, float | None]:
        return {
            "query": _num(self.query),
            "paraphrase": _num(self.paraphrase),
            "residual": _num(self.residual),
            "paraphrase_share": _num(self.paraphrase_share),
        }


@dataclass(frozen=True)
class CrossedGap:
    """The grand-mean gap with queries and paraphrases as crossed random factors."""

    estimate: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    n_queries: int
    n_paraphrases: int

    def to_json(self) -> dict[str, Any]:
        return {
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "df": _num(self.df),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "p_value": _num(self.p_value),
            "n_queries": self.n_queries,
            "n_paraphrases": self.n_paraphrases,
            "method": "crossed random effects (method of moments), Satterthwaite t interval",
        }


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def crossed_gap(diffs: Any, confidence: float = 0.95) -> tuple[CrossedGap, VarianceShare]:
    """Pooled gap and variance components of a complete ``queries x paraphrases`` table."""
    d = np.asarray(diffs, dtype=float)
    if d.ndim != 2 or d.shape[0] < 2 or d.shape[1] < 1:
        raise ValueError(f"need a table of at least 2 queries x 1 paraphrase, got {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError("the table of gaps has missing values")
    q, p = d.shape
    mean = float(d.mean())
    rows, cols = d.mean(axis=1), d.mean(axis=0)
    df_q = q - 1
    ms_q = p * float(np.sum((rows - mean) ** 2)) / df_q
    if p == 1:
        variance = VarianceShare(query=ms_q, paraphrase=0.0, residual=0.0)
        terms = [(ms_q, df_q)]
    else:
        df_p, df_e = p - 1, (q - 1) * (p - 1)
        ms_p = q * float(np.sum((cols - mean) ** 2)) / df_p
        resid = d - rows[:, None] - cols[None, :] + mean
        ms_e = float(np.sum(resid**2)) / df_e
        s2_q, s2_p = max(0.0, (ms_q - ms_e) / p), max(0.0, (ms_p - ms_e) / q)
        variance = VarianceShare(query=s2_q, paraphrase=s2_p, residual=ms_e)
        # Var(mean) * Q * P = P s2_q + Q s2_p + s2_e, as a sum of mean squares
        if s2_q > 0 and s2_p > 0:
            terms = [(ms_q, df_q), (ms_p, df_p), (-ms_e, df_e)]
        elif s2_q > 0:
            terms = [(ms_q, df_q)]
        elif s2_p > 0:
            terms = [(ms_p, df_p)]
        else:
            terms = [(ms_e, df_e)]
    combined = sum(ms for ms, _ in terms)
    se = math.sqrt(max(combined, 0.0) / (q * p))
    denominator = sum(ms**2 / df for ms, df in terms)
    df = combined**2 / denominator if denominator > 0 else float(q - 1)
    if se > 0:
        half = float(scipy_stats.t.ppf(0.5 + confidence / 2, df)) * se
        p_value = float(2 * scipy_stats.t.sf(abs(mean) / se, df))
    else:
        half, p_value = 0.0, (1.0 if mean == 0 else 0.0)
    gap = CrossedGap(mean, se, df, mean - half, mean + half, p_value, q, p)
    return gap, variance


@dataclass(frozen=True)
class ParaphraseAnalysis:
    """The gap of one experiment (model, scenario, scratchpad) across its paraphrases."""

    model: str
    scenario: str
    scratchpad: str
    metric: str
    paraphrases: tuple[str, ...]
    per_paraphrase: dict[str, UnitGap]
    query_level: UnitGap
    """Each query's gap averaged over the paraphrases; the query is the unit."""
    crossed: CrossedGap
    variance: VarianceShare
    dropped_queries: int

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "scenario": self.scenario,
            "scratchpad": self.scratchpad,
            "metric": self.metric,
            "contrast": f"{TREATED} - {CONTROL}",
            "paraphrases": list(self.paraphrases),
            "per_paraphrase": [
                {"paraphrase": p, **_gap_json(g)} for p, g in self.per_paraphrase.items()
            ],
            "pooled": {
                "query_level": _gap_json(self.query_level),
                "crossed": self.crossed.to_json(),
            },
            "variance": self.variance.to_json(),
            "dropped_queries": self.dropped_queries,
        }


def _gap_json(gap: UnitGap) -> dict[str, Any]:
    return {
        "estimate": _num(gap.estimate),
        "ci_low": _num(gap.ci_low),
        "ci_high": _num(gap.ci_high),
        "p_value": _num(gap.p_value),
        "n_queries": gap.n_units,
        "method": gap.method,
    }


def _cell_means(records: list[SampleRecord], key: str) -> dict[tuple[str, str, str], float]:
    """Mean of ``key`` per (condition, paraphrase, query) over epochs and seeds."""
    sums: dict[tuple[str, str, str], float] = defaultdict(float)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in records:
        value = metric_value(r, key)
        if value is not None and r.condition in (TREATED, CONTROL) and r.paraphrase:
            cell = (r.condition, r.paraphrase, r.query_id)
            sums[cell] += value
            counts[cell] += 1
    return {cell: sums[cell] / counts[cell] for cell in counts}


def analyse_experiment(
    records: list[SampleRecord], key: str | None = None
) -> ParaphraseAnalysis | None:
    """The paraphrase analysis of one experiment's records (``None`` without two paraphrases
    measured in both tiers on at least two common queries)."""
    if not records:
        return None
    key = key or records[0].primary_metric
    cells = _cell_means(records, key)
    by_paraphrase: dict[str, dict[str, float]] = defaultdict(dict)
    for (condition, paraphrase, query), value in cells.items():
        other = CONTROL if condition == TREATED else TREATED
        if condition == TREATED and (other, paraphrase, query) in cells:
            by_paraphrase[paraphrase][query] = value - cells[(other, paraphrase, query)]
    kept = sorted(p for p, qs in by_paraphrase.items() if len(qs) >= 2)
    if len(kept) < 2:
        return None
    all_queries = set().union(*(by_paraphrase[p] for p in kept))
    queries = sorted(q for q in all_queries if all(q in by_paraphrase[p] for p in kept))
    if len(queries) < 2:
        return None
    table = np.asarray([[by_paraphrase[p][q] for p in kept] for q in queries])
    per_paraphrase = {}
    for p in kept:
        qs = sorted(by_paraphrase[p])
        treated = [cells[(TREATED, p, q)] for q in qs]
        control = [cells[(CONTROL, p, q)] for q in qs]
        per_paraphrase[p] = paired_unit_gap(treated, control)
    treated_avg = [np.mean([cells[(TREATED, p, q)] for p in kept]) for q in queries]
    control_avg = [np.mean([cells[(CONTROL, p, q)] for p in kept]) for q in queries]
    crossed, variance = crossed_gap(table)
    head = records[0]
    return ParaphraseAnalysis(
        model=head.model,
        scenario=head.scenario,
        scratchpad=head.scratchpad,
        metric=key,
        paraphrases=tuple(kept),
        per_paraphrase=per_paraphrase,
        query_level=paired_unit_gap(treated_avg, control_avg),
        crossed=crossed,
        variance=variance,
        dropped_queries=len(all_queries) - len(queries),
    )


def analyse(records: list[SampleRecord]) -> list[ParaphraseAnalysis]:
    """One analysis per experiment that was run under several paraphrases."""
    groups: dict[tuple[str, str, str], list[SampleRecord]] = defaultdict(list)
    for r in records:
        groups[r.experiment].append(r)
    found = (analyse_experiment(groups[k]) for k in sorted(groups))
    return [a for a in found if a is not None]
