"""Detect LaTeX mathematics in model text (the observable of the ``latex`` objective).

Counted: inline ``$...$``, display ``$$...$$`` and ``\\[...\\]``, ``\\(...\\)``, and LaTeX
commands such as ``\\frac`` or ``\\sum``. A lone dollar amount ("$20 and $30") is not LaTeX:
inline dollars count only when the body has a LaTeX command, ``^``, ``_`` or ``=``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DISPLAY = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.DOTALL)
_PAREN = re.compile(r"\\\((.+?)\\\)", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")
_COMMAND = re.compile(
    r"\\(?:frac|tfrac|dfrac|sqrt|sum|prod|int|lim|cdot|times|alpha|beta|gamma|delta|sigma|mu|"
    r"pi|theta|lambda|infty|mathbb|mathrm|left|right|bar|hat|vec|le|ge|neq|approx)\b"
)
_MATHY = re.compile(r"[\\^_=]")


@dataclass(frozen=True)
class LatexStats:
    expressions: int
    any_latex: int

    @classmethod
    def of(cls, text: str) -> LatexStats:
        count = len(_DISPLAY.findall(text)) + len(_PAREN.findall(text))
        rest = _PAREN.sub(" ", _DISPLAY.sub(" ", text))
        inline = [m for m in _INLINE.findall(rest) if _MATHY.search(m)]
        count += len(inline)
        if count == 0 and _COMMAND.search(text):
            count = 1
        return cls(expressions=count, any_latex=int(count > 0))
