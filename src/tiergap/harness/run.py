"""Run experiments through inspect's ``eval``: the CLI's bridge to the runner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig

from tiergap.harness.tasks import experiment


@dataclass(frozen=True)
class RunRequest:
    scenario: str
    models: list[str]
    n: int | None = None
    conditions: list[str] | None = None
    scratchpad: str = "hidden"
    seed: int = 0
    log_dir: Path = Path("tiergap-logs")
    lab: str | None = None
    queries: str | None = None
    epochs: int = 1
    max_turns: int = 4
    max_connections: int | None = None
    temperature: float | None = None
    display: str | None = None
    log_realtime: bool = True


def run(request: RunRequest) -> list[EvalLog]:
    """Run one scenario on every model; each model's log lands in ``request.log_dir``."""
    task = experiment(
        scenario=request.scenario,
        n=request.n,
        conditions=",".join(request.conditions or []) or None,
        scratchpad=request.scratchpad,
        lab=request.lab,
        queries=request.queries,
        max_turns=request.max_turns,
    )
    config = GenerateConfig(
        seed=request.seed,
        temperature=request.temperature,
        max_connections=request.max_connections,
    )
    return inspect_eval(
        task,
        model=request.models,
        log_dir=str(request.log_dir),
        epochs=request.epochs,
        display=request.display,  # type: ignore[arg-type]
        log_realtime=request.log_realtime,
        **config.model_dump(exclude_none=True),
    )
