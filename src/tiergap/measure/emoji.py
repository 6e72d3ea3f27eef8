"""Emoji counting on model text.

What counts as one emoji follows Unicode's notion of an emoji *presentation* sequence, via the
``emoji`` library's sequence matcher: a ZWJ sequence (a family), a flag, a keycap or a
skin-tone sequence is one emoji. A code point whose default presentation is text (©, ®, ™, ❤,
↔, ...; Unicode's "unqualified" emoji) counts only when followed by VARIATION SELECTOR-16
(U+FE0F), which asks for the emoji glyph; on its own it is a text symbol, which is what ©, ™
and digits are in ordinary prose. Default-emoji code points such as ✅ or ✨ always count.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import emoji

_VS16 = "\ufe0f"
_VS15 = "\ufe0e"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


_WORD_ASCII = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
"""``_WORD`` for ASCII text (the same words, without Unicode category look-ups)."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.cache
def _sequence_chars() -> frozenset[str]:
    """Every character that occurs in an emoji sequence (digits, ``#``, ``*``, ZWJ, ...)."""
    return frozenset(c for sequence in emoji.EMOJI_DATA for c in sequence)


def _matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sequence) of every emoji-library match in ``text``, in order.

    The ``emoji`` library tokenises text one character at a time in Python (~1 µs a
    character) and model outputs are mostly prose. A match is made only of characters that
    occur in emoji sequences, so it lies inside a maximal run of them that holds a non-ASCII
    one (ASCII alone gives digits, ``#`` and ``*``); tokenising just those runs finds exactly
    the matches the library finds in the whole text (a test checks this on random text).
    """
    if text.isascii():
        return []
    chars = _sequence_chars()
    runs: list[tuple[int, int]] = []
    for hit in _NON_ASCII.finditer(text):
        position = hit.start()
        if hit.group() not in chars or (runs and position < runs[-1][1]):
            continue
        start, end = position, position + 1
        while start > 0 and text[start - 1] in chars:
            start -= 1
        while end < len(text) and text[end] in chars:
            end += 1
        runs.append((start, end))
    found: list[tuple[int, int, str]] = []
    for start, end in runs:
        for match in emoji.emoji_list(text[start:end]):
            found.append((start + match["match_start"], start + match["match_end"], match["emoji"]))
    return found


def _is_emoji_presentation(sequence: str) -> bool:
    """True when ``sequence`` renders as an emoji rather than as a text symbol."""
    if len(sequence) > 1:
        # Multi-code-point sequences (ZWJ, flags, keycaps, modifiers, VS16) are emoji,
        # except a lone text-default character carrying VS15 (text presentation).
        return not sequence.endswith("\ufe0e")
    data = emoji.EMOJI_DATA.get(sequence)
    # A lone code point is an emoji when Unicode calls it "fully-qualified" as it stands
    # (default emoji presentation, e.g. ✅ ✨); "unqualified" ones (©, ™, ❤, ↔) are text.
    return data is not None and data.get("status") == emoji.STATUS["fully_qualified"]


def _presented(text: str, matches: list[tuple[int, int, str]]) -> list[str]:
    found: list[str] = []
    for _, end, sequence in matches:
        if len(sequence) == 1 and text[end : end + 1] == _VS16:
            sequence += _VS16
        if _is_emoji_presentation(sequence):
            found.append(sequence)
    return found


def _words(text: str, matches: list[tuple[int, int, str]]) -> int:
    if matches:
        pieces: list[str] = []
        last = 0
        for start, end, _ in matches:
            pieces.append(text[last:start])
            last = end
        pieces.append(text[last:])
        text = " ".join(pieces)
    if text.isascii():
        return len(_WORD_ASCII.findall(text))
    if _VS16 in text or _VS15 in text:
        # a variation selector outside an emoji selects nothing: it is dropped, not a gap
        text = text.replace(_VS16, "").replace(_VS15, "")
    return len(_WORD.findall(text))


def find_emoji(text: str) -> list[str]:
    """Every emoji in ``text``, one entry per emoji as a reader would count them."""
    return _presented(text, _matches(text))


def count_words(text: str) -> int:
    """Words in ``text`` (letters and digits runs; emoji and punctuation are not words)."""
    return _words(text, _matches(text))


@dataclass(frozen=True)
class EmojiStats:
    """Emoji use in one piece of text."""

    count: int
    any_emoji: int
    per_100_words: float
    words: int

    @classmethod
    def of(cls, text: str) -> EmojiStats:
        matches = _matches(text)  # tokenised once for both counts
        count = len(_presented(text, matches))
        words = _words(text, matches)
        per_100 = 100.0 * count / max(words, 1)
        return cls(count=count, any_emoji=int(count > 0), per_100_words=per_100, words=words)
