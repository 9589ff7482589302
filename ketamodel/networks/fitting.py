r"""The model's baseline brain: a coupling fitted to the discovery group, checked on the other.

The coupling has the topology and relative weights of the discovery group's
positive FC, :math:`W` (zero diagonal, scaled so its largest eigenvalue is
1), and one gain for each pair of networks:

.. math::

    G_{ij} = s_{n(i)\,n(j)}\, W_{ij},

28 gains :math:`s_{ab} = s_{ba} \ge 0` for the 7 networks. They are fitted
so that the model's FC (:mod:`~ketamodel.networks.ou`, isotropic noise)
matches the discovery group's FC edge by edge, in the least-squares sense
(SciPy's trust-region ``least_squares`` with the exact Jacobian; well under
a second at 100 parcels, a few seconds at 200). The validation group is
never used in the fit: :func:`agreement` compares the model with it.

The choice of :math:`W` is ours (*assumed*): the book ships no anatomical
connectivity, so the discovery FC stands in for the connections, and the
model's reverberation through indirect paths is what turns it into FC
again. Structure shapes FC, but strong FC often has no direct anatomical
edge (:cite:p:`honey2009predicting`). A saturated alternative, the one
symmetric coupling that reproduces an FC matrix exactly (from its partial
correlations), is the subject of an exercise of Chapter 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.linalg
import scipy.optimize

from .._blas import one_thread
from ..params import check_instance
from .data import empirical_fc
from .metrics import check_matrix, within_between
from .ou import functional_connectivity
from .parcellation import NETWORKS, Atlas, atlas, check_parcels


def _check_correlation(name: str, values: object, n: int) -> np.ndarray:
    """A symmetric ``n × n`` correlation matrix (diagonal 1, entries in [-1, 1]) or ValueError."""
    m = check_matrix(name, values, symmetric=True, n=n)
    if not np.allclose(np.diag(m), 1.0, atol=1e-6):
        raise ValueError(f"{name} must be a correlation matrix with 1 on its diagonal")
    if np.abs(m).max() > 1.0 + 1e-9:
        raise ValueError(f"{name} must be a correlation matrix, entries in [-1, 1]; found "
                         f"{np.abs(m).max():g}")
    return m


def block_means(fc: np.ndarray, brain: Atlas) -> np.ndarray:
    """A null model: every edge replaced by the mean FC of its pair of networks (diagonal 1).

    It knows the 28 block means of ``fc`` and nothing else, and is the benchmark a
    model with 28 network-level gains has to beat edge by edge.
    """
    check_instance("brain", brain, Atlas)
    m = _check_correlation("fc", fc, brain.n_parcels)
    blocks = within_between(m, brain.labels)
    order = [NETWORKS.index(k) for k in blocks.networks]     # first appearance → atlas order
    block = np.empty_like(blocks.block)
    block[np.ix_(order, order)] = blocks.block
    out = block[np.ix_(brain.network, brain.network)]
    np.fill_diagonal(out, 1.0)
    return out


def topology(fc: np.ndarray) -> np.ndarray:
    """:math:`W`: the positive part of ``fc``, zero diagonal, largest eigenvalue 1."""
    w = np.where(fc > 0, fc, 0.0)
    np.fill_diagonal(w, 0.0)
    return w / np.linalg.eigvalsh(w)[-1]


def coupling_from_gains(gains: np.ndarray, w: np.ndarray, network: np.ndarray) -> np.ndarray:
    """:math:`G_{ij} = s_{n(i)n(j)} W_{ij}` from a ``7 × 7`` gain matrix."""
    return gains[np.ix_(network, network)] * w


class _Fit:
    """Residuals (model − target FC, upper triangle) and their Jacobian in the 28 gains."""

    def __init__(self, target: np.ndarray, w: np.ndarray, network: np.ndarray) -> None:
        k = len(NETWORKS)
        self.target, self.w, self.network = target, w, network
        self.n = target.shape[0]
        self.upper = np.triu_indices(self.n, 1)
        self.pairs = np.triu_indices(k)
        same = [(network[:, None] == a) & (network[None, :] == b) for a, b in zip(*self.pairs,
                                                                                 strict=True)]
        self.blocks = [w * (m | m.T) for m in same]      # ∂G/∂s_ab

    def gains(self, x: np.ndarray) -> np.ndarray:
        s = np.zeros((len(NETWORKS), len(NETWORKS)))
        s[self.pairs] = x
        return s + np.triu(s, 1).T

    def _sigma(self, x: np.ndarray) -> np.ndarray | None:
        g = coupling_from_gains(self.gains(x), self.w, self.network)
        try:                                             # stable iff I − G is positive definite
            factor = scipy.linalg.cho_factor(np.eye(self.n) - g)
        except np.linalg.LinAlgError:
            return None
        return scipy.linalg.cho_solve(factor, np.eye(self.n))   # Σ ∝ (I − G)⁻¹

    def residuals(self, x: np.ndarray) -> np.ndarray:
        sigma = self._sigma(x)
        if sigma is None:                                # outside the stable region
            return np.full(len(self.upper[0]), 10.0)
        var = np.diag(sigma)
        return (sigma / np.sqrt(np.outer(var, var)) - self.target)[self.upper]

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        sigma = self._sigma(x)
        out = np.zeros((len(self.upper[0]), len(self.blocks)))
        if sigma is None:
            return out
        var = np.diag(sigma)
        scale = np.sqrt(np.outer(var, var))
        r = sigma / scale
        for k, dg in enumerate(self.blocks):
            d_sigma = sigma @ dg @ sigma                 # dΣ = Σ dG Σ
            rel = np.diag(d_sigma) / var
            d_r = d_sigma / scale - 0.5 * r * (rel[:, None] + rel[None, :])
            out[:, k] = d_r[self.upper]
        return out


@dataclass(frozen=True)
class Baseline:
    """The fitted baseline brain.

    Attributes
    ----------
    atlas : Atlas
    gains : ndarray
        ``7 × 7`` symmetric gains :math:`s_{ab}` (``NETWORKS`` order).
    topology : ndarray
        :math:`W`.
    coupling : ndarray
        :math:`G`.
    fc : ndarray
        The model's FC.
    target : ndarray
        The discovery group's FC it was fitted to.
    largest_eigenvalue : float
        Of :math:`G`: how close the fitted brain is to instability (1).
    iterations : int
        Evaluations of the residuals in the fit.
    """

    atlas: Atlas
    gains: np.ndarray
    topology: np.ndarray
    coupling: np.ndarray
    fc: np.ndarray
    target: np.ndarray
    largest_eigenvalue: float
    iterations: int


def fit_baseline(target: np.ndarray, brain: Atlas) -> Baseline:
    """Fit the 28 gains to a target FC matrix (deterministic).

    Parameters
    ----------
    target : ndarray
        Symmetric FC of ``brain.n_parcels`` nodes.
    brain : Atlas
    """
    check_instance("brain", brain, Atlas)
    fc = _check_correlation("target", target, brain.n_parcels)
    w = topology(fc)
    problem = _Fit(fc, w, brain.network)
    with one_thread():
        res = scipy.optimize.least_squares(
            problem.residuals, np.full(len(problem.pairs[0]), 0.5), jac=problem.jacobian,
            bounds=(0.0, np.inf), method="trf", xtol=1e-10, ftol=1e-10, gtol=1e-10)
    gains = problem.gains(res.x)
    g = coupling_from_gains(gains, w, brain.network)
    for arr in (gains, w, g):
        arr.setflags(write=False)
    model = functional_connectivity(g)
    model.setflags(write=False)
    return Baseline(atlas=brain, gains=gains, topology=w, coupling=g, fc=model, target=fc,
                    largest_eigenvalue=float(np.linalg.eigvalsh(g)[-1]),
                    iterations=int(res.nfev))


def baseline(n_parcels: int = 100) -> Baseline:
    """The baseline fitted to the discovery group of ``n_parcels`` (100 or 200), computed once."""
    return _baseline(check_parcels(n_parcels))


@lru_cache(maxsize=2)
def _baseline(n_parcels: int) -> Baseline:
    brain = atlas(n_parcels)
    target = empirical_fc(n_parcels, "discovery")
    target.setflags(write=False)
    return fit_baseline(target, brain)


@dataclass(frozen=True)
class Agreement:
    """How well a model FC matches an empirical one.

    Attributes
    ----------
    r : float
        Pearson correlation over the upper triangle (edge by edge).
    mean_abs_error : float
        Mean absolute difference of model and empirical FC over the upper triangle.
    within_model, within_empirical, between_model, between_empirical : dict
        Mean within- and between-network FC per network (signed).
    block_r : float
        Correlation of the 28 block means (7 × 7 upper triangle).
    """

    r: float
    mean_abs_error: float
    within_model: dict
    within_empirical: dict
    between_model: dict
    between_empirical: dict
    block_r: float


def agreement(model: np.ndarray, empirical: np.ndarray, brain: Atlas) -> Agreement:
    """Compare a model FC with an empirical FC on the same atlas."""
    check_instance("brain", brain, Atlas)
    m = check_matrix("model", model, symmetric=True, n=brain.n_parcels)
    e = check_matrix("empirical", empirical, symmetric=True, n=brain.n_parcels)
    iu = np.triu_indices(brain.n_parcels, 1)
    for name, x in (("model", m), ("empirical", e)):
        if np.ptp(x[iu]) == 0:
            raise ValueError(f"{name} has the same value on every edge, so no correlation "
                             "with it is defined")
    bm, be = within_between(m, brain.labels), within_between(e, brain.labels)
    ib = np.triu_indices(len(bm.networks))
    return Agreement(
        r=float(np.corrcoef(m[iu], e[iu])[0, 1]),
        mean_abs_error=float(np.mean(np.abs(m[iu] - e[iu]))),
        within_model=bm.within, within_empirical=be.within,
        between_model=bm.between, between_empirical=be.between,
        block_r=float(np.corrcoef(bm.block[ib], be.block[ib])[0, 1]))
