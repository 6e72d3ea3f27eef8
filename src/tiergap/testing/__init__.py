"""Test and benchmark helpers that ship with the package (no inspect_ai imports here)."""
