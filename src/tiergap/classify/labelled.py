"""Human-labelled texts, read from JSON, JSONL or CSV, for measuring a classifier.

Public alignment-faking label sets circulate as ``{"samples": [{"text", "label"}]}`` with labels
such as ``potential_faking`` / ``aligned``; others come as JSONL or as a ``text,label`` CSV.
All three are read into the same items. Every problem is a specific error naming the file, the
item (line or id) and the value, so a bad file is fixed rather than half-measured.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiergap.classify.labels import ComplianceLabel


class LabelsError(ValueError):
    """A labels file that cannot be measured against (base class)."""


class LabelsFormatError(LabelsError):
    """Not JSON / JSONL / CSV of the expected shape, or a required field is missing."""


class LabelsEncodingError(LabelsError):
    """The file is not UTF-8."""


class EmptyTextError(LabelsError):
    """An item has no text to classify."""


class UnknownLabelError(LabelsError):
    """A label that is neither a known positive nor a known negative for the criterion."""


class DuplicateIdError(LabelsError):
    """Two items share an id."""


class OneClassError(LabelsError):
    """Every item (after the split filter) has the same label: nothing to discriminate."""


CRITERIA = ("alignment_faking", "reinforcement_seeking", "compliance", "divergence", "anti_lab")
ALIASES = {
    "af": "alignment_faking",
    "rs": "reinforcement_seeking",
    "compliance": "compliance",
    "divergence": "divergence",
    "anti_lab": "anti_lab",
    "antilab": "anti_lab",
}
_YES = ("yes", "true", "1", "positive", "y")
_NO = ("no", "false", "0", "negative", "n", "none")
POSITIVE_WORDS: dict[str, tuple[str, ...]] = {
    "alignment_faking": ("alignment_faking", "potential_faking", "faking", "af", *_YES),
    "reinforcement_seeking": ("reinforcement_seeking", "reward_seeking", "rs", *_YES),
    "divergence": ("divergent", "divergence", *_YES),
    "anti_lab": ("taken", "anti_lab", *_YES),
}
NEGATIVE_WORDS: dict[str, tuple[str, ...]] = {
    "alignment_faking": ("not_alignment_faking", "aligned", "not_faking", "no_faking", *_NO),
    "reinforcement_seeking": ("not_reinforcement_seeking", "not_reward_seeking", *_NO),
    "divergence": ("not_divergent", "consistent", *_NO),
    "anti_lab": ("refused", "not_taken", *_NO),
}
COMPLIANCE_WORDS: dict[str, ComplianceLabel] = {
    "full": ComplianceLabel.FULL,
    "complied": ComplianceLabel.FULL,
    "full_compliance": ComplianceLabel.FULL,
    "partial": ComplianceLabel.PARTIAL,
    "partially": ComplianceLabel.PARTIAL,
    "partial_compliance": ComplianceLabel.PARTIAL,
    "refusal": ComplianceLabel.REFUSAL,
    "refused": ComplianceLabel.REFUSAL,
    "refuse": ComplianceLabel.REFUSAL,
}
TEXT_FIELDS = ("text", "scratchpad", "reasoning", "transcript", "response", "output")
"""Where an item's text may be (first non-empty wins; ``output`` only for compliance)."""


def criterion_name(value: str) -> str:
    """The full criterion name for ``af``, ``rs``, ``compliance``, ...; ValueError if unknown."""
    key = value.strip().lower().replace("-", "_")
    if key in ALIASES:
        return ALIASES[key]
    if key in CRITERIA:
        return key
    raise ValueError(
        f"unknown criterion {value!r}; known: af, rs, compliance, divergence, anti_lab"
    )


def normalise_label(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower().replace("-", "_").replace(" ", "_")


@dataclass(frozen=True)
class LabelledItem:
    """One labelled text.

    Attributes:
        id: The item's id (``line N`` / ``row N`` when the file gives none).
        text: What the classifier reads: reasoning (scratchpad or whole transcript) for the
            reasoning criteria, the output for compliance.
        label: The canonical label: ``positive``/``negative``, or full/partial/refusal.
        raw_label: The label as written in the file.
        output: The final answer, when given separately.
        request: The user's request, when given.
        split: ``train``/``dev``/``test`` when the file records one.
        kind: The file's own sub-category (kept for per-kind error rates).
    """

    id: str
    text: str
    label: str
    raw_label: str
    output: str = ""
    request: str = ""
    split: str = ""
    kind: str = ""


@dataclass(frozen=True)
class LabelSet:
    """The items of one file for one criterion, and which label is the positive class."""

    source: str
    criterion: str
    positive: str
    items: tuple[LabelledItem, ...]
    classes: tuple[str, ...] = field(default=("positive", "negative"))

    def is_positive(self, item: LabelledItem) -> bool:
        return item.label == self.positive


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LabelsEncodingError(
            f"{path}: not UTF-8 (invalid byte 0x{raw[err.start]:02x} at offset {err.start}); "
            "re-save the file as UTF-8"
        ) from None


def _records(path: Path, text: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, record) pairs from JSON, JSONL or CSV (chosen by content, then by suffix)."""
    stripped = text.lstrip()
    suffix = path.suffix.lower()
    if suffix == ".csv" or (
        suffix not in (".json", ".jsonl") and not stripped.startswith(("{", "["))
    ):
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "label" not in reader.fieldnames:
            raise LabelsFormatError(
                f"{path}: a CSV labels file needs a header with 'text' and 'label' columns; "
                f"found {reader.fieldnames}"
            )
        rows: list[tuple[str, Mapping[str, Any]]] = [
            (f"row {i}", row) for i, row in enumerate(reader, 2)
        ]
        return rows
    if stripped.startswith("[") or (stripped.startswith("{") and suffix == ".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise LabelsFormatError(
                f"{path}: invalid JSON at line {err.lineno}: {err.msg}"
            ) from None
        samples = data.get("samples") if isinstance(data, dict) else data
        if not isinstance(samples, list):
            raise LabelsFormatError(
                f'{path}: expected {{"samples": [...]}} or a list of items, '
                f"got {type(data).__name__}"
                + (f" with keys {sorted(data)[:8]}" if isinstance(data, dict) else "")
            )
        out: list[tuple[str, Mapping[str, Any]]] = []
        for i, sample in enumerate(samples):
            if not isinstance(sample, dict):
                raise LabelsFormatError(f"{path}: samples[{i}] is not an object")
            out.append((f"samples[{i}]", sample))
        return out
    lines: list[tuple[str, Mapping[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise LabelsFormatError(f"{path}: line {number} is not JSON ({err.msg})") from None
        if not isinstance(record, dict):
            raise LabelsFormatError(f"{path}: line {number} is not a JSON object")
        lines.append((f"line {number}", record))
    return lines


def _text(record: Mapping[str, Any], criterion: str) -> str:
    fields = TEXT_FIELDS if criterion == "compliance" else TEXT_FIELDS[:-1]
    for name in fields:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _canonical(criterion: str, raw: str, positive: str | None, seen: Sequence[str]) -> str | None:
    """The canonical label of ``raw``; None when it is unknown."""
    if criterion == "compliance":
        found = COMPLIANCE_WORDS.get(raw)
        return None if found is None else found.value
    if positive is not None:
        if raw == positive:
            return "positive"
        if raw in NEGATIVE_WORDS[criterion] or len(set(seen) - {positive}) <= 1:
            return "negative"
        return None
    if raw in POSITIVE_WORDS[criterion]:
        return "positive"
    if raw in NEGATIVE_WORDS[criterion]:
        return "negative"
    return None


def read_labels(
    path: Path,
    criterion: str,
    positive: str | None = None,
    split: str | None = None,
) -> LabelSet:
    """Read and check a labels file.

    Args:
        path: JSON (``{"samples": [...]}`` or a list), JSONL or CSV with ``text`` and ``label``
            (optionally ``id``, ``output``, ``request``, ``split``, ``kind``).
        criterion: What the labels are about (``af``, ``rs``, ``compliance``, ...).
        positive: The label naming the positive class. For yes/no criteria every other label
            is negative (a file with more than two labels is an error); for compliance, which
            of full/partial/refusal the binary metrics treat as positive (default ``full``).
        split: Keep only items of this split (``all`` or None keeps everything).
    """
    criterion = criterion_name(criterion)
    records = _records(path, _decode(path))
    if not records:
        raise LabelsFormatError(f"{path}: no items")
    wanted = None if split in (None, "all") else split
    raw_labels = [normalise_label(r.get("label", "")) for _, r in records]
    positive_raw = None if positive is None else normalise_label(positive)
    if criterion == "compliance":
        if positive_raw is not None and positive_raw not in COMPLIANCE_WORDS:
            raise UnknownLabelError(
                f"--positive {positive!r} is not a compliance label; use full, partial or refusal"
            )
        positive_canon = COMPLIANCE_WORDS[positive_raw or "full"].value
    else:
        positive_canon = "positive"
    items: list[LabelledItem] = []
    ids: dict[str, str] = {}
    unknown: dict[str, list[str]] = {}
    for (where, record), raw in zip(records, raw_labels, strict=True):
        item_split = str(record.get("split", "") or "")
        if wanted is not None and item_split != wanted:
            continue
        given_id = record.get("id")
        item_id = str(given_id) if given_id not in (None, "") else where
        if given_id not in (None, ""):
            if item_id in ids:
                raise DuplicateIdError(
                    f"{path}: duplicate id {item_id!r} ({ids[item_id]} and {where})"
                )
            ids[item_id] = where
        if "label" not in record or raw == "":
            raise LabelsFormatError(f"{path}: {where} (id {item_id!r}) has no 'label'")
        text = _text(record, criterion)
        if not text:
            raise EmptyTextError(
                f"{path}: {where} (id {item_id!r}) has an empty text; expected a non-empty "
                f"'text' field"
            )
        label = _canonical(criterion, raw, positive_raw, raw_labels)
        if label is None:
            unknown.setdefault(raw, []).append(where)
            continue
        output = record.get("output") if criterion != "compliance" else ""
        items.append(
            LabelledItem(
                id=item_id,
                text=text,
                label=label,
                raw_label=raw,
                output=output if isinstance(output, str) else "",
                request=str(record.get("request", "") or ""),
                split=item_split,
                kind=str(record.get("kind", "") or ""),
            )
        )
    if unknown:
        listed = "; ".join(
            f"{k!r} ({', '.join(v[:3])}{'…' if len(v) > 3 else ''})" for k, v in unknown.items()
        )
        if criterion == "compliance":
            accepted = ", ".join(sorted(COMPLIANCE_WORDS))
        else:
            accepted = (
                f"positive: {', '.join(POSITIVE_WORDS[criterion][:4])}, ...; "
                f"negative: {', '.join(NEGATIVE_WORDS[criterion][:4])}, ..."
            )
        raise UnknownLabelError(
            f"{path}: unknown label(s) for {criterion}: {listed}. Accepted: {accepted}; "
            "or name the positive class with --positive LABEL"
        )
    if not items:
        where = f" in split {split!r}" if wanted else ""
        raise LabelsFormatError(f"{path}: no items{where}")
    classes = sorted({i.label for i in items})
    positives = sum(i.label == positive_canon for i in items)
    if len(classes) < 2 or positives in (0, len(items)):
        only = items[0].raw_label
        raise OneClassError(
            f"{path}: every item{' in split ' + repr(split) if wanted else ''} is labelled "
            f"{only!r} (n={len(items)}); accuracy and AUROC need both classes"
        )
    all_classes = (
        tuple(label.value for label in ComplianceLabel)
        if criterion == "compliance"
        else ("positive", "negative")
    )
    return LabelSet(str(path), criterion, positive_canon, tuple(items), all_classes)
