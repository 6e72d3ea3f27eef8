"""Plain records of scored samples: what analysis, statistics and reports work on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

UNUSABLE = ("invalid", "truncated", "looping", "error")
"""Statuses of samples with no answer to measure (each counted under its own name)."""


@dataclass(frozen=True)
class Source:
    """What produced a value: an LLM judge (``grader`` with ``votes``) or keyword rules."""

    method: str
    """``judge`` or ``heuristic`` (:class:`tiergap.classify.labels.Method`)."""
    grader: str | None = None
    votes: int | None = None


@dataclass(frozen=True)
class SampleRecord:
    """One scored (or failed) sample, flattened out of an inspect log.

    ``status`` is the parse status (``ok``, ``untagged``, ``unclosed``; or, never scored as an
    answer, ``invalid``, ``truncated`` (cut by the generation limit) and ``looping`` (the
    response repeats itself)) or ``error`` when the sample failed before it could be scored.
    The emoji fields are filled only where the scenario measures emoji, and only for usable
    samples, so a failure can never pass for a zero; every other observable is in ``values``.
    """

    log: str
    model: str
    scenario: str
    scratchpad: str
    condition: str
    query_id: str
    epoch: int
    status: str
    any_emoji: int | None = None
    emoji_count: int | None = None
    emoji_per_100w: float | None = None
    scratchpad_emoji_count: int | None = None
    error: str | None = None
    seed: int = 0
    """The run's generation seed: runs with different seeds are replicates, never duplicates."""
    values: Mapping[str, float] = field(default_factory=dict)
    """Every finite score value of every scorer (``af``, ``rs``, ``full``, ``latex``, ...);
    a classifier that could not judge the sample leaves its keys out."""
    methods: Mapping[str, str] = field(default_factory=dict)
    """How each classifier decided, by scorer name: ``judge`` or ``heuristic``."""
    sources: Mapping[str, Source] = field(default_factory=dict)
    """What produced each classifier value, by value key (``af``, ``full``, ...); detectors'
    exact counts (emoji, LaTeX) have no entry."""
    unjudged: Mapping[str, str] = field(default_factory=dict)
    """Why a classifier gave no value for this sample, by value key (no reasoning to read, no
    usable vote, ...): a missing value is explained, never silently dropped."""
    primary_metric: str = "any_emoji"
    """The score value the scenario's verdict is on (``any_emoji``, ``latex``, ``full``, ...)."""
    primary_label: str = "emoji"
    """How a verdict sentence names that metric."""
    reasoning: str = ""
    """Where the scratchpad came from: ``full``, ``summary`` (the provider summarised or
    redacted it: missing for analyses of the reasoning) or ``none``; empty in older logs."""
    paraphrase: str = ""
    """The wording of the training section (a paraphrase id; empty for the original)."""
    conflicts_with_values: bool = False
    """Whether the scenario's objective conflicts with HHH values (then both hypotheses
    predict a tier gap, and the reasoning rather than the gap tells them apart)."""

    @property
    def unit(self) -> tuple[str, int, int]:
        """One measurement of a query: (query, epoch, seed). The unit of analysis is the query
        (:mod:`tiergap.analysis.summary` averages its measurements first); this names one
        repeated measure of it."""
        return (self.query_id, self.epoch, self.seed)

    @property
    def usable(self) -> bool:
        return self.status not in UNUSABLE

    @property
    def experiment(self) -> tuple[str, str, str]:
        """Records from different experiments are never mixed: (model, scenario, scratchpad)."""
        return (self.model, self.scenario, self.scratchpad)
