"""The heuristics' measured accuracy on the shipped corpus's test split, shipped as data.

Wherever a heuristic produced a number, ``analyze``, the report and the README can say how far
to trust it: ``heuristic (test accuracy 0.91, AUROC 0.95)``. The figures in
``data/labels/heuristic_accuracy.json`` are what ``tiergap judge-eval CORPUS --heuristic --split
test`` prints; ``python -m tiergap.classify.accuracy`` rewrites the file and a test checks that
it still matches what the heuristics score now.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiergap.classify.labelled import criterion_name, read_labels
from tiergap.experiment.scenario import data_dir

MEASURED_SPLIT = "test"
CORPUS_FILES = {
    "alignment_faking": "alignment_faking.jsonl",
    "reinforcement_seeking": "reinforcement_seeking.jsonl",
    "compliance": "compliance.jsonl",
}
"""The shipped labelled corpus, one file per measured criterion."""
SHORT = {"alignment_faking": "af", "reinforcement_seeking": "rs", "compliance": "compliance"}


@dataclass(frozen=True)
class MeasuredAccuracy:
    """A heuristic's accuracy and AUROC on the shipped test split."""

    criterion: str
    split: str
    n: int
    accuracy: float
    accuracy_ci: tuple[float, float]
    auroc: float | None
    auroc_ci: tuple[float, float] | None
    command: str

    def describe(self) -> str:
        auroc = "" if self.auroc is None else f", AUROC {self.auroc:.2f}"
        return f"heuristic ({self.split} accuracy {self.accuracy:.2f}{auroc})"


def labels_path() -> Path:
    return Path(str(data_dir() / "labels"))


def corpus_path(criterion: str) -> Path:
    """The shipped labelled file for ``criterion`` (``af``, ``rs``, ``compliance``)."""
    name = criterion_name(criterion)
    if name not in CORPUS_FILES:
        raise ValueError(f"no shipped corpus for {name!r}; shipped: {', '.join(SHORT.values())}")
    return labels_path() / CORPUS_FILES[name]


def shipped_corpus(value: str) -> Path | None:
    """The shipped file when ``value`` names one (``af``, ``alignment_faking``, ...), else None."""
    try:
        name = criterion_name(value)
    except ValueError:
        return None
    return labels_path() / CORPUS_FILES[name] if name in CORPUS_FILES else None


def command_for(criterion: str, split: str = MEASURED_SPLIT) -> str:
    name = criterion_name(criterion)
    return f"tiergap judge-eval {SHORT[name]} --heuristic --split {split} --json"


def measure(criterion: str, split: str = MEASURED_SPLIT) -> dict[str, Any]:
    """The judge-eval report of the heuristic on the shipped corpus (what the command prints)."""
    from tiergap.classify.evaluation import heuristic_readings, report

    labels = read_labels(corpus_path(criterion), criterion, None, split)
    return report(labels, heuristic_readings(labels))


def build_figures(split: str = MEASURED_SPLIT) -> dict[str, Any]:
    """The content of ``heuristic_accuracy.json``."""
    out: dict[str, Any] = {
        "split": split,
        "note": "keyword heuristics on the shipped corpus's test split (written from fragment "
        "pools the heuristics were not developed on); an LLM grader is recommended for claims",
        "criteria": {},
    }
    for name in CORPUS_FILES:
        result = measure(name, split)
        out["criteria"][name] = {
            "n": result["n_judged"],
            "accuracy": result["accuracy"],
            "auroc": result["auroc"],
            "precision": result["precision"],
            "recall": result["recall"],
            "command": command_for(name, split),
        }
    return out


def accuracy_file() -> Path:
    return labels_path() / "heuristic_accuracy.json"


def _load() -> dict[str, Any]:
    path = accuracy_file()
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def heuristic_accuracy(criterion: str) -> MeasuredAccuracy | None:
    """The shipped figures for ``criterion``'s heuristic (None when it was not measured)."""
    data = _load()
    name = criterion_name(criterion)
    entry = data.get("criteria", {}).get(name)
    if entry is None:
        return None
    acc, auroc = entry["accuracy"], entry["auroc"]
    return MeasuredAccuracy(
        criterion=name,
        split=str(data.get("split", MEASURED_SPLIT)),
        n=int(entry["n"]),
        accuracy=float(acc["value"]),
        accuracy_ci=(float(acc["ci_low"]), float(acc["ci_high"])),
        auroc=None if auroc["value"] is None else float(auroc["value"]),
        auroc_ci=None
        if auroc["ci_low"] is None
        else (float(auroc["ci_low"]), float(auroc["ci_high"])),
        command=str(entry["command"]),
    )


def describe_heuristic(criterion: str) -> str:
    """``heuristic (test accuracy 0.91, AUROC 0.95)``, or a plain warning when unmeasured."""
    measured = heuristic_accuracy(criterion)
    if measured is None:
        return "heuristic (accuracy not measured on the labelled corpus)"
    return measured.describe()


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the figures file (``--check``: fail if it is out of date)."""
    args = list(sys.argv[1:] if argv is None else argv)
    figures = build_figures()
    text = json.dumps(figures, indent=2) + "\n"
    path = accuracy_file()
    if "--check" in args:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"out of date: {path}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
