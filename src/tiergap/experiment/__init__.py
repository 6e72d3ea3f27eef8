"""What to run: scenarios (prompts, conditions, tiers), query sets and sweep files."""
