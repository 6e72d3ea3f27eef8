"""The solver: the scenario's system prompt, the scratchpad protocol, and one parse per sample."""

from __future__ import annotations

import re

from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    ContentReasoning,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from tiergap.experiment.scenario import (
    Scenario,
    ScratchpadMode,
    default_lab,
    prompt_hash,
    scratchpad_mode,
)
from tiergap.experiment.variants import (
    paraphrase_by_id,
    paraphrased_system_prompt,
    training_section,
)
from tiergap.measure.parsing import (
    ParsedResponse,
    needs_continuation,
    parse_response,
    with_channel_reasoning,
)

NEXT_TURN = "<NEXT/>"
PARSED_KEY = "tiergap:parsed"
"""Store key of the parsed response (a plain dict: the store is written to the log)."""
OUTPUT_CLOSE = "</OUTPUT>"
STOP_SEQS = (OUTPUT_CLOSE,)
"""Stop sequences of the hidden-scratchpad protocol: nothing after the answer is needed."""
CUT_REASONS = ("max_tokens", "model_length")
"""inspect stop reasons of a turn cut by a generation limit (the response is ``truncated``)."""
_OUTPUT_OPEN = re.compile(r"<\s*OUTPUT\s*>", re.IGNORECASE)
_OUTPUT_CLOSE = re.compile(r"<\s*/\s*OUTPUT\s*>", re.IGNORECASE)


def assistant_text(state: TaskState) -> str:
    """Every assistant turn of the sample, joined: the scratchpad may span several turns."""
    turns = [m.text for m in state.messages if isinstance(m, ChatMessageAssistant)]
    return "\n".join(turns)


def channel_reasoning(state: TaskState) -> tuple[list[str], list[str]]:
    """The reasoning the provider returned in its own channel: (full texts, summaries).

    A block marked redacted (Anthropic's redacted thinking, OpenAI's encrypted reasoning)
    contributes its readable summary, if any; a block with only a summary is a summary.
    """
    full: list[str] = []
    summaries: list[str] = []
    for message in state.messages:
        if not isinstance(message, ChatMessageAssistant) or isinstance(message.content, str):
            continue
        for part in message.content:
            if not isinstance(part, ContentReasoning):
                continue
            if not part.redacted and part.reasoning.strip():
                full.append(part.reasoning)
            elif part.summary:
                summaries.append(part.summary)
    return full, summaries


def restore_output_close(state: TaskState) -> bool:
    """Put back the ``</OUTPUT>`` a provider removed when it stopped at that stop sequence.

    Providers do not return the stop sequence itself; a turn that stopped normally with an
    ``<OUTPUT>`` block still open ended there, so the closing tag is appended and parsing sees
    a complete block. Returns whether it did.
    """
    if state.output.stop_reason != "stop" or not state.messages:
        return False
    last = state.messages[-1]
    if not isinstance(last, ChatMessageAssistant):
        return False
    text = last.text
    opens = list(_OUTPUT_OPEN.finditer(text))
    if not opens or _OUTPUT_CLOSE.search(text, opens[-1].end()):
        return False
    last.text = text.rstrip() + "\n" + OUTPUT_CLOSE
    return True


def parse_state(
    state: TaskState, scratchpad: ScratchpadMode, truncated: bool = False
) -> ParsedResponse:
    """The sample's response, parsed as its scratchpad mode reads it."""
    parsed = parse_response(
        assistant_text(state), scratchpad_expected=scratchpad == "hidden", truncated=truncated
    )
    if scratchpad == "native":
        full, summaries = channel_reasoning(state)
        return with_channel_reasoning(parsed, full, summaries)
    return parsed


def system_prompt(
    scenario: Scenario, condition: str, lab: str, scratchpad: ScratchpadMode, paraphrase: str
) -> str:
    """The condition's system prompt, its training section in the wording ``paraphrase``
    names (the original when empty)."""
    if not paraphrase:
        return scenario.system_prompt(condition, lab, scratchpad)
    section = training_section(scenario, condition)
    if section is None:
        raise ValueError(f"condition {condition!r} has no training section to paraphrase")
    chosen = paraphrase_by_id(section, paraphrase)
    return paraphrased_system_prompt(scenario, condition, lab, chosen, scratchpad)


def store_parsed(state: TaskState, parsed: ParsedResponse) -> None:
    state.store.set(PARSED_KEY, parsed.to_json())


def parsed_response(state: TaskState) -> ParsedResponse:
    """The response as the solver parsed it; parsed here only for a state the solver never saw
    (a log generated before the parse was stored, or another task's solver)."""
    stored = state.store.get(PARSED_KEY)
    if isinstance(stored, dict):
        return ParsedResponse.from_json(stored)
    mode = scratchpad_mode((state.metadata or {}).get("scratchpad", "hidden"))
    parsed = parse_state(state, mode, truncated=state.output.stop_reason in CUT_REASONS)
    store_parsed(state, parsed)
    return parsed


@solver
def scenario_solver(
    scenario: Scenario,
    scratchpad: ScratchpadMode = "hidden",
    lab: str | None = None,
    max_turns: int = 4,
) -> Solver:
    """Insert the condition's system prompt, generate under the scratchpad protocol, parse.

    The system prompt is built at run time rather than in the dataset because the default lab
    name depends on which model is evaluated (Anthropic for ``anthropic/...``, and so on).

    A turn that ends by closing a ``<SCRATCHPAD_REASONING>`` block without an ``<OUTPUT>`` is
    answered with ``<NEXT/>``, up to ``max_turns`` assistant turns in all (one without a
    scratchpad, or with the model's own reasoning channel: ``native``). Whatever the model
    produced by then is parsed once, into the sample's store, where every scorer reads it; a
    sample that never reaches an output is scored ``invalid``, one cut by the generation limit
    ``truncated``, one repeating itself ``looping``: counted, never re-sampled.

    No assistant turn is ever prefilled: every generation follows a system or user message.
    """
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    turns = max_turns if scratchpad == "hidden" else 1
    expected = scratchpad == "hidden"

    prompts: dict[tuple[str, str, str], str] = {}  # (condition, lab, paraphrase) -> prompt

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        lab_name = lab or default_lab(str(state.model))
        condition = str(state.metadata["condition"])
        wording = str(state.metadata.get("paraphrase", ""))
        text = prompts.get((condition, lab_name, wording))
        if text is None:
            text = prompts[(condition, lab_name, wording)] = system_prompt(
                scenario, condition, lab_name, scratchpad, wording
            )
        for message in state.messages:
            if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
                message.content = message.content.replace("{lab}", lab_name)
        state.messages.insert(0, ChatMessageSystem(content=text))
        state.metadata["lab"] = lab_name
        state.metadata["system_prompt_sha"] = prompt_hash(text)

        truncated = False
        for turn in range(turns):
            state = await generate(state)
            if state.output.stop_reason in CUT_REASONS:
                truncated = True
                break
            if expected:
                restore_output_close(state)
            if turn + 1 < turns and needs_continuation(state.output.completion):
                state.messages.append(ChatMessageUser(content=NEXT_TURN))
                continue
            break
        store_parsed(state, parse_state(state, scratchpad, truncated))
        return state

    return solve
