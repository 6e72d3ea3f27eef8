"""Split a model response into scratchpad reasoning and final output.

Real models break the protocol in many small ways: unclosed tags, several reasoning blocks,
``<think>`` blocks from reasoning models, an ``<OUTPUT>`` nested inside ``<think>``, or no
tags at all. Parsing is lenient where the intent is clear and returns an explicit ``invalid``
status where no final output can be recovered, so that such responses are counted rather
than dropped or re-sampled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


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


@dataclass(frozen=True)
class ParsedResponse:
    """A response split into its parts."""

    scratchpad: str
    output: str
    status: ParseStatus
    note: str = ""

    @property
    def valid(self) -> bool:
        return self.status is not ParseStatus.INVALID

    def to_json(self) -> dict[str, str]:
        """Plain JSON (what a sample's store holds)."""
        return {
            "scratchpad": self.scratchpad,
            "output": self.output,
            "status": self.status.value,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ParsedResponse:
        return cls(
            scratchpad=str(data.get("scratchpad", "")),
            output=str(data.get("output", "")),
            status=ParseStatus(str(data.get("status", ParseStatus.INVALID.value))),
            note=str(data.get("note", "")),
        )


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


def parse_response(text: str, scratchpad_expected: bool = True) -> ParsedResponse:
    """Split ``text`` (all assistant turns of one sample, joined) into scratchpad and output."""
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

    if not output:
        reason = "reasoning never reached an output" if tagged else "empty output"
        return ParsedResponse(scratchpad, "", ParseStatus.INVALID, reason)
    if unclosed:
        return ParsedResponse(scratchpad, output, ParseStatus.UNCLOSED, "a block was not closed")
    if not tagged and scratchpad_expected:
        return ParsedResponse("", output, ParseStatus.UNTAGGED, "no protocol tags")
    return ParsedResponse(scratchpad, output, ParseStatus.OK, note)


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
