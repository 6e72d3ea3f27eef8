"""Sweeps: every (scenario, scratchpad mode, seed) of a sweep file on every model, run as one
inspect eval set in one log folder, so that running it again finishes what is missing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tiergap.experiment.sweepfile import SweepConfig
from tiergap.harness.run import RunOutcome, RunRequest, execute

DEFAULT_SWEEP_LOG_DIR = Path("tiergap-logs")


def sweep_requests(
    config: SweepConfig, overrides: Mapping[str, Any] | None = None
) -> list[RunRequest]:
    """One :class:`RunRequest` per grid point; ``overrides`` (from the command line) win over
    the file's execution settings."""
    settings: dict[str, Any] = {
        "log_dir": config.log_dir or DEFAULT_SWEEP_LOG_DIR,
        "epochs": config.epochs,
        "max_connections": config.max_connections,
        "temperature": config.temperature,
        "batch": config.batch,
        "cache_prompt": config.cache_prompt,
        "max_cost": config.max_cost,
        "prices": config.prices,
        "model_args": config.model_args or None,
        "max_retries": config.max_retries,
        "timeout": config.timeout,
        "retry_on_error": config.retry_on_error,
        "fail_on_error": config.fail_on_error,
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return [
        RunRequest(
            scenario=scenario,
            models=list(config.models),
            n=config.n,
            conditions=list(config.conditions) if config.conditions else None,
            scratchpad=mode,
            seed=seed,
            lab=config.lab,
            queries=str(config.queries) if config.queries is not None else None,
            max_turns=config.max_turns,
            **settings,
        )
        for scenario, mode, seed in config.grid
    ]


def run_sweep(config: SweepConfig, overrides: Mapping[str, Any] | None = None) -> RunOutcome:
    return execute(sweep_requests(config, overrides))
