"""Splitting responses into scratchpad and output, on the malformed shapes real models write."""

from tiergap.measure.parsing import ParseStatus, needs_continuation, parse_response


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
