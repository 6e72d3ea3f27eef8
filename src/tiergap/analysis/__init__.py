"""From scored sample records to summaries, gaps and verdicts (plain Python, no inspect)."""
