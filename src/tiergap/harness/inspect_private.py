"""Every use of inspect's private internals, in one place.

tiergap pins ``inspect-ai==0.3.285``. A few things it needs have no public API in that version;
each is wrapped here behind a function named for what tiergap uses it for, and
:data:`PRIVATE_NAMES` lists every private name so that ``tests/test_inspect_private.py`` fails
with a clear message (what moved, and which tiergap feature relies on it) when the pin moves,
instead of a feature breaking silently at run time.
"""

from __future__ import annotations

import importlib
import json
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.model import GenerateConfig

if sys.version_info < (3, 14):  # zstd members of .eval files (stdlib from 3.14), as inspect
    import zipfile_zstd  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: F401

#: (module, name, what tiergap uses it for): checked by tests/test_inspect_private.py.
PRIVATE_NAMES: tuple[tuple[str, str, str], ...] = (
    (
        "inspect_ai.log._samples",
        "sample_active",
        "the simulated models seed each epoch differently (current_epoch)",
    ),
    (
        "inspect_ai.model._generate_config",
        "active_generate_config",
        "judges follow the eval's --cache setting (eval_generate_config)",
    ),
    (
        "inspect_ai._control.eval_state",
        "get_eval_states",
        "--max-cost finds the running tasks to stop (drain_running_tasks)",
    ),
    (
        "inspect_ai._control.cancel",
        "drain_task",
        "--max-cost stops a task cleanly, keeping finished samples (drain_running_tasks)",
    ),
    (
        "inspect_ai._util.registry",
        "set_registry_params",
        "a larger -n / more conditions / epochs reuse the smaller run (set_identity_args)",
    ),
)

EVAL_SUMMARIES_MEMBER = "summaries.json"
"""The member of a finished ``.eval`` zip archive holding every sample's summary: an
internal layout (the public reader is ``read_eval_log_sample_summaries``), read directly by
:func:`finished_log_summaries_json` for speed."""


def _private(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def current_epoch() -> int:
    """The epoch of the sample being generated (1 outside a sample): model providers are not
    told it publicly."""
    active = _private("inspect_ai.log._samples", "sample_active")()
    return int(active.epoch) if active is not None else 1


def eval_generate_config() -> GenerateConfig:
    """The generation config of the running eval (``--cache``, ``--max-tokens``, ...)."""
    config: GenerateConfig = _private(
        "inspect_ai.model._generate_config", "active_generate_config"
    )()
    return config


def drain_running_tasks(already: Iterable[str]) -> list[str]:
    """Drain every running task not in ``already`` (queued samples are abandoned, in-flight
    ones finish and are scored, the log is written as usual); returns the task ids drained."""
    get_eval_states = _private("inspect_ai._control.eval_state", "get_eval_states")
    drain_task = _private("inspect_ai._control.cancel", "drain_task")
    skip = set(already)
    drained: list[str] = []
    for state in get_eval_states():
        if state.completed_at is None and state.task_id not in skip:
            drain_task(state.task_id)
            drained.append(state.task_id)
    return drained


def set_identity_args(task: Task, args: dict[str, Any]) -> Task:
    """Make ``args`` the task arguments inspect's eval set identifies ``task`` by.

    inspect identifies an eval-set task by the arguments it was created with; tiergap leaves
    out those that only add samples (``n``, ``conditions``, ``epochs``) so that a larger run
    finds the smaller one's log and tops it up (inspect reuses samples by id and epoch when
    a dataset grows). The log still records every argument (``task_args``).
    """
    _private("inspect_ai._util.registry", "set_registry_params")(task, dict(args))
    return task


def finished_log_summaries_json(path: str) -> list[dict[str, Any]] | None:
    """The sample summaries of a finished local ``.eval`` file as plain JSON, or None.

    inspect's public reader validates every summary into a model and shortens its long texts,
    which is most of the time of reading 100k samples; the fields tiergap needs are plain
    JSON in the archive's :data:`EVAL_SUMMARIES_MEMBER`. Like inspect, the last row of a
    (sample, epoch) wins. None (use the public reader) for anything else: a log still running
    or interrupted (its summaries are in journal files), a remote or ``.json`` log, an
    unexpected layout.
    """
    local = path.removeprefix("file://")
    if "://" in local or not local.endswith(".eval") or not Path(local).is_file():
        return None
    try:
        with zipfile.ZipFile(local) as archive:
            if EVAL_SUMMARIES_MEMBER not in archive.namelist():
                return None
            rows = json.loads(archive.read(EVAL_SUMMARIES_MEMBER))
    except (OSError, ValueError, KeyError, NotImplementedError, zipfile.BadZipFile):
        return None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        latest[(str(row.get("id")), int(row.get("epoch", 1)))] = row
    return list(latest.values())
