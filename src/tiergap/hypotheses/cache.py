"""A cache of fits under the user's cache directory, keyed by everything a fit depends on.

The key hashes the merged parameters (so the parameters file), the likelihood terms (so the
figures file and any logs), the hypothesis, the method and the seed, plus a version number that
changes whenever the fitting code does. Entries are JSON files; a corrupt or unreadable entry
is treated as a miss. ``TIERGAP_CACHE_DIR`` moves the cache; ``None`` as directory disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import platformdirs

#: Bump when a change to the models or the fitting would change a cached result.
FIT_VERSION = "1"
CACHE_ENV = "TIERGAP_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$TIERGAP_CACHE_DIR`` or the platform's user cache directory for tiergap."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("tiergap")) / "fits"


def cache_key(*parts: Any) -> str:
    """A stable hash of JSON-serialisable ``parts`` (``repr`` for anything else)."""
    text = json.dumps([FIT_VERSION, *parts], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class FitCache:
    """Read and write cached fits in ``directory`` (``None``: no caching)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict[str, Any] | None:
        if self.directory is None:
            return None
        path = self.directory / f"{key}.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            handle, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(value, stream)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError as exc:
            # A read-only or full cache directory only costs speed: say so and go on.
            warnings.warn(f"fit cache not written ({self.directory}): {exc}", stacklevel=2)
