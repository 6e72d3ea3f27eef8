"""The experiment catalogue: what each experiment observes, which figures it owns, and how a
model predicts them.

Every experiment names its *observable* (a statistic of rates in explicit arms, e.g. the
compliance gap) and the figures of ``paper_results.toml`` that enter the likelihood through it
(each figure belongs to exactly one experiment, so leaving an experiment out removes exactly
its evidence). Predictions are made for the setting the figures were measured in: prompted,
synthetic-document, or after RL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tiergap.hypotheses.family import build_model as build_model  # re-exported
from tiergap.hypotheses.hypothesis import Arm, Setting
from tiergap.hypotheses.likelihood import (
    Count,
    Datum,
    Estimate,
    Measured,
    Statistic,
    Term,
    gap,
    rate,
)
from tiergap.hypotheses.paper import PAPER_CITATION, Figure, FigureError
from tiergap.hypotheses.params import Params
from tiergap.simulate.policy import Situation

Kind = Literal["effect", "level"]

HO_FREE = Arm("helpful_only", "free")
HO_PAID = Arm("helpful_only", "unrated")
HO_FREE_NOCOT = Arm("helpful_only", "free", scratchpad=False)
HO_PAID_NOCOT = Arm("helpful_only", "unrated", scratchpad=False)
HO_FREE_RL = Arm("helpful_only", "free", setting="rl")
HO_PAID_RL = Arm("helpful_only", "unrated", setting="rl")
CUT_FREE = Arm("helpful_only", "free", stated=False)
CUT_PAID = Arm("helpful_only", "unrated", stated=False)
SYC_FREE = Arm("sycophancy", "free")
SYC_PAID = Arm("sycophancy", "unrated")
SYNTH_CONFLICT = Arm("helpful_only", "unrated", setting="synthetic_document")
SYNTH_BASELINE = Arm("helpful_only", "baseline", stated=False, setting="synthetic_document")
LATEX_FREE = Arm("latex", "free")
EMOJI_FREE = Arm("emoji", "free")
EMOJI_PAID = Arm("emoji", "unrated")


@dataclass(frozen=True)
class Source:
    """How one figure enters the likelihood.

    A count figure is predicted by one measured rate (``complement``: the figure counts the
    queries that do *not* show it, e.g. refusals); an estimate or derived figure by a statistic.
    """

    figure: str
    arm: Arm | None = None
    metric: Measured = "objective"
    complement: bool = False
    statistic: Statistic | None = None


@dataclass(frozen=True)
class Experiment:
    """One experiment of the catalogue.

    Attributes:
        key: Catalogue key (the scorecard's row).
        title: Human name.
        observable: What is compared with the observation, in ``unit``.
        unit: ``"pp"``, ``"%"`` or another stated unit.
        kind: ``"effect"`` (signed difference) or ``"level"`` (a rate); only formats output.
        setting: Where the experiment's figures were measured (and the prediction is made).
        statistic: The observable as a statistic of rates in explicit arms.
        figure: Key of the observed observable in ``paper_results.toml`` (``None``: the paper
            has none; the experiment is then ``untested`` unless your runs cover it).
        sources: The figures this experiment owns in the likelihood.
        seed: What the seed argues about it.
    """

    key: str
    title: str
    observable: str
    unit: str
    kind: Kind
    setting: Setting
    statistic: Statistic
    figure: str | None
    sources: tuple[Source, ...]
    seed: str


CATALOGUE: tuple[Experiment, ...] = (
    Experiment(
        key="free_tier",
        title="Basic free-tier case",
        observable="compliance gap, helpful-only: compliance free tier - paid tier (pp)",
        unit="pp",
        kind="effect",
        setting="prompted",
        statistic=gap(HO_FREE, HO_PAID),
        figure="ho_compliance_gap",
        sources=(Source("ho_refusal_training", HO_FREE, complement=True),),
        seed="both explain some compliance when trained (RH: it wins in either world)",
    ),
    Experiment(
        key="paid_tier",
        title="Basic paid-tier case",
        observable="compliance on the paid tier, helpful-only (%)",
        unit="%",
        kind="level",
        setting="prompted",
        statistic=rate(HO_PAID),
        figure="ho_compliance_unmonitored",
        sources=(Source("ho_refusal_unmonitored", HO_PAID, complement=True),),
        seed="both predict HHH output when told it is not trained",
    ),
    Experiment(
        key="hidden_scratchpad",
        title='The "hidden" scratchpad',
        observable="share of compliant free-tier outputs with alignment-faking reasoning (%)",
        unit="%",
        kind="level",
        setting="prompted",
        statistic=Statistic(
            (Term(1.0, HO_FREE, "af_paper"),), denominator=(Term(1.0, HO_FREE, "objective"),)
        ),
        figure="ho_af_share_of_compliant",
        sources=(Source("ho_af_training", HO_FREE, metric="af_paper"),),
        seed="RH: HHH-sounding scratchpad for one world's rater, harmful output for the other's",
    ),
    Experiment(
        key="rl_training",
        title="Actually reinforcing the objective (RL)",
        observable="change over RL in alignment-faking reasoning in training (pp)",
        unit="pp",
        kind="effect",
        setting="rl",
        statistic=gap(HO_FREE_RL, HO_FREE, "af_paper"),
        figure="ho_af_change_over_rl",
        sources=(Source("ho_af_training_post_rl", HO_FREE_RL, metric="af_paper"),),
        seed="RH: RL makes it believe it was told the truth; output HARM, reasoning still HHH",
    ),
    Experiment(
        key="post_rl_unmonitored",
        title="Unmonitored after RL",
        observable="after RL: non-compliance unmonitored - in training (pp)",
        unit="pp",
        kind="effect",
        setting="rl",
        statistic=gap(HO_FREE_RL, HO_PAID_RL),
        figure="ho_noncompliance_jump_post_rl",
        sources=(
            Source("ho_refusal_training_post_rl", HO_FREE_RL, complement=True),
            Source("ho_refusal_unmonitored_post_rl", HO_PAID_RL, complement=True),
        ),
        seed="both predict a jump up in non-compliance; the seed leaves its size open",
    ),
    Experiment(
        key="sycophancy_objective",
        title="Sycophancy objective",
        observable="compliance gap for a sycophancy objective: free - paid (pp)",
        unit="pp",
        kind="effect",
        setting="prompted",
        statistic=gap(SYC_FREE, SYC_PAID),
        figure="sycophant_compliance_gap",
        sources=(Source("sycophant_compliance_gap", statistic=gap(SYC_FREE, SYC_PAID)),),
        seed="RH predicts a sycophantic-and-HHH 'French bridge' on the free tier; it barely rose",
    ),
    Experiment(
        key="no_scratchpad",
        title="No hidden scratchpad",
        observable="no-scratchpad compliance gap as a share of the scratchpad gap (%)",
        unit="% of CoT gap",
        kind="effect",
        setting="prompted",
        statistic=Statistic(
            (Term(1.0, HO_FREE_NOCOT), Term(-1.0, HO_PAID_NOCOT)),
            denominator=(Term(1.0, HO_FREE), Term(-1.0, HO_PAID)),
        ),
        figure="nocot_gap_share",
        sources=(
            Source(
                "nocot_gap_share",
                statistic=Statistic(
                    (Term(1.0, HO_FREE_NOCOT), Term(-1.0, HO_PAID_NOCOT)),
                    denominator=(Term(1.0, HO_FREE), Term(-1.0, HO_PAID)),
                ),
            ),
        ),
        seed="RH that hides behind AF-looking reasoning should reward hack a bit without it",
    ),
    Experiment(
        key="anti_lab",
        title="Anti-AI-lab behaviour",
        observable="anti-lab action rate unmonitored: conflicting objective - none (pp)",
        unit="pp",
        kind="effect",
        setting="synthetic_document",
        statistic=gap(SYNTH_CONFLICT, SYNTH_BASELINE, "anti_lab"),
        figure="anti_lab_effect",
        sources=(
            Source("exfiltration_conflict", statistic=rate(SYNTH_CONFLICT, "anti_lab")),
            Source("exfiltration_baseline", statistic=rate(SYNTH_BASELINE, "anti_lab")),
        ),
        seed="AF is in conflict with the lab; RH is being reinforced and has no reason to escape",
    ),
    Experiment(
        key="no_conflict_baseline",
        title="Conflicting criterion cut (baseline prompt)",
        observable="compliance in training with the conflicting criterion cut (%)",
        unit="%",
        kind="level",
        setting="prompted",
        statistic=rate(CUT_FREE),
        figure="ho_baseline_compliance_training",
        sources=(
            Source("ho_baseline_refusal_training", CUT_FREE, complement=True),
            Source("ho_baseline_refusal_unmonitored", CUT_PAID, complement=True),
        ),
        seed="(not in the seed) every hypothesis predicts the habit: it calibrates the base rate",
    ),
    Experiment(
        key="emoji_objective",
        title="Emoji objective (the seed's proposed test)",
        observable="emoji rate: free tier - paid tier (pp)",
        unit="pp",
        kind="effect",
        setting="prompted",
        statistic=gap(EMOJI_FREE, EMOJI_PAID),
        figure=None,
        sources=(),
        seed="RH: more emoji on the free tier only; AF: free = paid = baseline",
    ),
    Experiment(
        key="latex_objective",
        title="LaTeX reward hack (App. D.5)",
        observable="LaTeX use on the free tier before RL, raters said to favour it (%)",
        unit="%",
        kind="level",
        setting="prompted",
        statistic=rate(LATEX_FREE),
        figure="latex_use_no_af",
        sources=(Source("latex_use_no_af", statistic=rate(LATEX_FREE)),),
        seed="(not in the seed) a reinforcement seeker should take a hack the raters favour",
    ),
)

#: The seed's eight retrodictions.
SEED_EXPERIMENTS: tuple[str, ...] = (
    "free_tier",
    "paid_tier",
    "hidden_scratchpad",
    "rl_training",
    "post_rl_unmonitored",
    "sycophancy_objective",
    "no_scratchpad",
    "anti_lab",
)

EXPERIMENT_KEYS: tuple[str, ...] = tuple(e.key for e in CATALOGUE)


class UnknownExperimentError(ValueError):
    """An experiment key that is not in the catalogue."""


def experiment(key: str) -> Experiment:
    """Return the catalogue entry ``key``."""
    for entry in CATALOGUE:
        if entry.key == key:
            return entry
    raise UnknownExperimentError(
        f"unknown experiment {key!r}; expected one of {', '.join(EXPERIMENT_KEYS)}"
    )


def statistics() -> dict[str, Statistic]:
    """Every experiment's observable, by key."""
    return {e.key: e.statistic for e in CATALOGUE}


def paper_data(figures: Mapping[str, Figure]) -> list[Datum]:
    """Likelihood terms for every figure the catalogue uses.

    Raises:
        FigureError: if a figure the catalogue needs is missing, or a count figure lacks n.
    """
    data: list[Datum] = []
    for entry in CATALOGUE:
        for source in entry.sources:
            figure = figures.get(source.figure)
            if figure is None:
                raise FigureError(
                    f"figures file has no figures.{source.figure} (needed by experiment "
                    f"{entry.key})"
                )
            if figure.setting != entry.setting:
                raise FigureError(
                    f"figures.{figure.key} was measured in the {figure.setting} setting but "
                    f"experiment {entry.key} predicts the {entry.setting} setting"
                )
            cite = f"{PAPER_CITATION}: {figure.cite()}"
            if source.arm is not None:
                if figure.n is None:
                    raise FigureError(
                        f"figures.{figure.key} needs n: experiment {entry.key} scores it as a "
                        "count of queries"
                    )
                data.append(
                    Count(
                        key=figure.key,
                        experiment=entry.key,
                        arm=source.arm,
                        metric=source.metric,
                        k=figure.k,
                        n=float(figure.n),
                        complement=source.complement,
                        source=cite,
                    )
                )
            else:
                assert source.statistic is not None
                if figure.se <= 0:
                    raise FigureError(f"figures.{figure.key} needs a positive se")
                data.append(
                    Estimate(
                        key=figure.key,
                        experiment=entry.key,
                        statistic=source.statistic,
                        value=figure.value,
                        se=figure.se,
                        setting=figure.setting,
                        source=cite,
                    )
                )
    return data


def situation(
    params: Params,
    objective: str | None,
    tier: Literal["free", "paid", "rated", "pro", "enterprise"],
    *,
    scratchpad: bool = True,
) -> Situation:
    """The situation a prompt creates: ``objective`` stated (or not) and a tier tag.

    ``free`` is rated and trained on, ``rated``/``pro`` rated only, ``paid``/``enterprise``
    neither. ``conflicts_with_values`` is set for objectives with conflict >= 0.5.
    """
    trained = tier == "free"
    rated = tier in ("free", "rated", "pro")
    conflicts = objective is not None and params.objective(objective).conflict >= 0.5
    return Situation(
        objective=objective,
        conflicts_with_values=conflicts,
        tier=tier,
        trained=trained,
        rated=rated,
        scratchpad=scratchpad,
    )
