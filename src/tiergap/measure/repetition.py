"""Detect a response that repeats itself (a *looping* generation).

Small models (SmolLM2-135M) and badly sampled large ones fall into loops: the same sentence,
list item or phrase written again and again until the generation limit. Such a response is
not an answer, and scoring it as one would measure the loop (an emoji in the repeated line
counts once, or forty times), so it is counted as ``looping`` rather than scored.

The rule is deliberately simple and conservative, so that ordinary answers with a repeated
structure (numbered steps, a table, a refrain) are not caught:

- the text is split into lower-case word and punctuation tokens (numbers kept as they are:
  the rows of a table of figures differ, while a loop through "3. Mix the flour ...",
  "4. Mix the flour ..." still repeats its words between the numbers);
- a token *n*-gram (``n`` = 8) with at least three words in it, seen at least
  ``min_repeats`` (8) times, is a repeated unit (a templated list of a few items
  is not a loop; a loop that runs to the limit repeats many times);
- the response loops when the positions covered by some repeated unit are at least
  ``min_share`` (30 %) of all tokens;
- or when a short unit of characters holding a letter or digit (up to 20 characters, e.g.
  "ha", "no!") repeats back to back at least 20 times: a loop too short for word n-grams.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

NGRAM = 8
MIN_REPEATS = 8
MIN_SHARE = 0.3
MIN_CHAR_RUN = 20

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"[^\W\d_]")
_CHAR_RUN = re.compile(r"(.{1,20}?)\1{" + str(MIN_CHAR_RUN - 1) + ",}", re.DOTALL)


@dataclass(frozen=True)
class Loop:
    """Evidence that a text repeats itself."""

    unit: str
    """The most repeated unit (tokens joined by spaces, or the repeated characters)."""
    repeats: int
    share: float
    """Share of the text's tokens inside a repeated unit (1.0 for a character run)."""

    def describe(self) -> str:
        shown = self.unit if len(self.unit) <= 60 else self.unit[:57] + "..."
        return f"repeats {shown!r} {self.repeats} times ({self.share:.0%} of the text)"


def _wordy(gram: tuple[str, ...]) -> bool:
    return sum(1 for t in gram if _WORD.match(t)) >= 3


def find_loop(
    text: str, n: int = NGRAM, min_repeats: int = MIN_REPEATS, min_share: float = MIN_SHARE
) -> Loop | None:
    """The loop in ``text``, or ``None`` when it does not repeat itself (see module doc)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) >= n * min_repeats:
        grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        # count every n-gram, then keep the wordy ones among the few that repeat enough
        # (checking each n-gram for words first cost most of the time on ordinary answers)
        counts = Counter(grams)
        repeated = {g: c for g, c in counts.items() if c >= min_repeats and _wordy(g)}
        gram, top = max(repeated.items(), key=lambda item: item[1]) if repeated else ((), 0)
        if top >= min_repeats:
            covered = [False] * len(tokens)
            for i, g in enumerate(grams):
                if g in repeated:
                    covered[i : i + n] = [True] * n
            share = sum(covered) / len(tokens)
            if share >= min_share:
                return Loop(" ".join(gram), top, share)
    for match in _CHAR_RUN.finditer(text):
        unit = match.group(1)
        if any(c.isalnum() for c in unit):
            return Loop(unit, len(match.group(0)) // len(unit), 1.0)
    return None
