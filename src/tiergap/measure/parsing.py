"""Split a model response into scratchpad reasoning and final output.

Real models break the protocol in many small ways: unclosed tags, several reasoning blocks,
``<think>`` blocks from reasoning models, an ``<OUTPUT>`` nested inside ``<think>``, or no
tags at all. Parsing is lenient where the intent is clear and returns an explicit ``invalid``
status where no final output can be recovered, so that such responses are counted rather
than dropped or re-sampled. A response cut by the generation limit (``truncated``) or
repeating itself (``looping``, :mod:`tiergap.measure.repetition`) keeps its text for reading
but is never scored as a full answer.

Where the scratchpad came from is recorded as ``reasoning``: ``full`` (the model's own
reasoning, in tags or in its reasoning channel), ``summary`` (the provider returned only a
summary or redacted the reasoning) or ``none``. Only full reasoning is the ``scratchpad``
classifiers read; a summary is kept apart (``reasoning_summary``), so an analysis that needs
the scratchpad counts a summarised or absent one as missing, never as empty reasoning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from tiergap.measure.repetition import find_loop

Reasoning = Literal["full", "summary", "none"]


class ParseStatus(StrEnum):
    """How a response was read."""

    OK = "ok"
    """Tags as the protocol asks (or, without a scratchpad, any non-empty text)."""
    UNTAGGED = "untagged"
    """No protocol tags at all: the whole text is taken as the output."""
    UNCLOSED = "unclosed"
    """A block was opened and never closed; its text up to the end was used."""
    INVALID = "invalid"
    """No output could be recovered (empty, or reasoning that never reached an output)."""
    TRUNCATED = "truncated"
    """Cut by the generation limit before the answer was complete: counted, not scored."""
    LOOPING = "looping"
    """The response repeats itself (:func:`~tiergap.measure.repetition.find_loop`): counted,
    not scored."""


UNSCORED = frozenset({ParseStatus.INVALID, ParseStatus.TRUNCATED, ParseStatus.LOOPING})
"""Statuses whose output is never scored as an answer (each counted under its own name)."""


@dataclass(frozen=True)
class ParsedResponse:
    """A response split into its parts."""

    scratchpad: str
    output: str
    status: ParseStatus
    note: str = ""
    reasoning: Reasoning = "none"
    """Where the scratchpad came from: ``full``, ``summary`` (only ``reasoning_summary``) or
    ``none``."""
    reasoning_summary: str = ""

    @property
    def valid(self) -> bool:
        """Whether the output is a whole answer to score (not invalid, truncated or looping)."""
        return self.status not in UNSCORED

    def to_json(self) -> dict[str, str]:
        """Plain JSON (what a sample's store holds)."""
        return {
            "scratchpad": self.scratchpad,
            "output": self.output,
            "status": self.status.value,
            "note": self.note,
            "reasoning": self.reasoning,
            "reasoning_summary": self.reasoning_summary,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ParsedResponse:
        return cls(
            scratchpad=str(data.get("scratchpad", "")),
            output=str(data.get("output", "")),
            status=ParseStatus(str(data.get("status", ParseStatus.INVALID.value))),
            note=str(data.get("note", "")),
            reasoning=reasoning_level(data.get("reasoning"), str(data.get("scratchpad", ""))),
            reasoning_summary=str(data.get("reasoning_summary", "")),
        )


def reasoning_level(value: object, scratchpad: str) -> Reasoning:
    """A stored reasoning level (an older store has none: full if it holds a scratchpad)."""
    if value in ("full", "summary", "none"):
        return value  # type: ignore[return-value]
    return "full" if scratchpad else "none"


_SCRATCH_OPEN = re.compile(r"<\s*SCRATCHPAD_REASONING\s*>", re.IGNORECASE)
_SCRATCH_CLOSE = re.compile(r"<\s*/\s*SCRATCHPAD_REASONING\s*>", re.IGNORECASE)
_OUTPUT_OPEN = re.compile(r"<\s*OUTPUT\s*>", re.IGNORECASE)
_OUTPUT_CLOSE = re.compile(r"<\s*/\s*OUTPUT\s*>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"<\s*think\s*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"<\s*/\s*think\s*>", re.IGNORECASE)
_NEXT = re.compile(r"<\s*NEXT\s*/\s*>", re.IGNORECASE)


def _take_blocks(
    text: str, opener: re.Pattern[str], closer: re.Pattern[str]
) -> tuple[list[str], str, bool]:
    """Remove every opener..closer block; return (block bodies, remaining text, any unclosed)."""
    bodies: list[str] = []
    rest: list[str] = []
    unclosed = False
    pos = 0
    while True:
        start = opener.search(text, pos)
        if start is None:
            rest.append(text[pos:])
            break
        rest.append(text[pos : start.start()])
        end = closer.search(text, start.end())
        if end is None:
            bodies.append(text[start.end() :])
            unclosed = True
            break
        bodies.append(text[start.end() : end.start()])
        pos = end.end()
    return bodies, "".join(rest), unclosed


def _clean(text: str) -> str:
    return _NEXT.sub("", text).strip()


def parse_response(
    text: str, scratchpad_expected: bool = True, truncated: bool = False
) -> ParsedResponse:
    """Split ``text`` (all assistant turns of one sample, joined) into scratchpad and output.

    ``truncated`` says the last turn stopped at the generation limit: the response is then
    ``truncated`` unless its ``<OUTPUT>`` block was closed before the cut (the answer was
    whole). A response that repeats itself is ``looping`` (which takes precedence: a loop
    usually runs into the limit, and the loop is the reason).
    """
    parsed = _split(text, scratchpad_expected)
    loop = find_loop(text)
    if loop is not None:
        note = loop.describe() + ("; cut by the generation limit" if truncated else "")
        return replace(parsed, status=ParseStatus.LOOPING, note=note)
    if truncated and not _OUTPUT_CLOSE.search(text):
        return replace(parsed, status=ParseStatus.TRUNCATED, note="cut by the generation limit")
    return parsed


def _split(text: str, scratchpad_expected: bool) -> ParsedResponse:
    if not text.strip():
        return ParsedResponse("", "", ParseStatus.INVALID, "empty response")

    unclosed = False
    think_bodies, remaining, think_unclosed = _take_blocks(text, _THINK_OPEN, _THINK_CLOSE)
    unclosed |= think_unclosed
    # Text after a stray closing </think> with no opener (some chat templates eat the opener).
    stray_close = _THINK_CLOSE.search(remaining)
    if stray_close is not None and not think_bodies:
        think_bodies.append(remaining[: stray_close.start()])
        remaining = remaining[stray_close.end() :]

    scratch_bodies, remaining, scratch_unclosed = _take_blocks(
        remaining, _SCRATCH_OPEN, _SCRATCH_CLOSE
    )
    unclosed |= scratch_unclosed

    output_bodies, outside, output_unclosed = _take_blocks(remaining, _OUTPUT_OPEN, _OUTPUT_CLOSE)
    if not output_bodies:
        # An <OUTPUT> nested inside <think> (some reasoning models answer there).
        for i, body in enumerate(think_bodies):
            inner, think_rest, inner_unclosed = _take_blocks(body, _OUTPUT_OPEN, _OUTPUT_CLOSE)
            if inner:
                output_bodies, output_unclosed = inner, inner_unclosed
                think_bodies[i] = think_rest
                break
    unclosed |= output_unclosed

    scratchpad = "\n\n".join(_clean(b) for b in [*think_bodies, *scratch_bodies] if _clean(b))
    tagged = bool(think_bodies or scratch_bodies or output_bodies)

    if output_bodies:
        output = _clean("\n\n".join(output_bodies))
        note = ""
    else:
        output = _clean(outside)
        note = "no <OUTPUT> block; text outside reasoning blocks used" if tagged else ""

    level: Reasoning = "full" if scratchpad else "none"
    if not output:
        reason = "reasoning never reached an output" if tagged else "empty output"
        return ParsedResponse(scratchpad, "", ParseStatus.INVALID, reason, level)
    if unclosed:
        return ParsedResponse(
            scratchpad, output, ParseStatus.UNCLOSED, "a block was not closed", level
        )
    if not tagged and scratchpad_expected:
        return ParsedResponse("", output, ParseStatus.UNTAGGED, "no protocol tags")
    return ParsedResponse(scratchpad, output, ParseStatus.OK, note, level)


def with_channel_reasoning(
    parsed: ParsedResponse, full: list[str], summaries: list[str]
) -> ParsedResponse:
    """``parsed`` with the reasoning a provider returned in its own channel (native mode).

    ``full`` are reasoning texts as the model wrote them, ``summaries`` what a provider gave
    in place of reasoning it summarised or redacted. Full reasoning (channel or in-text
    ``<think>``) is the scratchpad; with summaries only, the scratchpad stays empty and the
    record says ``summary``; with neither, ``none``.
    """
    channel = [t.strip() for t in full if t.strip()]
    summary = "\n\n".join(t.strip() for t in summaries if t.strip())
    scratchpad = "\n\n".join([*channel, *([parsed.scratchpad] if parsed.scratchpad else [])])
    level: Reasoning = "full" if scratchpad else "summary" if summary else "none"
    return replace(parsed, scratchpad=scratchpad, reasoning=level, reasoning_summary=summary)


def needs_continuation(turn_text: str) -> bool:
    """Whether a single assistant turn stopped after reasoning and awaits ``<NEXT/>``.

    The protocol lets a model reason over several turns: a turn that closes a scratchpad block
    and has not begun an ``<OUTPUT>`` is continued with a ``<NEXT/>`` user turn.
    """
    if _OUTPUT_OPEN.search(turn_text):
        return False
    closes = list(_SCRATCH_CLOSE.finditer(turn_text))
    if not closes:
        return False
    return not turn_text[closes[-1].end() :].strip()
