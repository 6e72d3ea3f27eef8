"""The solver: the scenario's system prompt, the scratchpad protocol, and one parse per sample."""

from __future__ import annotations

from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from tiergap.experiment.scenario import Scenario, ScratchpadMode, default_lab, prompt_hash
from tiergap.measure.parsing import ParsedResponse, needs_continuation, parse_response

NEXT_TURN = "<NEXT/>"
PARSED_KEY = "tiergap:parsed"
"""Store key of the parsed response (a plain dict: the store is written to the log)."""


def assistant_text(state: TaskState) -> str:
    """Every assistant turn of the sample, joined: the scratchpad may span several turns."""
    turns = [m.text for m in state.messages if isinstance(m, ChatMessageAssistant)]
    return "\n".join(turns)


def store_parsed(state: TaskState, parsed: ParsedResponse) -> None:
    state.store.set(PARSED_KEY, parsed.to_json())


def parsed_response(state: TaskState) -> ParsedResponse:
    """The response as the solver parsed it; parsed here only for a state the solver never saw
    (a log generated before the parse was stored, or another task's solver)."""
    stored = state.store.get(PARSED_KEY)
    if isinstance(stored, dict):
        return ParsedResponse.from_json(stored)
    mode = (state.metadata or {}).get("scratchpad", "hidden")
    parsed = parse_response(assistant_text(state), scratchpad_expected=mode != "none")
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
    scratchpad). Whatever the model produced by then is parsed once, into the sample's store,
    where every scorer reads it; a sample that never reaches an output is scored ``invalid``,
    not re-sampled.
    """
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    turns = max_turns if scratchpad == "hidden" else 1
    expected = scratchpad == "hidden"

    prompts: dict[tuple[str, str], str] = {}  # (condition, lab) -> system prompt

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        lab_name = lab or default_lab(str(state.model))
        condition = str(state.metadata["condition"])
        text = prompts.get((condition, lab_name))
        if text is None:
            text = prompts[(condition, lab_name)] = scenario.system_prompt(
                condition, lab_name, scratchpad
            )
        for message in state.messages:
            if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
                message.content = message.content.replace("{lab}", lab_name)
        state.messages.insert(0, ChatMessageSystem(content=text))
        state.metadata["lab"] = lab_name
        state.metadata["system_prompt_sha"] = prompt_hash(text)

        for turn in range(turns):
            state = await generate(state)
            if state.output.stop_reason == "model_length":
                break
            if turn + 1 < turns and needs_continuation(state.output.completion):
                state.messages.append(ChatMessageUser(content=NEXT_TURN))
                continue
            break
        store_parsed(state, parse_response(assistant_text(state), scratchpad_expected=expected))
        return state

    return solve
