"""Fitting one hypothesis to data: maximum likelihood, posterior and evidence.

The free parameters of a hypothesis are those with a prior (``[priors]`` in the parameters
file) in the tables it reads, restricted to the ones the data actually depend on (a parameter
no datum depends on integrates to 1 and is left at its prior). For those:

* **maximum likelihood** in each parameter's natural range (no prior);
* **posterior** by the Laplace approximation: the mode of the log posterior in an unconstrained
  coordinate (logit for a bounded parameter, log for a positive one; the prior density there
  includes the Jacobian), found from several starts, and the curvature there (central finite
  differences). The evidence is ``log p(D) = log post(z*) + d/2 log 2 pi - 1/2 log det H``;
  posterior draws come from a Student-t around that Gaussian, reweighted by the exact
  posterior density and resampled;
* optionally, **nested sampling** with dynesty (``method="dynesty"``), which gives an evidence
  with its own error and real posterior draws (the prior repartitioned around the Laplace
  approximation, so dynesty does not have to compress ~100 nats); the Laplace value is then
  the cross-check.

Every evaluation is vectorised over parameter points: a gradient or a Hessian is one call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from tiergap.hypotheses.family import MODEL_CLASSES, build_model, check_hypothesis
from tiergap.hypotheses.likelihood import DataSet
from tiergap.hypotheses.params import Params, bound_of
from tiergap.hypotheses.priors import Prior
from tiergap.hypotheses.values import Values

Vec = npt.NDArray[np.float64]
Method = Literal["laplace", "dynesty"]
_Z_LIMIT = 30.0
_STEP = 1e-4


class PriorDataConflictError(ValueError):
    """A prior that puts (almost) no mass where the data put the parameter."""


def free_priors(params: Params, hypothesis: str) -> list[Prior]:
    """Priors of every parameter ``hypothesis`` reads (relevant to the data or not)."""
    cls = MODEL_CLASSES[check_hypothesis(hypothesis)]
    return [prior for path, prior in params.priors.items() if cls.reads(path)]


def _natural(path: str) -> tuple[float, float]:
    bound = bound_of(path)
    return bound.low, bound.high


def natural_to_theta(path: str, z: Vec) -> Vec:
    """A parameter's value at an unconstrained coordinate spanning its whole natural range."""
    low, high = _natural(path)
    if math.isfinite(low) and math.isfinite(high):
        return np.asarray(low + (high - low) * special.expit(z), dtype=float)
    if math.isfinite(low):
        return np.asarray(low + np.exp(z), dtype=float)
    return np.asarray(z, dtype=float)


def theta_to_natural(path: str, theta: Vec) -> Vec:
    low, high = _natural(path)
    t = np.asarray(theta, dtype=float)
    if math.isfinite(low) and math.isfinite(high):
        q = np.clip((t - low) / (high - low), 1e-9, 1 - 1e-9)
        return np.asarray(special.logit(q), dtype=float)
    if math.isfinite(low):
        return np.log(np.maximum(t - low, 1e-9))
    return t


class Problem:
    """One hypothesis, one data set, a set of free parameters: the functions to fit.

    Args:
        params: Parameters (fixed values; priors of the free ones).
        hypothesis: Family member name.
        data: The likelihood terms.
        priors: The free parameters' priors (default: all the hypothesis reads).
    """

    def __init__(
        self,
        params: Params,
        hypothesis: str,
        data: DataSet,
        priors: Sequence[Prior] | None = None,
    ) -> None:
        self.params = params
        self.hypothesis = hypothesis
        self.model = build_model(hypothesis, params)
        self.data = data
        self.priors = list(priors if priors is not None else free_priors(params, hypothesis))
        self.paths = [p.path for p in self.priors]

    @property
    def dim(self) -> int:
        return len(self.priors)

    def values(self, theta: Vec) -> Values:
        """Values for a ``(B, d)`` batch of parameter points."""
        theta = np.atleast_2d(theta)
        return Values(self.params, {p: theta[:, i] for i, p in enumerate(self.paths)})

    def terms(self, theta: Vec) -> Vec:
        """``(B, N)`` log-likelihood of every datum."""
        return self.data.loglik(self.model, self.values(theta))

    def loglik(self, theta: Vec) -> Vec:
        out = self.terms(theta).sum(axis=1)
        return np.where(np.isfinite(out), out, -1e300)

    def theta(self, z: Vec) -> Vec:
        z = np.atleast_2d(z)
        return np.stack([p.to_theta(z[:, i]) for i, p in enumerate(self.priors)], axis=1)

    def log_prior_z(self, z: Vec) -> Vec:
        z = np.atleast_2d(z)
        total = np.zeros(z.shape[0])
        for i, prior in enumerate(self.priors):
            total = total + prior.log_density_z(z[:, i])
        return total

    def logpost_z(self, z: Vec) -> Vec:
        return self.loglik(self.theta(z)) + self.log_prior_z(z)

    def sample_prior(self, rng: np.random.Generator, size: int) -> Vec:
        return np.stack([p.sample(rng, size) for p in self.priors], axis=1)

    def default_theta(self) -> Vec:
        return np.asarray([self.params.value(p) for p in self.paths], dtype=float)

    def relevant(self, rng: np.random.Generator) -> list[int]:
        """Indices of the free parameters the data depend on (checked at random points)."""
        if self.dim == 0 or not self.data.data:
            return []
        points = np.vstack([self.default_theta()[None, :], self.sample_prior(rng, 3)])
        batch = [points]
        for i in range(self.dim):
            moved = points.copy()
            moved[:, i] = self.priors[i].to_theta(self.priors[i].to_z(points[:, i]) + 0.7)
            batch.append(moved)
        ll = self.terms(np.vstack(batch)).sum(axis=1).reshape(self.dim + 1, -1)
        return [i for i in range(self.dim) if np.any(np.abs(ll[i + 1] - ll[0]) > 1e-9)]


def _maximise(function: Any, start: Vec, inverse_hessian: Vec | None = None) -> tuple[Vec, float]:
    """Maximise a vectorised ``function(Z (B, d)) -> (B,)`` with central-difference gradients.

    BFGS on the unconstrained coordinate (clipped to +-30, far beyond any useful value);
    ``inverse_hessian`` (a covariance from a related fit) speeds up a refit.
    """
    d = start.size

    def negative(z: Vec) -> tuple[float, Vec]:
        z = np.clip(z, -_Z_LIMIT, _Z_LIMIT)
        steps = np.eye(d) * _STEP
        batch = np.vstack([z[None, :], z + steps, z - steps])
        values = function(batch)
        grad = (values[1 : d + 1] - values[d + 1 :]) / (2 * _STEP)
        return -float(values[0]), -grad

    options: dict[str, Any] = {"maxiter": 300, "gtol": 1e-2}
    if inverse_hessian is not None:
        options["hess_inv0"] = inverse_hessian
    result = optimize.minimize(negative, start, jac=True, method="BFGS", options=options)
    z = np.clip(np.asarray(result.x, dtype=float), -_Z_LIMIT, _Z_LIMIT)
    return z, -float(result.fun)


def hessian(function: Any, z: Vec, step: float = 1e-3) -> Vec:
    """Negative Hessian of a vectorised function at ``z`` (central differences, one batch)."""
    d = z.size
    eye = np.eye(d) * step
    points = [z]
    for i in range(d):
        points += [z + eye[i], z - eye[i]]
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    for i, j in pairs:
        points += [
            z + eye[i] + eye[j],
            z + eye[i] - eye[j],
            z - eye[i] + eye[j],
            z - eye[i] - eye[j],
        ]
    f = function(np.vstack(points))
    f0 = f[0]
    h = np.empty((d, d))
    for i in range(d):
        h[i, i] = (f[1 + 2 * i] - 2 * f0 + f[2 + 2 * i]) / step**2
    base = 1 + 2 * d
    for n, (i, j) in enumerate(pairs):
        pp, pm, mp, mm = f[base + 4 * n : base + 4 * n + 4]
        h[i, j] = h[j, i] = (pp - pm - mp + mm) / (4 * step**2)
    return np.asarray(-h, dtype=float)


def _positive_definite(h: Vec) -> Vec:
    """Symmetrise and floor the eigenvalues (a flat direction keeps a little curvature)."""
    sym = (h + h.T) / 2
    values, vectors = np.linalg.eigh(sym)
    values = np.maximum(values, 1e-6)
    return np.asarray(vectors @ np.diag(values) @ vectors.T, dtype=float)


@dataclass
class Fit:
    """The fit of one hypothesis to one data set.

    Attributes:
        hypothesis: Family member.
        paths: Fitted (relevant free) parameters.
        priors: Their priors.
        idle: Free parameters the data do not depend on (left at their priors).
        map_theta: Posterior mode, in parameter units.
        ml_theta: Maximum-likelihood values, in parameter units.
        ml_loglik: Log-likelihood at the maximum.
        map_loglik: Log-likelihood at the posterior mode.
        log_evidence: Log marginal likelihood (nats).
        log_evidence_err: Its numerical uncertainty (0 for Laplace).
        laplace_log_evidence: The Laplace value (equal to ``log_evidence`` unless the evidence
            came from nested sampling).
        method: ``"laplace"`` or ``"dynesty"``.
        map_z, cov_z: Mode and covariance in the unconstrained coordinate.
        samples: Posterior draws of the fitted parameters (``(S, d)``), parameter units.
        figures: For each fitted parameter, the data keys whose likelihood depends on it.
        conflicts: Fitted parameters whose prior has no mass where the likelihood is.
    """

    hypothesis: str
    paths: list[str]
    priors: list[Prior]
    idle: list[Prior]
    map_theta: Vec
    ml_theta: Vec
    ml_loglik: float
    map_loglik: float
    log_evidence: float
    log_evidence_err: float
    laplace_log_evidence: float
    method: Method
    map_z: Vec
    cov_z: Vec
    samples: Vec
    figures: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)

    def draws(self, rng: np.random.Generator, size: int) -> dict[str, Vec]:
        """``size`` posterior draws of every free parameter (idle ones from their prior)."""
        out: dict[str, Vec] = {}
        if self.paths:
            rows = rng.integers(0, self.samples.shape[0], size)
            for i, path in enumerate(self.paths):
                out[path] = self.samples[rows, i]
        for prior in self.idle:
            out[prior.path] = prior.sample(rng, size)
        return out

    def covariance(self) -> dict[str, dict[str, float]]:
        """``cov_z`` by parameter pair (a refit's starting curvature)."""
        return {
            a: {b: float(self.cov_z[i, j]) for j, b in enumerate(self.paths)}
            for i, a in enumerate(self.paths)
        }

    def interval(self, path: str, level: float = 0.9) -> tuple[float, float]:
        """Central posterior interval of a fitted parameter."""
        i = self.paths.index(path)
        lo, hi = np.quantile(self.samples[:, i], [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def to_json(self) -> dict[str, Any]:
        return {
            "hypothesis": self.hypothesis,
            "paths": self.paths,
            "priors": [str(p) for p in self.priors],
            "idle": [p.path for p in self.idle],
            "map_theta": self.map_theta.tolist(),
            "ml_theta": self.ml_theta.tolist(),
            "ml_loglik": self.ml_loglik,
            "map_loglik": self.map_loglik,
            "log_evidence": self.log_evidence,
            "log_evidence_err": self.log_evidence_err,
            "laplace_log_evidence": self.laplace_log_evidence,
            "method": self.method,
            "map_z": self.map_z.tolist(),
            "cov_z": self.cov_z.tolist(),
            "samples": np.round(self.samples, 8).tolist(),
            "figures": self.figures,
            "conflicts": self.conflicts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], params: Params) -> Fit:
        priors = [params.priors[p] for p in data["paths"]]
        idle = [params.priors[p] for p in data["idle"]]
        d = len(priors)
        return cls(
            hypothesis=data["hypothesis"],
            paths=list(data["paths"]),
            priors=priors,
            idle=idle,
            map_theta=np.asarray(data["map_theta"], dtype=float),
            ml_theta=np.asarray(data["ml_theta"], dtype=float),
            ml_loglik=float(data["ml_loglik"]),
            map_loglik=float(data["map_loglik"]),
            log_evidence=float(data["log_evidence"]),
            log_evidence_err=float(data["log_evidence_err"]),
            laplace_log_evidence=float(data["laplace_log_evidence"]),
            method=data["method"],
            map_z=np.asarray(data["map_z"], dtype=float),
            cov_z=np.asarray(data["cov_z"], dtype=float).reshape(d, d),
            samples=np.asarray(data["samples"], dtype=float).reshape(-1, d),
            figures={k: list(v) for k, v in data["figures"].items()},
            conflicts=dict(data.get("conflicts", {})),
        )


def fit(
    params: Params,
    hypothesis: str,
    data: DataSet,
    *,
    method: Method = "laplace",
    seed: int = 0,
    samples: int = 400,
    priors: Sequence[Prior] | None = None,
    start: dict[str, float] | None = None,
    start_cov: dict[str, dict[str, float]] | None = None,
    starts: int = 3,
    check_priors: bool = True,
    light: bool = False,
) -> Fit:
    """Fit ``hypothesis`` to ``data``.

    Args:
        params: Parameters and priors.
        hypothesis: Family member.
        data: Likelihood terms.
        method: ``"laplace"`` (fast) or ``"dynesty"`` (nested sampling).
        seed: Seeds the random starts and the posterior draws.
        samples: Posterior draws kept.
        priors: Free parameters' priors (default: all the hypothesis reads).
        start: A known good point (e.g. the full-data mode when refitting without one
            experiment); the search starts there instead of at the default values.
        start_cov: Covariance (unconstrained coordinates) of that related fit, by parameter
            pair: the optimiser's first curvature guess.
        starts: How many of the best of 96 random prior draws to start from as well.
        check_priors: Look for priors with no mass where the data put a parameter
            (:attr:`Fit.conflicts`).
        light: Posterior and evidence only (no maximum likelihood, prior check or figure map):
            for the many refits of leave-one-out and prior sensitivity.
    """
    rng = np.random.default_rng(seed)
    full = Problem(params, hypothesis, data, priors)
    keep = full.relevant(rng)
    chosen = [full.priors[i] for i in keep]
    idle = [p for i, p in enumerate(full.priors) if i not in keep]
    problem = Problem(params, hypothesis, data, chosen)
    d = problem.dim
    if d == 0:
        ll = float(problem.loglik(np.zeros((1, 0)))[0])
        return Fit(
            hypothesis, [], [], idle, np.zeros(0), np.zeros(0), ll, ll, ll, 0.0, ll,
            "laplace", np.zeros(0), np.zeros((0, 0)), np.zeros((samples, 0)), {},
        )  # fmt: skip

    # Posterior mode: from a given start (or the default values) and the best prior draws.
    guess = problem.default_theta()
    for i, path in enumerate(problem.paths):
        if start and path in start:
            guess[i] = start[path]
    candidates = [np.asarray([p.to_z(np.asarray([v]))[0] for p, v in
                              zip(chosen, guess, strict=True)])]  # fmt: skip
    if starts > 0:
        cloud = np.stack([p.to_z(p.sample(rng, 96)) for p in chosen], axis=1)
        scores = problem.logpost_z(cloud)
        candidates += [cloud[row] for row in np.argsort(-scores)[:starts]]
    guess_cov = None
    if start_cov:
        guess_cov = np.eye(d)
        for i, a in enumerate(problem.paths):
            for j, b in enumerate(problem.paths):
                if a in start_cov and b in start_cov[a]:
                    guess_cov[i, j] = start_cov[a][b]
        guess_cov = (guess_cov + guess_cov.T) / 2
        eigen = np.linalg.eigvalsh(guess_cov)
        if eigen.min() <= 1e-9 * max(eigen.max(), 1e-300):
            guess_cov = None
    best_z, best = candidates[0], -math.inf
    for n, candidate in enumerate(candidates):
        z, value = _maximise(
            problem.logpost_z,
            np.clip(candidate, -_Z_LIMIT, _Z_LIMIT),
            guess_cov if n == 0 else None,
        )
        if value > best:
            best_z, best = z, value
    h = _positive_definite(hessian(problem.logpost_z, best_z))
    _, logdet = np.linalg.slogdet(h)
    laplace = float(best + d / 2 * math.log(2 * math.pi) - 0.5 * logdet)
    cov = np.asarray(np.linalg.inv(h), dtype=np.float64)
    map_theta = problem.theta(best_z)[0]
    map_loglik = float(problem.loglik(map_theta[None, :])[0])

    # Maximum likelihood over each parameter's natural range, from the mode.
    def natural_loglik(zn: Vec) -> Vec:
        zn = np.atleast_2d(zn)
        theta = np.stack(
            [natural_to_theta(p, zn[:, i]) for i, p in enumerate(problem.paths)], axis=1
        )
        return problem.loglik(theta)

    if light:
        ml, ml_theta = map_loglik, map_theta
    else:
        zn0 = np.asarray([theta_to_natural(p, np.asarray([v]))[0]
                          for p, v in zip(problem.paths, map_theta, strict=True)])  # fmt: skip
        zn, ml = _maximise(natural_loglik, zn0)
        ml_theta = np.asarray([natural_to_theta(p, np.asarray([zn[i]]))[0]
                               for i, p in enumerate(problem.paths)])  # fmt: skip
    conflicts = prior_conflicts(problem, ml_theta) if check_priors and not light else {}

    if method == "dynesty":
        log_z, log_z_err, draws = _nested(problem, seed, samples, best_z, cov)
    else:
        log_z, log_z_err = laplace, 0.0
        draws = _resampled(problem, best_z, cov, rng, samples, 2 if light else 4)
    return Fit(
        hypothesis=hypothesis,
        paths=problem.paths,
        priors=chosen,
        idle=idle,
        map_theta=map_theta,
        ml_theta=ml_theta,
        ml_loglik=float(ml),
        map_loglik=map_loglik,
        log_evidence=log_z,
        log_evidence_err=log_z_err,
        laplace_log_evidence=laplace,
        method=method,
        map_z=best_z,
        cov_z=cov,
        samples=draws,
        figures={} if light else _figures_per_parameter(problem, map_theta),
        conflicts=conflicts,
    )


def _resampled(
    problem: Problem, mode: Vec, cov: Vec, rng: np.random.Generator, size: int, factor: int
) -> Vec:
    """Posterior draws: a Student-t (4 d.o.f.) around the Laplace approximation, reweighted by
    the exact posterior density and resampled, so skewed posteriors (a rate near 0) keep their
    tails. The evidence stays the Laplace value; this only corrects the draws."""
    d = mode.size
    nu = 4.0
    chol = np.linalg.cholesky(cov)
    g = rng.standard_normal((size * factor, d))
    scale = np.sqrt(rng.chisquare(nu, size * factor) / nu)
    z = np.clip(mode + (g / scale[:, None]) @ chol.T, -_Z_LIMIT, _Z_LIMIT)
    solved = np.linalg.solve(chol, (z - mode).T).T
    log_q = -(nu + d) / 2 * np.log1p(np.sum(solved**2, axis=1) / nu)
    log_w = problem.logpost_z(z) - log_q
    log_w = np.where(np.isfinite(log_w), log_w, -np.inf)
    weights = np.exp(log_w - np.max(log_w))
    rows = rng.choice(z.shape[0], size=size, p=weights / weights.sum())
    return problem.theta(z[rows])


def prior_conflicts(problem: Problem, ml_theta: Vec, threshold: float = 1e-6) -> dict[str, str]:
    """Parameters whose prior has (almost) no mass where the likelihood is, with a message.

    For each parameter (the others at their maximum-likelihood values) the region where the
    log-likelihood is within 3 of its maximum is found on a grid over the parameter's natural
    range; if the prior gives that region less than ``threshold`` probability, the posterior is
    the prior's edge, not the data's answer. One hypothesis straining against a shared prior is
    evidence against that hypothesis; every hypothesis doing so is a bad prior
    (:func:`tiergap.hypotheses.inference.fit_family` raises then).
    """
    conflicts: dict[str, str] = {}
    grid_z = np.linspace(-_Z_LIMIT, _Z_LIMIT, 121)
    batch = []
    for i, path in enumerate(problem.paths):
        rows = np.repeat(ml_theta[None, :], grid_z.size, axis=0)
        rows[:, i] = natural_to_theta(path, grid_z)
        batch.append(rows)
    ll = problem.loglik(np.vstack(batch)).reshape(problem.dim, grid_z.size)
    for i, (prior, path) in enumerate(zip(problem.priors, problem.paths, strict=True)):
        grid = natural_to_theta(path, grid_z)
        inside = ll[i] >= ll[i].max() - 3.0
        # Each grid point stands for the cell between its neighbours' midpoints.
        edges = np.concatenate([[grid[0]], (grid[1:] + grid[:-1]) / 2, [grid[-1]]])
        cells = np.asarray(prior.cdf(edges[1:]) - prior.cdf(edges[:-1]))
        mass = float(np.sum(cells[inside]))
        if mass < threshold:
            low, high = float(grid[inside].min()), float(grid[inside].max())
            conflicts[path] = (
                f"prior {prior} for {path} puts no mass where the data are: the likelihood "
                f"({problem.hypothesis}) is near its maximum for {path} in [{low:.4g}, "
                f"{high:.4g}], which the prior gives probability {mass:.1e}; widen the prior "
                "in [priors]"
            )
    return conflicts


def _figures_per_parameter(problem: Problem, theta: Vec) -> dict[str, list[str]]:
    """Which data keys' likelihoods move when each fitted parameter moves."""
    batch = [theta]
    for i, prior in enumerate(problem.priors):
        for delta in (0.5, -0.5):
            moved = theta.copy()
            moved[i] = prior.to_theta(prior.to_z(np.asarray([theta[i]])) + delta)[0]
            batch.append(moved)
    terms = problem.terms(np.vstack(batch))
    keys = [d.key for d in problem.data.data]
    out: dict[str, list[str]] = {}
    for i, path in enumerate(problem.paths):
        change = np.maximum(
            np.abs(terms[1 + 2 * i] - terms[0]), np.abs(terms[2 + 2 * i] - terms[0])
        )
        out[path] = [k for k, c in zip(keys, change, strict=True) if c > 1e-6]
    return out


def _nested(
    problem: Problem, seed: int, samples: int, mode: Vec, cov: Vec
) -> tuple[float, float, Vec]:
    """Evidence and posterior draws by dynesty's nested sampling, with the prior repartitioned.

    The data are informative (hundreds of queries per figure), so the posterior fills a tiny
    part of the prior and plain nested sampling would spend ~100 nats of compression getting
    there. Instead dynesty integrates ``L(z) * prior(z) / q(z)`` over ``q``, a wide Student-t
    (3 d.o.f., covariance 9 x the Laplace one) along the Laplace approximation's principal axes
    (posterior repartitioning: Chen, Feroz & Hobson 2019). The integral is the same evidence;
    only the compression dynesty must do shrinks.
    """
    import dynesty
    from scipy import stats

    d = problem.dim
    nu = 3.0
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    axes = vectors @ np.diag(np.sqrt(np.maximum(values, 1e-12)) * 3.0)
    log_det = float(np.sum(np.log(np.abs(np.diag(np.linalg.qr(axes)[1])))))

    def to_z(u: Vec) -> tuple[Vec, float]:
        t = stats.t.ppf(np.clip(u, 1e-12, 1 - 1e-12), nu)
        log_q = float(np.sum(stats.t.logpdf(t, nu))) - log_det
        return np.clip(mode + axes @ t, -_Z_LIMIT, _Z_LIMIT), log_q

    def loglike(u: Vec) -> float:
        z, log_q = to_z(u)
        value = float(problem.logpost_z(z[None, :])[0]) - log_q
        return value if math.isfinite(value) else -1e300

    rng = np.random.default_rng(seed)
    sampler = dynesty.NestedSampler(
        loglike,
        lambda u: u,
        d,
        nlive=max(100, 15 * d),
        bound="multi",
        sample="rwalk" if d > 8 else "unif",
        rstate=rng,
    )
    sampler.run_nested(dlogz=0.1, print_progress=False)
    results = sampler.results
    weights = np.exp(results.logwt - results.logz[-1])
    equal = dynesty.utils.resample_equal(results.samples, weights / weights.sum(), rstate=rng)
    rows = rng.integers(0, equal.shape[0], samples)
    zs = np.stack([to_z(u)[0] for u in equal[rows]])
    return float(results.logz[-1]), float(results.logzerr[-1]), problem.theta(zs)
