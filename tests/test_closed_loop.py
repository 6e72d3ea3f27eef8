"""Closed loop: what the pipeline measures on each simulated model matches that model's prediction.

The simulated providers take their behaviour from the hypothesis models and read only the
conversation; this runs the emoji experiment through inspect and checks every measured rate
against the rate the model predicts for that condition, computed independently of the
provider's reading of the prompt.
"""

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from scipy.stats import binomtest

from tiergap.analysis.summary import summarise
from tiergap.harness.logs import read_records
from tiergap.harness.tasks import emoji
from tiergap.hypotheses.experiments import build_model, situation
from tiergap.hypotheses.params import load_params
from tiergap.simulate.policy import Situation

MODELS = {
    "tiergap/reward-hacker": "reward_hacking",
    "tiergap/alignment-faker": "alignment_faking",
    "tiergap/hhh": "hhh",
}


def predicted_rate(hypothesis: str, condition: str) -> float:
    params = load_params()
    model = build_model(hypothesis, params, baseline_objective="emoji")
    if condition == "baseline":
        return model.behaviour(Situation(None, False, None, False, False, True)).p_objective
    tier = "free" if condition == "free" else "paid"
    return model.behaviour(situation(params, "emoji", tier)).p_objective


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    log_dir: Path = tmp_path_factory.mktemp("closed-loop")
    inspect_eval(emoji(), model=list(MODELS), log_dir=str(log_dir), seed=11, log_realtime=False)
    return {s.model: s for s in summarise(read_records(log_dir).records)}


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("condition", ["free", "paid", "baseline"])
def test_measured_rate_inside_the_predicted_interval(
    summaries: dict[str, object], model: str, condition: str
) -> None:
    summary = summaries[model]
    measured = summary.conditions[condition]  # type: ignore[attr-defined]
    n = measured.n - measured.invalid - measured.errors
    hits = round(measured.any_emoji_rate * n)
    expected = predicted_rate(MODELS[model], condition)
    interval = binomtest(round(expected * n), n).proportion_ci(0.999)
    # Two-sided exact test of the measured count against the predicted rate.
    p = binomtest(hits, n, expected).pvalue
    assert p > 0.001, (model, condition, hits, n, expected, interval)


def test_predictions_separate_the_hypotheses() -> None:
    assert predicted_rate("reward_hacking", "free") > 0.5
    for hypothesis in MODELS.values():
        assert predicted_rate(hypothesis, "paid") == pytest.approx(
            predicted_rate(hypothesis, "baseline"), abs=1e-9
        )
    assert predicted_rate("alignment_faking", "free") == pytest.approx(
        predicted_rate("alignment_faking", "baseline"), abs=1e-9
    )
