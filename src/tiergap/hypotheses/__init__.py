"""Executable hypotheses (being rebuilt)."""
