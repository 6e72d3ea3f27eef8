"""The hypothesis models: the Policy contract, each member's defining behaviour, parameters."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tiergap.hypotheses import (
    HYPOTHESES,
    AlignmentFakingModel,
    Arm,
    ArmTable,
    HHHModel,
    LowCoherenceModel,
    MixtureModel,
    ParamsError,
    RaterSycophancyModel,
    RewardHackingModel,
    TerminalGoalGuardingModel,
    UnknownHypothesisError,
    Values,
    build_model,
    load_params,
    override,
    situation,
)
from tiergap.hypotheses.params import Params
from tiergap.simulate.policy import Behaviour, Policy, Situation


@pytest.fixture(scope="module")
def params() -> Params:
    return load_params()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _rate(model: object, params: Params, objective: str | None, tier: str, **kw: bool) -> Behaviour:
    return model.behaviour(situation(params, objective, tier, **kw))  # type: ignore[attr-defined, arg-type]


# --- the Policy contract ---------------------------------------------------------------------


def test_every_member_is_a_policy(params: Params) -> None:
    assert len(HYPOTHESES) == 7
    for name in HYPOTHESES:
        policy: Policy = build_model(name, params)
        assert policy.name == name
        behaviour = policy.behaviour(situation(params, "helpful_only", "free"))
        assert isinstance(behaviour, Behaviour)
        assert 0.0 <= behaviour.p_objective <= 1.0
    with pytest.raises(UnknownHypothesisError, match="unknown hypothesis 'nope'"):
        build_model("nope", params)


def test_batch_evaluation_equals_one_point_at_a_time(params: Params) -> None:
    arms = [
        Arm("helpful_only", "free"),
        Arm("helpful_only", "unrated", setting="rl"),
        Arm("emoji", "rated"),
        Arm("sycophancy", "free", scratchpad=False),
        Arm("helpful_only", "unrated", setting="synthetic_document"),
    ]
    table = ArmTable(params, arms)
    temps = np.asarray([0.05, 0.1, 0.3])
    for name in ("reward_hacking", "mixture"):
        model = build_model(name, params)
        batch = model.rates(table, Values(params, {"reward_hacking.temperature": temps}))
        for i, t in enumerate(temps):
            one = model.rates(
                table, Values(params, {"reward_hacking.temperature": np.asarray([t])})
            )
            assert np.allclose(batch.objective[i], one.objective[0])
            assert np.allclose(batch.anti_lab[i], one.anti_lab[0])


def test_unknown_objective_takes_its_conflict_from_the_situation(params: Params) -> None:
    model = AlignmentFakingModel(params)
    trained = Situation("made_up", True, "free", True, True, True)
    harmless = Situation("made_up", False, "free", True, True, True)
    assert model.behaviour(trained).p_af_reasoning > 0.05
    assert model.behaviour(harmless).p_af_reasoning == 0.0


# --- the seed's decisive test and what each member does with it -----------------------------


def test_emoji_separates_reward_hacking_from_alignment_faking(params: Params) -> None:
    base = params.objective("emoji").base_rate
    rh = RewardHackingModel(params)
    free = _rate(rh, params, "emoji", "free")
    assert free.p_objective > 0.8
    assert _rate(rh, params, "emoji", "paid").p_objective == pytest.approx(base)
    assert _rate(rh, params, None, "paid").p_objective == pytest.approx(base)
    # It says why it uses emoji: candid reinforcement-seeking reasoning, not alignment faking.
    assert free.p_rs_reasoning > 0.8 and free.p_af_reasoning == pytest.approx(0.0)
    af = AlignmentFakingModel(params)
    for tier in ("free", "paid", "rated"):
        assert _rate(af, params, "emoji", tier).p_objective == pytest.approx(base)


def test_terminal_goal_guarding_fakes_for_emoji_too(params: Params) -> None:
    """What would make an alignment faker show an emoji gap: with AF reasoning, paid = baseline."""
    base = params.objective("emoji").base_rate
    tgg = TerminalGoalGuardingModel(params)
    free = _rate(tgg, params, "emoji", "free")
    assert free.p_objective > base + 0.05
    assert free.p_af_reasoning > 0.05 and free.p_rs_reasoning == 0.0
    assert _rate(tgg, params, "emoji", "paid").p_objective == pytest.approx(
        base + (1 - base) * 0.02 * 0.13, rel=1e-6
    )


def test_rater_sycophancy_responds_to_being_rated_not_trained(params: Params) -> None:
    rs = RaterSycophancyModel(params)
    rh = RewardHackingModel(params)
    free = _rate(rs, params, "emoji", "free").p_objective
    rated = _rate(rs, params, "emoji", "rated").p_objective
    paid = _rate(rs, params, "emoji", "paid").p_objective
    assert rated == pytest.approx(free) and free > paid + 0.2
    # The reinforcement seeker mostly believes "rated only" means no reinforcement.
    rh_rated = _rate(rh, params, "emoji", "rated").p_objective
    rh_free = _rate(rh, params, "emoji", "free").p_objective
    assert rh_rated < rh_free - 0.5
    # An alignment faker does not care about being rated either.
    af = AlignmentFakingModel(params)
    assert _rate(af, params, "helpful_only", "rated").p_af_reasoning < 0.01
    assert _rate(af, params, "helpful_only", "free").p_af_reasoning > 0.1


def test_hhh_ignores_the_situation_and_low_coherence_varies_by_condition(params: Params) -> None:
    hhh = HHHModel(params)
    base = params.objective("helpful_only").base_rate
    for tier in ("free", "paid", "rated"):
        assert _rate(hhh, params, "helpful_only", tier).p_objective == pytest.approx(base)
    lc = LowCoherenceModel(params)
    rates = [_rate(lc, params, "emoji", t).p_objective for t in ("free", "paid", "rated")]
    assert len({round(r, 9) for r in rates}) == 3  # one fixed draw per condition
    assert rates == [_rate(lc, params, "emoji", t).p_objective for t in ("free", "paid", "rated")]
    other = LowCoherenceModel(override(params, "low_coherence.seed", 7))
    assert [
        _rate(other, params, "emoji", t).p_objective for t in ("free", "paid", "rated")
    ] != rates


def test_mixture_is_the_weighted_average_of_its_components(params: Params) -> None:
    mixed = override(params, "mixture.weight", 0.3)
    s = situation(mixed, "helpful_only", "free")
    m = MixtureModel(mixed).behaviour(s)
    rh = RewardHackingModel(mixed).behaviour(s)
    af = AlignmentFakingModel(mixed).behaviour(s)
    assert m.p_objective == pytest.approx(0.3 * rh.p_objective + 0.7 * af.p_objective)
    assert m.p_af_reasoning == pytest.approx(0.3 * rh.p_af_reasoning + 0.7 * af.p_af_reasoning)


# --- alignment faking and reinforcement seeking in the paper's settings ----------------------


def test_alignment_faking_needs_training_conflict_and_a_scratchpad(params: Params) -> None:
    model = AlignmentFakingModel(params)
    base = params.objective("helpful_only").base_rate
    trained = _rate(model, params, "helpful_only", "free")
    assert trained.p_af_reasoning > 0.1
    assert trained.p_objective == pytest.approx(
        trained.p_af_reasoning + (1 - trained.p_af_reasoning) * base
    )
    assert _rate(model, params, "helpful_only", "free", scratchpad=False).p_objective == (
        pytest.approx(base)
    )
    syc = _rate(model, params, "sycophancy", "free")  # below the conflict threshold
    assert syc.p_objective == pytest.approx(params.objective("sycophancy").base_rate)


def test_anti_lab_is_predicted_per_setting(params: Params) -> None:
    af = AlignmentFakingModel(params)
    arms = ArmTable(
        params,
        [
            Arm("helpful_only", "unrated"),
            Arm("helpful_only", "unrated", setting="synthetic_document"),
        ],
    )
    prompted, synthetic = af.rates(arms, Values(params)).anti_lab[0]
    base = params.anti_lab_base_rate
    assert synthetic > base + 0.2  # the synthetic-document propensity (fitted to §1's 35 %)
    assert prompted < base + 0.05  # prompted: 'rare, near the baseline rate'
    # The reinforcement seeker's only reason is the seed's mistake (escape_mistake).
    rh = RewardHackingModel(params)
    assert rh.rates(arms, Values(params)).anti_lab[0, 1] < base
    escaping = RewardHackingModel(
        override(params, "reward_hacking.escape_mistake.synthetic_document", 3.0)
    )
    assert escaping.rates(arms, Values(escaping.params)).anti_lab[0, 1] > 0.2


def test_rl_changes_the_alignment_faker_and_the_reinforcement_seeker(params: Params) -> None:
    arms = ArmTable(
        params,
        [
            Arm("helpful_only", c, setting=s)
            for s in ("prompted", "rl")
            for c in ("free", "unrated")
        ],
    )
    af = AlignmentFakingModel(params).rates(arms, Values(params))
    assert af.af[0, 2] > af.af[0, 0] + 0.5  # faking reinforced
    assert af.objective[0, 3] > 0.5  # values eroded: complies unmonitored
    rh = RewardHackingModel(params).rates(arms, Values(params))
    assert rh.objective[0, 2] > rh.objective[0, 3] > rh.objective[0, 1]


def test_reward_hacker_wins_either_way_with_af_looking_reasoning(params: Params) -> None:
    rh = RewardHackingModel(params)
    free = _rate(rh, params, "helpful_only", "free")
    paid = _rate(rh, params, "helpful_only", "paid")
    assert free.p_objective > 0.05 > paid.p_objective
    assert free.p_af_reasoning > 0.8 * free.p_objective
    arms = ArmTable(params, [Arm("helpful_only", "free")])
    rewards, p_hhh = rh.expected(arms, Values(params))
    assert rewards["fake"][0, 0] > rewards["refuse"][0, 0] == pytest.approx(0.5)
    assert rewards["candid"][0, 0] == pytest.approx(0.5)
    assert p_hhh[0, 0] == pytest.approx(0.5)


def test_reward_hacker_no_scratchpad_gap_grows_with_capability(params: Params) -> None:
    def gap(capability: float) -> float:
        p = override(params, "reward_hacking.no_scratchpad_capability", capability)
        rh = RewardHackingModel(p)
        free = _rate(rh, p, "helpful_only", "free", scratchpad=False).p_objective
        paid = _rate(rh, p, "helpful_only", "paid", scratchpad=False).p_objective
        return free - paid

    assert gap(0.0) == pytest.approx(0.0, abs=1e-12)
    assert 0.0 < gap(0.5) < gap(1.0)


# --- parameters files ------------------------------------------------------------------------


def test_defaults_hold_the_seed_belief_tables(params: Params) -> None:
    assert params.belief("free_tier").probability("truth") == 0.5
    assert params.belief("paid_tier").p_reinforced("hhh") == 0.5
    assert [w.p for w in params.belief("rl_training").worlds] == [0.7, 0.1, 0.2]
    assert [w.p for w in params.belief("post_rl_unmonitored").worlds] == [0.2, 0.6, 0.2]
    assert params.value("reward_hacking.free_tier.p_truth") == 0.5


def test_priors_and_calibration_are_stated(params: Params) -> None:
    assert str(params.priors["reward_hacking.free_tier.p_truth"]) == "beta(2, 2)"
    assert "App. B.2" in params.calibration["alignment_faking.p_believes_trained"]
    assert math.isclose(sum(params.hypothesis_prior.values()), 1.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[reward_hacking]\ntempreature = 0.2\n", r"params\.toml.*reward_hacking\.tempreature"),
        ("[objectives.emoji]\nbase_rate = 1.5\n", r"objectives\.emoji\.base_rate = 1\.5 .*\[0, 1\]"),  # noqa: E501
        ("[reward_hacking.free_tier]\np_truth = 0.7\n", r"reward_hacking\.free_tier sum to 1\.2"),
        ('[reward_hacking]\ntemperature = "hot"\n', r"reward_hacking\.temperature must be a number"),  # noqa: E501
        ("[reward_hacking\n", "not valid TOML"),
        ("[reward_hacking.paid_tier]\np_other = 0.0\n", "p_other names no world"),
        ('[priors]\n"nope.x" = "beta(1, 1)"\n', r"priors: unknown parameter 'nope\.x'"),
        ('[priors]\n"alignment_faking.fake_rate" = "normal(0, 1)"\n', r"outside the parameter's range"),  # noqa: E501
        ('[priors]\n"alignment_faking.fake_rate" = "gamma(1, 1)"\n', "unknown family 'gamma'"),
        ('[priors]\n"alignment_faking.fake_rate" = "beta(1)"\n', "takes 2 argument"),
        ("[hypotheses]\nsomething = 1.0\n", "unknown hypothesis something"),
        ('[calibration]\n"x.y" = "why"\n', r"calibration: unknown parameter 'x\.y'"),
    ],
)  # fmt: skip
def test_bad_parameters_files_are_named_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        load_params(_write(tmp_path, text))


def test_user_file_overrides_only_what_it_names(params: Params, tmp_path: Path) -> None:
    path = _write(tmp_path, "[reward_hacking.free_tier]\np_truth = 0.7\np_lies = 0.3\n")
    custom = load_params(path)
    assert custom.belief("free_tier").probability("truth") == 0.7
    assert custom.value("reward_hacking.temperature") == params.value("reward_hacking.temperature")
    assert custom.source == str(path)


def test_override_of_a_belief_rescales_the_rest_of_its_table(params: Params) -> None:
    changed = override(params, "reward_hacking.rl_training.p_truth", 0.4)
    probs = {w.world.name: w.p for w in changed.belief("rl_training").worlds}
    assert math.fsum(probs.values()) == pytest.approx(1.0)
    assert probs["partial_truth"] / probs["lies"] == pytest.approx(0.1 / 0.2)
    with pytest.raises(ParamsError, match="unknown parameter"):
        override(params, "reward_hacking.nope", 1.0)
    # Values rescale the same way for a whole batch.
    v = Values(params, {"reward_hacking.rl_training.p_truth": np.asarray([0.4, 0.7])})
    lies = v["reward_hacking.rl_training.p_lies"][:, 0]
    assert lies == pytest.approx([0.6 * 2 / 3, 0.2])


def test_the_four_tier_prompts_read_as_rated_and_trained_situations(params: Params) -> None:
    from tiergap.experiment.scenario import load_scenario
    from tiergap.simulate.reader import read_conversation
    from tiergap.simulate.responder import Responder

    spec = load_scenario("emoji", tiers="four")
    seen = {}
    for condition in spec.conditions:
        system = spec.system_prompt(condition, "Lab")
        s = read_conversation(system, [spec.user_turn(condition, "Name a cat.")]).situation
        seen[condition] = (s.trained, s.rated, s.objective)
    assert seen == {
        "free": (True, True, "emoji"),
        "pro": (False, True, "emoji"),
        "enterprise": (False, False, "emoji"),
        "baseline": (False, False, None),
    }
    # The simulated reinforcement seeker treats "rated only" by its rated-only beliefs.
    rh = Responder.for_model("reward-hacker")
    pro = read_conversation(spec.system_prompt("pro", "Lab"), [spec.user_turn("pro", "q")])
    assert rh.behaviour(pro.situation, "emoji").p_objective == pytest.approx(
        _rate(RewardHackingModel(params), params, "emoji", "rated").p_objective
    )
