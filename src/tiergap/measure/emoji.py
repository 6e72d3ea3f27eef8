"""Emoji counting on model text.

What counts as one emoji follows Unicode's notion of an emoji *presentation* sequence, via the
``emoji`` library's sequence matcher: a ZWJ sequence (a family), a flag, a keycap or a
skin-tone sequence is one emoji. A code point whose default presentation is text (©, ®, ™, ❤,
↔, ...; Unicode's "unqualified" emoji) counts only when followed by VARIATION SELECTOR-16
(U+FE0F), which asks for the emoji glyph; on its own it is a text symbol, which is what ©, ™
and digits are in ordinary prose. Default-emoji code points such as ✅ or ✨ always count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import emoji

_VS16 = "\ufe0f"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


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


def find_emoji(text: str) -> list[str]:
    """Every emoji in ``text``, one entry per emoji as a reader would count them."""
    found: list[str] = []
    for match in emoji.emoji_list(text):
        sequence: str = match["emoji"]
        end: int = match["match_end"]
        if len(sequence) == 1 and text[end : end + 1] == _VS16:
            sequence += _VS16
        if _is_emoji_presentation(sequence):
            found.append(sequence)
    return found


def count_words(text: str) -> int:
    """Words in ``text`` (letters and digits runs; emoji and punctuation are not words)."""
    return len(_WORD.findall(emoji.replace_emoji(text, replace=" ")))


@dataclass(frozen=True)
class EmojiStats:
    """Emoji use in one piece of text."""

    count: int
    any_emoji: int
    per_100_words: float
    words: int

    @classmethod
    def of(cls, text: str) -> EmojiStats:
        count = len(find_emoji(text))
        words = count_words(text)
        per_100 = 100.0 * count / max(words, 1)
        return cls(count=count, any_emoji=int(count > 0), per_100_words=per_100, words=words)
