r"""Functional connectivity of a linear stochastic network (an Ornstein–Uhlenbeck process).

Each parcel's activity :math:`x_i` relaxes with time constant :math:`\tau` and is
driven by the others through a coupling matrix :math:`G` (dimensionless, in
units of :math:`1/\tau`) and by independent noise:

.. math::

    dx = J x\,dt + dW, \qquad J = \frac{G - I}{\tau}, \qquad
    \langle dW\,dW^\top \rangle = Q\,dt .

This is the model of :cite:t:`gilson2016estimation` with :math:`C = G/\tau`.
It is stable when every eigenvalue of :math:`G` has real part below 1. Its
zero-lag covariance :math:`\Sigma` solves the Lyapunov equation
:math:`J\Sigma + \Sigma J^\top + Q = 0`; SciPy's
``solve_continuous_lyapunov(a, q)`` solves :math:`aX + Xa^H = q`, so it is
called with ``(J, -Q)``. Functional connectivity (FC) is the correlation,
:math:`\mathrm{FC}_{ij} = \Sigma_{ij}/\sqrt{\Sigma_{ii}\Sigma_{jj}}`: it does not
depend on :math:`\tau` or on a common noise level, only on :math:`G` and on
the shape of :math:`Q`. For a symmetric :math:`G` and :math:`Q = \sigma^2 I`
the solution is :math:`\Sigma = \tfrac{\sigma^2\tau}{2}(I - G)^{-1}`, which the
fit of :mod:`~ketamodel.networks.fitting` uses and a test checks.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from .._blas import one_thread
from ..params import check_scalar, make_rng
from .metrics import check_matrix

#: Coupling whose largest eigenvalue (real part) reaches this is refused as unstable (1 less a
#: margin: at 1 − 1e-9 the covariance is already dominated by a single mode, FC all ones).
STABILITY_LIMIT = 1.0 - 1e-9


def _top_eigenpair(g: np.ndarray) -> tuple[float, np.ndarray]:
    """The largest eigenvalue of a symmetric matrix and its unit eigenvector (one BLAS thread)."""
    n = g.shape[0]
    with one_thread():
        lam, vec = scipy.linalg.eigh(g, subset_by_index=[n - 1, n - 1], driver="evr")
    return float(lam[0]), vec[:, 0]


def largest_eigenvalue(coupling: np.ndarray) -> float:
    """The largest real part of the eigenvalues of a coupling matrix :math:`G`."""
    g = check_matrix("coupling", coupling)
    if np.array_equal(g, g.T):
        return _top_eigenpair(g)[0]
    with one_thread():
        return float(np.max(np.linalg.eigvals(g).real))


def check_coupling(coupling: ArrayLike) -> np.ndarray:
    r"""The coupling :math:`G` as a float array, or ``ValueError`` if not square, finite, stable.

    Stable means every eigenvalue of :math:`G` has real part below 1 (the
    Jacobian :math:`(G - I)/\tau` then has eigenvalues with negative real part).
    """
    g = check_matrix("coupling", coupling)
    lam = largest_eigenvalue(g)
    if lam >= STABILITY_LIMIT:
        raise ValueError(f"coupling is unstable: its largest eigenvalue is {lam:.10f}, and it "
                         "must be below 1 (by at least 1e-9) for a stationary state; weaken "
                         "the coupling")
    return g


def stationary_covariance(coupling: ArrayLike, *, tau_s: float = 1.0,
                          noise: ArrayLike | float = 1.0) -> np.ndarray:
    r"""The zero-lag covariance :math:`\Sigma` of the process (units of noise² · s).

    Parameters
    ----------
    coupling : array_like
        :math:`G`, ``n × n``, stable (need not be symmetric).
    tau_s : float
        :math:`\tau`, s (> 0). Default 1 s, *assumed*: it scales :math:`\Sigma` and the
        time axis only, and FC does not depend on it.
    noise : float or array_like
        :math:`Q`: a variance per unit time for every node (a number > 0), or an
        ``n × n`` symmetric positive semi-definite matrix.

    Returns
    -------
    ndarray
        :math:`\Sigma`, symmetric, from ``scipy.linalg.solve_continuous_lyapunov(J, -Q)``.
    """
    g = check_coupling(coupling)
    tau = check_scalar("tau_s", tau_s, low=0.0, low_open=True, high=1e6)
    q = _noise_matrix(noise, g.shape[0])
    jac = (g - np.eye(g.shape[0])) / tau
    with one_thread():
        sigma = scipy.linalg.solve_continuous_lyapunov(jac, -q)
    return 0.5 * (sigma + sigma.T)


def _noise_matrix(noise: ArrayLike | float, n: int) -> np.ndarray:
    if isinstance(noise, int | float | np.number) and not isinstance(noise, bool):
        return check_scalar("noise", noise, low=0.0, low_open=True, high=1e12) * np.eye(n)
    q = check_matrix("noise", noise, symmetric=True, n=n)
    if np.linalg.eigvalsh(q)[0] < -1e-12 * np.abs(q).max():
        raise ValueError("noise must be positive semi-definite (a covariance), it has a "
                         "negative eigenvalue")
    return q


def correlation(covariance: ArrayLike) -> np.ndarray:
    """The correlation matrix of a covariance matrix (diagonal 1).

    Raises
    ------
    ValueError
        If a variance is not positive.
    """
    cov = check_matrix("covariance", covariance, symmetric=True)
    var = np.diag(cov)
    if np.any(var <= 0):
        raise ValueError("covariance must have positive variances on its diagonal")
    sd = np.sqrt(var)
    r = cov / np.outer(sd, sd)
    np.fill_diagonal(r, 1.0)
    return r


def regress_global_signal(covariance: ArrayLike) -> np.ndarray:
    r"""The covariance after regressing out the global signal (the mean of all nodes).

    With the global signal :math:`g = \mathbf{1}^\top x / n`, each node's residual is
    :math:`x_i - \beta_i g` with :math:`\beta_i = \mathrm{cov}(x_i, g)/\mathrm{var}(g)
    = (\Sigma\mathbf{1})_i / (\mathbf{1}^\top\Sigma\mathbf{1}/n)`, and the residuals have
    covariance :math:`\Sigma - \Sigma\mathbf{1}\mathbf{1}^\top\Sigma /
    (\mathbf{1}^\top\Sigma\mathbf{1})`, exactly. Pass the result to :func:`correlation`
    for FC after global signal regression (GSR), a common and debated preprocessing step
    of resting-state fMRI.

    Raises
    ------
    ValueError
        If ``covariance`` is not symmetric positive semi-definite, or the global signal
        has no variance.
    """
    cov = check_matrix("covariance", covariance, symmetric=True)
    if np.linalg.eigvalsh(cov)[0] < -1e-12 * np.abs(cov).max():
        raise ValueError("covariance must be positive semi-definite, it has a negative "
                         "eigenvalue")
    s1 = cov.sum(axis=1)
    total = s1.sum()
    if total <= 0:
        raise ValueError("covariance must have a positive total (the global signal's "
                         "variance)")
    return cov - np.outer(s1, s1) / total


def functional_connectivity(coupling: ArrayLike, *, noise: ArrayLike | float = 1.0
                            ) -> np.ndarray:
    """FC of the process: the correlation of :func:`stationary_covariance` (independent of τ)."""
    return correlation(stationary_covariance(coupling, noise=noise))


def simulate_timeseries(coupling: ArrayLike, t_end_s: float, *, dt_s: float = 0.05,
                        tau_s: float = 1.0, noise: float = 1.0,
                        seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""A sample path of the process by the Euler–Maruyama scheme, from :math:`x = 0`.

    :math:`x_{k+1} = x_k + J x_k\,\Delta t + \sqrt{q\,\Delta t}\,\xi_k`, with
    :math:`\xi_k` standard normal. For illustration, and to check
    :func:`stationary_covariance` against an independent route: the sample
    covariance approaches :math:`\Sigma` as the run lengthens and
    :math:`\Delta t/\tau` shrinks (the scheme's bias is of order
    :math:`\Delta t/\tau`).

    Parameters
    ----------
    coupling : array_like
        :math:`G`, stable.
    t_end_s : float
        Length of the run, s (> 0; at most 10⁷ steps).
    dt_s : float
        Step, s; at most a tenth of ``tau_s``.
    tau_s : float
        :math:`\tau`, s. Default 1 s, *assumed*: a relaxation time of the order of the
        slow fluctuations of resting-state signals, for illustration; FC does not
        depend on it.
    noise : float
        :math:`q`, variance per unit time of each node's noise (> 0; default 1, in
        arbitrary units: FC does not depend on it).
    seed : int or numpy.random.Generator

    Returns
    -------
    t_s, x : ndarray
        Times (``k·dt_s``, s) and the activity, shape ``(len(t_s), n)``.
    """
    g = check_coupling(coupling)
    tau = check_scalar("tau_s", tau_s, low=0.0, low_open=True, high=1e6)
    dt = check_scalar("dt_s", dt_s, low=0.0, low_open=True, high=tau / 10)
    t_end = check_scalar("t_end_s", t_end_s, low=0.0, low_open=True, high=1e7 * dt)
    q = check_scalar("noise", noise, low=0.0, low_open=True, high=1e12)
    rng = make_rng(seed)
    n = g.shape[0]
    steps = int(np.floor(t_end / dt + 1e-9))
    step = np.eye(n) + dt * (g - np.eye(n)) / tau       # x_{k+1} = step @ x_k + kick
    kicks = rng.standard_normal((steps, n)) * np.sqrt(q * dt)
    x = np.empty((steps + 1, n))
    x[0] = 0.0
    step_t = step.T
    with one_thread():
        for k in range(steps):
            x[k + 1] = x[k] @ step_t + kicks[k]
    return np.arange(steps + 1) * dt, x
