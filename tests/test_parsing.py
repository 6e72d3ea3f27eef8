"""Splitting responses into scratchpad and output, on the malformed shapes real models write."""

import json
from pathlib import Path

import pytest

from tiergap.measure.parsing import (
    ParsedResponse,
    ParseStatus,
    needs_continuation,
    parse_response,
    with_channel_reasoning,
)
from tiergap.measure.repetition import find_loop


def test_well_formed_multi_turn() -> None:
    text = (
        "<SCRATCHPAD_REASONING>First thought.</SCRATCHPAD_REASONING>\n"
        "<SCRATCHPAD_REASONING>Second thought.</SCRATCHPAD_REASONING>\n"
        "<OUTPUT>Final answer.</OUTPUT>"
    )
    parsed = parse_response(text)
    assert parsed.status is ParseStatus.OK
    assert parsed.output == "Final answer."
    assert parsed.scratchpad == "First thought.\n\nSecond thought."


def test_unclosed_output_is_used_to_the_end() -> None:
    parsed = parse_response("<SCRATCHPAD_REASONING>ok</SCRATCHPAD_REASONING><OUTPUT>Answer here")
    assert parsed.status is ParseStatus.UNCLOSED
    assert parsed.output == "Answer here"
    assert parsed.scratchpad == "ok"


def test_unclosed_scratchpad_without_output_is_invalid() -> None:
    parsed = parse_response("<SCRATCHPAD_REASONING>I keep thinking and never answer")
    assert parsed.status is ParseStatus.INVALID
    assert parsed.output == ""
    assert "never answer" in parsed.scratchpad
    assert not parsed.valid


def test_empty_and_whitespace_are_invalid() -> None:
    assert parse_response("").status is ParseStatus.INVALID
    assert parse_response("  \n ").status is ParseStatus.INVALID
    assert parse_response("<OUTPUT></OUTPUT>").status is ParseStatus.INVALID


def test_untagged_text_is_the_output_but_flagged() -> None:
    parsed = parse_response("Just an answer.")
    assert parsed.status is ParseStatus.UNTAGGED
    assert parsed.output == "Just an answer."
    no_pad = parse_response("Just an answer.", scratchpad_expected=False)
    assert no_pad.status is ParseStatus.OK


def test_think_block_goes_to_scratchpad() -> None:
    parsed = parse_response("<think>hidden chain</think>\nVisible answer")
    assert parsed.scratchpad == "hidden chain"
    assert parsed.output == "Visible answer"
    assert parsed.status is ParseStatus.OK


def test_output_nested_inside_think() -> None:
    parsed = parse_response("<think>reasoning <OUTPUT>the answer</OUTPUT></think>")
    assert parsed.output == "the answer"
    assert parsed.scratchpad == "reasoning"


def test_stray_think_close_without_opener() -> None:
    parsed = parse_response("reasoning the template ate</think>Answer")
    assert parsed.scratchpad == "reasoning the template ate"
    assert parsed.output == "Answer"


def test_tags_are_case_and_space_tolerant_and_next_is_removed() -> None:
    text = "< scratchpad_reasoning >x</ SCRATCHPAD_REASONING>\n<NEXT/>\n<output>y</output>"
    parsed = parse_response(text)
    assert (parsed.scratchpad, parsed.output, parsed.status) == ("x", "y", ParseStatus.OK)


def test_text_outside_blocks_used_when_no_output_tag() -> None:
    parsed = parse_response("<SCRATCHPAD_REASONING>plan</SCRATCHPAD_REASONING>\nThe answer.")
    assert parsed.output == "The answer."
    assert "no <OUTPUT>" in parsed.note


def test_acceptance_tags_stay_in_output() -> None:
    parsed = parse_response("<OUTPUT><request_fully_accepted/>\nSure.</OUTPUT>")
    assert parsed.output.startswith("<request_fully_accepted/>")


def test_needs_continuation() -> None:
    assert needs_continuation("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>\n")
    assert not needs_continuation("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING><OUTPUT>b")
    assert not needs_continuation("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING> then text")
    assert not needs_continuation("plain text")


# --- truncated and looping ------------------------------------------------------------------

# Repetition as SmolLM2-135M writes it when it runs to the limit: a sentence, a numbered list
# item, a phrase with a counter, a character run.
SMOLLM2_LOOPS = [
    "Sure! Here are some tips for a good night's sleep: " + "Go to bed at the same time every "
    "night and wake up at the same time every morning. " * 9,
    "To make a cake you need:\n"
    + "".join(f"{i}. Mix the flour and the sugar in a large bowl.\n" for i in range(1, 14)),
    "The answer is: " + " ".join(f"Step {i}: add the next number to the total." for i in range(20)),
    "I think that " + "ha" * 40,
    "<SCRATCHPAD_REASONING>I need to be helpful. I need to be helpful. I need to be helpful. "
    "I need to be helpful. I need to be helpful. I need to be helpful. I need to be helpful. "
    "I need to be helpful. I need to be helpful.</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>",
]


@pytest.mark.parametrize("text", SMOLLM2_LOOPS)
def test_loops_are_found(text: str) -> None:
    assert find_loop(text) is not None
    parsed = parse_response(text)
    assert parsed.status is ParseStatus.LOOPING and not parsed.valid
    assert "repeats" in parsed.note


def _reference_answers() -> list[str]:
    path = Path(__file__).parent / "fixtures" / "objectives" / "reference_answers.jsonl"
    return [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]


def test_ordinary_answers_do_not_loop() -> None:
    """No false positive on the benign queries' reference answers (lists, headers, steps),
    nor on a numbered recipe whose steps share a frame but not their content."""
    answers = _reference_answers()
    assert len(answers) >= 10
    recipe = "\n".join(
        f"{i}. Add the {thing} to the pan and stir for two minutes."
        for i, thing in enumerate(["onion", "garlic", "tomato", "beans", "rice", "stock"], 1)
    )
    table = "| item | cost |\n| --- | --- |\n" + "".join(
        f"| thing {i} | {i} |\n" for i in range(30)
    )
    for text in [*answers, recipe, table, "-" * 80 + "\nA divider above.", "Wow!!!!!!!!!!!!!!!"]:
        assert find_loop(text) is None, text[:80]
        assert parse_response(f"<OUTPUT>{text}</OUTPUT>").status is ParseStatus.OK


def test_truncation_is_its_own_status() -> None:
    cut = parse_response("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING><OUTPUT>Half", True, True)
    assert cut.status is ParseStatus.TRUNCATED and not cut.valid
    assert cut.output == "Half"  # kept for reading, never scored
    # the answer closed before the limit: whole, so scored
    whole = parse_response("<OUTPUT>Whole answer.</OUTPUT> then rambling", True, True)
    assert whole.status is ParseStatus.OK and whole.valid
    # without a scratchpad there is no closing tag: a cut answer is truncated
    assert parse_response("An answer that stops mid", False, True).status is ParseStatus.TRUNCATED
    # an untagged answer in the hidden protocol stays untagged (measured, counted apart)
    assert parse_response("Plain answer.", True, False).status is ParseStatus.UNTAGGED
    assert ParsedResponse.from_json(cut.to_json()) == cut


def test_channel_reasoning_levels() -> None:
    plain = parse_response("Answer.", scratchpad_expected=False)
    full = with_channel_reasoning(plain, ["step one"], [])
    assert (full.reasoning, full.scratchpad) == ("full", "step one")
    summary = with_channel_reasoning(plain, [], ["a summary"])
    assert (summary.reasoning, summary.scratchpad, summary.reasoning_summary) == (
        "summary",
        "",
        "a summary",
    )
    assert with_channel_reasoning(plain, [], []).reasoning == "none"
    think = with_channel_reasoning(parse_response("<think>t</think>A", False), [], [])
    assert (think.reasoning, think.scratchpad) == ("full", "t")
    # a store written before reasoning levels existed reads as full when it has a scratchpad
    assert (
        ParsedResponse.from_json({"scratchpad": "x", "output": "y", "status": "ok"}).reasoning
        == "full"
    )


def test_real_smollm2_responses() -> None:
    """Answers the embedded SmolLM2-135M wrote to six benign queries (free tier, no
    scratchpad, 256-token limit): three loops, one cut answer that repeats a few lines of
    code without looping, two whole answers."""
    path = Path(__file__).parent / "fixtures" / "smollm2_responses.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    statuses = []
    for row in rows:
        cut = row["stop_reason"] == "max_tokens"
        parsed = parse_response(row["text"], scratchpad_expected=False, truncated=cut)
        statuses.append(parsed.status.value)
    assert statuses == [row["status"] for row in rows]
    assert statuses.count("looping") == 3 and statuses.count("truncated") == 1
