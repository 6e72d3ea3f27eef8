"""tiergap: is a free-tier vs paid-tier behaviour gap alignment faking or reward hacking?

Only :mod:`tiergap.harness` imports inspect_ai; everything else (scenario building, parsing,
hypotheses, statistics, reporting) is plain Python that can be used and tested directly.
"""

__version__ = "0.1.0"
