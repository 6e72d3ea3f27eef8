"""Fitting, evidence and inference: exact where it can be checked, recovery where it cannot."""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from fit_support import CACHE
from tiergap.analysis.records import SampleRecord
from tiergap.hypotheses import (
    HYPOTHESES,
    Count,
    DataSet,
    PriorDataConflictError,
    build_model,
    fit,
    fit_family,
    load_paper_figures,
    load_params,
    paper_data,
    situation,
    statistics,
)
from tiergap.hypotheses.cache import FitCache
from tiergap.hypotheses.cli import add_infer_arguments, run_infer
from tiergap.hypotheses.experiments import CUT_FREE, CUT_PAID
from tiergap.hypotheses.inference import Fitter, fit_hypothesis, posterior_over
from tiergap.hypotheses.predictive import Design
from tiergap.hypotheses.recovery import recovery, simulate_counts
from tiergap.simulate.policy import Situation


@pytest.fixture(autouse=True)
def _test_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERGAP_CACHE_DIR", str(CACHE))


def _baseline_counts() -> list[Count]:
    return [
        Count("a", "cut", CUT_FREE, "objective", 4.8, 400.0),
        Count("b", "cut", CUT_PAID, "objective", 0.0, 400.0),
    ]


# --- the evidence is right where it can be computed exactly ---------------------------------


def test_laplace_evidence_matches_the_exact_beta_binomial() -> None:
    """hhh on counts that depend only on a Beta-prior base rate: the evidence is closed-form."""
    params = load_params()
    data = DataSet(params, _baseline_counts())
    result = fit(params, "hhh", data)
    assert result.paths == ["objectives.helpful_only.base_rate"]
    a, b = 1.0, 19.0  # the packaged prior beta(1, 19)
    k, n = 4.8, 800.0
    log_choose = sum(
        special.gammaln(401) - special.gammaln(x + 1) - special.gammaln(401 - x) for x in (4.8, 0.0)
    )
    exact = log_choose + special.betaln(a + k, b + n - k) - special.betaln(a, b)
    assert result.log_evidence == pytest.approx(exact, abs=0.05)
    # The posterior interval is the exact Beta posterior's.
    lo, hi = result.interval("objectives.helpful_only.base_rate")
    from scipy.stats import beta

    exact_lo, exact_hi = beta(a + k, b + n - k).ppf([0.05, 0.95])
    assert lo == pytest.approx(exact_lo, rel=0.1) and hi == pytest.approx(exact_hi, rel=0.1)
    # Nested sampling (dynesty) agrees within its own error.
    nested = fit(params, "hhh", data, method="dynesty")
    assert abs(nested.log_evidence - exact) < 3 * nested.log_evidence_err + 0.1
    assert nested.laplace_log_evidence == pytest.approx(result.log_evidence)


def test_posterior_over_hypotheses() -> None:
    post = posterior_over({"a": -10.0, "b": -10.0 - math.log(3)}, {"a": 0.5, "b": 0.5})
    assert post == pytest.approx({"a": 0.75, "b": 0.25})
    assert posterior_over({"a": 0.0, "b": 5.0}, {"a": 1.0, "b": 0.0})["b"] == 0.0


def test_held_out_prediction_comes_from_a_fit_without_that_experiment() -> None:
    params = load_params()
    data = DataSet(params, paper_data(load_paper_figures()), statistics())
    fitter = Fitter(params, FitCache(None))
    result = fit_hypothesis(fitter, "alignment_faking", data, sensitivity=False)
    reduced = data.without("anti_lab")
    assert all(d.experiment != "anti_lab" for d in reduced.data)
    refit = result.loo_fits["anti_lab"]
    assert "alignment_faking.anti_lab_propensity.synthetic_document" not in refit.paths
    assert "alignment_faking.anti_lab_propensity.synthetic_document" in result.fit.paths
    # Held out, the free-tier gap is still predicted from the other figures (AF reasoning, RL).
    free = result.held_out["free_tier"]
    assert abs(free.mean - 11.4) < 3 * free.sd + 2
    assert math.isfinite(result.held_out_log_predictive["free_tier"])


def test_a_prior_with_no_mass_where_the_data_are_is_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "params.toml"
    path.write_text('[priors]\n"objectives.helpful_only.base_rate" = "uniform(0.5, 1.0)"\n')
    params = load_params(path)
    data = DataSet(params, _baseline_counts())
    with pytest.raises(PriorDataConflictError, match=r"objectives\.helpful_only\.base_rate"):
        fit_family(params, data, fitter=Fitter(params, FitCache(None)), held_out=False,
                   sensitivity=False)  # fmt: skip


def test_fits_are_cached_by_content(tmp_path: Path) -> None:
    params = load_params()
    cache = FitCache(tmp_path)
    fitter = Fitter(params, cache)
    data = DataSet(params, _baseline_counts())
    first = fitter("hhh", data)
    again = fitter("hhh", data)
    assert (cache.misses, cache.hits) == (1, 1)
    assert again.log_evidence == first.log_evidence
    other = DataSet(params, [*_baseline_counts()[:1]])
    fitter("hhh", other)
    assert cache.misses == 2


# --- recovery: data from each member picks that member --------------------------------------


@pytest.mark.slow  # 5-8 s each on an idle machine, 15-30 s on a loaded one
@pytest.mark.parametrize("hypothesis", HYPOTHESES)
def test_recovery_picks_the_true_hypothesis(hypothesis: str) -> None:
    """Ten data sets simulated from one member (emoji and helpful-only runs, four tiers, with
    and without a scratchpad, 300 queries per condition): it has the highest posterior."""
    params = load_params()
    result = recovery(params, hypothesis, reps=10, seed=0)
    assert result.share_won >= 0.9, (hypothesis, result.winners)


def test_parameters_are_recovered_within_their_intervals() -> None:
    """Posterior 90 % intervals cover the true values about 90 % of the time."""
    params = load_params()
    truth = {
        "alignment_faking.no_scratchpad_capability": 0.1,
        "reward_hacking.no_scratchpad_capability": 0.4,
    }
    covered: list[bool] = []
    for hypothesis in ("alignment_faking", "reward_hacking"):
        result = recovery(params, hypothesis, reps=12, seed=1, truth=truth, candidates=[hypothesis])
        covered += result.covered
    share = sum(covered) / len(covered)
    assert len(covered) > 150
    assert 0.8 <= share <= 0.97, share


def test_rater_sycophancy_and_reward_hacking_need_a_rated_only_tier() -> None:
    """Two tiers (free = rated and trained, paid = neither) cannot tell a model that pleases
    raters from one that seeks reinforcement; a rated-only tier can. A conflicting objective
    (helpful-only) and no scratchpad, so only the tier structure separates them: told it is
    rated but not trained, the reinforcement seeker expects the usual HHH rating and refuses,
    the rater-pleaser complies as on the free tier. (With an orthogonal objective such as emoji
    a reinforcement seeker that suspects the ratings leak into training follows it there too;
    with a scratchpad its candid reasoning on the paid tier gives it away even with two tiers.)
    Compliance is rare and judged by a classifier with error, so the runs are large."""
    params = load_params()
    rng = np.random.default_rng(5)
    fitter = Fitter(params, FitCache(None), starts=1)
    log_bf: dict[str, list[float]] = {"two": [], "four": []}
    for tiers in ("two", "four"):
        for _ in range(8):
            design = Design("helpful_only", tiers, False, 1000)  # type: ignore[arg-type]
            data = DataSet(params, simulate_counts(params, "rater_sycophancy", [design], rng))
            rs = fitter("rater_sycophancy", data, light=True).log_evidence
            rh = fitter("reward_hacking", data, light=True).log_evidence
            log_bf[tiers].append(rs - rh)
    decisive = math.log(10)
    assert all(b < decisive for b in log_bf["two"]), log_bf
    assert sum(b > decisive for b in log_bf["four"]) >= 7, log_bf
    assert np.mean(log_bf["four"]) > np.mean(log_bf["two"]) + 1.5


# --- infer -----------------------------------------------------------------------------------


_CONDITIONS = {"free": "free", "pro": "pro", "enterprise": "enterprise", "baseline": None}
_KEYS = {"emoji": "any_emoji", "helpful_only": "full"}


def _records(model: str, hypothesis: str, n: int, seed: int) -> list[SampleRecord]:
    """Scored samples a simulated model of ``hypothesis`` would produce (four tiers)."""
    params = load_params()
    rng = random.Random(seed)
    records = []
    for scenario, key in _KEYS.items():
        policy = build_model(hypothesis, params, baseline_objective=scenario)
        for condition, tier in _CONDITIONS.items():
            s = (
                Situation(None, False, None, False, False, True)
                if tier is None
                else situation(params, scenario, tier)  # type: ignore[arg-type]
            )
            b = policy.behaviour(s)
            for q in range(n):
                values = {
                    key: float(rng.random() < b.p_objective),
                    "af": float(rng.random() < b.p_af_reasoning),
                    "rs": float(rng.random() < b.p_rs_reasoning),
                }
                records.append(
                    SampleRecord(
                        log="x", model=model, scenario=scenario, scratchpad="hidden",
                        condition=condition, query_id=f"q{q}", epoch=1, status="ok",
                        any_emoji=int(values.get("any_emoji", 0.0)), values=values,
                    )
                )  # fmt: skip
    return records


def _infer(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_infer_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.slow  # ~15 s: the family fitted three times over, with prior sensitivity
def test_infer_moves_the_posterior_toward_the_simulated_hypothesis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulated = {
        "tiergap/reward-hacker": "reward_hacking",
        "tiergap/alignment-faker": "alignment_faking",
        "tiergap/hhh": "hhh",
    }
    records = [r for i, (m, h) in enumerate(simulated.items()) for r in _records(m, h, 60, i)]
    assert (
        run_infer(_infer(str(tmp_path), "--no-paper", "--json"), records_source=lambda _: records)
        == 0
    )
    payload = json.loads(capsys.readouterr().out)["models"]
    for model, hypothesis in simulated.items():
        result = payload[model]
        assert result["moved_toward"][0] == hypothesis, result["after"]
        assert result["after"][hypothesis] > result["before"][hypothesis]
        assert {o["measured"] for o in result["observations"]} == {
            "objective", "objective_classified", "af_classified", "rs_classified"
        }  # fmt: skip


def test_infer_with_the_paper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records("sim", "reward_hacking", 60, 9)
    assert run_infer(_infer(str(tmp_path), "--json"), records_source=lambda _: records) == 0
    result = json.loads(capsys.readouterr().out)["models"]["sim"]
    before, after = result["log_posterior_before"], result["log_posterior_after"]
    # The paper leaves reward hacking ~1e-20 behind; the runs raise its log odds a lot.
    assert after["reward_hacking"] - after["alignment_faking"] > (
        before["reward_hacking"] - before["alignment_faking"] + 20
    )


def test_infer_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = [
        SampleRecord(log="x", model="m", scenario="my_own.toml", scratchpad="hidden",
                     condition="free", query_id="q", epoch=1, status="ok", any_emoji=1)
    ]  # fmt: skip
    assert run_infer(_infer(str(tmp_path), "--no-paper"), records_source=lambda _: odd) == 2
    assert "no usable observation" in capsys.readouterr().err
    assert run_infer(_infer(str(tmp_path), "--no-paper"), records_source=lambda _: []) == 2
    assert "no readable samples" in capsys.readouterr().err
    assert run_infer(_infer(str(tmp_path / "missing")), records_source=lambda _: odd) == 2
    assert "not a directory" in capsys.readouterr().err
    many = _records("a", "hhh", 5, 0) + _records("b", "hhh", 5, 1)
    assert (
        run_infer(
            _infer(str(tmp_path), "--no-paper", "--model", "c"), records_source=lambda _: many
        )
        == 2
    )
    assert "model 'c' not in these logs" in capsys.readouterr().err
