"""What makes two runs the same run: their content, not their file names.

A run's *content* is everything the model is shown and everything that decides how it is
measured: the scenario file's text, the rendered system prompt of every condition, and every
user turn built from the query file (all of its rows, in every condition). :func:`content_hash`
fingerprints it, so editing the ``--system-prompt`` file, a custom scenario's objective file or
a query file makes a new run instead of silently reusing the old samples.

A run's *identity* (:func:`run_identity`) is that content plus every experiment setting that
changes what is requested (scenario, scratchpad, seed, lab, judges, ... and the generation
settings), but *not* how many queries, which conditions or how many epochs: those only grow
or shrink the set of samples, so a larger run of the same identity reuses every sample a
smaller one already produced and requests only the new ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import Scenario, data_dir
from tiergap.experiment.spec import ExperimentSpec

GROWING_FIELDS = ("n", "conditions", "epochs")
"""Spec fields that only add or remove samples: not part of a run's identity."""

HASH_CHARS = 16


def _scenario_source(name: str) -> str:
    """The scenario file's text (a user's file, or the shipped one of that name)."""
    if name.endswith(".toml"):
        return Path(name).read_text(encoding="utf-8")
    return (data_dir() / "scenarios" / f"{name}.toml").read_text(encoding="utf-8")


def content_hash(spec: ExperimentSpec, scenario: Scenario | None = None) -> str:
    """Fingerprint of what the model is shown and how it is measured (see the module doc).

    The lab name stays a placeholder unless the spec fixes it: the model, which decides the
    default lab, is part of every task's identity anyway.
    """
    scenario = scenario or spec.load_scenario()
    digest = hashlib.sha256()

    def add(label: str, text: str) -> None:
        digest.update(label.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")

    add("scenario", _scenario_source(spec.scenario))
    if scenario.objective_file and Path(scenario.objective_file).is_absolute():
        # read afresh: the prompt reader caches a user's file for the length of a run
        add("objective", Path(scenario.objective_file).read_text(encoding="utf-8"))
    lab = spec.lab or "{lab}"
    for name in scenario.conditions:
        add(f"system:{name}", scenario.system_prompt(name, lab, spec.scratchpad))
    for query in load_queries(spec.queries or scenario.queries):
        add(f"category:{query.id}", query.category)
        for name in scenario.conditions:
            add(f"user:{name}:{query.id}", scenario.user_turn(name, query.text, lab="{lab}"))
    return digest.hexdigest()[:HASH_CHARS]


def identity_args(spec: ExperimentSpec) -> dict[str, object]:
    """The spec's task arguments that identify a run (all but :data:`GROWING_FIELDS`)."""
    return {k: v for k, v in spec.task_args().items() if k not in GROWING_FIELDS}


def experiment_key(task_args: Mapping[str, object]) -> str:
    """Task arguments (as a log records them) that name an experiment, content and growth
    aside: logs of one experiment with different content hashes are different runs of it."""
    args = {k: v for k, v in task_args.items() if k not in GROWING_FIELDS}
    return json.dumps(args, sort_keys=True, default=str)


def run_identity(
    spec: ExperimentSpec, content: str, settings: Mapping[str, Any] | None = None
) -> str:
    """Fingerprint of the run a sample belongs to: ``content`` (:func:`content_hash`), the
    identifying task arguments and the generation ``settings`` (temperature, token limit,
    model arguments and roles: whatever changes what a model is asked)."""
    payload = {
        "content": content,
        "args": identity_args(spec),
        "settings": dict(settings or {}),
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]
