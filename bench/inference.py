"""Inference speed: fitting the hypothesis family and ranking experiments.

Targets (issue 10), on 2 cores:

* ``retrodict`` with fitting and evidence for the whole family (7 hypotheses: main fit, one
  refit per experiment left out, two prior-sensitivity refits) <= 30 s, from an empty cache;
* ``design`` over >= 20 candidate experiments <= 60 s (the paper posterior already fitted);
* a cached ``retrodict`` (the second run) in well under a second of fitting.

Each timed step runs in a fresh Python process (imports included, reported separately), with
``TIERGAP_CACHE_DIR`` pointing at a new temporary directory, so "cold" is really cold. Wall
time depends on what else runs on the machine (the load average is printed); CPU seconds
(the step's processes and their fitting workers) do not.
``--dynesty`` adds the cross-check of the Laplace evidences against nested sampling (dynesty)
for the hypotheses named (slow: minutes each on a loaded machine).

    .venv/bin/python bench/inference.py [--dynesty hhh,alignment_faking]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RETRODICT = """
import json, sys, time
t0 = time.perf_counter()
from tiergap.hypotheses import DataSet, fit_family, load_paper_figures, load_params, paper_data
from tiergap.hypotheses import statistics
from tiergap.hypotheses.inference import Fitter
t1 = time.perf_counter()
params = load_params()
data = DataSet(params, paper_data(load_paper_figures()), statistics())
fitter = Fitter(params, jobs=int(sys.argv[1]))
family = fit_family(params, data, fitter=fitter)
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "work": t2 - t1, "posterior": family.posterior,
                  "log_evidence": {h: r.fit.log_evidence for h, r in family.hypotheses.items()},
                  "hits": fitter.cache.hits, "misses": fitter.cache.misses}))
"""

DESIGN = """
import json, sys, time
t0 = time.perf_counter()
from tiergap.hypotheses import DataSet, fit_family, load_paper_figures, load_params, paper_data
from tiergap.hypotheses import statistics, candidates, evaluate_design, rank
from tiergap.hypotheses.inference import Fitter
t1 = time.perf_counter()
params = load_params()
data = DataSet(params, paper_data(load_paper_figures()), statistics())
family = fit_family(params, data, fitter=Fitter(params), held_out=False, sensitivity=False)
t2 = time.perf_counter()
designs = candidates()
values = rank([evaluate_design(params, family, d) for d in designs])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "posterior_fit": t2 - t1, "work": t3 - t2,
                  "candidates": len(designs),
                  "top": [[v.design.label, v.expected_information_bits, v.p_decisive,
                           v.cost_usd] for v in values[:6]]}))
"""

NESTED = """
import json, sys, time
from tiergap.hypotheses import DataSet, fit, load_paper_figures, load_params, paper_data
params = load_params()
data = DataSet(params, paper_data(load_paper_figures()))
t0 = time.perf_counter()
result = fit(params, sys.argv[1], data, method="dynesty")
print(json.dumps({"hypothesis": sys.argv[1], "dynesty": result.log_evidence,
                  "dynesty_err": result.log_evidence_err,
                  "laplace": result.laplace_log_evidence, "seconds": time.perf_counter() - t0}))
"""


def _cpu() -> float:
    """CPU seconds of every finished child process (and theirs, e.g. fitting workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(code: str, cache: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "TIERGAP_CACHE_DIR": str(cache)}
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    result["cpu"] = _cpu() - cpu
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dynesty", default="", help="comma-separated hypotheses to cross-check")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the family fit")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="tiergap-bench-") as folder:
        cache = Path(folder)
        cold = _run(RETRODICT, cache, str(args.jobs))
        warm = _run(RETRODICT, cache, str(args.jobs))
        design = _run(DESIGN, cache)
    print(
        f"retrodict, empty cache : {cold['wall']:.1f} s wall ({cold['work']:.1f} s fitting with "
        f"{args.jobs} processes, {cold['imports']:.1f} s imports; {cold['cpu']:.1f} CPU s in all)"
    )
    print(
        f"retrodict, cached      : {warm['wall']:.1f} s wall ({warm['work']:.2f} s fitting), "
        f"{warm['hits']} from cache, {warm['misses']} computed"
    )
    print(
        f"design                 : {design['candidates']} candidates in {design['work']:.1f} s "
        f"(posterior from cache {design['posterior_fit']:.2f} s; {design['wall']:.1f} s wall, "
        f"{design['cpu']:.1f} CPU s)"
    )
    print(
        f"retrodict <= 30 s: {'met' if float(cold['wall']) <= 30 else 'NOT met'}; "  # type: ignore[arg-type]
        f"design <= 60 s: {'met' if float(design['work']) <= 60 else 'NOT met'}"
    )  # type: ignore[arg-type]
    print("posterior (paper):")
    posterior = cold["posterior"]
    evidence = cold["log_evidence"]
    assert isinstance(posterior, dict) and isinstance(evidence, dict)
    for name in sorted(posterior, key=lambda h: -posterior[h]):
        print(f"  {name:24s} log evidence {evidence[name]:8.2f}   P = {posterior[name]:.4f}")
    print("best designs:")
    top = design["top"]
    assert isinstance(top, list)
    for label, bits, decisive, cost in top:
        print(f"  {label:50s} {bits:.3f} bits  P(decisive) {decisive:.2f}  ${cost:.2f}")
    for name in [h for h in args.dynesty.split(",") if h]:
        with tempfile.TemporaryDirectory(prefix="tiergap-bench-") as folder:
            nested = _run(NESTED, Path(folder), name)
        print(
            f"evidence {name:24s}: dynesty {nested['dynesty']:.2f} ± {nested['dynesty_err']:.2f},"
            f" Laplace {nested['laplace']:.2f} ({nested['seconds']:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
