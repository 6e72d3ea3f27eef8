"""Shared by the hypothesis tests: one fit cache for the session and the paper's fitted family.

Fits are cached by content, so the paper family is fitted once per test session, in a
temporary directory (never the user's cache).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from tiergap.hypotheses import DataSet, FamilyResult, load_paper_figures, load_params, paper_data
from tiergap.hypotheses import statistics as catalogue_statistics
from tiergap.hypotheses.cache import FitCache
from tiergap.hypotheses.inference import Fitter, fit_family

CACHE = Path(tempfile.mkdtemp(prefix="tiergap-test-fits-"))
atexit.register(shutil.rmtree, CACHE, True)


@cache
def paper_family(held_out: bool = True) -> FamilyResult:
    """The family fitted to the packaged figures (held-out refits and prior sensitivity too)."""
    params = load_params()
    data = DataSet(params, paper_data(load_paper_figures()), catalogue_statistics())
    return fit_family(
        params,
        data,
        fitter=Fitter(params, FitCache(CACHE)),
        held_out=held_out,
        sensitivity=held_out,
        label="paper_results.toml",
    )
