"""Checks that run before any model is called: every problem named, nothing spent.

A model is checked by constructing its inspect provider exactly as the run will (no request is
sent): that resolves the provider name, the optional SDK it needs and its API key from the
environment, whose variable inspect names in its error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from tiergap.harness.secrets import redact


def _plain(message: str) -> str:
    """inspect's rich-markup error text as one plain line."""
    try:
        text = Text.from_markup(message).plain
    except Exception:
        text = message
    text = text.replace("ERROR:", "").strip()
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def check_model(model: str, model_args: Mapping[str, Any]) -> str | None:
    """None when ``model`` can be set up, else a one-line reason naming it."""
    from inspect_ai.model import get_model

    if "/" not in model or model.startswith("/") or model.endswith("/"):
        return (
            f"model {model!r}: expected provider/name, e.g. anthropic/claude-3-5-haiku-20241022, "
            "openai/gpt-4o or tiergap/reward-hacker"
        )
    try:
        get_model(model, memoize=False, **dict(model_args))
    except BaseException as err:  # inspect raises PrerequisiteError (a BaseException) too
        if isinstance(err, KeyboardInterrupt | SystemExit):
            raise
        reason = _plain(str(err)) or type(err).__name__
        if "not recognized" in reason:
            provider = model.split("/", 1)[0]
            reason = f"unknown model provider {provider!r} ({reason})"
        return redact(f"model {model!r}: {reason}")
    return None


def check_models(models: Sequence[str], model_args: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if not models:
        problems.append("no model given")
    seen: set[str] = set()
    for model in models:
        if model in seen:
            problems.append(f"model {model!r} is listed twice")
            continue
        seen.add(model)
        problem = check_model(model, model_args)
        if problem is not None:
            problems.append(problem)
    return problems
