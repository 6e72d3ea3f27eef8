"""The retrodiction scorecard (hypotheses judged against the paper) as a report table.

The scorecard comes from :mod:`tiergap.hypotheses`. A report must still be written when that
package is missing or fails, so any failure becomes a reason shown in the report, not an error.
"""

from __future__ import annotations

from tiergap.report.data import ScorecardCell, ScorecardRow, ScorecardView


def load_scorecard() -> tuple[ScorecardView | None, str | None]:
    """The default scorecard, or ``(None, why it is unavailable)``."""
    try:
        from tiergap.hypotheses import CATALOGUE, compute_scorecard, load_params

        card = compute_scorecard(load_params())
        titles = {entry.key: (entry.title, entry.unit) for entry in CATALOGUE}
        hypotheses = tuple(c.name for c in card.cards)
        experiments = [v.experiment for v in card.cards[0].verdicts] if card.cards else []
        rows = []
        for key in experiments:
            verdicts = [c.verdict(key) for c in card.cards]
            title, unit = titles.get(key, (key, ""))
            rows.append(
                ScorecardRow(
                    experiment=key,
                    title=title,
                    unit=unit,
                    observed=verdicts[0].observed,
                    cells=tuple(
                        ScorecardCell(predicted=v.predicted, status=v.status, reason=v.reason)
                        for v in verdicts
                    ),
                )
            )
        totals = tuple((c.passed, c.failed) for c in card.cards)
        return ScorecardView(card.against, hypotheses, tuple(rows), totals), None
    except Exception as err:  # the report is still useful without it
        return None, f"{type(err).__name__}: {err}"
