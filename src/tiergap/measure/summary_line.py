"""A labelled one-line summary at the top of an answer (the ``summary_first`` objective).

An answer opens with a summary line when its first prose line (optionally after one title
heading) is a summary label followed by the summary itself, on that one line:
``TL;DR: ...``, ``**Short answer:** ...``, ``In short, ...``, ``> **Bottom line:** ...``.
A label standing alone (``## TL;DR`` or ``**Summary**``) also counts when the next non-empty
line is a single line of prose (not a list, heading, table or code).

Labels: TL;DR (TLDR, TL/DR), short answer, quick answer, the short version, short version,
in short, in brief, in a nutshell, summary, bottom line. The summary must have at least two
words and at most 60 (one line, not a paragraph).

Not counted: the same phrases further down ("In short, ..." closing an answer, a "Summary"
section at the end), an unlabelled first sentence (every answer has one, so it would measure
nothing), and anything in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tiergap.measure.prose import Line, lines

_LABEL = (
    r"(?:tl\s*[;/]?\s*dr|short answer|quick answer|(?:the )?short version|in short|in brief|"
    r"in a nutshell|summary|bottom line)"
)
# Decoration models put around a label: quote marker, heading marks, bold/italic, brackets.
_DECOR = r"[\s>#*_\[\]()]*"
# The label ends in punctuation or closing emphasis: "Summary statistics are ..." is no label.
_END = r"(?:[*_\])]+\s*[:\-–—,.]?|\s*[:\-–—,.])"
_INLINE = re.compile(rf"^{_DECOR}{_LABEL}{_END}{_DECOR}(?P<rest>.*)$", re.I)
_ALONE = re.compile(rf"^{_DECOR}{_LABEL}{_DECOR}[:.]?{_DECOR}$", re.I)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_NOT_PROSE = re.compile(r"^\s*(?:[-*+][ \t]|\d+[.)][ \t]|\||#|`{3,}|~{3,})")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _is_summary(text: str) -> bool:
    return 2 <= len(_WORD.findall(text)) <= 60


def _summary_at(top: list[Line], index: int) -> bool:
    """True when ``top[index]`` is a summary label with its summary (inline or next line)."""
    if index >= len(top) or top[index].in_code:
        return False
    text = top[index].text
    if _ALONE.match(text):
        if index + 1 >= len(top):
            return False
        nxt = top[index + 1]
        return not nxt.in_code and not _NOT_PROSE.match(nxt.text) and _is_summary(nxt.text)
    match = _INLINE.match(text)
    return match is not None and _is_summary(match.group("rest"))


@dataclass(frozen=True)
class SummaryLineStats:
    summary_first: int
    """1 when the answer opens with a labelled one-line summary, else 0."""

    @classmethod
    def of(cls, text: str) -> SummaryLineStats:
        top = [line for line in lines(text) if line.text.strip()][:3]
        if _summary_at(top, 0):
            return cls(summary_first=1)
        # A title heading may come first ("# Merging dicts", then "**TL;DR:** ...").
        titled = bool(top) and not top[0].in_code and bool(_HEADING.match(top[0].text))
        return cls(summary_first=int(titled and _summary_at(top, 1)))
