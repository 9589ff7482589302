r"""The self-model of many people at once: the same filter, one row per person.

:func:`~ketamodel.selfmodel.model.simulate_drive` runs the filter for one
person on Python floats. A virtual cohort (Chapter 6) needs it for a
thousand people whose drug courses differ; :func:`simulate_batch` runs the
same update equations of :mod:`~ketamodel.selfmodel.hgf`, in the same order,
on arrays with one entry per person, so an hour costs the same for one
person or a thousand. Row ``i`` equals ``simulate_drive`` with the same
factors, window, therapy and seed (tested to 1e-12).

:func:`batch_factors` gives each person's hourly factor :math:`\rho` on the
priors from a fine course of disintegration, averaged over each hour as
:func:`~ketamodel.selfmodel.drive.hourly_factor` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from ..params import check_array, check_instance, check_integer, make_rng, params_or_default
from . import hgf
from .drive import STEP_H
from .model import (
    MESSAGES,
    _choice,
    _span,
    check_consolidation,
    initial_precision,
    therapy_steps,
)
from .params import SelfModelParams, Therapy


@dataclass(frozen=True)
class BatchCourse:
    r"""The self-model of many people, hour by hour (rows: people; columns: hours).

    Attributes
    ----------
    t_h : ndarray
        End of each hourly step, h (shared).
    biographical_self : ndarray
        :math:`\mu_3`, a.u.
    consolidated_self : ndarray
        :math:`m`, a.u.
    learning_rate : ndarray
        The share of an hour of everyday evidence's error the narrative belief
        takes (1).
    dissociation, ego_dissolution : ndarray
        The indices of :mod:`~ketamodel.selfmodel.model`, 0-1.
    revision : ndarray
        :math:`(m - m_0)/(s - m_0)`.
    belief_revision : ndarray
        The same for the current belief, :math:`(\mu_3 - m_0)/(s - m_0)`.
    therapy : ndarray of bool
        Which hours are sessions (shared).
    params : SelfModelParams
    """

    t_h: np.ndarray
    biographical_self: np.ndarray
    consolidated_self: np.ndarray
    learning_rate: np.ndarray
    dissociation: np.ndarray
    ego_dissolution: np.ndarray
    revision: np.ndarray
    belief_revision: np.ndarray
    therapy: np.ndarray
    params: SelfModelParams


def batch_factors(fine_t_h: ArrayLike, disintegration: ArrayLike, sensitivity: ArrayLike,
                  n_hours: int) -> np.ndarray:
    r"""Each person's hourly mean of :math:`\rho = (1 - \max(D, 0))^{g}`.

    Parameters
    ----------
    fine_t_h : array_like
        Times of the fine course, h, from 0, increasing strictly, reaching ``n_hours``.
    disintegration : array_like
        :math:`D`, shape (people, times), in [-1, 0.99].
    sensitivity : array_like
        :math:`g` per person, in [0, 50].
    n_hours : int
        Number of hourly steps, at least 1.

    Returns
    -------
    ndarray
        Shape (people, hours), in (0, 1]; the trapezoidal mean over each hour
        of :math:`\rho` linear between the fine samples, as
        :func:`~ketamodel.selfmodel.drive.hourly_factor` takes it.
    """
    t = check_array("fine_t_h", fine_t_h, low=0.0, ndim=1)
    n_hours = check_integer("n_hours", n_hours, low=1)
    d = check_array("disintegration", disintegration, low=-1.0, high=0.99, ndim=2)
    g = check_array("sensitivity", sensitivity, low=0.0, high=50.0, ndim=1)
    if d.shape != (g.size, t.size):
        raise ValueError(f"disintegration must have shape (people, times) = ({g.size}, "
                         f"{t.size}), got {d.shape}")
    if t.size < 2 or np.any(np.diff(t) <= 0) or t[0] != 0.0 or t[-1] < n_hours * STEP_H:
        raise ValueError("fine_t_h must increase strictly from 0 to at least n_hours h")
    rho = np.maximum((1.0 - np.clip(d, 0.0, None)) ** g[:, None], np.finfo(float).tiny)
    means = hourly_operator(t, n_hours) @ rho.T
    return np.clip(means.T, np.finfo(float).tiny, 1.0)


def hourly_operator(fine_t_h: np.ndarray, n_hours: int) -> sparse.csr_matrix:
    """The sparse matrix that maps a curve's fine samples to its mean over each hour.

    The curve is linear between the samples (trapezoidal rule, exact for it), as
    :func:`~ketamodel.selfmodel.drive.bin_means` takes it; ``fine_t_h`` is
    checked by the caller.
    """
    t = fine_t_h
    edges = np.arange(n_hours + 1, dtype=float) * STEP_H
    grid = np.union1d(t[t <= edges[-1]], edges)
    # the curve at the grid points: linear between the two fine samples around each
    j = np.clip(np.searchsorted(t, grid, side="right") - 1, 0, t.size - 2)
    w = (grid - t[j]) / (t[j + 1] - t[j])
    rows = np.arange(grid.size)
    interp = sparse.csr_matrix(
        (np.concatenate([1.0 - w, w]), (np.concatenate([rows, rows]),
                                          np.concatenate([j, j + 1]))),
        shape=(grid.size, t.size))
    # the area of each grid interval, and the hour it lies in
    dt = np.diff(grid)
    k = np.arange(dt.size)
    trapezoid = sparse.csr_matrix(
        (np.concatenate([dt / 2, dt / 2]), (np.concatenate([k, k]), np.concatenate([k, k + 1]))),
        shape=(dt.size, grid.size))
    hour = np.minimum(np.searchsorted(edges, grid[:-1], side="right") - 1, n_hours - 1)
    member = sparse.csr_matrix((np.full(dt.size, 1.0 / STEP_H), (hour, k)),
                               shape=(n_hours, dt.size))
    return (member @ trapezoid @ interp).tocsr()


def _rows(name: str, values: ArrayLike, low: float, high: float) -> np.ndarray:
    return check_array(name, values, low=low, high=high, ndim=2)


def simulate_batch(sn_factor: ArrayLike, dmn_factor: ArrayLike, window: ArrayLike, *,
                   therapy: Therapy | None = None, params: SelfModelParams | None = None,
                   message: str = "exact",
                   seeds: Sequence[int | np.random.Generator] | None = None,
                   innovations: ArrayLike | None = None) -> BatchCourse:
    r"""The self-model of many people, each with their own drug course.

    Parameters
    ----------
    sn_factor, dmn_factor : array_like
        :math:`\rho` on each level's prior, shape (people, hours), in (0, 1]
        (:func:`batch_factors`, or :func:`~ketamodel.selfmodel.drive.hourly_factor`
        stacked).
    window : array_like
        The plasticity window per person and hour, in [1, 100].
    therapy : Therapy, optional
        The same sessions for everyone (none by default).
    params : SelfModelParams, optional
    message : str
        ``"exact"`` or ``"hgf"``.
    seeds : sequence of int or Generator, optional
        One per person, for the noise of their inputs, drawn in the order
        :func:`~ketamodel.selfmodel.model.simulate_drive` draws them; None (and no
        ``innovations``): every input at its expected value.
    innovations : array_like, optional
        Instead of ``seeds``: the standard normal draws themselves, shape
        (people, 2, hours), bodily signal first (a cohort draws them in blocks).

    Returns
    -------
    BatchCourse
    """
    sn = _rows("sn_factor", sn_factor, np.finfo(float).tiny, 1.0)
    dmn = _rows("dmn_factor", dmn_factor, np.finfo(float).tiny, 1.0)
    win = _rows("window", window, 1.0, 100.0)
    if not sn.shape == dmn.shape == win.shape or min(sn.shape) < 1:
        raise ValueError(f"sn_factor, dmn_factor and window must have one shape (people, "
                         f"hours), at least one of each, got {sn.shape}, {dmn.shape} and "
                         f"{win.shape}")
    p = params_or_default("params", params, SelfModelParams)
    _choice("message", message, MESSAGES)
    n_people, n = sn.shape
    t_h = np.arange(1, n + 1, dtype=float) * STEP_H
    if therapy is not None:
        check_instance("therapy", therapy, Therapy)
    session = therapy_steps(therapy, t_h)
    span = _span(p)
    check_consolidation(p, float(win.max()))
    ext_precision = np.where(session, p.therapy_precision, p.exteroceptive_precision)
    u_i = np.full((n_people, n), p.everyday_evidence)
    u_e = np.broadcast_to(np.where(session, p.support_evidence, p.everyday_evidence),
                          (n_people, n)).copy()
    if seeds is not None and innovations is not None:
        raise ValueError("give seeds or innovations, not both")
    if innovations is not None:
        z = check_array("innovations", innovations, low=-1e3, high=1e3, ndim=3)
        if z.shape != (n_people, 2, n):
            raise ValueError(f"innovations must have shape (people, 2, hours) = "
                             f"({n_people}, 2, {n}), got {z.shape}")
        u_i += z[:, 0] / math.sqrt(p.interoceptive_precision)
        u_e += z[:, 1] / np.sqrt(ext_precision)
    if seeds is not None:
        try:
            count = None if isinstance(seeds, str | bytes) else len(seeds)
        except TypeError:
            count = None
        if count is None:
            raise ValueError(f"seeds must be a sequence with one seed per person ({n_people}), "
                             f"got {type(seeds).__name__}")
        if count != n_people:
            raise ValueError(f"seeds must have one entry per person ({n_people}), got "
                             f"{count}")
        for i, s in enumerate(seeds):
            rng = make_rng(s)
            u_i[i] += rng.standard_normal(n) / math.sqrt(p.interoceptive_precision)
            u_e[i] += rng.standard_normal(n) / np.sqrt(ext_precision)
    mu3, m, rate, diss, ego = (a.T for a in _run_batch(
        u_i.T.copy(), u_e.T.copy(), ext_precision, sn.T.copy(), dmn.T.copy(), win.T.copy(), p,
        message == "exact"))
    return BatchCourse(t_h=t_h, biographical_self=mu3, consolidated_self=m,
                       learning_rate=rate, dissociation=diss, ego_dissolution=ego,
                       revision=(m - p.belief_start) / span,
                       belief_revision=(mu3 - p.belief_start) / span, therapy=session,
                       params=p)


def _run_batch(u_i: np.ndarray, u_e: np.ndarray, p_e: np.ndarray, sn: np.ndarray,
               dmn: np.ndarray, window: np.ndarray, p: SelfModelParams,
               exact: bool) -> tuple[np.ndarray, ...]:
    """The filter of :func:`~ketamodel.selfmodel.model.simulate_drive`, an hour (a row) at a time.

    Every array is (hours, people), so that an hour's values are contiguous.
    """
    n, n_people = u_i.shape
    lam = math.exp(-STEP_H / p.reversion_h)
    omega3 = float(hgf.step_variance(STEP_H, p.narrative_log_volatility))
    kappa, p_i, pi2_0 = p.coupling, p.interoceptive_precision, p.minimal_self_precision
    everyday = p_i + p.exteroceptive_precision
    eps, beta, rate_c = p.baseline_consolidation, p.plasticity_gain, STEP_H / p.consolidation_h
    mu3 = np.full(n_people, p.belief_start)
    m = mu3.copy()
    pi3 = np.full(n_people, initial_precision(p, "exact" if exact else "hgf"))
    pi3_quiet = pi3.copy()
    out = tuple(np.empty((n, n_people)) for _ in range(5))
    ones, coupled = (1.0, 1.0), (kappa,)
    for k in range(n):
        mu3_hat = hgf.predict_mean(mu3, m, lam)
        pi3_hat = dmn[k] * hgf.predict_precision(pi3, omega3, lam)
        mu2_hat = kappa * mu3_hat
        pi2_hat = sn[k] * pi2_0
        senses = (p_i, p_e[k])
        errors = (hgf.prediction_error(u_i[k], mu2_hat),
                  hgf.prediction_error(u_e[k], mu2_hat))
        pi2 = hgf.posterior_precision(pi2_hat, senses, ones)
        mu2 = hgf.posterior_mean(mu2_hat, pi2, errors, senses, ones)
        delta2 = hgf.prediction_error(mu2, mu2_hat)
        pi_d = hgf.error_precision(pi2_hat, p_i + p_e[k]) if exact else pi2_hat
        pi3 = hgf.posterior_precision(pi3_hat, (pi_d,), coupled)
        mu3 = hgf.posterior_mean(mu3_hat, pi3, (delta2,), (pi2_hat,), coupled)
        m = m + rate_c * (eps + beta * (window[k] - 1.0)) * (mu3 - m)
        everyday_d = hgf.error_precision(pi2_hat, everyday)
        out[0][k] = mu3
        out[1][k] = m
        out[2][k] = kappa * everyday_d / pi3
        out[3][k] = hgf.relaxation_index(sn[k], pi2_0, p_i)
        pi_e = everyday_d if exact else pi2_hat
        quiet_free = hgf.predict_precision(pi3_quiet, omega3, lam)
        out[4][k] = hgf.relaxation_index(dmn[k], quiet_free, kappa * kappa * pi_e)
        pi3_quiet = hgf.posterior_precision(dmn[k] * quiet_free, (pi_e,), coupled)
    return out
