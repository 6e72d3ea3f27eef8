"""From scored sample records to summaries, gaps and verdicts (plain Python, no inspect)."""

DEFAULT_MARGIN = 0.15
"""Equivalence margin (rate units) within which a tier gap counts as no gap: the one default
shared by the verdict, ``analyze``, ``report``, ``run`` and ``demo`` (here, away from the
statistics, so the commands can read it without importing them)."""
