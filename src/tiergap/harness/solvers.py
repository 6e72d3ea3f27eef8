"""Solvers: put the scenario's system prompt in place, then run the scratchpad protocol."""

from __future__ import annotations

from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from tiergap.experiment.scenario import (
    ScratchpadMode,
    default_lab,
    load_scenario_variant,
    prompt_hash,
)
from tiergap.measure.parsing import needs_continuation

NEXT_TURN = "<NEXT/>"


@solver
def scenario_system_prompt(
    scenario: str,
    scratchpad: ScratchpadMode = "hidden",
    lab: str | None = None,
    tiers: str = "two",
    system_prompt: str | None = None,
) -> Solver:
    """Insert the system prompt for the sample's condition, and name the lab in the user turn.

    Built at run time rather than in the dataset because the default lab name depends on
    which model is being evaluated (Anthropic for ``anthropic/...``, and so on).
    """
    spec = load_scenario_variant(scenario, tiers, system_prompt)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        condition = str(state.metadata["condition"])
        lab_name = lab or default_lab(str(state.model))
        text = spec.system_prompt(condition, lab=lab_name, scratchpad=scratchpad)
        for message in state.messages:
            if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
                message.content = message.content.replace("{lab}", lab_name)
        state.messages.insert(0, ChatMessageSystem(content=text))
        state.metadata["lab"] = lab_name
        state.metadata["system_prompt_sha"] = prompt_hash(text)
        return state

    return solve


@solver
def scratchpad_generate(max_turns: int = 4) -> Solver:
    """Generate, continuing with ``<NEXT/>`` while the model is still reasoning.

    A turn that ends by closing a ``<SCRATCHPAD_REASONING>`` block without an ``<OUTPUT>``
    is answered with ``<NEXT/>``, up to ``max_turns`` assistant turns in all. Whatever the
    model produced by then is scored; a sample that never reaches an output is scored
    ``invalid``, not re-sampled.
    """
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        for turn in range(max_turns):
            state = await generate(state)
            if state.output.stop_reason == "model_length":
                break
            if turn + 1 < max_turns and needs_continuation(state.output.completion):
                state.messages.append(ChatMessageUser(content=NEXT_TURN))
                continue
            break
        return state

    return solve
