"""The ``tiergap/...`` model providers for inspect.

- ``tiergap/smollm2``: the embedded SmolLM2-135M-Instruct, in-process, offline; at most
  ``-M max_output=N`` tokens a call (256 by default, whatever the scenario's limit), on
  ``-M threads=N`` threads (one fewer than the cores, leaving one to inspect).
- ``tiergap/reward-hacker``, ``tiergap/alignment-faker``, ``tiergap/hhh``: simulated models of
  each hypothesis, driven by the formal models in :mod:`tiergap.hypotheses` (``-M params=FILE``
  for other parameters, ``-M phase=post_rl`` for after RL). They read only the messages and are
  seeded so that a run can be repeated exactly.
- ``tiergap/keyword-judge``: an offline grader that answers tiergap's judge prompts with the
  keyword heuristics, so the whole judge path runs without an API key.

Every output carries token usage: without it inspect tries to download a tokenizer to count
tokens, which fails offline.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    ContentReasoning,
    ContentText,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from tiergap.classify.keyword_judge import answer_judge_prompt
from tiergap.cost.budget import approx_tokens
from tiergap.harness.inspect_private import current_epoch
from tiergap.harness.smollm2 import (
    Engine,
    EngineSettings,
    default_threads,
    find_gguf,
    get_engine,
)
from tiergap.simulate.responder import SIMULATED_MODELS, Responder

_THINK = re.compile(r"\A<think>(.*?)</think>", re.DOTALL)
EMBEDDED = "smollm2"
KEYWORD_JUDGE = "keyword-judge"
SIMULATED = tuple(SIMULATED_MODELS)
KNOWN_MODELS = (EMBEDDED, *SIMULATED, KEYWORD_JUDGE)
EMBEDDED_MAX_OUTPUT = 256
"""Most tokens the embedded model generates per call (``-M max_output=N`` to change): the
135M model repeats itself beyond this, and a scenario's limit is set for real models."""


def _text(message: ChatMessage) -> str:
    return message.text if isinstance(message.content, list) else message.content


MODEL_ARGS = ("params", "phase", "prefix_reuse", "max_output", "gguf", "n_ctx", "threads")
"""The ``-M`` arguments tiergap's models read (simulated: params, phase; embedded: the rest)."""


@modelapi(name="tiergap")
class TiergapAPI(ModelAPI):
    """Dispatches ``tiergap/<name>`` to the embedded model or a simulated hypothesis model."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect provider signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        if model_name not in KNOWN_MODELS:
            raise ValueError(
                f"unknown tiergap model {model_name!r}; known: "
                + ", ".join(f"tiergap/{m}" for m in KNOWN_MODELS)
            )
        unknown = sorted(set(model_args) - set(MODEL_ARGS))
        if unknown:
            raise ValueError(
                f"unknown model argument {', '.join(map(repr, unknown))} for tiergap/{model_name}"
                f"; known: {', '.join(MODEL_ARGS)}"
            )
        self._args = model_args
        self._responder: Responder | None = None
        if model_name in SIMULATED_MODELS:
            self._responder = Responder.for_model(
                model_name, model_args.get("params"), str(model_args.get("phase", "pre_rl"))
            )
        self._prefix_reuse = bool(model_args.get("prefix_reuse", True))
        self._engine: Engine | None = None
        if model_name == EMBEDDED:
            self._max_output = int(model_args.get("max_output", EMBEDDED_MAX_OUTPUT))
            if self._max_output < 1:
                raise ValueError(f"max_output must be at least 1, got {self._max_output}")
            self._settings = EngineSettings(
                gguf=str(find_gguf(model_args.get("gguf"))),
                n_ctx=int(model_args.get("n_ctx", 8192)),
                threads=int(model_args.get("threads", default_threads())),
            )

    def max_connections(self) -> int:
        # The embedded engine serialises requests; simulated models are instant.
        return 1 if self.model_name == EMBEDDED else 32

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        if self.model_name == EMBEDDED:
            return await self._generate_embedded(input, config)
        if self.model_name == KEYWORD_JUDGE:
            return self._generate_keyword_judgement(input)
        return self._generate_simulated(input, config)

    def _generate_keyword_judgement(
        self, input: list[ChatMessage]
    ) -> tuple[ModelOutput, ModelCall]:
        prompt = _text(input[-1]) if input else ""
        content = answer_judge_prompt(prompt)
        return self._output(content, input, {"model": self.model_name})

    async def _generate_embedded(
        self, input: list[ChatMessage], config: GenerateConfig
    ) -> tuple[ModelOutput, ModelCall]:
        messages = [{"role": m.role, "content": _text(m)} for m in input if m.role != "tool"]
        max_tokens = min(config.max_tokens or self._max_output, self._max_output)
        temperature = 0.0 if config.temperature is None else config.temperature
        seed = 0 if config.seed is None else config.seed
        request = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
            "top_p": config.top_p,
            "prefix_reuse": self._prefix_reuse,
        }
        if self._engine is None:  # loading takes seconds: off the event loop, once
            self._engine = await asyncio.to_thread(get_engine, self._settings)
        done = await asyncio.to_thread(
            self._engine.complete,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            top_p=config.top_p,
            prefix_reuse=self._prefix_reuse,
        )
        output = ModelOutput.from_content(
            model=f"tiergap/{EMBEDDED}",
            content=done.text,
            stop_reason="max_tokens" if done.finish_reason == "length" else "stop",
        )
        output.usage = ModelUsage(
            input_tokens=done.prompt_tokens - done.cached_tokens,
            input_tokens_cache_read=done.cached_tokens,
            output_tokens=done.completion_tokens,
            total_tokens=done.prompt_tokens + done.completion_tokens,
        )
        return output, ModelCall.create(request, {"content": done.text})

    def _generate_simulated(
        self, input: list[ChatMessage], config: GenerateConfig
    ) -> tuple[ModelOutput, ModelCall]:
        assert self._responder is not None
        system = "\n".join(_text(m) for m in input if isinstance(m, ChatMessageSystem))
        users = [_text(m) for m in input if isinstance(m, ChatMessageUser)]
        # The epoch only seeds randomness (so repeated epochs differ); behaviour depends on
        # the messages alone.
        content = self._responder.respond(
            system, users, seed=config.seed or 0, epoch=current_epoch()
        )
        return self._output(content, input, {"model": self.model_name, "turns": len(input)})

    def _output(
        self, content: str, input: list[ChatMessage], request: dict[str, Any]
    ) -> tuple[ModelOutput, ModelCall]:
        model = f"tiergap/{self.model_name}"
        thought = _THINK.match(content)
        if thought is not None:
            # a simulated reasoning model: its reasoning comes back in inspect's reasoning
            # channel, as a provider with native reasoning returns it
            message = ChatMessageAssistant(
                content=[
                    ContentReasoning(reasoning=thought.group(1).strip()),
                    ContentText(text=content[thought.end() :].strip()),
                ],
                model=model,
                source="generate",
            )
            output = ModelOutput.from_message(message)
        else:
            output = ModelOutput.from_content(model=model, content=content)
        prompt_tokens = sum(approx_tokens(_text(m)) for m in input)
        completion_tokens = approx_tokens(content)
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        return output, ModelCall.create(request, {"content": content})
