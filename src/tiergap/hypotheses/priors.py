"""Priors of the free parameters: parsing, draws, and an unconstrained coordinate for fitting.

A prior is written in the parameters file as ``"beta(2, 2)"``, ``"lognormal(-2.3, 1)"`` ...
Fitting works in an unconstrained coordinate ``z`` (logit for a bounded parameter, log for a
positive one), so optimisers and the Laplace approximation never hit a boundary; the prior
density in ``z`` includes the Jacobian, which keeps the evidence a proper integral.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

Vec = npt.NDArray[np.float64]
Family = Literal["beta", "lognormal", "halfnormal", "exponential", "normal", "uniform"]
FAMILIES: tuple[Family, ...] = (
    "beta",
    "lognormal",
    "halfnormal",
    "exponential",
    "normal",
    "uniform",
)
_ARITY = {
    "beta": 2,
    "lognormal": 2,
    "halfnormal": 1,
    "exponential": 1,
    "normal": 2,
    "uniform": 2,
}
_SYNTAX = re.compile(r"^\s*([a-z]+)\s*\(([^()]*)\)\s*$")


class PriorError(ValueError):
    """A prior that cannot be parsed or does not fit its parameter's range."""


@dataclass(frozen=True)
class Prior:
    """One parameter's prior.

    Attributes:
        path: Dotted parameter name.
        family: Distribution family.
        args: Its arguments, in the order of the written form.
    """

    path: str
    family: Family
    args: tuple[float, ...]

    def __str__(self) -> str:
        return f"{self.family}({', '.join(f'{a:g}' for a in self.args)})"

    @property
    def support(self) -> tuple[float, float]:
        """The closed interval the prior puts mass on."""
        if self.family == "beta":
            return (0.0, 1.0)
        if self.family in ("lognormal", "halfnormal", "exponential"):
            return (0.0, math.inf)
        if self.family == "uniform":
            return (self.args[0], self.args[1])
        return (-math.inf, math.inf)

    def sample(self, rng: np.random.Generator, size: int) -> Vec:
        """``size`` independent draws."""
        return self.ppf(rng.random(size))

    def ppf(self, u: Vec) -> Vec:
        """Quantile function (for nested sampling's unit-cube transform and for draws)."""
        a = self.args
        u = np.asarray(u, dtype=float)
        if self.family == "beta":
            return np.asarray(special.betaincinv(a[0], a[1], u), dtype=float)
        if self.family == "lognormal":
            return np.asarray(np.exp(a[0] + a[1] * special.ndtri(u)), dtype=float)
        if self.family == "halfnormal":
            return np.asarray(a[0] * special.ndtri((1.0 + u) / 2.0), dtype=float)
        if self.family == "exponential":
            return np.asarray(-a[0] * np.log1p(-u), dtype=float)
        if self.family == "normal":
            return np.asarray(a[0] + a[1] * special.ndtri(u), dtype=float)
        return np.asarray(a[0] + (a[1] - a[0]) * u, dtype=float)

    def cdf(self, theta: Vec) -> Vec:
        """Cumulative distribution function."""
        a = self.args
        t = np.asarray(theta, dtype=float)
        if self.family == "beta":
            return np.asarray(special.betainc(a[0], a[1], np.clip(t, 0.0, 1.0)), dtype=float)
        if self.family == "lognormal":
            with np.errstate(divide="ignore"):
                return np.asarray(
                    np.where(
                        t > 0, special.ndtr((np.log(np.maximum(t, 1e-300)) - a[0]) / a[1]), 0.0
                    )
                )
        if self.family == "halfnormal":
            return np.asarray(np.where(t > 0, 2 * special.ndtr(t / a[0]) - 1, 0.0), dtype=float)
        if self.family == "exponential":
            return np.asarray(np.where(t > 0, -np.expm1(-t / a[0]), 0.0), dtype=float)
        if self.family == "normal":
            return np.asarray(special.ndtr((t - a[0]) / a[1]), dtype=float)
        return np.asarray(np.clip((t - a[0]) / (a[1] - a[0]), 0.0, 1.0), dtype=float)

    def log_density(self, theta: Vec) -> Vec:
        """Log prior density at ``theta`` (``-inf`` outside the support)."""
        t = np.asarray(theta, dtype=float)
        low, high = self.support
        inside = (t > low) & (t < high) if self.family != "normal" else np.ones_like(t, bool)
        z = self.to_z(np.where(inside, t, (low + high) / 2 if math.isfinite(high) else 1.0))
        jacobian = self._log_jacobian(z)
        return np.asarray(np.where(inside, self.log_density_z(z) - jacobian, -np.inf))

    def _log_jacobian(self, z: Vec) -> Vec:
        """``log |d theta / d z|``."""
        if self.family == "beta":
            return np.asarray(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z), dtype=float)
        if self.family in ("lognormal", "halfnormal", "exponential"):
            return np.asarray(z, dtype=float)
        if self.family == "uniform":
            width = self.args[1] - self.args[0]
            return np.asarray(
                math.log(width) - np.logaddexp(0.0, -z) - np.logaddexp(0.0, z), dtype=float
            )
        return np.zeros_like(z)

    # --- the unconstrained coordinate -------------------------------------------------------

    def to_theta(self, z: Vec) -> Vec:
        """Parameter value at unconstrained coordinate ``z``."""
        if self.family == "beta":
            return np.asarray(special.expit(z), dtype=float)
        if self.family in ("lognormal", "halfnormal", "exponential"):
            return np.exp(z)
        if self.family == "uniform":
            low, high = self.args
            return low + (high - low) * np.asarray(special.expit(z), dtype=float)
        return np.asarray(z, dtype=float)

    def to_z(self, theta: Vec) -> Vec:
        """Unconstrained coordinate of ``theta`` (values at a bound are pulled just inside)."""
        t = np.asarray(theta, dtype=float)
        if self.family == "beta":
            q = np.clip(t, 1e-9, 1 - 1e-9)
            return np.asarray(special.logit(q), dtype=float)
        if self.family in ("lognormal", "halfnormal", "exponential"):
            return np.asarray(np.log(np.maximum(t, 1e-9)), dtype=float)
        if self.family == "uniform":
            low, high = self.args
            q = np.clip((t - low) / (high - low), 1e-9, 1 - 1e-9)
            return np.asarray(special.logit(q), dtype=float)
        return t

    def log_density_z(self, z: Vec) -> Vec:
        """Log density of the prior in the unconstrained coordinate (Jacobian included)."""
        a = self.args
        if self.family == "beta":
            log_t = -np.logaddexp(0.0, -z)
            log_1mt = -np.logaddexp(0.0, z)
            return np.asarray(
                a[0] * log_t + a[1] * log_1mt - special.betaln(a[0], a[1]), dtype=float
            )
        if self.family == "lognormal":
            return _normal_logpdf(z, a[0], a[1])
        if self.family == "halfnormal":
            t = np.exp(z)
            return np.asarray(math.log(2.0) + _normal_logpdf(t, 0.0, a[0]) + z, dtype=float)
        if self.family == "exponential":
            t = np.exp(z)
            return np.asarray(-math.log(a[0]) - t / a[0] + z, dtype=float)
        if self.family == "uniform":
            return np.asarray(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z), dtype=float)
        return _normal_logpdf(z, a[0], a[1])

    def at_natural_bound(self) -> tuple[bool, bool]:
        """Whether the lower / upper end of the support is the parameter's own bound."""
        low, high = self.support
        return (low in (0.0, -math.inf), high in (1.0, math.inf))

    def scaled(self, factor: float) -> Prior:
        """The same prior made ``factor`` times wider (``factor`` < 1: narrower).

        Used for the prior-sensitivity report: Beta keeps its mean and divides its concentration
        ``a + b`` by ``factor`` squared (never below 2 when it started at 2 or more, so a flat
        prior stays flat), log-normal and normal multiply sigma, half-normal and exponential
        their scale; uniform stays as it is.
        """
        a = self.args
        if self.family == "beta":
            total = a[0] + a[1]
            new_total = total / factor**2
            if total >= 2.0:
                new_total = max(new_total, 2.0)
            mean = a[0] / total
            return Prior(self.path, "beta", (mean * new_total, (1 - mean) * new_total))
        if self.family in ("lognormal", "normal"):
            return Prior(self.path, self.family, (a[0], a[1] * factor))
        if self.family in ("halfnormal", "exponential"):
            return Prior(self.path, self.family, (a[0] * factor,))
        return self


def _normal_logpdf(x: Vec, mu: float, sigma: float) -> Vec:
    return np.asarray(
        -0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma * math.sqrt(2 * math.pi)), dtype=float
    )


def parse_prior(path: str, text: str) -> Prior:
    """Parse ``"family(arg, ...)"``.

    Raises:
        PriorError: naming the parameter and what is wrong.
    """
    match = _SYNTAX.match(text) if isinstance(text, str) else None
    if match is None:
        raise PriorError(
            f"prior for {path}: expected 'family(arguments)', e.g. 'beta(2, 2)', got {text!r}"
        )
    family, body = match.group(1), match.group(2)
    if family not in FAMILIES:
        raise PriorError(
            f"prior for {path}: unknown family {family!r}; expected one of {', '.join(FAMILIES)}"
        )
    try:
        args = tuple(float(x) for x in body.split(",")) if body.strip() else ()
    except ValueError:
        raise PriorError(f"prior for {path}: arguments must be numbers, got {body!r}") from None
    if len(args) != _ARITY[family]:
        raise PriorError(
            f"prior for {path}: {family} takes {_ARITY[family]} argument(s), got {len(args)}"
        )
    if not all(math.isfinite(a) for a in args):
        raise PriorError(f"prior for {path}: arguments must be finite, got {body!r}")
    positive = {
        "beta": args,
        "lognormal": args[1:],
        "halfnormal": args,
        "exponential": args,
        "normal": args[1:],
        "uniform": (),
    }[family]
    if any(a <= 0 for a in positive):
        raise PriorError(f"prior for {path}: {family}({body}) needs positive shape/scale")
    if family == "uniform" and not args[0] < args[1]:
        raise PriorError(f"prior for {path}: uniform(low, high) needs low < high, got {body!r}")
    return Prior(path, family, args)  # type: ignore[arg-type]
