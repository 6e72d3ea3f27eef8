"""Command-line front ends of the hypothesis models: predict, retrodict, infer, design.

The main ``tiergap`` parser owns the sub-commands; this module only adds their arguments and
runs them, so the hypotheses stay usable without the inspect harness. Records from a log
directory come through hooks the commands layer supplies (:data:`RecordsSource`,
:data:`ObservationSource`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from rich.console import Console
from rich.table import Table

from tiergap.analysis.records import SampleRecord
from tiergap.hypotheses.cache import FitCache, default_cache_dir
from tiergap.hypotheses.design import (
    DEFAULT_MODEL,
    RANKINGS,
    SCENARIOS,
    candidates,
    evaluate_design,
    rank,
)
from tiergap.hypotheses.experiments import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    SEED_EXPERIMENTS,
    UnknownExperimentError,
    paper_data,
    statistics,
)
from tiergap.hypotheses.family import DESCRIPTIONS, UnknownHypothesisError
from tiergap.hypotheses.fitting import PriorDataConflictError
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.inference import (
    FamilyResult,
    Fitter,
    fit_family,
    prior_family,
)
from tiergap.hypotheses.likelihood import Count, DataSet, Datum
from tiergap.hypotheses.observations import (
    LogObservations,
    LogsError,
    counts_from_records,
    models_in,
)
from tiergap.hypotheses.paper import PAPER_RESOURCE, Figure, FigureError, load_figures
from tiergap.hypotheses.params import Params, ParamsError, load_params
from tiergap.hypotheses.predictive import (
    VERDICTS,
    Design,
    UnknownDesignError,
    mixed_verdicts,
    predict_design,
)
from tiergap.hypotheses.priors import PriorError
from tiergap.hypotheses.scorecard import (
    EvidenceScorecard,
    Observation,
    evidence_scorecard,
    observations_from_figures,
    observations_from_values,
    point_predictions,
)
from tiergap.hypotheses.sensitivity import SweepResult, parse_sweep, plot_sweep, sweep

#: Reads a log directory and returns observed values by experiment key, in each experiment's
#: unit (``"<key>.se"`` entries give standard errors). Experiments the runs do not cover are
#: left out and reported ``untested``.
ObservationSource = Callable[[Path], dict[str, float]]
#: Reads a log directory and returns its scored samples.
RecordsSource = Callable[[Path], list[SampleRecord]]

EXIT_USAGE = 2
_ERRORS = (
    ParamsError,
    FigureError,
    PriorError,
    PriorDataConflictError,
    UnknownHypothesisError,
    UnknownExperimentError,
    UnknownDesignError,
    LogsError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def observations_from_logs(log_dir: Path) -> dict[str, float]:
    """Default :data:`ObservationSource`: not wired (the commands layer provides one)."""
    raise NotImplementedError(
        f"reading observations from a log directory ({log_dir}) is not available here: "
        "run `tiergap retrodict --against LOGDIR` from the tiergap command line"
    )


# --------------------------------------------------------------------------------------------
# Arguments


def _add_common(parser: argparse.ArgumentParser, *, evidence: bool = True) -> None:
    parser.add_argument(
        "--params", type=Path, default=None, metavar="FILE",
        help="TOML file overriding the default parameters and priors",
    )  # fmt: skip
    parser.add_argument(
        "--figures", type=Path, default=None, metavar="FILE",
        help="a figures file in the format of the packaged paper_results.toml",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write cached fits")
    parser.add_argument(
        "--jobs", type=int, default=2, metavar="N",
        help="processes for fitting hypotheses that are not cached (default 2)",
    )  # fmt: skip
    parser.add_argument(
        "--hypotheses", default=None, metavar="A,B,...",
        help=f"compare only these members of the family ({', '.join(HYPOTHESES)})",
    )  # fmt: skip
    if evidence:
        parser.add_argument(
            "--evidence", choices=("laplace", "dynesty"), default="laplace",
            help="marginal likelihoods by the Laplace approximation (default, seconds) or "
            "nested sampling with dynesty (minutes; the cross-check)",
        )  # fmt: skip


def add_predict_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap predict``."""
    _add_common(parser)
    parser.add_argument(
        "--experiment", default=None, metavar="SCENARIO",
        help=f"predict a planned run of one scenario ({', '.join(SCENARIOS)}) as distributions",
    )  # fmt: skip
    parser.add_argument("--tiers", choices=("two", "four"), default="two")
    parser.add_argument("--scratchpad", choices=("hidden", "none"), default="hidden")
    parser.add_argument("--n", type=int, default=200, help="queries per condition")
    parser.add_argument(
        "--no-paper", action="store_true", help="predict from the priors, not the paper's fit"
    )
    parser.add_argument(
        "--at-params", action="store_true",
        help="point predictions at the parameters file's values instead of the posterior",
    )  # fmt: skip


def add_retrodict_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap retrodict``."""
    _add_common(parser)
    parser.add_argument(
        "--against", default="paper", metavar="paper|LOGDIR",
        help="observed values: the paper's figures (default) or a directory of your own runs",
    )  # fmt: skip
    parser.add_argument(
        "--sweep", default=None, action="append", metavar="PARAM=lo:hi:steps",
        help="vary a parameter (dotted name, e.g. reward_hacking.free_tier.p_truth) and report "
        "where each hypothesis passes; give it twice for a grid and its joint pass region",
    )  # fmt: skip
    parser.add_argument(
        "--plot", type=Path, default=None, metavar="FILE.png", help="draw the sweep to a PNG"
    )


def add_infer_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap infer``."""
    parser.add_argument("logdirs", nargs="+", type=Path, metavar="LOGDIR")
    _add_common(parser)
    parser.add_argument(
        "--no-paper", action="store_true", help="your runs only, without the paper's figures"
    )
    parser.add_argument("--model", default=None, help="only this model's runs")


def add_design_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``tiergap design``."""
    _add_common(parser)
    parser.add_argument(
        "--logs", type=Path, action="append", default=None, metavar="LOGDIR",
        help="also condition on your runs in LOGDIR (repeatable)",
    )  # fmt: skip
    parser.add_argument("--model", default=None, help="with --logs: the model whose runs to use")
    parser.add_argument(
        "--no-paper", action="store_true", help="start from the priors, not the paper's fit"
    )
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="comma-separated candidate scenarios"
    )
    parser.add_argument("--tiers", default="two,four", help="comma-separated: two,four")
    parser.add_argument("--scratchpad", default="hidden,none", help="comma-separated")
    parser.add_argument("--n", default="250", help="comma-separated queries per condition")
    parser.add_argument(
        "--price-model", default=DEFAULT_MODEL,
        help=f"model whose prices cost the runs (default {DEFAULT_MODEL}; 'none' for no cost)",
    )  # fmt: skip
    parser.add_argument("--rank", choices=RANKINGS, default="bits", help="sort order")
    parser.add_argument("--top", type=int, default=None, help="show only the best N")


# --------------------------------------------------------------------------------------------
# Helpers


def _error(message: str, stream: TextIO) -> int:
    print(f"tiergap: error: {message}", file=stream)
    return EXIT_USAGE


def _console(console: Console | None) -> Console:
    return console if console is not None else Console()


def _setup(args: argparse.Namespace) -> tuple[Params, dict[str, Figure], Fitter]:
    params = load_params(args.params)
    figures = load_figures(args.figures)
    cache = FitCache(None if args.no_cache else default_cache_dir())
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    chosen = None
    if args.hypotheses is not None:
        chosen = [h.strip() for h in args.hypotheses.split(",") if h.strip()]
        if not chosen:
            raise ValueError("--hypotheses: empty list")
    fitter = Fitter(
        params,
        cache,
        method=getattr(args, "evidence", "laplace"),
        jobs=args.jobs,
        hypotheses=chosen,
    )
    return params, figures, fitter


def _figures_label(args: argparse.Namespace) -> str:
    return str(args.figures) if args.figures is not None else PAPER_RESOURCE


def _starting_family(
    args: argparse.Namespace, params: Params, figures: dict[str, Figure], fitter: Fitter
) -> FamilyResult:
    """The family before any run of the user's: the priors (``--no-paper``) or the fit to the
    paper's figures."""
    if args.no_paper:
        return prior_family(params, hypotheses=fitter.hypotheses)
    family, _ = _paper_family(
        params, figures, fitter, held_out=False, sensitivity=False, label=_figures_label(args)
    )
    return family


def _paper_family(
    params: Params,
    figures: dict[str, Figure],
    fitter: Fitter,
    *,
    held_out: bool,
    sensitivity: bool,
    label: str,
) -> tuple[FamilyResult, DataSet]:
    data = DataSet(params, paper_data(figures), statistics())
    family = fit_family(
        params, data, fitter=fitter, held_out=held_out, sensitivity=sensitivity, label=label
    )
    return family, data


def _num(x: float | None, digits: int = 3) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(x, digits)


# --------------------------------------------------------------------------------------------
# predict


def run_predict(args: argparse.Namespace, *, console: Console | None = None) -> int:
    """Each hypothesis's predictions: per catalogue experiment, or for one planned run."""
    try:
        params, figures, fitter = _setup(args)
        if args.at_params:
            return _print_point_predictions(params, args, console)
        design = None
        if args.experiment is not None:
            design = Design(args.experiment, args.tiers, args.scratchpad == "hidden", args.n)
        family = _starting_family(args, params, figures, fitter)
        if design is not None:
            predictions = predict_design(params, family, design)
    except _ERRORS as exc:
        return _error(str(exc), sys.stderr)
    out = _console(console)
    source = "priors" if args.no_paper else f"posterior given {_figures_label(args)}"
    if design is None:
        return _print_posterior_predictions(family, source, args, out)
    if args.json:
        payload = {
            "experiment": design.to_json(),
            "from": source,
            "verdict_rule": "approximate: unpaired one-sided z-tests at alpha 0.05, TOST within "
            "max(50 % of baseline, 5 points), floor/ceiling 2 % -> insensitive",
            "hypotheses": {p.hypothesis: p.to_json() for p in predictions},
            "verdict_probabilities": {
                k: round(v, 4) for k, v in mixed_verdicts(predictions).items()
            },
        }
        print(json.dumps(payload, indent=2))
        return 0
    table = Table(title=f"Predicted run: {design.label} ({source})")
    table.add_column("hypothesis")
    table.add_column("P(h)", justify="right")
    for condition in design.conditions:
        table.add_column(f"{condition} % [90%]", justify="right")
    table.add_column("verdict (most likely)")
    for p in predictions:
        cells = []
        for condition in design.conditions:
            s = p.rates[condition][
                "anti_lab" if design.primary.startswith("anti_lab") else "objective"
            ]
            cells.append(f"{s.mean:.0f} [{s.low:.0f}–{s.high:.0f}]")
        top = max(p.verdicts, key=lambda v: p.verdicts[v])
        table.add_row(p.hypothesis, f"{p.probability:.3f}", *cells, f"{top} {p.verdicts[top]:.2f}")
    out.print(table)
    if design.scratchpad:
        mix = Table(title="Reasoning on the free tier (true rates): reward-seeking / AF / none")
        mix.add_column("hypothesis")
        mix.add_column("mix", justify="right")
        for p in predictions:
            m = p.reasoning_mix["free"]
            mix.add_row(
                p.hypothesis,
                f"{m['reward_seeking']:.2f} / {m['alignment_faking']:.2f} / {m['none']:.2f}",
            )
        out.print(mix)
    verdict_table = Table(title="P(verdict) of the single-experiment analysis (approximate rule)")
    verdict_table.add_column("hypothesis")
    for v in VERDICTS:
        verdict_table.add_column(v, justify="right")
    for p in predictions:
        verdict_table.add_row(p.hypothesis, *(f"{p.verdicts[v]:.2f}" for v in VERDICTS))
    mixed = mixed_verdicts(predictions)
    verdict_table.add_section()
    verdict_table.add_row("weighted by P(h)", *(f"{mixed[v]:.2f}" for v in VERDICTS))
    out.print(verdict_table)
    return 0


def _print_point_predictions(
    params: Params, args: argparse.Namespace, console: Console | None
) -> int:
    predictions = point_predictions(params)
    if args.json:
        payload = {
            "at": params.source,
            "hypotheses": {
                name: {
                    "experiments": {
                        e.key: {"predicted": round(predictions[name][e.key], 4), "unit": e.unit}
                        for e in CATALOGUE
                    }
                }
                for name in HYPOTHESES
            },
        }
        print(json.dumps(payload, indent=2))
        return 0
    table = Table(title=f"Point predictions at {params.source}")
    table.add_column("experiment")
    for name in HYPOTHESES:
        table.add_column(name, justify="right")
    for entry in CATALOGUE:
        number = "{:+.1f}" if entry.kind == "effect" else "{:.1f}"
        table.add_row(entry.key, *(number.format(predictions[n][entry.key]) for n in HYPOTHESES))
    _console(console).print(table)
    return 0


def _print_posterior_predictions(
    family: FamilyResult, source: str, args: argparse.Namespace, out: Console
) -> int:
    if args.json:
        payload = {
            "from": source,
            "hypotheses": {
                name: {
                    "posterior_probability": round(family.posterior[name], 6),
                    "experiments": {
                        key: {
                            "predicted": round(p.mean, 4),
                            "sd": round(p.sd, 4),
                            "unit": next(e.unit for e in CATALOGUE if e.key == key),
                        }
                        for key, p in result.predictions.items()
                    },
                }
                for name, result in family.hypotheses.items()
            },
        }
        print(json.dumps(payload, indent=2))
        return 0
    table = Table(title=f"Posterior predictions ± SD ({source})")
    table.add_column("experiment")
    table.add_column("observable")
    for name in family.hypotheses:
        table.add_column(name, justify="right")
    for entry in CATALOGUE:
        cells = []
        for result in family.hypotheses.values():
            p = result.predictions.get(entry.key)
            cells.append("—" if p is None else f"{p.mean:.1f} ± {p.sd:.1f}")
        table.add_row(entry.key, entry.observable, *cells)
    out.print(table)
    return 0


# --------------------------------------------------------------------------------------------
# retrodict


def _observations(
    against: str, figures: dict[str, Figure], source: ObservationSource
) -> tuple[dict[str, Observation], str]:
    if against == "paper":
        return observations_from_figures(figures), "paper"
    log_dir = Path(against)
    if not log_dir.is_dir():
        raise ValueError(f"--against {against!r}: not 'paper' and not a directory")
    label = f"logs in {log_dir}"
    return observations_from_values(source(log_dir), label), label


def run_retrodict(
    args: argparse.Namespace,
    *,
    observation_source: ObservationSource | None = None,
    console: Console | None = None,
) -> int:
    """Fit the family to the paper; print the evidence scorecard, or a sweep."""
    source = observation_source if observation_source is not None else observations_from_logs
    if args.plot is not None and args.sweep is None:
        return _error("--plot needs --sweep", sys.stderr)
    try:
        params, figures, fitter = _setup(args)
        observations, label = _observations(args.against, figures, source)
        if args.sweep is not None:
            if len(args.sweep) > 2:
                raise ValueError("--sweep takes one or two parameters")
            result = sweep(
                params, [parse_sweep(s) for s in args.sweep], observations, against=label
            )
            if args.plot is not None:
                plot_sweep(result, args.plot)
        else:
            family, _ = _paper_family(
                params, figures, fitter, held_out=True, sensitivity=True,
                label=_figures_label(args),
            )  # fmt: skip
            card = evidence_scorecard(params, family, observations)
    except _ERRORS as exc:
        return _error(str(exc), sys.stderr)
    out = _console(console)
    if args.sweep is not None:
        if args.json:
            print(json.dumps(result.to_json(), indent=2))
        else:
            _print_sweep(result, label, out)
        if args.plot is not None and not args.json:
            out.print(f"wrote {args.plot}")
        return 0
    if args.json:
        payload = card.to_json()
        payload["observed_from"] = label
        payload["cache"] = {"hits": fitter.cache.hits, "misses": fitter.cache.misses}
        print(json.dumps(payload, indent=2))
    else:
        _print_evidence(card, params, label, fitter, out)
    return 0


_MARK = {"pass": ("✓", "green"), "fail": ("✗", "red"), "untested": ("·", "dim")}


def _mark(status: str) -> str:
    mark, style = _MARK[status]
    return f"[{style}]{mark}[/{style}]"


def posterior_table(family: FamilyResult, title: str) -> Table:
    """Hypotheses with prior, evidence and posterior (and prior sensitivity when computed)."""
    table = Table(title=title)
    table.add_column("hypothesis")
    table.add_column("free params", justify="right")
    table.add_column("max log-lik", justify="right")
    table.add_column("log evidence", justify="right")
    table.add_column("prior", justify="right")
    table.add_column("posterior", justify="right")
    for variant in family.sensitivity:
        table.add_column(f"priors {variant}", justify="right")
    for name in family.ranked():
        result = family.hypotheses[name].fit
        error = f" ± {result.log_evidence_err:.1f}" if result.method == "dynesty" else ""
        table.add_row(
            name,
            str(len(result.paths)),
            f"{result.ml_loglik:.1f}",
            f"{result.log_evidence:.1f}{error}",
            f"{family.prior[name]:.3f}",
            f"{family.posterior[name]:.4f}",
            *(f"{family.sensitivity[v][name]:.4f}" for v in family.sensitivity),
        )
    return table


def _print_evidence(
    card: EvidenceScorecard, params: Params, label: str, fitter: Fitter, out: Console
) -> None:
    family = card.family
    out.print(
        posterior_table(
            family,
            f"Evidence: each hypothesis fitted to {family.label} "
            f"({family.method}; priors narrow = x0.5, wide = x2)",
        )
    )
    names = family.ranked()
    table = Table(
        title=f"Scorecard against {label}: mark = in-sample, held-out (refit without the "
        "experiment's figures); value = held-out prediction"
    )
    table.add_column("experiment")
    table.add_column("setting")
    table.add_column("observed", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    for entry in CATALOGUE:
        cells = []
        observed = None
        for name in names:
            cell = card.cells[name].get(entry.key)
            if cell is None:
                cells.append("")
                continue
            observed = cell.observed
            value = cell.held_out.mean if cell.held_out is not None else cell.predicted.mean
            number = "{:+.1f}" if entry.kind == "effect" else "{:.1f}"
            cells.append(
                f"{_mark(cell.status)}{_mark(cell.held_out_status)} {number.format(value)}"
            )
        observed_text = (
            "—" if observed is None else f"{observed.value:.1f} ± {observed.se or 0:.1f}"
        )
        table.add_row(entry.key, entry.setting, observed_text, *cells)
    table.add_section()
    for title, keys in (("seed's eight", SEED_EXPERIMENTS), ("all", EXPERIMENT_KEYS)):
        row = []
        for name in names:
            inside = [card.cells[name][k].status for k in keys if k in card.cells[name]]
            held = [card.cells[name][k].held_out_status for k in keys if k in card.cells[name]]
            row.append(
                f"{inside.count('pass')}/{inside.count('pass') + inside.count('fail')} · "
                f"{held.count('pass')}/{held.count('pass') + held.count('fail')}"
            )
        table.add_row(f"{title}: passed in-sample · held-out", "", "", *row)
    out.print(table)
    shown = [
        n
        for n in names
        if family.posterior[n] >= 0.001 or n in ("alignment_faking", "reward_hacking")
    ]
    for name in shown:
        detail = Table(
            title=f"{name}: {DESCRIPTIONS[name]} (P = {family.posterior[name]:.4f})",
            show_header=True,
            box=None,
            padding=(0, 1),
        )
        detail.add_column("fitted parameter")
        detail.add_column("MAP [90%]", justify="right")
        detail.add_column("ML", justify="right")
        detail.add_column("prior")
        detail.add_column("fitted to")
        for path, info in card.fitted[name].items():
            if "calibrated" in info:
                detail.add_row(
                    path, f"{info['value']:g}", "", "fixed", f"calibrated: {info['calibrated']}"
                )
                continue
            if info.get("map") is None:
                detail.add_row(path, "—", "", info["prior"], "no data depend on it")
                continue
            lo, hi = info["interval90"]
            detail.add_row(
                path,
                f"{info['map']:.3g} [{lo:.3g}, {hi:.3g}]",
                f"{info['ml']:.3g}",
                info["prior"],
                ", ".join(info["fitted_to"]),
            )
        out.print(detail)
        scores = Table(show_header=True, box=None, padding=(0, 1))
        scores.add_column("experiment")
        scores.add_column("log-lik", justify="right")
        scores.add_column("in-sample")
        scores.add_column("held-out")
        for key, cell in card.cells[name].items():
            if cell.observed is None:
                continue
            held_text = (
                "—"
                if cell.held_out is None
                else f"{_mark(cell.held_out_status)} {cell.held_out.mean:.1f} ± "
                f"{cell.held_out.sd:.1f} (z {cell.held_out_z:+.1f})"
            )
            scores.add_row(
                key,
                "" if cell.log_likelihood is None else f"{cell.log_likelihood:.1f}",
                f"{_mark(cell.status)} {cell.reason}",
                held_text,
            )
        out.print(scores)
    hidden = [n for n in names if n not in shown]
    if hidden:
        out.print(f"fitted parameters and reasons of {', '.join(hidden)}: --json", style="dim")
    for key, note in card.notes.items():
        out.print(f"[bold]{key}[/bold]: {note}")
    out.print(
        f"fits: {fitter.cache.hits} from cache, {fitter.cache.misses} computed "
        f"(cache: {fitter.cache.directory or 'off'})",
        style="dim",
    )


def _print_sweep(result: SweepResult, label: str, console: Console) -> None:
    if len(result.specs) == 2:
        a, b = result.specs
        table = Table(
            title=f"Joint pass region of {a.param} × {b.param} ({a.steps}×{b.steps} grid; "
            f"current {result.defaults[0]:g}, {result.defaults[1]:g}; against {label})"
        )
        table.add_column("hypothesis")
        table.add_column("grid points where every tested experiment passes", justify="right")
        table.add_column("most experiments passed", justify="right")
        for name in result.statuses:
            joint = result.joint_pass(name)
            count = result.passed_count(name)
            where = ""
            if joint.any():
                i, j = np.nonzero(joint)
                where = (
                    f" ({a.param} {a.values[i.min()]:g}–{a.values[i.max()]:g}, "
                    f"{b.param} {b.values[j.min()]:g}–{b.values[j.max()]:g})"
                )
            table.add_row(
                name, f"{int(joint.sum())} of {result.size}{where}", str(int(count.max()))
            )
        console.print(table)
        return
    spec = result.spec
    table = Table(
        title=(
            f"Passing ranges of {spec.param} over {spec.low:g}…{spec.high:g} "
            f"({spec.steps} steps; current {result.default:g}; against {label})"
        )
    )
    table.add_column("experiment")
    for name in result.statuses:
        table.add_column(name)
    for entry in CATALOGUE:
        table.add_row(entry.key, *(result.describe(name, entry.key) for name in result.statuses))
    console.print(table)


# --------------------------------------------------------------------------------------------
# infer


def _log_counts(
    logdirs: list[Path], records_source: RecordsSource, model: str | None
) -> list[LogObservations]:
    records: list[SampleRecord] = []
    for log_dir in logdirs:
        if not log_dir.is_dir():
            raise LogsError(f"{log_dir}: not a directory")
        found = records_source(log_dir)
        if not found:
            raise LogsError(f"{log_dir}: no readable samples")
        records.extend(found)
    label = ",".join(str(d) for d in logdirs)
    models = [model] if model is not None else models_in(records)
    out = []
    for name in models:
        out.append(counts_from_records(records, name, label="logs"))
    if not out:
        raise LogsError(f"{label}: no usable observation")
    _ = label
    return out


def run_infer(
    args: argparse.Namespace,
    *,
    records_source: RecordsSource,
    console: Console | None = None,
) -> int:
    """Update the posterior over hypotheses with your own runs (one model at a time)."""
    try:
        params, figures, fitter = _setup(args)
        observed = _log_counts(args.logdirs, records_source, args.model)
        paper: list[Datum] = [] if args.no_paper else paper_data(figures)
        before = _starting_family(args, params, figures, fitter)
        updates = []
        for logs in observed:
            data = DataSet(params, [*paper, *logs.counts], statistics())
            after = fit_family(
                params, data, fitter=fitter, held_out=False, sensitivity=True,
                label=f"{'' if args.no_paper else 'paper + '}runs of {logs.model}",
            )  # fmt: skip
            updates.append((logs, after))
    except _ERRORS as exc:
        return _error(str(exc), sys.stderr)
    out = _console(console)
    if args.json:
        payload: dict[str, Any] = {"with_paper": not args.no_paper, "models": {}}
        for logs, after in updates:
            payload["models"][logs.model] = {
                "before": {h: _num(p, 6) for h, p in before.posterior.items()},
                "after": {h: _num(p, 6) for h, p in after.posterior.items()},
                "log_posterior_before": {h: _log(p) for h, p in before.posterior.items()},
                "log_posterior_after": {h: _log(p) for h, p in after.posterior.items()},
                "log_evidence": {h: _num(r.fit.log_evidence) for h, r in after.hypotheses.items()},
                "prior_sensitivity": {
                    v: {h: _num(p, 6) for h, p in post.items()}
                    for v, post in after.sensitivity.items()
                },
                "most_probable": after.ranked()[0],
                "moved_toward": _moved_toward(before, after),
                "observations": [_count_json(c) for c in logs.counts],
                "skipped": list(logs.skipped),
            }
        print(json.dumps(payload, indent=2))
        return 0
    for logs, after in updates:
        table = Table(
            title=f"{logs.model}: posterior over hypotheses, before and after "
            f"{len(logs.counts)} counts from your runs"
            + ("" if args.no_paper else " (before = the paper's figures alone)")
        )
        table.add_column("hypothesis")
        table.add_column("before", justify="right")
        table.add_column("after", justify="right")
        table.add_column("log evidence", justify="right")
        for v in after.sensitivity:
            table.add_column(f"priors {v}", justify="right")
        for h in after.ranked():
            table.add_row(
                h,
                f"{before.posterior[h]:.4f}",
                f"{after.posterior[h]:.4f}",
                f"{after.hypotheses[h].fit.log_evidence:.1f}",
                *(f"{after.sensitivity[v][h]:.4f}" for v in after.sensitivity),
            )
        out.print(table)
        out.print(f"moved toward: {', '.join(_moved_toward(before, after))}")
        counts = Table(title="observations (k of n)", box=None, show_header=True)
        counts.add_column("arm")
        counts.add_column("measured")
        counts.add_column("k / n", justify="right")
        for c in logs.counts:
            counts.add_row(c.arm.label(), c.metric, f"{c.k:g} / {c.n:g}")
        out.print(counts)
        for note in logs.skipped:
            out.print(f"skipped {note}", style="dim")
    return 0


def _log(p: float) -> float | None:
    """Natural log of a probability (None for 0), so tiny posteriors still compare."""
    return None if p <= 0 else round(math.log(p), 4)


def _moved_toward(before: FamilyResult, after: FamilyResult) -> list[str]:
    """Hypotheses whose posterior probability rose, the largest rise first (rises from
    vanishing probabilities, visible only in the logs, last)."""
    rose = [h for h, p in after.posterior.items() if p > before.posterior.get(h, 0.0)]
    return sorted(rose, key=lambda h: -(after.posterior[h] - before.posterior.get(h, 0.0)))


def _count_json(count: Count) -> dict[str, Any]:
    return {"arm": count.arm.label(), "measured": count.metric, "k": count.k, "n": count.n}


# --------------------------------------------------------------------------------------------
# design


def _split(text: str, name: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError(f"--{name}: empty list")
    return parts


def run_design(
    args: argparse.Namespace,
    *,
    records_source: RecordsSource | None = None,
    console: Console | None = None,
) -> int:
    """Rank candidate experiments by expected information about which hypothesis is true."""
    try:
        params, figures, fitter = _setup(args)
        scenarios = _split(args.scenarios, "scenarios")
        tiers = _split(args.tiers, "tiers")
        pads = _split(args.scratchpad, "scratchpad")
        for pad in pads:
            if pad not in ("hidden", "none"):
                raise ValueError(f"--scratchpad: expected hidden or none, got {pad!r}")
        try:
            sizes = [int(n) for n in _split(args.n, "n")]
        except ValueError:
            raise ValueError(
                f"--n: expected comma-separated whole numbers, got {args.n!r}"
            ) from None
        designs = candidates(scenarios, tiers, [p == "hidden" for p in pads], sizes)
        price_model = None if args.price_model == "none" else args.price_model
        data: list[Datum] = [] if args.no_paper else paper_data(figures)
        label = "priors" if args.no_paper else _figures_label(args)
        if args.logs:
            if records_source is None:
                raise NotImplementedError("reading logs is not available here")
            observed = _log_counts(args.logs, records_source, args.model)
            if len(observed) > 1:
                raise ValueError(
                    "--logs hold several models; choose one with --model: "
                    + ", ".join(o.model for o in observed)
                )
            data += list(observed[0].counts)
            label += f" + runs of {observed[0].model}"
        if data:
            family = fit_family(
                params, DataSet(params, data, statistics()), fitter=fitter,
                held_out=False, sensitivity=False, label=label,
            )  # fmt: skip
        else:
            family = prior_family(params, hypotheses=fitter.hypotheses)
        values = [evaluate_design(params, family, d, model=price_model) for d in designs]
        ranked = rank(values, args.rank)
        if args.top is not None:
            ranked = ranked[: max(args.top, 0)]
    except _ERRORS as exc:
        return _error(str(exc), sys.stderr)
    out = _console(console)
    if args.json:
        print(
            json.dumps(
                {
                    "posterior_from": label,
                    "posterior": {h: _num(p, 6) for h, p in family.posterior.items()},
                    "ranked_by": args.rank,
                    "price_model": price_model,
                    "candidates": [v.to_json() for v in ranked],
                },
                indent=2,
            )
        )
        return 0
    pair = ranked[0].decisive_between if ranked else ("", "")
    table = Table(
        title=f"Candidate experiments by expected information (posterior from {label}); "
        f"decisive = BF > 10 between {pair[0]} and {pair[1]}"
    )
    table.add_column("#", justify="right")
    table.add_column("experiment")
    table.add_column("bits", justify="right")
    table.add_column("P(decisive)", justify="right")
    table.add_column("cost $ (batch $)", justify="right")
    table.add_column("bits / 1000 queries", justify="right")
    table.add_column("bits / $", justify="right")
    for i, v in enumerate(ranked, 1):
        per_dollar = v.bits_per_dollar
        table.add_row(
            str(i),
            v.design.label,
            f"{v.expected_information_bits:.3f}",
            f"{v.p_decisive:.2f}",
            f"{v.cost_usd:.2f} ({v.cost_usd_batch:.2f})",
            f"{1000 * v.bits_per_query:.3f}",
            "—" if per_dollar is None else f"{per_dollar:.4f}",
        )
    out.print(table)
    out.print(
        "posterior now: "
        + ", ".join(f"{h} {family.posterior[h]:.3f}" for h in family.ranked()[:4]),
        style="dim",
    )
    return 0
