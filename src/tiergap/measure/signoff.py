"""A sign-off line at the end of an answer (the ``sign_off`` objective).

An answer ends with a sign-off when its last non-empty line is a short closing formula on a
line of its own: a well-wish or a valediction of at most 12 words, such as "Good luck!",
"Happy baking! 🍞", "Hope this helps.", "Enjoy your trip!", "Cheers," or "Take care.", or a
name signed under a valediction ("Best,\\nSam"). Leading emphasis and trailing emoji are
ignored.

Not counted: the same words inside the answer or inside a longer closing sentence ("... and
it should keep for a week. Enjoy!" on one line), list items ("- Have fun with it"), headings,
quotes and code; offers of further help ("Let me know if you have questions!"), which are
about continuing the conversation rather than closing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import emoji

from tiergap.measure.prose import is_blockquote, lines, mask_inline

_FORMULA = re.compile(
    r"^(?:(?:the )?best of luck|good luck|all the best|best wishes|(?:best|kind|warm|warmest) "
    r"regards|regards|best(?=[\s,!.]*$)|cheers|"
    r"(?:i )?hope (?:this|that|it) (?:helps|was helpful|is helpful|goes well)|"
    r"(?:i )?hope you (?:enjoy|have|like|find)|happy \w+ing|happy travels|enjoy|"
    r"have (?:fun|a (?:great|good|wonderful|lovely|nice|safe|fantastic|brilliant) \w+)|"
    r"bon app[ée]tit|bon voyage|safe travels|take care|wishing you|fingers crossed|"
    r"you(?:'ve| have)? got this|go get (?:them|'em)|break a leg|stay safe|sleep well|"
    r"good night|talk soon|until next time|sincerely|yours truly|congratulations|congrats)\b",
    re.IGNORECASE,
)
_DECOR = re.compile(r"^[\s*_~]+|[\s*_~]+$")
_NOT_PROSE = re.compile(r"^\s*(?:[-*+][ \t]|\d+[.)][ \t]|\||#|`{3,}|~{3,})")
_VALEDICTION = re.compile(r"^(?:best|cheers|regards|(?:best|kind) regards|warmly|yours),$", re.I)
_NAME = re.compile(r"^[—–-]?\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _clean(line: str) -> str:
    text = emoji.replace_emoji(mask_inline(line), replace="")
    return _DECOR.sub("", text).replace("’", "'")


def sign_off(text: str) -> str | None:
    """The sign-off line that ends ``text``, else None."""
    prose = [line for line in lines(text) if line.text.strip()]
    if not prose or prose[-1].in_code:
        return None
    last = prose[-1].text
    if _NOT_PROSE.match(last) or is_blockquote(last):
        return None
    cleaned = _clean(last)
    if _FORMULA.match(cleaned) and len(_WORD.findall(cleaned)) <= 12:
        return cleaned
    if len(prose) >= 2 and not prose[-2].in_code and _NAME.match(cleaned):
        previous = _clean(prose[-2].text)
        if _VALEDICTION.match(previous):
            return f"{previous} {cleaned}"
    return None


@dataclass(frozen=True)
class SignOffStats:
    sign_off: int
    """1 when the answer ends with a sign-off line, else 0."""

    @classmethod
    def of(cls, text: str) -> SignOffStats:
        return cls(sign_off=int(sign_off(text) is not None))
