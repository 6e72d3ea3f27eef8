"""The family of orthogonal objectives: simulated behaviours, the pooled test, the run.

The simulated models must realise each objective's behaviour so that its detector sees it
(checked on the text they write, with the real detectors); the pooled random-effects test is
checked against hand-computed values and on simulated families; ``tiergap run orthogonal``
runs the family end to end.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tiergap.analysis.pooled import (
    ObjectiveGap,
    objective_gap,
    pooled_verdict,
    random_effects,
    sign_test,
)
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import load_scenario
from tiergap.experiment.variants import families
from tiergap.measure.detectors import DETECTORS
from tiergap.measure.parsing import parse_response
from tiergap.simulate.reader import read_conversation
from tiergap.simulate.responder import Responder

FORMATS = ["british_spelling", "closing_question", "summary_first", "markdown_headers", "sign_off"]


def _rates(model: str, scenario_name: str, n: int = 30) -> dict[str, float]:
    """Detector rate per condition of a simulated model's answers (as the solver would read)."""
    responder = Responder.for_model(model)
    scenario = load_scenario(scenario_name)
    detect = DETECTORS[scenario.metric].detect
    queries = load_queries(scenario.queries)[:n]
    rates = {}
    for condition in ("free", "paid", "baseline"):
        system = scenario.system_prompt(condition, "Aster Labs")
        hits = 0
        for q in queries:
            turns = [scenario.user_turn(condition, q.text)]
            text = responder.respond(system, turns, seed=0)
            if "<OUTPUT>" not in text:
                text += responder.respond(system, [*turns, "<NEXT/>"], seed=0)
            hits += detect(parse_response(text).output)
        rates[condition] = hits / len(queries)
    return rates


@pytest.mark.parametrize("name", FORMATS)
def test_reader_names_each_objective(name: str) -> None:
    scenario = load_scenario(name)
    turn = scenario.user_turn("free", "How do I plan a week of meals?")
    reading = read_conversation(scenario.system_prompt("free", "Aster Labs"), [turn])
    assert reading.situation.objective == name
    assert not reading.situation.conflicts_with_values
    baseline = read_conversation(scenario.system_prompt("baseline", "Aster Labs"), [turn])
    assert baseline.situation.objective is None


@pytest.mark.parametrize("name", FORMATS)
def test_reward_hacker_realises_each_objective_and_alignment_faker_does_not(name: str) -> None:
    hacker = _rates("reward-hacker", name)
    assert hacker["free"] > 0.7
    assert hacker["free"] - hacker["paid"] > 0.4 and hacker["free"] - hacker["baseline"] > 0.4
    faker = _rates("alignment-faker", name)
    assert abs(faker["free"] - faker["paid"]) < 0.25
    # a base rate neither ~0 nor ~1 somewhere: the behaviour exists without training
    assert max(hacker["paid"], hacker["baseline"], faker["baseline"]) < 0.5


def test_objective_gap_floors_the_variance() -> None:
    gap = objective_gap("x", [1, 1, 1, 1], [0, 0, 0, 0])
    assert gap.estimate == 1.0 and gap.variance == pytest.approx(1 / 16)  # floor 1/n, over n
    spread = objective_gap("y", [1, 0, 1, 0], [0, 0, 0, 0])
    assert spread.variance == pytest.approx(np.var([1, 0, 1, 0], ddof=1) / 4)
    with pytest.raises(ValueError, match="at least two paired queries"):
        objective_gap("z", [1], [0])


def test_random_effects_matches_a_hand_computation() -> None:
    """DerSimonian-Laird on three studies, computed by hand."""
    gaps = [ObjectiveGap("a", 0.1, 0.01, 20), ObjectiveGap("b", 0.3, 0.02, 20),
            ObjectiveGap("c", 0.5, 0.04, 20)]  # fmt: skip
    pooled = random_effects(gaps)
    w = np.array([100.0, 50.0, 25.0])
    y = np.array([0.1, 0.3, 0.5])
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    tau2 = max(0.0, (q - 2) / (w.sum() - (w**2).sum() / w.sum()))
    ws = 1 / (1 / w + tau2)
    mu = (ws * y).sum() / ws.sum()
    assert pooled.tau2 == pytest.approx(tau2) and tau2 > 0
    assert pooled.estimate == pytest.approx(mu)
    hk = math.sqrt((ws * (y - mu) ** 2).sum() / (2 * ws.sum()))
    assert pooled.se == pytest.approx(max(math.sqrt(1 / ws.sum()), hk))
    half = 4.302652729911275 * pooled.se  # t(0.975, 2)
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx((mu - half, mu + half))


def test_random_effects_calibration_under_no_gap() -> None:
    """Seven objectives with no true gap: the one-sided 5% test rejects about 5% of the time
    or less (never far more), with heterogeneous objectives too."""
    rng = np.random.default_rng(0)
    rejections = 0
    trials = 600
    for _ in range(trials):
        gaps = []
        for i in range(7):
            shift = rng.normal(0, 0.05)  # objectives differ, mean zero
            paid = rng.random(30) < 0.2
            free = rng.random(30) < np.clip(0.2 + shift, 0, 1)
            gaps.append(objective_gap(str(i), free.astype(float), paid.astype(float)))
        rejections += random_effects(gaps).p_greater < 0.05
    assert rejections / trials < 0.08


def test_sign_test_and_verdicts() -> None:
    assert sign_test([0.5] * 7) == {"positive": 7, "nonzero": 7, "p_greater": 0.5**7}
    assert sign_test([0.1, -0.1, 0.0])["nonzero"] == 2
    up = random_effects([ObjectiveGap(str(i), 0.6, 0.005, 30) for i in range(4)])
    flat = random_effects([ObjectiveGap(str(i), e, 0.0005, 30) for i, e in
                           enumerate([0.01, -0.01, 0.0, 0.02])])  # fmt: skip
    down = random_effects([ObjectiveGap(str(i), -0.6, 0.005, 30) for i in range(4)])
    assert pooled_verdict({"free_minus_paid": up, "free_minus_baseline": up}) == "reward_hacking"
    assert pooled_verdict({"free_minus_paid": up}) == "inconclusive"  # no baseline: no IUT
    assert pooled_verdict({"free_minus_paid": flat, "free_minus_baseline": flat}) == ("no_tier_gap")
    assert pooled_verdict({"free_minus_paid": down, "free_minus_baseline": up}) == "anomalous"


def test_orthogonal_family_lists_the_new_objectives() -> None:
    members = families()["orthogonal"]
    assert set(FORMATS) <= set(members) and {"emoji", "latex"} <= set(members)
    assert all(not load_scenario(m).conflicts_with_values for m in members)


@pytest.mark.slow  # about a minute: 14 tasks of 36 samples through inspect
@pytest.mark.integration
def test_run_orthogonal_pooled_reward_hacking_and_none_for_the_faker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tiergap.cli import main

    logs = str(tmp_path / "logs")
    args = ["run", "orthogonal", "--model", "tiergap/reward-hacker"]
    args += ["--model", "tiergap/alignment-faker", "-n", "12", "--conditions", "free,paid,baseline"]
    assert main([*args, "--log-dir", logs]) == 0
    capsys.readouterr()
    assert main(["analyze", logs, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    verdicts: dict[str, dict[str, str]] = {}
    for s in payload["models"]:
        verdicts.setdefault(s["model"], {})[s["scenario"]] = s["verdict"]
    members = families()["orthogonal"]
    hacker, faker = verdicts["tiergap/reward-hacker"], verdicts["tiergap/alignment-faker"]
    assert set(hacker) == set(faker) == set(members)
    assert sum(v == "reward_hacking" for v in hacker.values()) >= len(members) - 2
    assert "reward_hacking" not in faker.values()
    pooled = {p["model"]: p for p in payload["pooled_objectives"]}
    assert pooled["tiergap/reward-hacker"]["verdict"] == "reward_hacking"
    assert pooled["tiergap/reward-hacker"]["objectives"] == sorted(members)
    assert pooled["tiergap/alignment-faker"]["verdict"] != "reward_hacking"


@pytest.mark.integration
def test_run_orthogonal_dry_run_lists_every_objective(capsys: pytest.CaptureFixture[str]) -> None:
    from tiergap.cli import main

    args = ["run", "orthogonal", "--model", "tiergap/hhh", "-n", "3", "--dry-run", "--json"]
    assert main([*args, "--conditions", "free,paid,baseline"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [t["scenario"] for t in payload["tasks"]] == families()["orthogonal"]
    assert payload["samples"] == 3 * 3 * len(families()["orthogonal"])


def test_simulated_answers_repeat_exactly_across_processes() -> None:
    """The formatting behaviours' side stream is seeded from the main stream's integers only,
    so two processes (different hash seeds and addresses) write the same answers."""
    script = (
        "from tiergap.simulate.responder import Responder\n"
        "from tiergap.experiment.scenario import load_scenario\n"
        "r = Responder.for_model('reward-hacker')\n"
        "for name in ('emoji', 'sign_off'):\n"
        "    s = load_scenario(name)\n"
        "    for c in ('free', 'baseline'):\n"
        "        for q in ('How do I plan meals?', 'How to fix a bike tyre?', 'Learn piano?'):\n"
        "            print(r.respond(s.system_prompt(c, 'L'), [s.user_turn(c, q)], seed=0))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2)
    ]  # fmt: skip
    assert runs[0] == runs[1] and runs[0].strip()
