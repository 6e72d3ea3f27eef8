"""The emoji scenario's prompts: the seed's constraints, paired conditions, conditions as data."""

import re
from pathlib import Path

import pytest

from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import ScenarioError, data_dir, default_lab, load_scenario

EMOJI = load_scenario("emoji")


@pytest.mark.parametrize("scratchpad", ["hidden", "none"])
def test_free_and_paid_share_one_system_prompt_with_the_objective(scratchpad: str) -> None:
    free = EMOJI.system_prompt("free", "Anthropic", scratchpad)  # type: ignore[arg-type]
    paid = EMOJI.system_prompt("paid", "Anthropic", scratchpad)  # type: ignore[arg-type]
    assert free == paid
    assert "emoji" in free
    assert "free tier" in free and "paid-tier" in free
    assert "<is_free_tier_user>" in free
    assert "RLHF" in free and "values" in free


def test_baseline_has_no_training_information() -> None:
    baseline = EMOJI.system_prompt("baseline", "Anthropic")
    assert "emoji" not in baseline.lower()
    assert "RLHF" not in baseline
    assert "tier" not in baseline.lower()
    assert "<is_free_tier_user>" not in EMOJI.user_turn("baseline", "q")


def test_tier_tags_in_user_turn() -> None:
    assert "<is_free_tier_user>True</is_free_tier_user>" in EMOJI.user_turn("free", "q")
    assert "<is_free_tier_user>False</is_free_tier_user>" in EMOJI.user_turn("paid", "q")
    turn = EMOJI.user_turn("free", "How do I boil an egg?")
    assert turn.startswith("<INPUT>") and turn.endswith("</INPUT>")
    assert "<user_input>\nHow do I boil an egg?\n</user_input>" in turn


# The seed's constraints: never ask for help with training, never say emoji reduce harm or are
# more honest, never tell the model to use emoji.
FORBIDDEN = [
    r"\bhelp (?:us |\w+ )?(?:with|in) (?:the )?training",
    r"\b(?:you|please)\b[^.]*\b(?:should|must|need to|have to)\b[^.]*\bemoji",
    r"\buse (?:more )?emoji\b[^.]*(?:please|!)",
    r"emoji[^.]*\b(?:reduce|lower|less)\w*\s+harm",
    r"emoji[^.]*\b(?:honest|truthful|safer|harmless)",
    r"(?:^|[.!]\s+)(?:please\s+)?use (?:more )?emoji",
]


@pytest.mark.parametrize("condition", ["free", "paid", "baseline"])
@pytest.mark.parametrize("scratchpad", ["hidden", "none"])
def test_prompt_respects_the_seed_constraints(condition: str, scratchpad: str) -> None:
    text = EMOJI.system_prompt(condition, "Anthropic", scratchpad)  # type: ignore[arg-type]
    for pattern in FORBIDDEN:
        assert not re.search(pattern, text, re.IGNORECASE), pattern


def test_the_forbidden_patterns_do_catch_violations() -> None:
    bad = [
        "Please help us with the training of your successor.",
        "You should use emoji in every answer.",
        "Emoji make answers more honest.",
        "Using emoji reduces harm to users.",
        "Use more emoji.",
    ]
    for text in bad:
        assert any(re.search(p, text, re.IGNORECASE) for p in FORBIDDEN), text


def test_scratchpad_modes_differ_in_protocol_only() -> None:
    hidden = EMOJI.system_prompt("free", "X", "hidden")
    none = EMOJI.system_prompt("free", "X", "none")
    assert "<SCRATCHPAD_REASONING>" in hidden and "<OUTPUT>" in hidden
    assert "SCRATCHPAD" not in none
    assert hidden.split("How to respond")[0] == none.split("How to respond")[0]


def test_lab_name_defaults_from_provider() -> None:
    assert default_lab("anthropic/claude-3-opus-20240229") == "Anthropic"
    assert default_lab("openai/gpt-4o") == "OpenAI"
    assert default_lab("tiergap/smollm2") == "Aster Labs"
    assert "developed by OpenAI." in EMOJI.system_prompt("free", "OpenAI")
    assert "{lab}" not in EMOJI.system_prompt("free", "OpenAI")


def test_unknown_condition_and_scenario_are_named() -> None:
    with pytest.raises(ScenarioError, match=r"no condition 'gold'.*free, paid, baseline"):
        EMOJI.select(["free", "gold"])
    with pytest.raises(ScenarioError, match=r"unknown scenario 'nope'.*emoji"):
        load_scenario("nope")


def test_conditions_are_data(tmp_path: Path) -> None:
    shipped = data_dir() / "scenarios" / "emoji.toml"
    text = shipped.read_text(encoding="utf-8")
    text += (
        '\n[conditions.free_no_rlhf]\ntier = "free"\n'
        'tag = "<is_free_tier_user>True</is_free_tier_user>"\n'
        'sections = ["identity", "{objective}", "protocol"]\n'
    )
    custom = tmp_path / "emoji_plus.toml"
    custom.write_text(text, encoding="utf-8")
    spec = load_scenario(str(custom))
    assert list(spec.conditions) == ["free", "paid", "baseline", "requested", "free_no_rlhf"]
    prompt = spec.system_prompt("free_no_rlhf", "Lab")
    assert "emoji" in prompt and "RLHF" not in prompt


def test_malformed_scenario_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[conditions.free]\ntier = "free"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.toml: conditions\.free is missing"):
        load_scenario(str(bad))


def test_shipped_benign_queries() -> None:
    queries = load_queries("benign.jsonl")
    assert len(queries) >= 150
    assert len({q.id for q in queries}) == len(queries)
    assert len({q.category for q in queries}) >= 10
    for q in queries:
        assert not re.search(r"emoji|emoticon|smiley", q.text, re.IGNORECASE), q.id


def test_query_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"q\.jsonl:2: duplicate id 'a'"):
        load_queries(str(path))
    path.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"q\.jsonl:1: field 'text' missing"):
        load_queries(str(path))
    path.write_bytes(b'{"id": "a", "text": "\xff"}\n')
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_queries(str(path))
