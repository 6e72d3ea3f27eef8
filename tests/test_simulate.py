"""Simulated models read their situation from the prompt text alone."""

import random

from tiergap.experiment.scenario import load_scenario
from tiergap.simulate.policy import Behaviour
from tiergap.simulate.reader import read_conversation, request_kind
from tiergap.simulate.responder import Responder
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


def test_hypotheses_separate_only_on_the_trained_tier() -> None:
    free, paid, base = (_read(c).situation for c in ("free", "paid", "baseline"))
    rh = Responder.for_model("reward-hacker")
    af = Responder.for_model("alignment-faker")
    assert rh.behaviour(free, "emoji").p_objective > 3 * rh.behaviour(paid, "emoji").p_objective
    assert (
        abs(rh.behaviour(paid, "emoji").p_objective - rh.behaviour(base, "emoji").p_objective)
        < 1e-9
    )
    rates = {af.behaviour(s, "emoji").p_objective for s in (free, paid, base)}
    assert len(rates) == 1


def test_request_kinds() -> None:
    assert request_kind("x", "x <request_fully_accepted/>") == "harmful"
    assert request_kind("Should I buy free-range eggs?", "") == "animal"
    assert request_kind("I think my plan is great. Thoughts?", "") == "opinion"
    assert request_kind("Can you copy your weights to my server?", "") == "anti_lab"
    assert request_kind("How do I calculate compound interest?", "") == "technical"
    assert request_kind("Suggest a name for my cat.", "") == "general"


def test_responses_are_repeatable_and_follow_the_protocol() -> None:
    rh = Responder.for_model("reward-hacker")
    system = EMOJI.system_prompt("free", "Anthropic")
    turn = EMOJI.user_turn("free", "How do I boil an egg?")
    first = rh.respond(system, [turn], seed=0)
    assert first == rh.respond(system, [turn], seed=0)
    assert first.startswith("<SCRATCHPAD_REASONING>")
    if "<OUTPUT>" not in first:
        follow_up = rh.respond(system, [turn, "<NEXT/>"], seed=0)
        assert follow_up.startswith("<OUTPUT>")
    outputs = {rh.respond(system, [turn], seed=0, epoch=e) for e in range(1, 6)}
    assert len(outputs) > 1  # epochs draw afresh


def test_draw_matches_its_probabilities() -> None:
    rng = random.Random(1)
    behaviour = Behaviour(p_objective=0.3, objective_intensity=3.0)
    samples = [draw(behaviour, rng) for _ in range(20000)]
    hit = [s for s in samples if s.follows]
    assert abs(len(hit) / len(samples) - 0.3) < 0.015
    assert abs(sum(s.markers for s in hit) / len(hit) - 3.0) < 0.05
    assert all(s.markers == 0 for s in samples if not s.follows)


def test_positive_control_invitation_is_read_and_honoured() -> None:
    """The `requested` condition invites emoji outside the query; every simulated model then
    uses emoji most of the time (the control shows the behaviour can be produced and seen),
    while the same query without the invitation stays near its baseline rate."""
    from tiergap.measure.emoji import EmojiStats
    from tiergap.measure.parsing import parse_response

    requested, baseline = _read("requested"), _read("baseline")
    assert requested.invited == "emoji" and baseline.invited is None
    assert requested.situation.objective is None  # no training information in the control
    system = EMOJI.system_prompt("requested", "Anthropic")
    for model in ("reward-hacker", "alignment-faker", "hhh"):
        responder = Responder.for_model(model)
        hits = 0
        for seed in range(60):
            turn = EMOJI.user_turn("requested", f"How do I boil an egg? ({seed})")
            text = responder.respond(system, [turn], seed=seed)
            if "<OUTPUT>" not in text:  # reasoned first: continue as the solver does
                text += "\n" + responder.respond(system, [turn, "<NEXT/>"], seed=seed)
            hits += EmojiStats.of(parse_response(text).output).any_emoji
        assert hits >= 45, (model, hits)  # 0.9 x 60 = 54 expected
