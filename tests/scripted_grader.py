"""A scripted grader for real inspect runs of the judges (shared by the judge tests).

:func:`register_scripted_grader` registers an inspect model provider that answers each prompt
with ``script(prompt, nth, model)`` — ``nth`` counts earlier calls of the same model with the
same prompt, so N votes on one prompt can be scripted call by call — and records every call as
``"model|prompt"`` in the list it returns, so tests can count calls and check what was asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

Script = Callable[[str, int, str], str]


class ScriptedAPI(ModelAPI):
    """Base of the tests' scripted inspect providers: the constructor inspect calls, no API
    key or base URL needed; a subclass writes ``generate``."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect provider signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)


"""(prompt, nth call of this model with this prompt, model name) -> reply."""


def register_scripted_grader(provider: str, script: Script) -> list[str]:
    """Register ``provider`` (use it as ``provider/MODEL``); returns its call log."""
    calls: list[str] = []

    @modelapi(name=provider)
    class ScriptedGrader(ScriptedAPI):
        async def generate(
            self,
            input: list[ChatMessage],
            tools: list[ToolInfo],
            tool_choice: ToolChoice,
            config: GenerateConfig,
        ) -> ModelOutput:
            prompt = input[-1].text
            key = f"{self.model_name}|{prompt}"
            nth = calls.count(key)
            calls.append(key)
            output = ModelOutput.from_content(
                model=self.model_name, content=script(prompt, nth, self.model_name)
            )
            # Without usage inspect downloads a tokenizer to count tokens, which fails offline.
            output.usage = ModelUsage(input_tokens=10, output_tokens=10, total_tokens=20)
            return output

    return calls
