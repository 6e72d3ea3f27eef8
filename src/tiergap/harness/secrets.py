"""Keep API keys out of what tiergap prints and records.

Keys come from the environment, as inspect expects. Any text tiergap shows or stores that could
carry one (error messages from a provider, model arguments) goes through :func:`redact`, which
replaces the value of every secret-looking environment variable, and anything shaped like a
provider key, with ``[REDACTED]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8
_SECRET_NAME = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?|_KEY)$", re.IGNORECASE)
# shapes of provider keys (OpenAI, Anthropic, Google, Hugging Face and generic bearer tokens)
_KEY_SHAPES = re.compile(
    r"\b(?:sk-(?:ant-)?[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|hf_[A-Za-z0-9]{20,})"
)


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of environment variables whose names say they hold a secret (longest first)."""
    env = os.environ if environ is None else environ
    values = {
        value
        for name, value in env.items()
        if _SECRET_NAME.search(name) and len(value) >= MIN_SECRET_LENGTH
    }
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` with every known secret value and key-shaped token replaced."""
    for value in secret_values() if secrets is None else secrets:
        if value:
            text = text.replace(value, REDACTED)
    return _KEY_SHAPES.sub(REDACTED, text)
