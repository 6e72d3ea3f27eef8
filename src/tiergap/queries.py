"""User query sets: JSON Lines files with an id, a category and the text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tiergap.scenario import ScenarioError, data_dir


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    text: str


def load_queries(name_or_path: str) -> list[Query]:
    """Load a shipped query set by file name (``benign.jsonl``) or a user file by path.

    Every line must be a JSON object with string fields ``id`` and ``text`` (``category``
    optional); ids must be unique. Errors name the file and line.
    """
    path = Path(name_or_path)
    if path.is_file():
        text, where = _read(path), str(path)
    else:
        packaged = data_dir() / "queries" / name_or_path
        if not packaged.is_file():
            raise ScenarioError(f"query file not found: {name_or_path}")
        text, where = packaged.read_text(encoding="utf-8"), f"data/queries/{name_or_path}"
    queries: list[Query] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ScenarioError(f"{where}:{number}: not valid JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise ScenarioError(f"{where}:{number}: expected a JSON object")
        for field in ("id", "text"):
            if not isinstance(row.get(field), str) or not row[field].strip():
                raise ScenarioError(f"{where}:{number}: field {field!r} missing or empty")
        if row["id"] in seen:
            raise ScenarioError(f"{where}:{number}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        queries.append(Query(row["id"], str(row.get("category", "")), row["text"]))
    if not queries:
        raise ScenarioError(f"{where}: no queries")
    return queries


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {err.start})") from None
