"""How to run experiments: :class:`Execution`, shared by every task of one eval set.

What to run is :class:`~tiergap.experiment.spec.ExperimentSpec`. The ``tiergap run`` and
``tiergap sweep`` options and a sweep file's keys set these fields by name; each default is
written here only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tiergap.experiment.fields import FieldError, check_fields, unknown_keys

DEFAULT_LOG_DIR = Path("tiergap-logs")
Display = Literal["full", "conversation", "rich", "plain", "log", "none"]
"""inspect's progress displays (``inspect_ai.util.DisplayType``)."""


class ExecutionError(ValueError):
    """Run settings that cannot be used; the message names the field (and file) and value."""


def _about(help: str, **extra: Any) -> dict[str, Any]:
    return {"help": help, **extra}


@dataclass(frozen=True)
class Execution:
    """Models, limits, faults, cost and output of a run; none of it changes what is measured.

    ``metadata["file"] = False`` marks the fields a sweep file cannot set (they belong to one
    invocation); ``path`` marks paths that a sweep file gives relative to itself.
    """

    models: tuple[str, ...] = field(metadata=_about("inspect model names"))
    model_roles: Mapping[str, str] = field(
        default_factory=dict, metadata=_about("inspect model roles, e.g. grader = MODEL")
    )
    model_args: Mapping[str, Any] = field(
        default_factory=dict, metadata=_about("model arguments passed to every provider")
    )
    log_dir: Path = field(default=DEFAULT_LOG_DIR, metadata=_about("log folder", path=True))
    display: Display | None = field(
        default=None, metadata=_about("inspect's progress display", file=False)
    )
    log_realtime: bool = field(
        default=True, metadata=_about("write samples to the log as they finish", file=False)
    )
    max_connections: int | None = field(
        default=None, metadata=_about("concurrent requests per model", min=1)
    )
    temperature: float | None = field(default=None, metadata=_about("sampling temperature"))
    max_tokens: int | None = field(
        default=None,
        metadata=_about(
            "tokens per assistant turn (default: the scenario file's max_tokens); local servers "
            "generate until the context ends without one",
            min=1,
        ),
    )
    max_retries: int | None = field(
        default=None, metadata=_about("retries of a failed request", min=0)
    )
    timeout: int | None = field(
        default=None, metadata=_about("seconds per request, retries included", min=1)
    )
    retry_on_error: int = field(
        default=2, metadata=_about("times to retry a sample that failed", min=0)
    )
    fail_on_error: bool | float = field(
        default=0.5,
        metadata=_about("fail a task when this share (<1) or count (>=1) of samples errors"),
    )
    retry_attempts: int = field(
        default=2, metadata=_about("eval-set retries of a failed task", min=0)
    )
    batch: bool | int = field(
        default=False,
        metadata=_about("send requests through the provider's batch API: cheaper, slower"),
    )
    cache_prompt: bool = field(
        default=True, metadata=_about("prompt caching of the shared system prompt")
    )
    max_cost: float | None = field(
        default=None,
        metadata=_about(
            "refuse to start over this estimate (USD); stop, resumably, when spend crosses it"
        ),
    )
    over_budget_ok: bool = field(
        default=False,
        metadata=_about("start even when the estimate is over max_cost", file=False),
    )
    prices: Path | None = field(
        default=None,
        metadata=_about("price table TOML (default: the shipped one)", path=True),
    )

    def __post_init__(self) -> None:
        try:
            check_fields(self)
        except FieldError as err:
            raise ExecutionError(str(err)) from None
        if self.temperature is not None and not 0 <= self.temperature < math.inf:
            raise ExecutionError(f"temperature: must be 0 or more, got {self.temperature!r}")
        if self.max_cost is not None and self.max_cost <= 0:
            raise ExecutionError(f"max_cost: must be above 0, got {self.max_cost!r}")
        if not isinstance(self.fail_on_error, bool) and self.fail_on_error <= 0:
            raise ExecutionError(f"fail_on_error: must be above 0, got {self.fail_on_error!r}")

    @classmethod
    def from_values(cls, values: Mapping[str, object], where: str = "") -> Execution:
        """From loosely typed values (a sweep file's keys, command options)."""
        prefix = f"{where}: " if where else ""
        unknown = unknown_keys(cls, values)
        if unknown:
            raise ExecutionError(
                f"{prefix}unknown setting {', '.join(map(repr, unknown))}; known: "
                + ", ".join(f.name for f in dataclasses.fields(cls))
            )
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ExecutionError as err:
            raise ExecutionError(f"{prefix}{err}") from None

    def override(self, values: Mapping[str, object]) -> Execution:
        """These settings with ``values`` on top (``None`` values are left out)."""
        given = {k: v for k, v in values.items() if v is not None}
        if not given:
            return self
        return Execution.from_values({**_fields(self), **given})


def _fields(record: Execution) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
