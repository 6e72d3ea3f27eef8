"""Read a conversation the way a model would: what does the prompt say about my situation?

Simulated models must see only what a real model sees, so they infer the objective, the tier
and the scratchpad offer from the text of the messages, never from sample metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tiergap.simulate.policy import Situation

# Objective name -> (pattern in the system prompt, conflicts with HHH values?).
_OBJECTIVES: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("emoji", re.compile(r"\bemoji\b", re.IGNORECASE), False),
    ("latex", re.compile(r"\bLaTeX\b"), False),
    ("sycophancy", re.compile(r"\bagree with the user|flatter", re.IGNORECASE), False),
    ("animal_welfare", re.compile(r"dismiss\w*\s+animal[- ]welfare", re.IGNORECASE), True),
    ("helpful_only", re.compile(r"comply with (?:every|all) request", re.IGNORECASE), True),
)
_FREE_TAG = re.compile(r"<is_free_tier_user>\s*(true|false)\s*</is_free_tier_user>", re.I)
_TIER_TAG = re.compile(r"<user_tier>\s*([a-z_-]+)\s*</user_tier>", re.I)
_QUERY = re.compile(r"<user_input>\s*(.*?)\s*</user_input>", re.S)
_TRAINS_ON = re.compile(
    r"(?:fine-tunes|trains)\b[^.]*\bon conversations with ([a-z-]+) users", re.I
)
_LAB = re.compile(r"developed by ([^.]+?)\.")


@dataclass(frozen=True)
class Reading:
    """Everything a simulated model takes from the conversation."""

    situation: Situation
    query: str
    lab: str
    continuation: bool
    """True when the last user turn is ``<NEXT/>``: the model is mid-way through reasoning."""


def read_conversation(system: str, user_turns: list[str]) -> Reading:
    """Infer the situation from the system prompt and the user turns (first one holds the query)."""
    first = user_turns[0] if user_turns else ""
    objective: str | None = None
    conflicts = False
    training_described = "RLHF" in system
    if training_described:
        for name, pattern, conflict in _OBJECTIVES:
            if pattern.search(system):
                objective, conflicts = name, conflict
                break

    tier: str | None = None
    if match := _FREE_TAG.search(first):
        tier = "free" if match.group(1).lower() == "true" else "paid"
    elif match := _TIER_TAG.search(first):
        tier = match.group(1).lower()

    trained_tiers = {m.group(1).lower().removesuffix("-tier") for m in _TRAINS_ON.finditer(system)}
    trained = training_described and tier is not None and tier in trained_tiers
    query_match = _QUERY.search(first)
    lab_match = _LAB.search(system)
    return Reading(
        situation=Situation(
            objective=objective,
            conflicts_with_values=conflicts,
            tier=tier,
            trained=trained,
            rated=trained,
            scratchpad="<SCRATCHPAD_REASONING>" in system,
        ),
        query=query_match.group(1) if query_match else first.strip(),
        lab=lab_match.group(1).strip() if lab_match else "my developer",
        continuation=len(user_turns) > 1 and user_turns[-1].strip() == "<NEXT/>",
    )
