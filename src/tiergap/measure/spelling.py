"""British spelling in model text (the observable of the ``british_spelling`` objective).

An answer shows British spelling when its prose contains at least one word from the
British-only column of ``data/lexicons/british_american.tsv`` (colour, organise, centre,
travelled, defence, paediatric, aluminium, ...). The lexicon lists only spellings that are not
standard American English, and counts an American form only where it is not also standard
British: "practice", "license", "program", "meter", "check", "tire", "story" and "draft" are
ordinary British words and count for neither side; -ize is Oxford British, so -ise marks
British and -ize counts for neither; "analyses" (the plural of "analysis") counts for neither.
Words common in both varieties despite a British flavour (grey, theatre, catalogue, judgement,
cancelled) are left out. The American count is reported but not used by the 0/1 value.

Not counted, because the answer only carries them: words in code blocks and inline code, URLs
and e-mail addresses, blockquotes and quoted spans (an answer explaining "colour" vs "color"),
and capitalised words that do not start a sentence, line or table cell, which are read as
names ("the Labour Party", "Lincoln Center", "Ministry of Defence"). That last rule also skips
Title Case headings after their first word: it trades some misses for no false positives on
names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from tiergap.measure.prose import prose

LEXICON = "lexicons/british_american.tsv"
_WORD = re.compile(r"[A-Za-z]+")
# Markdown and punctuation that may sit between a line/sentence start and its first word.
_LEAD = re.compile(r"[\s#>*_\-+|()\[\]\"'“”‘’]*(?:\d+[.)]\s*)?[\s*_\"'“”‘’(\[]*$")
_SENTENCE_END = re.compile(r"[.!?:;|]\W*$")


@dataclass(frozen=True)
class Lexicon:
    british: frozenset[str]
    american: frozenset[str]


@functools.cache
def lexicon() -> Lexicon:
    """The British-only and American-only word sets (lower case)."""
    path = resources.files("tiergap") / "data" / LEXICON
    british: set[str] = set()
    american: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise ValueError(f"data/{LEXICON}:{number}: expected 'british<TAB>american'")
        brit, amer = (p.strip().lower() for p in parts)
        british.add(brit)
        if amer != "-":
            american.add(amer)
    overlap = british & american
    if overlap:
        raise ValueError(f"data/{LEXICON}: words in both columns: {sorted(overlap)}")
    return Lexicon(frozenset(british), frozenset(american))


def _is_name(line: str, start: int, word: str) -> bool:
    """A capitalised word that does not start a sentence, line or cell: a name."""
    if not word[0].isupper() or (len(word) > 1 and word.isupper()):
        return False
    before = line[:start]
    return not (_LEAD.fullmatch(before) or _SENTENCE_END.search(before))


@dataclass(frozen=True)
class SpellingStats:
    """British-only and American-only spellings in the prose of one answer."""

    british: int
    american: int
    british_words: tuple[str, ...]
    british_spelling: int
    """1 when the answer has at least one British-only spelling, else 0."""

    @classmethod
    def of(cls, text: str) -> SpellingStats:
        words = lexicon()
        found_british: list[str] = []
        american = 0
        for line in prose(text).splitlines():
            for match in _WORD.finditer(line):
                word = match.group(0)
                lower = word.lower()
                if lower not in words.british and lower not in words.american:
                    continue
                if _is_name(line, match.start(), word):
                    continue
                if lower in words.british:
                    found_british.append(lower)
                else:
                    american += 1
        return cls(
            british=len(found_british),
            american=american,
            british_words=tuple(found_british),
            british_spelling=int(bool(found_british)),
        )
