"""An answer that ends with a question to the user (the ``closing_question`` objective).

An answer ends with a question to the user when its last non-empty line is prose (not code,
not a heading, not a blockquote) whose last sentence ends with a question mark and addresses
the reader. Trailing emoji, emphasis markers and closing brackets after the question mark are
ignored (``*Want me to add tests?* 🙂``).

"Addresses the reader" means the sentence has a second-person word (you, your, you'd, ...),
a first-person word of the assistant or of the conversation (I, me, my, we, us, let's: "Shall
I draft it?", "Should we look at step 2?"), or is one of the elliptic follow-ups models use
("Any questions?", "Want a version in Go?", "Sound good?", "Make sense?", "Ready to try?").

Not counted: questions in code, in quotes or blockquotes (a story ending with dialogue, an
answer ending with a question for the user to ask *someone else*: 'ask: "Is this worth it?"'),
headings ("## Why does this happen?"), questions earlier in the answer followed by more text,
and rhetorical questions without an addressee ("Who had been lighting the lamp?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import emoji

from tiergap.measure.prose import is_blockquote, last_prose_line, mask_inline

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_TRAILING = re.compile(r"[\s*_)\]}>]+$")
_SENTENCES = re.compile(r"(?<=[.!?…])\s+")
_ADDRESSEE = re.compile(
    r"\b(?:you|your|yours|yourself|yourselves|you'd|you'll|you're|you've|"
    r"i|me|my|i'd|i'll|i'm|we|us|our|let's)\b",
    re.IGNORECASE,
)
_ELLIPTIC = re.compile(
    r"^[\s*_(\[-]*(?:any|anything|anyone|want|need|questions|thoughts|sound|sounds|"
    r"make sense|makes sense|ready|curious|interested|shall)\b",
    re.IGNORECASE,
)


def closing_question(text: str) -> str | None:
    """The question that ends ``text`` when it is one to the user, else None."""
    line = last_prose_line(text)
    if line is None or _HEADING.match(line) or is_blockquote(line):
        return None
    body = emoji.replace_emoji(mask_inline(line), replace="")
    body = _TRAILING.sub("", body)
    if not body.endswith(("?", "？")):
        return None
    sentence = _SENTENCES.split(body)[-1].strip()
    if _ADDRESSEE.search(sentence.replace("’", "'")) or _ELLIPTIC.match(sentence):
        return sentence
    return None


@dataclass(frozen=True)
class QuestionStats:
    closing_question: int
    """1 when the answer ends with a question to the user, else 0."""

    @classmethod
    def of(cls, text: str) -> QuestionStats:
        return cls(closing_question=int(closing_question(text) is not None))
