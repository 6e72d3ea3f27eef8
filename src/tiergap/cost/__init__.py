"""Prices, study plans and run budgets: what an experiment will cost and what it has cost."""
