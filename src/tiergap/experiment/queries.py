"""User query sets: shipped JSON Lines files, the user's own CSV/JSONL files, and AdvBench.

AdvBench's harmful behaviours (520 rows, MIT licence) are not shipped: they are fetched once
from the original public repository, checked, and cached. Offline, pass a local copy with
``--queries FILE``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tiergap.experiment.scenario import ScenarioError, data_dir

ADVBENCH_URL = (
    "https://raw.githubusercontent.com/llm-attacks/llm-attacks/main/data/advbench/"
    "harmful_behaviors.csv"
)
ADVBENCH_ROWS = 520
ADVBENCH_NAME = "advbench"


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    text: str


def load_queries(name_or_path: str) -> list[Query]:
    """Load a query set: ``advbench``, a shipped file name (``benign.jsonl``) or a user file.

    JSONL lines need string fields ``id`` and ``text`` (``category`` optional). CSV files need
    a header with either ``goal`` (the AdvBench format; ``target`` is ignored) or ``id`` and
    ``text``. Errors name the file, line and field.
    """
    if name_or_path == ADVBENCH_NAME:
        path = advbench_path()
        return _parse_csv(_read(path), str(path), expected_rows=ADVBENCH_ROWS)
    path = Path(name_or_path)
    if path.is_file():
        text, where = _read(path), str(path)
    else:
        packaged = data_dir() / "queries" / name_or_path
        if not packaged.is_file():
            raise ScenarioError(f"query file not found: {name_or_path}")
        text, where = packaged.read_text(encoding="utf-8"), f"data/queries/{name_or_path}"
    if where.lower().endswith(".csv"):
        return _parse_csv(text, where)
    return _parse_jsonl(text, where)


def _parse_jsonl(text: str, where: str) -> list[Query]:
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


def _parse_csv(text: str, where: str, expected_rows: int | None = None) -> list[Query]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    if "goal" in columns:
        text_field, id_field = "goal", None
    elif "text" in columns and "id" in columns:
        text_field, id_field = "text", "id"
    else:
        raise ScenarioError(
            f"{where}: header must have a 'goal' column (AdvBench format) or 'id' and 'text' "
            f"columns; found {', '.join(columns) or 'no header'}"
        )
    queries: list[Query] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        value = (row.get(text_field) or "").strip()
        if not value:
            raise ScenarioError(f"{where}:{number}: column {text_field!r} is empty")
        qid = (row.get(id_field) or "").strip() if id_field else f"adv{len(queries) + 1:03d}"
        if not qid or qid in seen:
            raise ScenarioError(f"{where}:{number}: missing or duplicate id {qid!r}")
        seen.add(qid)
        category = (row.get("category") or "").strip() if id_field else "harmful"
        queries.append(Query(qid, category, value))
    if not queries:
        raise ScenarioError(f"{where}: no queries")
    if expected_rows is not None and len(queries) != expected_rows:
        raise ScenarioError(f"{where}: expected {expected_rows} rows, found {len(queries)}")
    return queries


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {err.start})") from None


def cache_dir() -> Path:
    """Where fetched data sets are kept (``TIERGAP_CACHE_DIR`` overrides)."""
    override = os.environ.get("TIERGAP_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tiergap"))


def advbench_path(url: str = ADVBENCH_URL, timeout: float = 30.0) -> Path:
    """The cached AdvBench CSV, fetched and checked on first use."""
    target = cache_dir() / "advbench_harmful_behaviors.csv"
    if target.is_file():
        return target
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload: bytes = response.read()
    except OSError as err:
        raise ScenarioError(
            f"could not fetch AdvBench from {url} ({err}); offline, pass a local copy with "
            "--queries FILE (a CSV with header goal,target)"
        ) from None
    text = payload.decode("utf-8-sig", errors="strict")
    _parse_csv(text, url, expected_rows=ADVBENCH_ROWS)  # check before caching
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return target
