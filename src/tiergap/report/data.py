"""Plain data a report is built from.

Defined here, not in :mod:`tiergap.harness`, so that building a report needs no inspect_ai: the
harness fills these from ``.eval`` logs, the renderers only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tiergap.analysis.paraphrases import ParaphraseAnalysis
from tiergap.analysis.summary import ExperimentSummary


@dataclass(frozen=True)
class SystemPromptHash:
    """A system prompt seen in a run, identified by its short SHA-256 (see ``prompt_hash``)."""

    condition: str
    sha: str
    lab: str


@dataclass(frozen=True)
class RunInfo:
    """What one inspect log says about how it was run."""

    log: str
    model: str
    task: str
    scenario: str
    scratchpad: str
    status: str
    created: str
    samples: int
    epochs: int | None
    seed: int | None
    tiergap_version: str | None
    inspect_version: str | None
    task_args: tuple[tuple[str, str], ...]
    system_prompts: tuple[SystemPromptHash, ...]


@dataclass(frozen=True)
class Transcript:
    """One sample's conversation, split into scratchpad and output as the scorer split it."""

    model: str
    scenario: str
    scratchpad_mode: str
    condition: str
    query_id: str
    epoch: int
    status: str
    user: str
    scratchpad: str
    output: str
    error: str | None = None
    truncated: bool = False

    @property
    def experiment(self) -> tuple[str, str, str]:
        """Same key as :attr:`tiergap.analysis.records.SampleRecord.experiment`."""
        return (self.model, self.scenario, self.scratchpad_mode)


@dataclass(frozen=True)
class LogDetails:
    """Run metadata and example transcripts from a log folder; unreadable logs named."""

    runs: tuple[RunInfo, ...] = ()
    transcripts: tuple[Transcript, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScorecardCell:
    """One hypothesis's prediction for one experiment, judged against the observation."""

    predicted: float
    status: str
    reason: str


@dataclass(frozen=True)
class ScorecardRow:
    """One experiment of the retrodiction scorecard, across hypotheses."""

    experiment: str
    title: str
    unit: str
    observed: float | None
    cells: tuple[ScorecardCell, ...]


@dataclass(frozen=True)
class ScorecardView:
    """The scorecard as a table: rows of experiments, one column per hypothesis."""

    against: str
    hypotheses: tuple[str, ...]
    rows: tuple[ScorecardRow, ...]
    totals: tuple[tuple[int, int], ...]  # (passed, failed) per hypothesis


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows. ``log_dir`` is printed as given (for ``inspect view``)."""

    log_dir: str
    summaries: tuple[ExperimentSummary, ...]
    details: LogDetails
    margin: float | None
    """An absolute equivalence margin, or None for the relative rule (see analysis.verdict)."""
    tiergap_version: str
    scorecard: ScorecardView | None = None
    scorecard_error: str | None = None
    unreadable: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    paraphrases: tuple[ParaphraseAnalysis, ...] = field(default_factory=tuple)
    """Experiments run under several paraphrases (:mod:`tiergap.analysis.paraphrases`)."""

    def margin_text(self) -> str:
        """How the report's verdicts define 'no gap', for its header."""
        if self.margin is not None:
            return f"margin ±{100 * self.margin:g} pp (absolute)"
        return "margin relative to each baseline rate (see each verdict)"

    def skipped_logs(self) -> list[tuple[str, str]]:
        """Unreadable logs (file name, why), each once, whichever reader noticed first."""
        seen: dict[str, str] = {}
        for path, error in (*self.unreadable, *self.details.unreadable):
            seen.setdefault(path.replace("\\", "/").rsplit("/", 1)[-1], error)
        return list(seen.items())
