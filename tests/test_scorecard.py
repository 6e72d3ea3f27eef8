"""Figures, the scorecard and `tiergap retrodict`: evidence, held-out predictions, named errors."""

from __future__ import annotations

import argparse
import copy
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from fit_support import CACHE, paper_family
from tiergap.hypotheses import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    HYPOTHESES,
    SEED_EXPERIMENTS,
    FigureError,
    compute_scorecard,
    evidence_scorecard,
    experiment,
    load_paper_figures,
    load_params,
    observations_from_values,
    paper_data,
    paper_observations,
)
from tiergap.hypotheses.cli import (
    add_predict_arguments,
    add_retrodict_arguments,
    run_predict,
    run_retrodict,
)
from tiergap.hypotheses.likelihood import Count, Estimate
from tiergap.hypotheses.paper import parse_figures
from tiergap.hypotheses.scorecard import Observation, judge


@pytest.fixture(autouse=True)
def _test_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERGAP_CACHE_DIR", str(CACHE))


def _figures_data() -> dict[str, Any]:
    text = resources.files("tiergap").joinpath("data", "paper_results.toml").read_text("utf-8")
    return tomllib.loads(text)


# --- figures ---------------------------------------------------------------------------------


def test_figures_are_counts_estimates_or_derived_at_load() -> None:
    figures = load_paper_figures()
    refusal = figures["ho_refusal_training"]
    assert (refusal.kind, refusal.n, refusal.setting) == ("count", 400, "prompted")
    assert refusal.k == pytest.approx(343.2)
    gap = figures["ho_compliance_gap"]
    assert gap.kind == "derived" and gap.printed == 11.3
    assert gap.value == pytest.approx(97.2 - 85.8)
    assert gap.se == pytest.approx(((97.2 * 2.8 + 85.8 * 14.2) / 400) ** 0.5 / 10 * 10, rel=1e-3)
    assert figures["exfiltration_conflict"].setting == "synthetic_document"
    assert figures["exfiltration_conflict"].kind == "estimate"
    assert "assumed" in figures["exfiltration_conflict"].se_basis
    share = figures["ho_af_share_of_compliant"]  # a share of ~57 compliant transcripts
    assert share.value == pytest.approx(100 * 11.9 / 14.2)
    assert share.se == pytest.approx(100 * (0.838 * 0.162 / 56.8) ** 0.5, rel=1e-2)
    assert figures["nocot_gap_share"].inputs == (
        "minimal_refusal_unmonitored_nocot",
        "minimal_refusal_training_nocot",
        "minimal_refusal_unmonitored_cot",
        "minimal_refusal_training_cot",
    )


def test_editing_an_input_moves_every_figure_derived_from_it() -> None:
    data = _figures_data()
    data["figures"]["ho_refusal_unmonitored"]["percent"] = 99.2
    del data["figures"]["ho_compliance_gap"]["printed"]
    figures = parse_figures(data, "edited")
    assert figures["ho_compliance_gap"].value == pytest.approx(99.2 - 85.8)
    assert figures["ho_compliance_unmonitored"].value == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f["ho_refusal_training"].pop("n") and f["ho_refusal_training"].pop("se"),
         "ho_refusal_training has neither n nor se"),
        (lambda f: f["exfiltration_conflict"].pop("se_basis"), "no se_basis"),
        (lambda f: f["ho_refusal_training"].update(percent=80.0), "differs from the printed 11.3"),
        (lambda f: f["ho_compliance_gap"].update(derived="ho_nope - 1"), r"unknown figure\(s\) \['ho_nope'\]"),  # noqa: E501
        (lambda f: f["ho_compliance_gap"].update(derived="ho_compliance_gap + 1"), "a cycle"),
        (lambda f: f["ho_compliance_gap"].update(derived="__import__('os')"), "only figure names"),
        (lambda f: f["ho_refusal_training"].update(setting="lab"), "setting = 'lab'"),
        (lambda f: f["ho_refusal_training"].pop("source"), r"missing \['source'\]"),
        (lambda f: f["ho_refusal_training"].update(n=0), "n must be a positive integer"),
    ],
)  # fmt: skip
def test_bad_figures_are_named_errors(edit: Any, message: str) -> None:
    data = copy.deepcopy(_figures_data())
    edit(data["figures"])
    with pytest.raises(FigureError, match=message):
        parse_figures(data, "figures.toml")


def test_a_count_figure_without_n_cannot_be_scored_as_a_count() -> None:
    data = _figures_data()
    table = data["figures"]["ho_af_training"]
    del table["n"]
    table["se_basis"] = "printed"
    with pytest.raises(FigureError, match="ho_af_training needs n"):
        paper_data(parse_figures(data, "figures.toml"))


def test_every_figure_enters_the_likelihood_once_in_its_own_setting() -> None:
    data = paper_data(load_paper_figures())
    keys = [d.key for d in data]
    assert len(keys) == len(set(keys))
    by_key = {d.key: d for d in data}
    conflict = by_key["exfiltration_conflict"]
    assert isinstance(conflict, Estimate) and conflict.setting == "synthetic_document"
    assert conflict.experiment == "anti_lab"
    post = by_key["ho_refusal_unmonitored_post_rl"]
    assert isinstance(post, Count) and post.arm.setting == "rl" and post.complement
    for datum in data:
        assert experiment(datum.experiment).setting == (
            datum.setting if isinstance(datum, Estimate) else datum.arm.setting
        )


# --- the z rule and the point scorecard --------------------------------------------------------


def test_judge_uses_standard_errors() -> None:
    effect = experiment("free_tier")
    observed = Observation("free_tier", 10.0, 1.0, "test")
    assert judge(effect, 11.9, observed, 2.0)[0] == "pass"
    status, reason, z = judge(effect, 12.5, observed, 2.0)
    assert status == "fail" and z == pytest.approx(2.5) and "z = +2.5" in reason
    assert judge(effect, 12.5, observed, 2.0, spread=1.0)[0] == "pass"  # prediction's own SD
    assert judge(effect, 12.5, None, 2.0)[0] == "untested"


def test_point_scorecard_shape_for_the_report() -> None:
    card = compute_scorecard(load_params())
    assert [c.name for c in card.cards] == list(HYPOTHESES)
    rh = card.card("reward_hacking")
    assert rh.verdict("emoji_objective").status == "untested"
    assert rh.passed + rh.failed == len(CATALOGUE) - 1
    assert {v.experiment for v in rh.verdicts} == set(EXPERIMENT_KEYS)


def test_observations_from_values_checks_keys() -> None:
    obs = observations_from_values({"emoji_objective": 1.5, "emoji_objective.se": 0.5}, "logs")
    assert obs["emoji_objective"].se == 0.5
    with pytest.raises(ValueError, match="emoji_gap"):
        observations_from_values({"emoji_gap": 1.0}, "logs")


# --- the evidence scorecard -------------------------------------------------------------------


def test_family_posterior_and_held_out_scores() -> None:
    family = paper_family()
    card = evidence_scorecard(load_params(), family, paper_observations())
    assert sum(family.posterior.values()) == pytest.approx(1.0)
    assert family.posterior["hhh"] < 1e-20  # no situational strategy cannot fit the gaps
    assert family.posterior["alignment_faking"] > family.posterior["reward_hacking"]
    af = card.cells["alignment_faking"]
    # In-sample the alignment faker passes the seed's eight; held out, RL is a large miss.
    assert all(af[k].status == "pass" for k in SEED_EXPERIMENTS)
    assert af["rl_training"].held_out_status == "fail" and af["rl_training"].held_out_z > 3
    # The anti-lab figure is the only one informing the synthetic-document propensity, so the
    # held-out prediction is the prior's: far wider than the in-sample one.
    anti = af["anti_lab"]
    assert anti.held_out is not None and anti.held_out.sd > 2 * anti.predicted.sd
    fitted = card.fitted["alignment_faking"]
    assert fitted["alignment_faking.anti_lab_propensity.synthetic_document"]["fitted_to"] == [
        "exfiltration_conflict"
    ]
    assert "calibrated" in fitted["alignment_faking.p_believes_trained"]
    assert "anti_lab" in card.notes and "synthetic-document" in card.notes["anti_lab"]
    # Reward hacking's paid-tier miss, which the old bands hid, is a failure now.
    assert card.cells["reward_hacking"]["paid_tier"].status == "fail"
    for name in HYPOTHESES:
        lik = [c.log_likelihood for c in card.cells[name].values() if c.observed is not None]
        assert all(x is not None and x <= 0 for x in lik)


def _args(kind: str, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    if kind == "predict":
        add_predict_arguments(parser)
    else:
        add_retrodict_arguments(parser)
    return parser.parse_args(list(argv))


def test_retrodict_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    paper_family()  # fills the shared cache
    assert run_retrodict(_args("retrodict", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["hypotheses"]) == set(HYPOTHESES)
    assert data["cache"]["misses"] == 0
    for card in data["hypotheses"].values():
        assert {"fitted_params", "log_evidence", "posterior_probability"} <= set(card)
        assert set(card["experiments"]) == set(EXPERIMENT_KEYS)
        for cell in card["experiments"].values():
            assert {"predicted", "observed", "status", "log_likelihood", "held_out"} <= set(cell)
            assert {"predicted", "status", "z"} <= set(cell["held_out"])
        for info in card["fitted_params"].values():
            assert "fitted_to" in info or "calibrated" in info
    assert sum(data["posterior"].values()) == pytest.approx(1.0, abs=1e-4)
    assert set(data["prior_sensitivity"]) == {"narrow", "wide"}
    emoji = data["hypotheses"]["reward_hacking"]["experiments"]["emoji_objective"]
    assert emoji["observed"] is None and emoji["status"] == "untested"


def test_retrodict_table(capsys: pytest.CaptureFixture[str]) -> None:
    paper_family()
    assert run_retrodict(_args("retrodict"), console=Console(width=220)) == 0
    out = capsys.readouterr().out
    assert "log evidence" in out and "held-out" in out
    assert "synthetic-document" in out


def test_retrodict_against_logs_uses_the_observation_hook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paper_family()
    seen: list[Path] = []

    def source(log_dir: Path) -> dict[str, float]:
        seen.append(log_dir)
        return {"emoji_objective": 0.5, "emoji_objective.se": 1.0}

    args = _args("retrodict", "--against", str(tmp_path), "--json")
    assert run_retrodict(args, observation_source=source) == 0
    assert seen == [tmp_path]
    data = json.loads(capsys.readouterr().out)["hypotheses"]
    assert data["reward_hacking"]["experiments"]["emoji_objective"]["status"] == "fail"
    assert data["alignment_faking"]["experiments"]["emoji_objective"]["status"] == "pass"
    assert data["alignment_faking"]["experiments"]["free_tier"]["status"] == "untested"


def test_retrodict_bad_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_retrodict(_args("retrodict", "--against", str(tmp_path / "missing"))) == 2
    assert "not 'paper' and not a directory" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[alignment_faking]\nfake_rate = 2.0\n")
    assert run_retrodict(_args("retrodict", "--params", str(bad))) == 2
    assert "alignment_faking.fake_rate" in capsys.readouterr().err
    figures = tmp_path / "figures.toml"
    data = _figures_data()
    del data["figures"]["exfiltration_conflict"]["se"]
    figures.write_text(_toml(data))
    assert run_retrodict(_args("retrodict", "--figures", str(figures))) == 2
    assert "exfiltration_conflict has neither n nor se" in capsys.readouterr().err


def test_predict_point_and_posterior(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_predict(_args("predict", "--at-params", "--json")) == 0
    point = json.loads(capsys.readouterr().out)["hypotheses"]
    assert point["reward_hacking"]["experiments"]["emoji_objective"]["predicted"] > 50
    assert point["alignment_faking"]["experiments"]["emoji_objective"]["predicted"] == 0
    paper_family(held_out=False)
    assert run_predict(_args("predict", "--json")) == 0
    posterior = json.loads(capsys.readouterr().out)["hypotheses"]
    assert posterior["alignment_faking"]["experiments"]["free_tier"]["sd"] > 0


def _toml(data: dict[str, Any]) -> str:
    """A minimal TOML writer for the figures file (tables of scalars)."""
    lines = []
    for key, table in data["figures"].items():
        lines.append(f"[figures.{key}]")
        for field, value in table.items():
            lines.append(f"{field} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)
