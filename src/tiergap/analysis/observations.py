"""Turn a user's own runs into observations for the retrodiction scorecard.

Each catalogue experiment has an observable in its own unit; this module computes the ones a
set of records covers (in percent or percentage points, with a standard error from the
paired interval) and leaves the rest out, so the scorecard reports them ``untested``.
"""

from __future__ import annotations

from tiergap.analysis.records import SampleRecord
from tiergap.analysis.summary import summarise

_Z95 = 1.959963984540054


def _select_model(records: list[SampleRecord], model: str | None) -> list[SampleRecord]:
    models = sorted({r.model for r in records})
    if model is not None:
        if model not in models:
            raise ValueError(f"model {model!r} not in these logs; found: {', '.join(models)}")
        return [r for r in records if r.model == model]
    if len(models) > 1:
        raise ValueError(
            "these logs hold several models; choose one with --model: " + ", ".join(models)
        )
    return records


def observations_from_records(
    records: list[SampleRecord], model: str | None = None
) -> dict[str, float]:
    """Observed values by experiment key (``"<key>.se"`` for standard errors)."""
    chosen = _select_model(records, model)
    observed: dict[str, float] = {}
    for summary in summarise(chosen):
        # the catalogue's emoji experiment: an emoji gap measured with the hidden scratchpad
        if summary.primary_metric == "any_emoji" and summary.scratchpad == "hidden":
            gap = summary.gaps.get("free_minus_paid")
            if gap is not None and gap.n_pairs > 0:
                observed["emoji_objective"] = 100.0 * gap.estimate
                observed["emoji_objective.se"] = 100.0 * (gap.ci_high - gap.ci_low) / (2 * _Z95)
    return observed
