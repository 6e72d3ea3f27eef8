"""General statistics for paired proportions and means (numpy/scipy only, no domain terms).

Submodules: :mod:`.proportions` (Wilson, Newcombe, McNemar, TOST), :mod:`.paired` (paired
comparisons of unit means: repeated measures averaged within their unit first),
:mod:`.resampling` (cluster bootstrap and sign-flip permutation), :mod:`.multiplicity` (Holm,
Benjamini-Hochberg) and :mod:`.power` (sample sizes, simulated repeated-measures designs).
The domain verdict and Bayes factor live in :mod:`tiergap.analysis`.
"""

from tiergap.stats._common import (
    EXACT_MCNEMAR_BELOW,
    EXACT_PERMUTATION_MAX_CLUSTERS,
    BinaryInput,
    ClusterInput,
    FloatArray,
    IntArray,
    NumericInput,
)
from tiergap.stats.multiplicity import benjamini_hochberg, holm_adjust
from tiergap.stats.paired import (
    UnitGap,
    paired_unit_gap,
    sign_flip_tails,
    unit_equivalence,
    unit_rate_interval,
)
from tiergap.stats.proportions import (
    EquivalenceResult,
    GapResult,
    Interval,
    mcnemar_p_value,
    mcnemar_p_values,
    newcombe_difference,
    paired_counts_gap,
    paired_proportion_gap,
    tost_paired_proportions,
    wilson_interval,
)
from tiergap.stats.resampling import paired_mean_gap

__all__ = [
    "EXACT_MCNEMAR_BELOW",
    "EXACT_PERMUTATION_MAX_CLUSTERS",
    "BinaryInput",
    "ClusterInput",
    "EquivalenceResult",
    "FloatArray",
    "GapResult",
    "IntArray",
    "Interval",
    "NumericInput",
    "UnitGap",
    "benjamini_hochberg",
    "holm_adjust",
    "mcnemar_p_value",
    "mcnemar_p_values",
    "newcombe_difference",
    "paired_counts_gap",
    "paired_mean_gap",
    "paired_proportion_gap",
    "paired_unit_gap",
    "sign_flip_tails",
    "tost_paired_proportions",
    "unit_equivalence",
    "unit_rate_interval",
    "wilson_interval",
]
