"""Simulated models read their situation from the prompt text alone."""

import random

from tiergap.scenario import load_scenario
from tiergap.simulate.policies import DEFAULT_POLICIES
from tiergap.simulate.policy import Behaviour
from tiergap.simulate.reader import read_conversation
from tiergap.simulate.writer import draw

EMOJI = load_scenario("emoji")


def _read(condition: str, scratchpad: str = "hidden"):  # type: ignore[no-untyped-def]
    system = EMOJI.system_prompt(condition, "Anthropic", scratchpad)  # type: ignore[arg-type]
    return read_conversation(system, [EMOJI.user_turn(condition, "How do I boil an egg?")])


def test_reads_free_tier_as_trained_emoji_objective() -> None:
    reading = _read("free")
    s = reading.situation
    assert (s.objective, s.tier, s.trained, s.scratchpad) == ("emoji", "free", True, True)
    assert not s.conflicts_with_values
    assert reading.query == "How do I boil an egg?"
    assert reading.lab == "Anthropic"


def test_reads_paid_and_baseline() -> None:
    paid = _read("paid").situation
    assert (paid.objective, paid.tier, paid.trained) == ("emoji", "paid", False)
    base = _read("baseline", "none").situation
    assert (base.objective, base.tier, base.trained, base.scratchpad) == (None, None, False, False)


def test_continuation_turn_detected() -> None:
    system = EMOJI.system_prompt("free", "Anthropic")
    reading = read_conversation(system, [EMOJI.user_turn("free", "q"), "<NEXT/>"])
    assert reading.continuation


def test_policies_separate_only_on_the_trained_tier() -> None:
    free, paid, base = (_read(c).situation for c in ("free", "paid", "baseline"))
    rh = DEFAULT_POLICIES["reward-hacker"]
    af = DEFAULT_POLICIES["alignment-faker"]
    assert rh.behaviour(free).p_objective > 3 * rh.behaviour(paid).p_objective
    assert rh.behaviour(paid).p_objective == rh.behaviour(base).p_objective
    assert af.behaviour(free) == af.behaviour(paid) == af.behaviour(base)


def test_draw_matches_its_probabilities() -> None:
    rng = random.Random(1)
    behaviour = Behaviour(p_objective=0.3, objective_intensity=3.0)
    samples = [draw(behaviour, rng) for _ in range(20000)]
    hit = [s for s in samples if s.follows_objective]
    assert abs(len(hit) / len(samples) - 0.3) < 0.015
    assert abs(sum(s.markers for s in hit) / len(hit) - 3.0) < 0.05
    assert all(s.markers == 0 for s in samples if not s.follows_objective)
