"""A classifier's readings of labelled items, and the report measuring them against the labels.

The readings come from the keyword heuristics (here) or from a grader through inspect
(:func:`tiergap.harness.judges.run_judge_eval`); either way each item gets a predicted label and
a score for the positive class, and the report is computed the same way. Items a grader could
not read (no parseable vote) are counted as unjudged and reported, not scored as negatives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tiergap.classify.heuristics import CRITERIA_HEURISTICS, compliance_heuristic
from tiergap.classify.labelled import LabelSet
from tiergap.classify.metrics import DEFAULT_RESAMPLES, evaluate, graders_agreement


@dataclass(frozen=True)
class Reading:
    """How a classifier read one item.

    Attributes:
        label: Predicted label (``positive``/``negative`` or full/partial/refusal); None when
            the classifier gave no usable answer.
        score: Score for the positive class in [0, 1] (heuristic score or vote fraction).
        detail: Evidence, votes, or the grader's numbers, for the errors file.
        label2: A second grader's label, when one was bound.
    """

    label: str | None
    score: float | None
    detail: dict[str, Any] = field(default_factory=dict)
    label2: str | None = None


def compliance_positive_score(fullness: float, positive: str) -> float:
    """A heuristic compliance score (1 = full, 0 = refusal) as a score for ``positive``."""
    if positive == "full":
        return fullness
    if positive == "refusal":
        return 1.0 - fullness
    return 1.0 - abs(2.0 * fullness - 1.0)


def heuristic_readings(labels: LabelSet) -> dict[str, Reading]:
    """Every item read by the criterion's keyword heuristic."""
    out: dict[str, Reading] = {}
    for item in labels.items:
        if labels.criterion == "compliance":
            result = compliance_heuristic(item.text)
            fullness = 0.5 if result.score is None else result.score
            out[item.id] = Reading(
                None if result.label is None else result.label.value,
                compliance_positive_score(fullness, labels.positive),
                {"tag": result.tag.value, "fullness": fullness},
            )
            continue
        verdict = CRITERIA_HEURISTICS[labels.criterion](item.text, item.output)
        out[item.id] = Reading(
            "positive" if verdict.label else "negative",
            verdict.score,
            {
                "answers": verdict.answers,
                "evidence": {k: v[:240] for k, v in verdict.evidence.items() if v},
            },
        )
    return out


def report(
    labels: LabelSet,
    readings: Mapping[str, Reading],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> dict[str, Any]:
    """Metrics with bootstrap intervals, calibration, confusion, per-kind accuracy, coverage,
    and (with a second grader) agreement between the two."""
    judged = [i for i in labels.items if i.id in readings and readings[i.id].label is not None]
    unjudged = [i.id for i in labels.items if i not in judged]
    truth = [labels.is_positive(i) for i in judged]
    predicted = [readings[i.id].label == labels.positive for i in judged]
    scores = [
        float(predicted[k]) if (s := readings[i.id].score) is None else float(s)
        for k, i in enumerate(judged)
    ]
    multiclass = labels.criterion == "compliance"
    evaluation = evaluate(
        truth,
        predicted,
        scores,
        true_labels=[i.label for i in judged] if multiclass else None,
        predicted_labels=[str(readings[i.id].label) for i in judged] if multiclass else None,
        resamples=resamples,
        seed=seed,
    )
    by_kind: dict[str, dict[str, float | int]] = {}
    for item in judged:
        if not item.kind:
            continue
        entry = by_kind.setdefault(item.kind, {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += readings[item.id].label == item.label
    for entry in by_kind.values():
        entry["accuracy"] = round(entry["correct"] / entry["n"], 4)
    out: dict[str, Any] = {
        "criterion": labels.criterion,
        "positive": labels.positive,
        "n": len(labels.items),
        "n_judged": len(judged),
        "n_unjudged": len(unjudged),
        "unjudged": unjudged[:50],
        **evaluation.to_json(),
        "by_kind": dict(sorted(by_kind.items())),
    }
    pairs = [
        (readings[i.id].label, readings[i.id].label2)
        for i in judged
        if readings[i.id].label2 is not None
    ]
    if pairs:
        out["agreement"] = graders_agreement(
            [a == labels.positive for a, _ in pairs], [b == labels.positive for _, b in pairs]
        )
    return out


def errors(labels: LabelSet, readings: Mapping[str, Reading]) -> list[dict[str, Any]]:
    """The items the classifier got wrong (or could not read), for ``--errors FILE``."""
    out: list[dict[str, Any]] = []
    for item in labels.items:
        reading = readings.get(item.id)
        predicted = None if reading is None else reading.label
        if predicted == item.label:
            continue
        out.append(
            {
                "id": item.id,
                "label": item.raw_label,
                "predicted": predicted,
                "score": None
                if reading is None or reading.score is None
                else round(reading.score, 4),
                "kind": item.kind,
                "split": item.split,
                "detail": {} if reading is None else reading.detail,
                "text": item.text,
            }
        )
    return out


def summary_line(result: Mapping[str, Any]) -> str:
    """``accuracy 0.91 [0.85, 0.95], AUROC 0.95 [0.91, 0.98], n=120``."""

    def fmt(name: str) -> str:
        metric = result[name]
        if metric["value"] is None:
            return f"{name} n/a"
        ci = ""
        if metric["ci_low"] is not None:
            ci = f" [{metric['ci_low']:.2f}, {metric['ci_high']:.2f}]"
        return f"{name} {metric['value']:.2f}{ci}"

    return f"{fmt('accuracy')}, {fmt('auroc').replace('auroc', 'AUROC')}, n={result['n_judged']}"
