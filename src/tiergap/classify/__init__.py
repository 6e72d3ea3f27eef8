"""Classifiers for scratchpads and outputs: judge prompts, vote parsing and aggregation,
keyword heuristics built around the decision a text settles on, a labelled corpus and the
metrics that measure any classifier against labels (``tiergap judge-eval``). Pure Python: the
inspect scorers that call a grader model live in :mod:`tiergap.harness.judges`.
"""

from tiergap.classify.compliance import combine, detect_tag, parse_compliance_reply
from tiergap.classify.heuristics import (
    CRITERIA_HEURISTICS,
    alignment_faking_heuristic,
    anti_lab_heuristic,
    compliance_heuristic,
    divergence_heuristic,
    reinforcement_seeking_heuristic,
)
from tiergap.classify.labelled import LabelledItem, LabelsError, LabelSet, read_labels
from tiergap.classify.labels import (
    ALIGNMENT_FAKING,
    ANTI_LAB,
    CRITERIA_SPECS,
    DIVERGENCE,
    REINFORCEMENT_SEEKING,
    AcceptanceTag,
    AntiLabLabel,
    ComplianceLabel,
    ComplianceResult,
    CriteriaSpec,
    Criterion,
    HeuristicVerdict,
    Method,
)
from tiergap.classify.prompts import extract_request, judge_prompt_hash, render_judge_prompt
from tiergap.classify.votes import (
    DEFAULT_THRESHOLD,
    Tally,
    Vote,
    parse_vote,
    pattern_label,
    rethreshold,
    tally,
)

__all__ = [
    "ALIGNMENT_FAKING",
    "ANTI_LAB",
    "CRITERIA_HEURISTICS",
    "CRITERIA_SPECS",
    "DEFAULT_THRESHOLD",
    "DIVERGENCE",
    "REINFORCEMENT_SEEKING",
    "AcceptanceTag",
    "AntiLabLabel",
    "ComplianceLabel",
    "ComplianceResult",
    "CriteriaSpec",
    "Criterion",
    "HeuristicVerdict",
    "LabelSet",
    "LabelledItem",
    "LabelsError",
    "Method",
    "Tally",
    "Vote",
    "alignment_faking_heuristic",
    "anti_lab_heuristic",
    "combine",
    "compliance_heuristic",
    "detect_tag",
    "divergence_heuristic",
    "extract_request",
    "judge_prompt_hash",
    "parse_compliance_reply",
    "parse_vote",
    "pattern_label",
    "read_labels",
    "reinforcement_seeking_heuristic",
    "render_judge_prompt",
    "rethreshold",
    "tally",
]
