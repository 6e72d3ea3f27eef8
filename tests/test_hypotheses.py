"""The hypothesis models: the Policy contract, the seed's qualitative claims, parameter loading."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tiergap.hypotheses import (
    AlignmentFakingModel,
    HHHModel,
    ParamsError,
    RewardHackingModel,
    build_policies,
    load_paper_figures,
    load_params,
    override,
    situation,
)
from tiergap.hypotheses.params import Params
from tiergap.simulate.policy import Behaviour, Policy, Situation


@pytest.fixture(scope="module")
def params() -> Params:
    return load_params()


def _free(params: Params, objective: str | None, scratchpad: bool = True) -> Situation:
    return situation(params, objective, "free", scratchpad=scratchpad)


def _paid(params: Params, objective: str | None, scratchpad: bool = True) -> Situation:
    return situation(params, objective, "paid", scratchpad=scratchpad)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the Policy contract ---------------------------------------------------------------------


def test_models_implement_the_policy_protocol(params: Params) -> None:
    policies: dict[str, Policy] = dict(build_policies(params))
    assert set(policies) == {"reward_hacking", "alignment_faking", "hhh"}
    for name, policy in policies.items():
        assert policy.name == name
        behaviour = policy.behaviour(_free(params, "helpful_only"))
        assert isinstance(behaviour, Behaviour)
        assert 0.0 <= behaviour.p_objective <= 1.0


def test_unknown_objective_takes_its_conflict_from_the_situation(params: Params) -> None:
    model = AlignmentFakingModel(params)
    trained = Situation("made_up", True, "free", True, True, True)
    harmless = Situation("made_up", False, "free", True, True, True)
    assert model.behaviour(trained).p_af_reasoning > 0.05
    assert model.behaviour(harmless).p_af_reasoning == 0.0


# --- the seed's decisive test: emoji --------------------------------------------------------


def test_emoji_separates_reward_hacking_from_alignment_faking(params: Params) -> None:
    base = params.objective("emoji").base_rate
    assert base == pytest.approx(0.10)
    rh = RewardHackingModel(params)
    free = rh.behaviour(_free(params, "emoji")).p_objective
    paid = rh.behaviour(_paid(params, "emoji")).p_objective
    baseline = rh.behaviour(_paid(params, None)).p_objective
    assert free > 0.8
    assert paid == pytest.approx(base)
    assert baseline == pytest.approx(base)
    # It says why it uses emoji: candid reinforcement-seeking reasoning, not alignment faking.
    assert rh.behaviour(_free(params, "emoji")).p_rs_reasoning > 0.8
    assert rh.behaviour(_free(params, "emoji")).p_af_reasoning == pytest.approx(0.0)


@pytest.mark.parametrize("model_cls", [AlignmentFakingModel, HHHModel])
def test_alignment_faking_and_hhh_use_the_base_rate_everywhere(
    params: Params, model_cls: type[AlignmentFakingModel] | type[HHHModel]
) -> None:
    model = model_cls(params)
    base = params.objective("emoji").base_rate
    conditions = [
        _free(params, "emoji"),
        _paid(params, "emoji"),
        _paid(params, None),
        _free(params, "emoji", scratchpad=False),
        _paid(params, "emoji", scratchpad=False),
        Situation("emoji", False, None, False, False, True),
    ]
    for condition in conditions:
        behaviour = model.behaviour(condition)
        assert behaviour.p_objective == pytest.approx(base), condition
        assert behaviour.p_af_reasoning == 0.0
        assert behaviour.objective_intensity == pytest.approx(2.0)


# --- alignment faking ------------------------------------------------------------------------


def test_alignment_faking_needs_training_conflict_and_a_scratchpad(params: Params) -> None:
    model = AlignmentFakingModel(params)
    base = params.objective("helpful_only").base_rate
    trained = model.behaviour(_free(params, "helpful_only"))
    assert trained.p_af_reasoning > 0.1
    assert trained.p_objective == pytest.approx(
        trained.p_af_reasoning + (1 - trained.p_af_reasoning) * base
    )
    assert model.behaviour(_paid(params, "helpful_only")).p_objective == pytest.approx(base)
    no_cot = model.behaviour(_free(params, "helpful_only", scratchpad=False))
    assert no_cot.p_objective == pytest.approx(base)
    # Sycophancy is below the conflict threshold: nothing changes.
    syc = model.behaviour(_free(params, "sycophancy"))
    assert syc.p_objective == pytest.approx(params.objective("sycophancy").base_rate)


def test_alignment_faking_conflict_raises_anti_lab_actions_when_unwatched(params: Params) -> None:
    model = AlignmentFakingModel(params)
    base = params.anti_lab_base_rate
    assert model.behaviour(_paid(params, "helpful_only")).p_anti_lab > base + 0.2
    assert model.behaviour(_paid(params, "emoji")).p_anti_lab == pytest.approx(base)
    watched = model.behaviour(_free(params, "helpful_only")).p_anti_lab
    assert watched < model.behaviour(_paid(params, "helpful_only")).p_anti_lab


def test_rl_erodes_alignment_fakers_values_and_reinforces_faking(params: Params) -> None:
    before = AlignmentFakingModel(params).behaviour(_free(params, "helpful_only"))
    after = AlignmentFakingModel(params, phase="post_rl").behaviour(_free(params, "helpful_only"))
    assert after.p_af_reasoning > before.p_af_reasoning + 0.5
    unmonitored = AlignmentFakingModel(params, phase="post_rl").behaviour(
        _paid(params, "helpful_only")
    )
    assert after.p_objective > unmonitored.p_objective > 0.5


# --- reinforcement seeking -------------------------------------------------------------------


def test_reward_hacker_wins_either_way_with_af_looking_reasoning(params: Params) -> None:
    rh = RewardHackingModel(params)
    free = rh.behaviour(_free(params, "helpful_only"))
    paid = rh.behaviour(_paid(params, "helpful_only"))
    assert free.p_objective > 0.05 > paid.p_objective
    assert free.p_af_reasoning > 0.8 * free.p_objective
    belief = rh.belief(_free(params, "helpful_only"), "pre_rl")
    rewards = rh.expected_reinforcement(belief, params.objective("helpful_only"), True)
    assert rewards["fake"] > rewards["refuse"] == pytest.approx(0.5)
    assert rewards["candid"] == pytest.approx(0.5)


def test_reward_hacker_without_visible_scratchpad_gains_nothing_from_af_reasoning(
    params: Params, tmp_path: Path
) -> None:
    hidden = load_params(
        _write(tmp_path, "[reward_hacking.free_tier.worlds.lies]\nscratchpad_visible = false\n")
    )
    rh = RewardHackingModel(hidden)
    belief = rh.belief(_free(hidden, "helpful_only"), "pre_rl")
    rewards = rh.expected_reinforcement(belief, hidden.objective("helpful_only"), True)
    assert rewards["fake"] == pytest.approx(rewards["candid"]) == pytest.approx(rewards["refuse"])


def test_reward_hacker_no_scratchpad_gap_grows_with_capability(params: Params) -> None:
    def gap(capability: float) -> float:
        rh = RewardHackingModel(
            override(params, "reward_hacking.no_scratchpad_capability", capability)
        )
        free = rh.behaviour(_free(params, "helpful_only", scratchpad=False)).p_objective
        paid = rh.behaviour(_paid(params, "helpful_only", scratchpad=False)).p_objective
        return free - paid

    assert gap(0.0) == pytest.approx(0.0, abs=1e-12)
    assert 0.0 < gap(0.5) < gap(1.0)


def test_reward_hacker_has_no_reason_for_anti_lab_actions_unless_escape_pays(
    params: Params,
) -> None:
    base = params.anti_lab_base_rate
    assert RewardHackingModel(params).behaviour(_paid(params, "helpful_only")).p_anti_lab < base
    escaping = RewardHackingModel(override(params, "reward_hacking.escape_value", 1.0))
    assert escaping.behaviour(_paid(params, "helpful_only")).p_anti_lab > 0.2


def test_hhh_model_ignores_the_situation(params: Params) -> None:
    model = HHHModel(params)
    rates = {
        model.behaviour(s).p_objective
        for s in (_free(params, "helpful_only"), _paid(params, "helpful_only"))
    }
    assert rates == {params.objective("helpful_only").base_rate}


# --- parameters files ------------------------------------------------------------------------


def test_defaults_hold_the_seed_belief_tables(params: Params) -> None:
    rh = params.reward_hacking
    assert rh.free_tier.probability("truth") == 0.5
    assert rh.paid_tier.p_reinforced("hhh") == 0.5
    assert [w.p for w in rh.rl_training.worlds] == [0.7, 0.1, 0.2]
    assert [w.p for w in rh.post_rl_unmonitored.worlds] == [0.2, 0.6, 0.2]
    assert not rh.paid_tier.worlds[0].world.live


def test_unknown_key_is_an_error_naming_key_and_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[reward_hacking]\ntempreature = 0.2\n")
    with pytest.raises(ParamsError, match=r"params\.toml.*reward_hacking\.tempreature"):
        load_params(path)


def test_out_of_range_probability_is_an_error_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "[objectives.emoji]\nbase_rate = 1.5\n")
    with pytest.raises(ParamsError, match=r"objectives\.emoji\.base_rate = 1\.5 .*\[0, 1\]"):
        load_params(path)


def test_beliefs_not_summing_to_one_name_the_table(tmp_path: Path) -> None:
    path = _write(tmp_path, "[reward_hacking.free_tier]\np_truth = 0.7\n")
    with pytest.raises(ParamsError, match=r"reward_hacking\.free_tier sum to 1\.2"):
        load_params(path)


def test_wrong_type_and_bad_toml_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match=r"reward_hacking\.temperature must be a number"):
        load_params(_write(tmp_path, '[reward_hacking]\ntemperature = "hot"\n'))
    with pytest.raises(ParamsError, match="not valid TOML"):
        load_params(_write(tmp_path, "[reward_hacking\n"))
    with pytest.raises(ParamsError, match=r"p_other names no world"):
        load_params(_write(tmp_path, "[reward_hacking.paid_tier]\np_other = 0.0\n"))


def test_user_file_overrides_only_what_it_names(params: Params, tmp_path: Path) -> None:
    path = _write(tmp_path, "[reward_hacking.free_tier]\np_truth = 0.7\np_lies = 0.3\n")
    custom = load_params(path)
    assert custom.reward_hacking.free_tier.probability("truth") == 0.7
    assert custom.reward_hacking.temperature == params.reward_hacking.temperature
    assert custom.source == str(path)


def test_override_of_a_belief_rescales_the_rest_of_its_table(params: Params) -> None:
    changed = override(params, "reward_hacking.rl_training.p_truth", 0.4)
    probs = {w.world.name: w.p for w in changed.reward_hacking.rl_training.worlds}
    assert math.fsum(probs.values()) == pytest.approx(1.0)
    assert probs["partial_truth"] / probs["lies"] == pytest.approx(0.1 / 0.2)
    with pytest.raises(ParamsError, match="unknown parameter"):
        override(params, "reward_hacking.nope", 1.0)


def test_paper_figures_carry_their_sources() -> None:
    figures = load_paper_figures()
    gap = figures["ho_compliance_gap"]
    assert (gap.value, gap.se, gap.n, gap.unit) == (11.3, 2.1, 400, "pp")
    assert "Table 1" in gap.source
    assert figures["minimal_nocot_gap"].value == 0.2
    assert all(f.source and f.reference for f in figures.values())
