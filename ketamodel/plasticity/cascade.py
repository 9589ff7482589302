r"""The cascade from NMDA block to spines, driven by any occupancy time course.

Three routes lead to BDNF, then one chain runs to the spines. Every level is
written as its excess over baseline (0 = baseline) and relaxes to its input
with its own time constant :math:`\tau`:

.. math::

    \tau_A \dot a &= s^{+}(t) - a, \qquad s(t) = E(\theta(t))/E(0), \quad
        s^{+} = \max(s - 1, 0) \qquad \text{(surge, AMPA activation)} \\
    \tau_K \dot k &= \theta(t) - k \qquad \text{(block at rest, eEF2 kinase off)} \\
    \tau_H \dot h &= c_N(t)/c_{ref} - h \qquad \text{(metabolite route, off by default)} \\
    \tau_B \dot B &= w_s a + w_r k + w_h h - B \qquad \text{(BDNF)} \\
    \tau_T \dot T &= B - T, \quad \tau_M \dot M = T - M, \quad
        \tau_S \dot S = M - S, \quad \tau_P \dot P = S - P \\
    \tau_F \dot\varphi &= g_F P - \varphi \qquad \text{(extra spine formation)} \\
    \dot D &= r\,(\varphi - D) \qquad \text{(spine density)}

:math:`\theta` is NMDA receptor occupancy and :math:`E` the steady-state
pyramidal rate of :func:`~ketamodel.circuits.steady_state`, so :math:`s` is
the glutamate surge: above 1 at antidepressant occupancy, below 1 near
anaesthetic occupancy, where the surge route falls silent (its input is
rectified: a suppressed cortex is taken not to lower BDNF release below its
resting level, *assumed*). The resting route follows occupancy itself: NMDA
receptors blocked at rest switch eEF2 kinase off and BDNF is translated
(:cite:p:`autry2011nmda`). The metabolite route is driven by norketamine as a
stand-in for (2R,6R)-hydroxynorketamine, which the pharmacokinetic model does
not compute; its claim (:cite:p:`zanos2016nmdar`) is contested
(:cite:p:`yang2018lack`), so it is off unless asked for. TrkB → mTORC1 →
synaptic proteins follows :cite:t:`li2010mtor`; a new protrusion takes hours
more to become a spine that imaging counts (:math:`\tau_F`).

Spines: a fraction :math:`r` (``spine_turnover_per_day``) of spines is
eliminated per day, whatever the drug (elimination unchanged,
:cite:p:`phoumthipphavong2016longitudinal`); formation is :math:`r(1 + \varphi)`
spines per baseline spine per day, so density :math:`1 + D` (1 = baseline)
obeys the balance :math:`\dot{(1+D)} = \text{formation} - r\,(1 + D)`.
``ablate_spine_formation`` sets :math:`g_F = 0`: no extra spines are made,
a cruder version of the optical deletion of new spines, after they had
formed, in :cite:t:`modasava2019sustained`.

The read-outs (behaviour, the plasticity window) are computed from these
levels in :mod:`~ketamodel.plasticity.course`.

The system is linear with a non-negative input, so it is solved exactly for an
input that is linear between the given times (a first-order hold, with the
matrix exponential ``scipy.linalg.expm``; one propagator per distinct step);
its levels never fall below baseline.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import expm

from .._blas import one_thread
from ..circuits import CircuitParams, steady_state
from ..params import check_array, params_or_default
from .params import PlasticityParams

#: The state variables, in order.
STATES = ("ampa", "eef2k_off", "hnk", "bdnf", "trkb", "mtorc1", "synthesis",
          "synaptic_protein", "formation", "spine_density")


def cascade_matrices(params: PlasticityParams | None = None, *,
                     ablate_spine_formation: bool = False) -> tuple[np.ndarray, np.ndarray]:
    r"""The matrices :math:`A` (1/h) and :math:`B` of :math:`\dot x = A x + B u`.

    ``x`` holds the excesses over baseline in the order of :data:`STATES`;
    ``u`` = (rectified surge excess, occupancy, metabolite drive).

    Parameters
    ----------
    params : PlasticityParams, optional
    ablate_spine_formation : bool
        True: the drug makes no extra spines (the formation stage has no input).
    """
    p = params_or_default("params", params, PlasticityParams)
    _check_flag("ablate_spine_formation", ablate_spine_formation)
    tau = [p.tau_ampa_min / 60.0, p.tau_eef2_min / 60.0, p.tau_hnk_min / 60.0,
           p.tau_bdnf_min / 60.0, p.tau_trkb_h, p.tau_mtorc1_h, p.tau_synthesis_h,
           p.tau_protein_h, p.tau_formation_h]
    n = len(STATES)
    a = np.zeros((n, n))
    for i, t in enumerate(tau):
        a[i, i] = -1.0 / t
    a[3, :3] = np.array([p.surge_weight, p.rest_weight, p.hnk_weight]) / tau[3]
    for i in range(4, 8):
        a[i, i - 1] = 1.0 / tau[i]
    if not ablate_spine_formation:
        a[8, 7] = p.formation_gain / tau[8]
    rate_h = p.spine_turnover_per_day / 24.0
    a[9, 9] = -rate_h
    a[9, 8] = rate_h
    b = np.zeros((n, 3))
    b[0, 0], b[1, 1], b[2, 2] = 1.0 / tau[0], 1.0 / tau[1], 1.0 / tau[2]
    return a, b


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def _powers(e: np.ndarray, count: int) -> np.ndarray:
    """``[e, e², ..., e^count]`` by doubling (a few batched products, not ``count``)."""
    out = e[None, :, :]
    while out.shape[0] < count:
        out = np.concatenate([out, out @ out[-1]])
    return out[:count]


@lru_cache(maxsize=512)
def _step(a_bytes: bytes, b_bytes: bytes, n: int, m: int, dt_h: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Propagator and first-order-hold input matrices of one step ``dt_h`` (kept for reuse).

    The matrices come in as bytes so that the same system and step, met again
    (the steps of a dosing grid recur in every course), costs no new
    matrix exponential.
    """
    a = np.frombuffer(a_bytes).reshape(n, n)
    b = np.frombuffer(b_bytes).reshape(n, m)
    block = np.zeros((n + 2 * m, n + 2 * m))
    block[:n, :n] = a * dt_h
    block[:n, n:n + m] = b * dt_h
    block[n:n + m, n + m:] = np.eye(m)
    full = expm(block)
    out = (full[:n, :n].copy(), full[:n, n:n + m].copy(), full[:n, n + m:].copy())
    for x in out:
        x.setflags(write=False)
    return out


def _propagate(t_h: np.ndarray, u: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact solution from baseline for an input linear between the times ``t_h``.

    One propagator per distinct step (rounded to 1e-12 h). Runs of equal steps
    without input (the weeks after a dose) are advanced at once with the
    powers of their propagator; the other steps one by one.
    """
    with one_thread():                           # 10 x 10 matrices: threads only wait
        n, m = b.shape
        dt = np.diff(t_h)
        keys = np.round(dt, 12)
        unique, which = np.unique(keys, return_inverse=True)
        props = np.empty((unique.size, n, n))
        forcing = np.empty((dt.size, n))
        a_bytes = np.ascontiguousarray(a, dtype=float).tobytes()
        b_bytes = np.ascontiguousarray(b, dtype=float).tobytes()
        for j, key in enumerate(unique):
            props[j], g1, g2 = _step(a_bytes, b_bytes, n, m, float(key))
            steps = which == j
            forcing[steps] = u[:-1][steps] @ (g1 - g2).T + u[1:][steps] @ g2.T
        quiet = ~np.any(u[:-1] != 0.0, axis=1) & ~np.any(u[1:] != 0.0, axis=1)
        x = np.zeros((t_h.size, n))
        state = np.zeros(n)
        i = 0
        while i < dt.size:
            if quiet[i]:
                j = i                                   # a run of equal, input-free steps
                while j + 1 < dt.size and quiet[j + 1] and which[j + 1] == which[i]:
                    j += 1
                x[i + 1:j + 2] = _powers(props[which[i]], j - i + 1) @ state
                state = x[j + 1].copy()
                i = j + 1
            else:
                state = props[which[i]] @ state + forcing[i]
                x[i + 1] = state
                i += 1
        scale = max(1.0, float(np.abs(x).max()))
        if x.min() < -1e-9 * scale:
            raise RuntimeError("the cascade went below baseline; report this as a bug")
        return np.maximum(x, 0.0)


def check_course(t_h: ArrayLike, occupancy: ArrayLike,
                 norketamine_ng_per_mL: ArrayLike | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times (h), occupancy and norketamine checked: 1-D, one value per time, from 0, increasing.

    Parameters
    ----------
    t_h : array_like
        At least two strictly increasing times from 0 h, at most 8760 h (a year).
    occupancy : array_like
        NMDA receptor occupancy at each time, 0-1.
    norketamine_ng_per_mL : array_like, optional
        Norketamine at each time, ng/mL, in [0, 1e5] (default zero).
    """
    t = check_array("t_h", t_h, high=8760.0, ndim=1)
    if t.size < 2 or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_h must be at least 2 strictly increasing times from 0 h, got "
                         f"{t.size} time(s) starting at {t[0] if t.size else None}")
    occ = check_array("occupancy", occupancy, high=1.0, ndim=1)
    if occ.shape != t.shape:
        raise ValueError(f"occupancy must have one value per time of t_h ({t.size}), got "
                         f"shape {occ.shape}")
    if norketamine_ng_per_mL is None:
        nor = np.zeros_like(t)
    else:
        nor = check_array("norketamine_ng_per_mL", norketamine_ng_per_mL, high=1e5, ndim=1)
        if nor.shape != t.shape:
            raise ValueError(f"norketamine_ng_per_mL must have one value per time of t_h "
                             f"({t.size}), got shape {nor.shape}")
    return t, occ, nor


def surge_of(occupancy: ArrayLike, circuit: CircuitParams | None = None) -> np.ndarray:
    r"""The glutamate surge :math:`E(\theta)/E(0)` at each occupancy (1 = no drug).

    Read from a table of :func:`~ketamodel.circuits.steady_state` on 101
    occupancies (linear interpolation), so a long course costs one table.

    Parameters
    ----------
    occupancy : array_like
        NMDA receptor occupancy, 0-1.
    circuit : CircuitParams, optional
    """
    cp = params_or_default("circuit", circuit, CircuitParams)
    occ = check_array("occupancy", occupancy, high=1.0)
    table = np.linspace(0.0, 1.0, 101)
    rate = steady_state(table, cp).excitatory_Hz
    return np.interp(occ, table, rate / rate[0])
