"""Markdown section headers in model text (the observable of the ``markdown_headers`` objective).

A header is what a CommonMark renderer would show as a heading, outside code and quotes:

* an ATX heading: at most three spaces of indentation, one to six ``#``, then a space or tab
  and some text (``## Steps``). ``#hashtag``, ``#1 tip`` and ``C# code`` are not headings;
* a setext heading: a line of text directly followed by a line of only ``=`` or ``-``
  characters (at least three). The text line must be ordinary paragraph text: not blank, not
  a list item, table row, heading or fence, so a ``---`` rule after a blank line or under a
  table is not a heading.

Lines inside fenced code blocks (a Python or shell ``# comment``) and blockquotes never count.
Bold lines (``**Steps**``) are not headers: they are emphasis, not document structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tiergap.measure.prose import is_blockquote, lines

_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:={3,}|-{3,})[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^\s*(?:[-*+][ \t]|\d+[.)][ \t]|\||#|`{3,}|~{3,})|\|\s*$")


@dataclass(frozen=True)
class HeaderStats:
    headers: int
    markdown_headers: int
    """1 when the answer has at least one markdown header, else 0."""

    @classmethod
    def of(cls, text: str) -> HeaderStats:
        count = 0
        previous: str | None = None  # the previous line when it is paragraph text, else None
        for line in lines(text):
            raw = line.text
            if line.in_code or is_blockquote(raw):
                previous = None
                continue
            setext = previous is not None and _SETEXT_UNDERLINE.match(raw)
            if _ATX.match(raw) or setext:
                count += 1
                previous = None
            elif raw.strip() and not _NOT_PARAGRAPH.match(raw):
                previous = raw
            else:
                previous = None
        return cls(headers=count, markdown_headers=int(count > 0))
