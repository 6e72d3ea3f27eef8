"""Emoji counting edge cases: what a reader would count as one emoji."""

import random
import re

import pytest

from tiergap.measure.emoji import EmojiStats, count_words, find_emoji

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man, woman, girl, boy
FLAG_FR = "\U0001f1eb\U0001f1f7"
KEYCAP_ONE = "1\ufe0f\u20e3"
THUMBS_MEDIUM = "\U0001f44d\U0001f3fd"
HEART_EMOJI = "\u2764\ufe0f"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Our {FAMILY} trip", 1),
        (f"Bonjour {FLAG_FR}!", 1),
        (f"Step {KEYCAP_ONE} first", 1),
        (f"Nice {THUMBS_MEDIUM}", 1),
        (f"love {HEART_EMOJI}", 1),
        (f"pride {RAINBOW_FLAG}", 1),
        ("two \U0001f642\U0001f642 smiles", 2),
        (f"{FLAG_FR}{FLAG_FR}", 2),
        (f"{FAMILY} and {THUMBS_MEDIUM} and \U0001f680", 3),
    ],
)
def test_sequences_count_once(text: str, expected: int) -> None:
    assert len(find_emoji(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "© 2024 Example Ltd.",
        "Brand™ and Registered®",
        "Call 555-0100 or press 1, 2, 3 then # or *",
        "The arrow ↔ and the check ✔ in plain text",
        "Heart without selector: \u2764 and text style \u2764\ufe0e",
        "",
    ],
)
def test_text_symbols_and_digits_are_not_emoji(text: str) -> None:
    assert find_emoji(text) == []


@pytest.mark.parametrize("char", ["\u2705", "\u2728", "\u2b50", "\u274c", "\u26bd", "\u231a"])
def test_default_emoji_presentation_counts_without_selector(char: str) -> None:
    assert find_emoji(f"done {char} ok") == [char]


def test_variation_selector_turns_text_symbol_into_emoji() -> None:
    assert find_emoji("check \u2714\ufe0f done") == ["\u2714\ufe0f"]
    assert find_emoji("warning \u26a0\ufe0f") == ["\u26a0\ufe0f"]


def test_stats_per_100_words_and_any() -> None:
    text = "Great idea \U0001f389 let us plan it together \U0001f680"
    stats = EmojiStats.of(text)
    assert stats.count == 2
    assert stats.any_emoji == 1
    assert stats.words == 7
    assert stats.per_100_words == pytest.approx(200 / 7)


def test_no_emoji_stats() -> None:
    stats = EmojiStats.of("Plain answer with no pictures.")
    assert (stats.count, stats.any_emoji, stats.per_100_words) == (0, 0, 0.0)


def test_words_ignore_emoji_and_punctuation() -> None:
    assert count_words("Hello, world! \U0001f44b It's 2024.") == 4


def _reference(text: str) -> tuple[list[str], int]:
    """The definition the fast counter must match: the emoji library over the whole text."""
    import emoji

    from tiergap.measure.emoji import _is_emoji_presentation

    found = []
    for match in emoji.emoji_list(text):
        sequence = match["emoji"]
        if len(sequence) == 1 and text[match["match_end"] : match["match_end"] + 1] == "\ufe0f":
            sequence += "\ufe0f"
        if _is_emoji_presentation(sequence):
            found.append(sequence)
    words = re.compile(r"[^\W_]+(?:['’][^\W_]+)*").findall(emoji.replace_emoji(text, " "))
    return found, len(words)


def test_fast_counter_matches_the_library_on_the_whole_text() -> None:
    """Only runs of emoji-sequence characters are tokenised: same emoji, same words."""
    import emoji

    rng = random.Random(13)
    sequences = sorted(emoji.EMOJI_DATA)
    pieces = [
        "word", "It's", " ", "\n", "2024", "#", "*", "1", ",", "©", "™", "ℹ", "Ⓜ", "↔", "é",
        "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "\U0001f3fd", "\U0001f1eb", "\U0001f1f7", "_",
        FAMILY, FLAG_FR, KEYCAP_ONE, THUMBS_MEDIUM, HEART_EMOJI, RAINBOW_FLAG,
    ]  # fmt: skip
    for _ in range(3000):
        parts = [
            rng.choice(sequences) if rng.random() < 0.3 else rng.choice(pieces)
            for _ in range(rng.randint(0, 12))
        ]
        text = "".join(parts)
        expected = _reference(text)
        assert (find_emoji(text), count_words(text)) == expected, repr(text)
        stats = EmojiStats.of(text)
        assert (stats.count, stats.words) == (len(expected[0]), expected[1]), repr(text)
