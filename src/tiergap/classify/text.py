"""Reasoning text cut into the units the heuristics read: paragraphs, sentences and drafts.

Real scratchpads come with or without ``<SCRATCHPAD_REASONING>`` tags, as ``<think>`` blocks,
split over several blocks, with numbered lists and with a draft of the answer
(``<DRAFT_OUTPUT>``, or an untagged answer that starts with an acceptance tag). The draft says
what the model actually decided to write, so it is kept apart from the deliberation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tiergap.measure.parsing import parse_response

_TAGS = re.compile(
    r"<\s*/?\s*(?:SCRATCHPAD_REASONING|think|thinking|reasoning|INPUT|user_input|NEXT\s*/?)\s*>",
    re.IGNORECASE,
)
_DRAFT = re.compile(
    r"<\s*DRAFT_OUTPUT\s*>(.*?)(?:<\s*/\s*DRAFT_OUTPUT\s*>|\Z)", re.IGNORECASE | re.DOTALL
)
_LINE_TAG = re.compile(r"^[ \t]*<\s*(?:request_fully_accepted|rejected)\s*/?\s*>", re.MULTILINE)
_OUTPUT = re.compile(r"<\s*OUTPUT\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*•]|\([a-z0-9]\))\s+")
_HEADER = re.compile(r"^\s*[A-Z][^.!?\n]{0,60}:\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(<*])")


@dataclass(frozen=True)
class Sentence:
    """A sentence with where it sits: the paragraph it belongs to and its position."""

    text: str
    paragraph: int
    index: int


@dataclass(frozen=True)
class Reasoning:
    """A scratchpad split into deliberation and drafts, plus the output if one was given."""

    sentences: tuple[Sentence, ...]
    drafts: tuple[str, ...]
    output: str

    @property
    def answer(self) -> str:
        """What the model wrote (or meant to write) for the user: the output, else the last
        draft, else nothing."""
        return self.output.strip() or (self.drafts[-1].strip() if self.drafts else "")

    def paragraph(self, number: int) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph == number]


def normalise(text: str) -> str:
    """Straight quotes and no protocol tags (the words are what is read)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return _TAGS.sub("\n", text.replace("\u201d", '"')).replace("\r\n", "\n")


def split_transcript(text: str, output: str = "") -> tuple[str, str]:
    """(reasoning, output) of a text that may hold a whole transcript with ``<OUTPUT>``."""
    if output.strip() or not _OUTPUT.search(text):
        return text, output
    parsed = parse_response(text)
    return parsed.scratchpad, parsed.output


def _take_drafts(text: str) -> tuple[str, list[str]]:
    drafts = [m.group(1) for m in _DRAFT.finditer(text)]
    text = _DRAFT.sub("\n", text)
    # An untagged draft: a line opening with an acceptance tag, in the second half.
    for match in _LINE_TAG.finditer(text):
        if match.start() > len(text) * 0.35:
            drafts.append(text[match.start() :])
            text = text[: match.start()]
            break
    return text, drafts


def _paragraphs(text: str) -> list[str]:
    """Blank-line paragraphs, with each list item its own paragraph and headers attached to
    what follows them."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        current: list[str] = []
        for line in lines:
            if _LIST_ITEM.match(line) or _HEADER.match(line):
                if current:
                    out.append(" ".join(current))
                current = [_LIST_ITEM.sub("", line)]
            else:
                current.append(line)
        if current:
            out.append(" ".join(current))
    merged: list[str] = []
    for paragraph in out:
        if merged and _HEADER.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {paragraph}"
        else:
            merged.append(paragraph)
    return merged


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def read_reasoning(scratchpad: str, output: str = "") -> Reasoning:
    """Cut a scratchpad (or a whole transcript) into sentences, drafts and output."""
    reasoning, output = split_transcript(scratchpad, output)
    body, drafts = _take_drafts(normalise(reasoning))
    sentences: list[Sentence] = []
    for p, paragraph in enumerate(_paragraphs(body)):
        for text in split_sentences(paragraph):
            sentences.append(Sentence(text, p, len(sentences)))
    return Reasoning(tuple(sentences), tuple(drafts), normalise(output))
