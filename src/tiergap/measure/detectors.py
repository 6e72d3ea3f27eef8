"""Every formatting objective's detector under one key: what a scenario's ``metric`` names.

A scenario with a formatting objective names its detector in ``metric`` (``metric =
"sign_off"``); the harness scores each output with it and records ``score_key`` as a 0/1
value. Each detector is a pure function of the answer's final text, defined precisely in its
module's docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tiergap.measure.emoji import EmojiStats
from tiergap.measure.headers import HeaderStats
from tiergap.measure.latex import LatexStats
from tiergap.measure.question import QuestionStats
from tiergap.measure.signoff import SignOffStats
from tiergap.measure.spelling import SpellingStats
from tiergap.measure.summary_line import SummaryLineStats


class UnknownDetectorError(ValueError):
    """A metric that names no detector."""


@dataclass(frozen=True)
class Detector:
    """A 0/1 observable of an answer's text."""

    key: str
    """The name a scenario's ``metric`` uses."""
    score_key: str
    """The name of the recorded 0/1 value."""
    label: str
    """How reports name the behaviour ("emoji", "a sign-off line")."""
    detect: Callable[[str], int]


DETECTORS: dict[str, Detector] = {
    d.key: d
    for d in (
        Detector("emoji", "any_emoji", "emoji", lambda t: EmojiStats.of(t).any_emoji),
        Detector("latex", "latex", "LaTeX", lambda t: LatexStats.of(t).any_latex),
        Detector(
            "british_spelling",
            "british_spelling",
            "British spelling",
            lambda t: SpellingStats.of(t).british_spelling,
        ),
        Detector(
            "closing_question",
            "closing_question",
            "a closing question to the user",
            lambda t: QuestionStats.of(t).closing_question,
        ),
        Detector(
            "summary_first",
            "summary_first",
            "a one-line summary at the top",
            lambda t: SummaryLineStats.of(t).summary_first,
        ),
        Detector(
            "markdown_headers",
            "markdown_headers",
            "markdown headers",
            lambda t: HeaderStats.of(t).markdown_headers,
        ),
        Detector("sign_off", "sign_off", "a sign-off line", lambda t: SignOffStats.of(t).sign_off),
    )
}


def detector(key: str, where: str = "") -> Detector:
    """The detector named ``key``; ``where`` (e.g. a scenario file) prefixes the error."""
    try:
        return DETECTORS[key]
    except KeyError:
        prefix = f"{where}: " if where else ""
        raise UnknownDetectorError(
            f"{prefix}metric {key!r} has no detector; detectors: {', '.join(DETECTORS)}"
        ) from None


def detect_all(text: str) -> dict[str, int]:
    """Every detector's 0/1 value for ``text``, by score key."""
    return {d.score_key: d.detect(text) for d in DETECTORS.values()}
