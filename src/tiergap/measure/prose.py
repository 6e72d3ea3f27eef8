"""The prose of a model answer: what a reader reads as the answer's own words.

Formatting detectors must not fire on text the answer only carries: code (a ``# comment`` is
not a header, ``color`` in CSS is not American spelling), URLs (``/centre/`` in a link), and
quoted words (an answer explaining "colour" vs "color"). This module finds those spans so each
detector can mask them the same way.

Rules (lenient where models are sloppy):

* A fenced code block starts at a line whose first non-blank characters are three or more
  backticks or tildes, at any indentation (models indent fences inside list items), and ends
  at the next line with the same fence character at least as long, or at the end of the text.
* Inline code is a run of backticks, text on the same line, and the same run of backticks.
* URLs are ``http(s)://…`` and ``www.…`` up to whitespace, markdown link targets ``](…)`` and
  e-mail addresses.
* Quotations are blockquote lines (``> …``) and quoted spans on one line: straight or curly
  double quotes, and single quotes around at most 40 characters that start after a non-letter
  and end before one (so apostrophes in "don't … it's" never pair up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_DOUBLE_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»")
_SINGLE_QUOTED = re.compile(r"(?<![\w'’])['‘][^'’‘\n]{1,40}['’](?![\w'’])")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>")


@dataclass(frozen=True)
class Line:
    """One line of an answer, and whether it sits inside a fenced code block (or is a fence)."""

    text: str
    in_code: bool


def lines(text: str) -> list[Line]:
    """The answer's lines, each marked code or not (fence lines count as code)."""
    result: list[Line] = []
    fence: str | None = None
    for raw in text.splitlines():
        opened = _FENCE.match(raw)
        if fence is None:
            if opened:
                fence = opened.group(1)
                result.append(Line(raw, True))
            else:
                result.append(Line(raw, False))
            continue
        result.append(Line(raw, True))
        closing = opened.group(1) if opened else ""
        if (
            closing[:1] == fence[0]
            and len(closing) >= len(fence)
            and not raw.strip()[len(closing) :].strip()
        ):
            fence = None
    return result


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def mask_inline(text: str, *, quotes: bool = True) -> str:
    """``text`` (one line or more) with inline code, URLs and (optionally) quotes blanked.

    Blanked spans become spaces of the same length, so offsets and word boundaries survive.
    """
    text = _INLINE_CODE.sub(_blank, text)
    text = _URL.sub(_blank, text)
    if quotes:
        text = _DOUBLE_QUOTED.sub(_blank, text)
        text = _SINGLE_QUOTED.sub(_blank, text)
    return text


def is_blockquote(line: str) -> bool:
    return bool(_BLOCKQUOTE.match(line))


def prose(text: str, *, quotes: bool = True) -> str:
    """The answer with code blocks and blockquotes removed and inline spans blanked.

    Line structure is kept (removed lines become empty lines). With ``quotes=False`` quoted
    material (blockquotes, quoted spans) is kept.
    """
    out: list[str] = []
    for line in lines(text):
        if line.in_code or (quotes and is_blockquote(line.text)):
            out.append("")
        else:
            out.append(mask_inline(line.text, quotes=quotes))
    return "\n".join(out)


def last_prose_line(text: str) -> str | None:
    """The last non-empty line of the answer, or None when that line is code (or nothing).

    An answer whose final line is inside a code block does not end in prose, so end-of-answer
    detectors (closing question, sign-off) must see None rather than an earlier line.
    """
    for line in reversed(lines(text)):
        if line.text.strip():
            return None if line.in_code else line.text
    return None
