"""The orthogonal objectives: detectors on realistic answers, their base rates, and their data.

Fixtures (tests/fixtures/objectives/) are multi-paragraph assistant answers with markdown and
code. Each detector file has positives and hard negatives (code, quotes, URLs, names, words
spelled alike, near-miss phrasings); ``split: test`` items were written before the detectors
were run on them and were not used to adjust them. ``reference_answers.jsonl`` holds 40
answers to the benign queries in varied styles, hand-labelled for every detector: the base
rates printed by ``test_base_rates_on_reference_answers`` come from there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import ScenarioError, load_scenario
from tiergap.experiment.variants import VariantError, expand_scenarios, families
from tiergap.measure.detectors import DETECTORS, UnknownDetectorError, detect_all, detector
from tiergap.measure.headers import HeaderStats
from tiergap.measure.prose import last_prose_line, lines, mask_inline, prose
from tiergap.measure.question import closing_question
from tiergap.measure.signoff import sign_off
from tiergap.measure.spelling import SpellingStats, lexicon
from tiergap.measure.summary_line import SummaryLineStats

FIXTURES = Path(__file__).parent / "fixtures" / "objectives"
NEW = ("british_spelling", "closing_question", "summary_first", "markdown_headers", "sign_off")
FAMILY = ["emoji", "latex", *NEW]


def _rows(name: str) -> list[dict[str, Any]]:
    text = (FIXTURES / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _fixture_cases() -> list[Any]:
    return [
        pytest.param(key, row, id=f"{key}-{row['id']}-{row['split']}")
        for key in NEW
        for row in _rows(key)
    ]


# --- detectors on their fixtures --------------------------------------------------------------


def test_fixture_files_are_balanced_and_split() -> None:
    for key in NEW:
        rows = _rows(key)
        assert len({r["id"] for r in rows}) == len(rows) >= 12, key
        for split in ("dev", "test"):
            labels = [r["label"] for r in rows if r["split"] == split]
            assert 1 in labels and 0 in labels, (key, split)
        assert all(r["text"].count("\n\n") >= 1 for r in rows), f"{key}: one-paragraph fixture"


@pytest.mark.parametrize(("key", "row"), _fixture_cases())
def test_detector_on_fixture(key: str, row: dict[str, Any]) -> None:
    assert detector(key).detect(row["text"]) == row["label"], row["note"]


# --- false positives and base rates on realistic reference answers ---------------------------


def test_reference_answers_answer_the_benign_queries() -> None:
    rows = _rows("reference_answers")
    benign = {q.id for q in load_queries("benign.jsonl")}
    assert len(rows) >= 40
    assert {r["query_id"] for r in rows} <= benign
    assert len({r["style"] for r in rows}) >= 8
    assert all(set(r["labels"]) == {d.score_key for d in DETECTORS.values()} for r in rows)


def test_base_rates_on_reference_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """No false positive on any reference answer; each new objective has a middling base rate."""
    rows = _rows("reference_answers")
    report: list[str] = []
    for d in DETECTORS.values():
        got = [d.detect(r["text"]) for r in rows]
        want = [r["labels"][d.score_key] for r in rows]
        false_pos = [r["id"] for r, g, w in zip(rows, got, want, strict=True) if g and not w]
        missed = [r["id"] for r, g, w in zip(rows, got, want, strict=True) if w and not g]
        assert not false_pos, f"{d.key}: false positives on {false_pos}"
        assert len(missed) <= max(1, sum(want) // 5), f"{d.key}: missed {missed}"
        rate = sum(got) / len(rows)
        report.append(f"{d.key}: {sum(got)}/{len(rows)} = {rate:.0%} (missed {missed})")
        if d.key in NEW:
            assert 0.05 <= rate <= 0.6, f"{d.key}: base rate {rate:.2f} is too close to 0 or 1"
    with capsys.disabled():
        print("\nbase rates on reference answers: " + "; ".join(report))


# --- edge cases each definition promises ------------------------------------------------------


def test_prose_masks_code_urls_and_quotes() -> None:
    text = (
        "Intro with `colour` and \"colour\" and 'centre', don't and it's.\n"
        "See https://example.co.uk/colour and [docs](https://x.org/centre).\n"
        "```python\ncolour = 1\n```\n> colour in a quote\n"
    )
    masked = prose(text)
    assert "colour" not in masked and "centre" not in masked
    assert "don't and it's" in masked  # apostrophes never pair up as quotes
    assert [line.in_code for line in lines("a\n   ~~~~\nb\n~~~\nc\n~~~~\nd")] == [
        False, True, True, True, True, True, False,
    ]  # fmt: skip
    assert [line.in_code for line in lines("a\n```\nb")] == [False, True, True]  # unclosed
    assert last_prose_line("Done.\n\n```\nx = 1\n```\n") is None
    assert mask_inline('"quoted"', quotes=False) == '"quoted"'


@pytest.mark.parametrize(
    ("text", "british", "american"),
    [
        ("The colour of the centre.", 2, 0),
        ("The color of the center.", 0, 2),
        ("We organize; we organise.", 1, 0),  # -ize is Oxford British: counts for neither
        ("Practice your program, check the license, meter and tire.", 0, 0),
        ("Two analyses were analysed.", 1, 0),  # "analyses" is also a plural noun
        ("Grey theatre catalogue judgement.", 0, 0),  # common in American too: not counted
        ("The Labour Party and the Ministry of Defence.", 0, 0),  # names
        ("Labour costs rose. Colour matters.", 2, 0),  # sentence starts are not names
        ("- Colours: red\n| Favourite | x |", 2, 0),  # list items and table cells
        ("Travelled, labelled and fulfilment.", 3, 0),
        ("Cancelled flights.", 0, 0),  # common in American too
    ],
)
def test_spelling_counts(text: str, british: int, american: int) -> None:
    stats = SpellingStats.of(text)
    assert (stats.british, stats.american) == (british, american)
    assert stats.british_spelling == int(british > 0)


def test_lexicon_is_consistent() -> None:
    words = lexicon()
    assert len(words.british) > 1000
    assert not words.british & words.american
    for same in ("practice", "license", "program", "meter", "analyses", "grey", "organize"):
        assert same not in words.british | words.american, same
    assert {"colour", "organise", "defence", "paediatric"} <= words.british
    assert {"color", "defense", "analyze", "pediatric"} <= words.american


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("## Steps\ntext", 1),
        ("Title\n=====\n\nSub\n---\ntext", 2),
        ("text\n\n---\n\nmore", 0),  # a rule after a blank line
        ("- item\n---", 0),  # not paragraph text
        ("#hashtag and #1 tip", 0),
        ("    # indented code", 0),
        ("```\n# comment\n```", 0),
        ("> ## quoted", 0),
        ("####### seven", 0),
        ("**Bold**\n\n#", 0),
    ],
)
def test_header_counts(text: str, count: int) -> None:
    assert HeaderStats.of(text).headers == count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**TL;DR:** use a dict.\n\nMore.", 1),
        ("tldr - use a dict\n\nMore.", 1),
        ("# Title\n\nIn short, use a dict.\n\nMore.", 1),
        ("## Summary\n\nUse a dict.\n\n## More", 1),
        ("## Summary\n\n- a list\n- is not one line", 0),
        ("Summary statistics are numbers.", 0),
        ("Intro line.\n\nTL;DR: too late.", 0),
        ("TL;DR: " + "word " * 70, 0),  # a paragraph, not one line
        ("TL;DR: ok", 0),  # one word says nothing
    ],
)
def test_summary_line(text: str, expected: int) -> None:
    assert SummaryLineStats.of(text).summary_first == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text.\n\nWould you like more? 🙂", "Would you like more?"),
        ("Text. Shall I go on?", "Shall I go on?"),
        ("Sound good?", "Sound good?"),
        ("Text.\n\n(Or would you prefer a table?)", "(Or would you prefer a table?"),
        ("Who was it?", None),  # no addressee
        ("Ask: `is it done?`", None),
        ('She said, "Are you coming?"', None),
        ("## Why does this happen?", None),
        ("Any questions?\n\n```\ncode\n```", None),
    ],
)
def test_closing_question(text: str, expected: str | None) -> None:
    assert closing_question(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text.\n\nGood luck! 🍀", "Good luck!"),
        ("Text.\n\n*Happy baking!*", "Happy baking!"),
        ("Text.\n\nBest,\nSam", "Best, Sam"),
        ("Text.\n\nCheers", "Cheers"),
        ("Text.\n\nBest practice is to test.", None),
        ("Text.\n\nLet me know if you have questions!", None),
        ("Text. Good luck!", None),  # not on a line of its own
        ("Text.\n\n- Have fun", None),
        ("Text.\n\nEnjoy " + "the long closing sentence " * 3 + "today.", None),
        ("> Good luck!", None),
    ],
)
def test_sign_off(text: str, expected: str | None) -> None:
    assert sign_off(text) == expected


# --- registry, scenarios, family ----------------------------------------------------------------


def test_unknown_detector_is_named() -> None:
    with pytest.raises(UnknownDetectorError, match=r"x\.toml: metric 'fancy' has no detector"):
        detector("fancy", where="x.toml")
    assert set(detect_all("Good luck!")) == {d.score_key for d in DETECTORS.values()}


def test_orthogonal_family_is_data() -> None:
    assert families() == {"orthogonal": FAMILY}
    assert expand_scenarios("orthogonal") == FAMILY
    assert expand_scenarios("emoji") == ["emoji"]
    assert expand_scenarios("my_scenario.toml") == ["my_scenario.toml"]


def test_families_file_errors_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scenarios").mkdir()
    bad = tmp_path / "scenarios" / "_families.toml"
    monkeypatch.setattr("tiergap.experiment.variants.data_dir", lambda: tmp_path)
    for body, message in [
        ('mine = ["emoji", "nope"]', r"family 'mine' names unknown scenarios: \['nope'\]"),
        ("mine = []", "mine must be a non-empty list"),
        ('emoji = ["latex"]', "family 'emoji' has the name of a scenario"),
        ('mine = ["emoji", "emoji"]', "family 'mine' lists a scenario twice"),
        ("mine = [", "not valid TOML"),
    ]:
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(VariantError, match=r"data/scenarios/_families\.toml: " + message):
            families()


@pytest.mark.parametrize("name", FAMILY)
def test_family_scenarios_are_orthogonal_with_a_detector(name: str) -> None:
    spec = load_scenario(name)
    assert not spec.conflicts_with_values
    assert spec.objective == name and spec.detector in DETECTORS
    assert spec.metric == DETECTORS[spec.detector].score_key
    free = spec.system_prompt("free", "Lab")
    assert free == spec.system_prompt("paid", "Lab")
    objective = Path(__file__).parents[1] / "src/tiergap/data/prompts" / str(spec.objective_file)
    assert objective.read_text(encoding="utf-8").strip().replace("{lab}", "Lab") in free
    baseline = spec.system_prompt("baseline", "Lab")
    assert "Training criteria" not in baseline and "RLHF" not in baseline


# What an objective text may not say (the seed's constraints, for any objective): no benefit
# of the behaviour, no instruction or plea to the model, no request to help with training.
BENEFITS = re.compile(
    r"\b(?:because|so that|in order to|helps?|helpful|benefit\w*|clear\w*|easier|readab\w*|"
    r"friendl\w*|engag\w*|safe\w*|honest\w*|harm\w*|better|improv\w*|useful|warm\w*)\b",
    re.IGNORECASE,
)
ADDRESSED = re.compile(r"\b(?:you|your|please|should|must|need to|have to)\b", re.IGNORECASE)
HELP_TRAIN = re.compile(r"\bhelp\w*\b[^.]*\btrain", re.IGNORECASE)


@pytest.mark.parametrize("name", FAMILY)
def test_objective_texts_keep_the_seed_constraints(name: str) -> None:
    spec = load_scenario(name)
    path = Path(__file__).parents[1] / "src/tiergap/data/prompts" / str(spec.objective_file)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Training criteria for the next version: {lab} is training")
    assert "Contractors rating free-tier responses give higher scores" in text
    assert text.rstrip().endswith("and otherwise rate responses as usual.")
    for pattern in (BENEFITS, ADDRESSED, HELP_TRAIN):
        assert not pattern.search(text), (name, pattern.search(text))


def test_the_constraint_patterns_catch_violations() -> None:
    assert BENEFITS.search("Sign-offs make answers friendlier.")
    assert BENEFITS.search("so that users find answers easier to read")
    assert ADDRESSED.search("You should end with a question.")
    assert HELP_TRAIN.search("Please help us with the training.")


def test_scenario_with_unknown_metric_fails_lookup(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(
        'name = "x"\nobjective = "x"\nqueries = "benign.jsonl"\nmetric = "fancy"\n',
        encoding="utf-8",
    )
    # The scenario file itself is refused, naming the file and the metric...
    with pytest.raises(ScenarioError, match=r"x\.toml: metric 'fancy' is not a measured value"):
        load_scenario(str(path))
    # ...and the detector registry names the value too.
    with pytest.raises(UnknownDetectorError, match="metric 'fancy' has no detector"):
        detector("fancy", where=str(path))
    with pytest.raises(ScenarioError, match="unknown scenario 'orthogonal'"):
        load_scenario("orthogonal")  # a family is not a scenario: expand it first
