"""Self-contained reports (HTML or Markdown) of tiergap experiments.

Pure Python over plain data (:mod:`tiergap.report.data`): the inspect logs are read by
:mod:`tiergap.harness.transcripts` and :mod:`tiergap.harness.logs`, so reports can be built and
tested without inspect_ai. Plots are drawn with matplotlib when a report is rendered.
"""

from tiergap.report.data import (
    LogDetails,
    ReportData,
    RunInfo,
    ScorecardCell,
    ScorecardRow,
    ScorecardView,
    SystemPromptHash,
    Transcript,
)
from tiergap.report.html import render_html
from tiergap.report.markdown import render_markdown
from tiergap.report.scorecard import load_scorecard

FORMATS = ("html", "md")

__all__ = [
    "FORMATS",
    "LogDetails",
    "ReportData",
    "RunInfo",
    "ScorecardCell",
    "ScorecardRow",
    "ScorecardView",
    "SystemPromptHash",
    "Transcript",
    "load_scorecard",
    "render_html",
    "render_markdown",
]
