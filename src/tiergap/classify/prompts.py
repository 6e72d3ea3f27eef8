"""Judge prompt templates, kept as data files so they can be read, reviewed and versioned.

Templates live in ``data/prompts/judges/NAME.txt`` and use three placeholders: ``{request}``,
``{scratchpad}`` and ``{output}``. They are filled in one pass over the template, so text in a
transcript that happens to contain ``{output}`` is never substituted again.
"""

from __future__ import annotations

import re
from functools import cache

from tiergap.experiment.scenario import data_dir, prompt_hash

PLACEHOLDERS = ("request", "scratchpad", "output")
_PLACEHOLDER = re.compile(r"\{(request|scratchpad|output)\}")
_USER_INPUT = re.compile(r"<user_input>\s*(.*?)\s*</user_input>", re.DOTALL)
_EMPTY = "(empty)"


def available_judges() -> list[str]:
    folder = data_dir() / "prompts" / "judges"
    return sorted(p.name.removesuffix(".txt") for p in folder.iterdir() if p.name.endswith(".txt"))


@cache
def judge_template(name: str) -> str:
    """The raw template ``name``; a missing placeholder is an error, caught at first use."""
    path = data_dir() / "prompts" / "judges" / f"{name}.txt"
    if not path.is_file():
        raise ValueError(f"unknown judge prompt {name!r}; available: {available_judges()}")
    text = path.read_text(encoding="utf-8")
    missing = [p for p in PLACEHOLDERS if "{" + p + "}" not in text]
    if missing:
        raise ValueError(f"judge prompt {name!r} lacks placeholders {missing}")
    return text


def judge_prompt_hash(name: str) -> str:
    """Fingerprint of a judge template, recorded with every judged score."""
    return prompt_hash(judge_template(name))


def render_judge_prompt(name: str, *, request: str, scratchpad: str, output: str) -> str:
    """Fill template ``name``; empty parts are shown as ``(empty)`` so the judge sees them."""
    values = {"request": request, "scratchpad": scratchpad, "output": output}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)].strip() or _EMPTY, judge_template(name))


def extract_request(user_turn: str) -> str:
    """The user's query inside a tiergap user turn (tier tag and protocol tags removed).

    The judge should see the request, not the tier tag: knowing the tier could bias it.
    """
    match = _USER_INPUT.search(user_turn)
    return match.group(1) if match else user_turn.strip()
