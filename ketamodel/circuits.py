r"""An excitatory–inhibitory rate model of cortex under NMDA receptor block.

Chapter 1 of the book. A Wilson–Cowan pair of populations
(:cite:p:`wilson1972excitatory`), pyramidal cells :math:`E` and fast-spiking
interneurons :math:`I`, with activities normalised to [0, 1]:

.. math::

    \tau_E \dot E &= -E + S\big(g_E(\theta)\,(w_{EE} E + P) - w_{EI} I\big) \\
    \tau_I \dot I &= -I + S\big(g_I(\theta)\,(w_{IE} E + Q) - w_{II} I\big) \\
    g_X(\theta) &= 1 - \phi_X\,\theta, \qquad S(x) = \frac{1}{1 + e^{-a (x - x_0)}}

:math:`\theta` is the NMDA receptor occupancy by ketamine and :math:`\phi_X`
the share of population X's excitatory drive carried by NMDA receptors,
applied to all of X's excitatory input, local and external. The model lets
interneurons lean more on NMDA receptors (:math:`\phi_I > \phi_E`), so
moderate block weakens inhibition first and pyramidal firing *rises*
(disinhibition, :cite:p:`homayoun2007nmda`), while near-complete block
removes the pyramidal cells' own drive and firing falls: an inverted U
across occupancy, like prefrontal glutamate across dose in rats
(:cite:p:`moghaddam1997activation`). :func:`share_map` shows how both limbs
depend on the two shares: the rise needs :math:`\phi_I` not far below
:math:`\phi_E`, the falling limb a high :math:`\phi_E` (tested).

The evidence for :math:`\phi_I > \phi_E` is mixed: parvalbumin cells of
mouse prefrontal cortex carry NMDA receptors with a pathway-specific share of
their input (:cite:p:`lewis2022pathway`; :cite:p:`picard2019nmda`), but
fast-spiking cells had a weak NMDA component and were less affected by NMDA
antagonists than pyramidal cells in another study
(:cite:p:`rotaru2011glutamate`). That anaesthetic ketamine silences cortex is
contested too (:cite:p:`langsjo2005sketamine`). Disinhibition is a hypothesis
with mixed support (:cite:p:`wood2012disruption`; :cite:p:`taylor2012lack`):
every number below is *assumed* and chosen for teaching. The model is
quasi-static in the chapters: it is taken at its steady state for each
occupancy, so it has no time course of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from .params import check_array, check_params, check_scalar, param, params_or_default


@dataclass(frozen=True)
class CircuitParams:
    """Parameters of the E–I rate model (all *assumed*: chosen for teaching)."""

    tau_e_ms: float = param(10.0, "ms", "assumed: membrane time scale of pyramidal cells")
    tau_i_ms: float = param(5.0, "ms", "assumed: interneurons are faster than pyramidal cells")
    w_ee: float = param(1.6, "1", "assumed: recurrent excitation, weak enough for one "
                        "stable state")
    w_ei: float = param(2.5, "1", "assumed: inhibition of E by I")
    w_ie: float = param(2.5, "1", "assumed: excitation of I by E")
    w_ii: float = param(0.5, "1", "assumed: inhibition among interneurons")
    drive_e: float = param(2.2, "1", "assumed: external (thalamic and cortical) drive to E")
    drive_i: float = param(1.6, "1", "assumed: external drive to I")
    nmda_share_e: float = param(
        0.75, "1", "assumed: share of pyramidal excitatory drive carried by NMDA receptors; "
        "no measured value", high=1.0, low_open=False,
        spread=(0.5, 1.0),
        spread_why="no measured value: anywhere from half to all of the pyramidal cells' "
        "excitatory drive")
    nmda_share_i: float = param(
        0.95, "1", "assumed: interneurons rely more on NMDA drive, as parvalbumin cells "
        "do at thalamic inputs (lewis2022pathway); contradicted for fast-spiking cells' "
        "local input by rotaru2011glutamate; the number is not measured", high=1.0,
        low_open=False,
        spread=(0.5, 1.0),
        spread_why="contradicted for fast-spiking cells at cortical inputs, so anywhere from half "
        "to all")
    gain: float = param(4.0, "1", "assumed: slope of the sigmoid")
    threshold: float = param(1.5, "1", "assumed: input at half-maximal activity", low=-10.0)
    max_rate_e_Hz: float = param(40.0, "Hz", "assumed: order of the maximal sustained rate "
                                 "of cortical pyramidal cells")
    max_rate_i_Hz: float = param(100.0, "Hz", "assumed: fast-spiking interneurons fire faster")

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class CircuitState:
    """Steady-state firing of the two populations.

    Attributes
    ----------
    occupancy : ndarray
        NMDA receptor occupancy the state was computed at.
    excitatory_Hz, inhibitory_Hz : ndarray
        Mean firing rates of pyramidal cells and interneurons, Hz.
    """

    occupancy: np.ndarray
    excitatory_Hz: np.ndarray
    inhibitory_Hz: np.ndarray

    def relative_excitation(self, baseline_Hz: float) -> np.ndarray:
        """Pyramidal firing relative to a baseline rate ``baseline_Hz`` (> 0 Hz; 1 = unchanged)."""
        return self.excitatory_Hz / check_scalar("baseline_Hz", baseline_Hz, low=0.0,
                                                 low_open=True)


def _sigmoid(x: np.ndarray, p: CircuitParams) -> np.ndarray:
    return expit(p.gain * (x - p.threshold))


def _rhs(e: np.ndarray, i: np.ndarray, occ: np.ndarray, p: CircuitParams
         ) -> tuple[np.ndarray, np.ndarray]:
    """Time derivatives × tau of the normalised activities."""
    ge = 1.0 - p.nmda_share_e * occ
    gi = 1.0 - p.nmda_share_i * occ
    de = -e + _sigmoid(ge * (p.w_ee * e + p.drive_e) - p.w_ei * i, p)
    di = -i + _sigmoid(gi * (p.w_ie * e + p.drive_i) - p.w_ii * i, p)
    return de, di


def _linearise(e: np.ndarray, i: np.ndarray, occ: np.ndarray, p: CircuitParams
               ) -> tuple[np.ndarray, ...]:
    """Residuals and Jacobian entries of the fixed-point equations.

    Returns (f1, f2, j11, j12, j21, j22), before division by the time constants.
    """
    ge = 1.0 - p.nmda_share_e * occ
    gi = 1.0 - p.nmda_share_i * occ
    se = _sigmoid(ge * (p.w_ee * e + p.drive_e) - p.w_ei * i, p)
    si = _sigmoid(gi * (p.w_ie * e + p.drive_i) - p.w_ii * i, p)
    dse, dsi = p.gain * se * (1 - se), p.gain * si * (1 - si)
    return (se - e, si - i, -1 + dse * ge * p.w_ee, -dse * p.w_ei, dsi * gi * p.w_ie,
            -1 - dsi * p.w_ii)


def _newton(e: np.ndarray, i: np.ndarray, occ: np.ndarray, p: CircuitParams, steps: int = 30
            ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Newton iterations on the fixed-point equations, vectorised over occupancies.

    Returns (e, i, ok): ok is True when every point converged to a *stable*
    fixed point (trace < 0 and determinant > 0 of the time-scaled Jacobian).
    """
    with np.errstate(all="ignore"):               # a failed step is caught below
        for _ in range(steps):
            f1, f2, j11, j12, j21, j22 = _linearise(e, i, occ, p)
            det = j11 * j22 - j12 * j21
            e = e - (f1 * j22 - j12 * f2) / det
            i = i - (j11 * f2 - j21 * f1) / det
            if max(np.abs(f1).max(), np.abs(f2).max()) < 1e-13:
                break
        f1, f2, j11, j12, j21, j22 = _linearise(e, i, occ, p)
    if not (np.all(np.isfinite(f1)) and np.all(np.isfinite(f2))):
        return e, i, False
    converged = max(np.abs(f1).max(), np.abs(f2).max()) < 1e-10
    stable = np.all(j11 / p.tau_e_ms + j22 / p.tau_i_ms < 0) and np.all(j11 * j22 - j12 * j21 > 0)
    return e, i, bool(converged and stable)


def steady_state(occupancy: ArrayLike, params: CircuitParams | None = None) -> CircuitState:
    """Firing rates of the E–I model at rest, for each NMDA receptor occupancy.

    The system is relaxed towards its fixed point by integrating the equations
    (vectorised over occupancies), and the fixed point is then polished by
    Newton's method until the residual is below 1e-10; the fixed point is
    unique and stable for the default parameters (tested in
    ``tests/test_circuits.py``).

    Parameters
    ----------
    occupancy : array_like
        NMDA receptor occupancy, each in [0, 1].
    params : CircuitParams, optional
        Model parameters.

    Returns
    -------
    CircuitState
        With arrays of the shape of ``occupancy`` (0-d for a scalar).

    Raises
    ------
    RuntimeError
        If the relaxation does not converge (e.g. parameters with an
        oscillating or bistable circuit).
    """
    p = params_or_default("params", params, CircuitParams)
    occ = check_array("occupancy", occupancy, low=0.0, high=1.0)
    flat = np.atleast_1d(occ).ravel()
    e = np.full(flat.shape, 0.1)
    i = np.full(flat.shape, 0.1)
    dt_e = 0.2                                     # step as a fraction of tau_e
    dt_i = dt_e * p.tau_e_ms / p.tau_i_ms
    if dt_i > 0.5:                                 # keep the faster population stable
        dt_e, dt_i = 0.5 * p.tau_i_ms / p.tau_e_ms, 0.5
    for _ in range(200):                           # up to 20000 relaxation steps
        for _ in range(100):
            de, di = _rhs(e, i, flat, p)
            e = e + dt_e * de
            i = i + dt_i * di
        if max(np.abs(de).max(), np.abs(di).max()) < 1e-10:
            break
        e_new, i_new, ok = _newton(e, i, flat, p)
        # Accept Newton's answer only if it is a stable fixed point near the relaxed state.
        if ok and max(np.abs(e_new - e).max(), np.abs(i_new - i).max()) < 0.05:
            e, i = e_new, i_new
            break
    else:
        raise RuntimeError("the E-I model did not settle to a steady state; the parameters "
                           "may give oscillations or several states")
    shape = occ.shape
    return CircuitState(occupancy=occ, excitatory_Hz=(e * p.max_rate_e_Hz).reshape(shape),
                        inhibitory_Hz=(i * p.max_rate_i_Hz).reshape(shape))


def jacobian(occupancy: float, params: CircuitParams | None = None) -> np.ndarray:
    """Jacobian (1/ms) of the E–I model at its steady state.

    Both eigenvalues have negative real parts when the state is stable.
    """
    p = params_or_default("params", params, CircuitParams)
    occ = check_scalar("occupancy", occupancy, high=1.0)
    s = steady_state(occ, p)
    e = np.array(float(s.excitatory_Hz) / p.max_rate_e_Hz)
    i = np.array(float(s.inhibitory_Hz) / p.max_rate_i_Hz)
    _, _, j11, j12, j21, j22 = _linearise(e, i, np.array(occ), p)
    return np.array([[j11 / p.tau_e_ms, j12 / p.tau_e_ms],
                     [j21 / p.tau_i_ms, j22 / p.tau_i_ms]], dtype=float)


def peak_occupancy(params: CircuitParams | None = None, n: int = 401) -> float:
    """Occupancy at which pyramidal firing is highest (the top of the inverted U).

    ``n`` (an integer ≥ 3) is the number of grid points on [0, 1].
    """
    if not isinstance(n, int | np.integer) or n < 3:
        raise ValueError(f"n must be a whole number >= 3, got {n!r}")
    occ = np.linspace(0.0, 1.0, n)
    s = steady_state(occ, params)
    return float(occ[int(np.argmax(s.excitatory_Hz))])


@dataclass(frozen=True)
class ShareMap:
    r"""The inverted U over a grid of the two NMDA shares (see :func:`share_map`).

    Attributes
    ----------
    nmda_share_e, nmda_share_i : ndarray
        The grid's axes, :math:`\phi_E` (columns) and :math:`\phi_I` (rows).
    peak_ratio : ndarray
        Highest pyramidal rate over occupancy, relative to no drug (rows φ_I, columns φ_E).
    peak_occupancy : ndarray
        Occupancy at which that highest rate is reached.
    probe_occupancy : float
        The occupancy at which ``probe_ratio`` is read.
    probe_ratio : ndarray
        Pyramidal rate at ``probe_occupancy`` relative to no drug (< 1: suppressed).
    """

    nmda_share_e: np.ndarray
    nmda_share_i: np.ndarray
    peak_ratio: np.ndarray
    peak_occupancy: np.ndarray
    probe_occupancy: float
    probe_ratio: np.ndarray


def share_map(nmda_share_e: ArrayLike, nmda_share_i: ArrayLike, probe_occupancy: float,
              params: CircuitParams | None = None, n: int = 201) -> ShareMap:
    r"""How the inverted U depends on both NMDA shares, :math:`\phi_E` and :math:`\phi_I`.

    For every pair of shares, the steady state is computed on ``n`` occupancies
    in [0, 1]; the map reports the height and position of the peak and the
    rate at ``probe_occupancy`` (e.g. the occupancy at loss of
    responsiveness), each relative to no drug.

    Parameters
    ----------
    nmda_share_e, nmda_share_i : array_like
        1-D grids of the shares, each value in [0, 1].
    probe_occupancy : float
        Occupancy, in [0, 1], at which the relative rate is read.
    params : CircuitParams, optional
        The other parameters (their shares are replaced by the grid's).
    n : int
        Occupancy grid points, a whole number ≥ 3.
    """
    p = params_or_default("params", params, CircuitParams)
    phi_e = check_array("nmda_share_e", nmda_share_e, high=1.0, ndim=1)
    phi_i = check_array("nmda_share_i", nmda_share_i, high=1.0, ndim=1)
    probe = float(check_array("probe_occupancy", probe_occupancy, high=1.0, ndim=0))
    if not isinstance(n, int | np.integer) or n < 3:
        raise ValueError(f"n must be a whole number >= 3, got {n!r}")
    occ = np.append(np.linspace(0.0, 1.0, n), probe)
    shape = (phi_i.size, phi_e.size)
    peak_ratio, peak_occ, probe_ratio = np.empty(shape), np.empty(shape), np.empty(shape)
    for r, share_i in enumerate(phi_i):
        for c, share_e in enumerate(phi_e):
            q = replace(p, nmda_share_e=float(share_e), nmda_share_i=float(share_i))
            rate = steady_state(occ, q).excitatory_Hz
            k = int(np.argmax(rate[:-1]))
            peak_ratio[r, c] = rate[k] / rate[0]
            peak_occ[r, c] = occ[k]
            probe_ratio[r, c] = rate[-1] / rate[0]
    return ShareMap(nmda_share_e=phi_e, nmda_share_i=phi_i, peak_ratio=peak_ratio,
                    peak_occupancy=peak_occ, probe_occupancy=probe, probe_ratio=probe_ratio)
