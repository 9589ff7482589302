r"""What the drug does to the self-model, hour by hour, read from the earlier chapters.

The self-model is not given a hand-made curve for the drug. Its input, a
:class:`Drive`, is built from the models of the earlier chapters:

- NMDA receptor occupancy over time (Chapter 1, through
  :func:`~ketamodel.plasticity.dosing.simulate`, which runs the pharmacokinetics);
- the plasticity window :math:`w(t)`, the learning-rate multiplier of
  Chapter 3 (:func:`~ketamodel.plasticity.window.window_function`);
- the *disintegration* of the salience network (SN) and of the default mode
  network (DMN) at that occupancy and context, Chapter 4's fall of
  within-network functional connectivity :math:`D` (the field
  ``disintegration`` of :func:`~ketamodel.networks.model.simulate`).

The seed paper places high-level priors about the body in the SN and the
highest-level priors about the narrative self in the DMN
(:cite:p:`marguilho2023unified`; its proposal, not an established result).
Here a network's integrity is read as the precision of the priors it holds
(*assumed*): a prior's precision is multiplied by

.. math::

    \rho = (1 - D)^{g},

with :math:`g` the level's sensitivity (``sn_sensitivity``,
``dmn_sensitivity``). :math:`D < 0`, a network that couples slightly *more*
than at baseline, is read as no relaxation: the model does not tighten
priors.

Occupancy → :math:`D` is the network model itself, solved at 21 occupancies
from 0 to 1 for the context and interpolated (monotone cubic, within 0.005
of a direct solution); the table is kept for the next call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import PchipInterpolator

from .. import networks as nw
from .. import plasticity as pl
from ..params import check_array, check_instance, check_scalar, params_or_default

#: Which level each network's priors belong to (the seed paper's mapping).
LEVEL_NETWORKS = {"SN": "SalVentAttn", "DMN": "Default"}

#: Occupancies at which the network model is solved for the table.
TABLE_OCCUPANCY = np.linspace(0.0, 1.0, 21)


def precision_factor(disintegration: ArrayLike, sensitivity: float) -> np.ndarray:
    r"""The factor :math:`\rho = (1 - \max(D, 0))^{g}` on a prior's precision.

    Parameters
    ----------
    disintegration : array_like
        :math:`D`, the fraction by which the network's within-network FC fell,
        in [-1, 1).
    sensitivity : float
        :math:`g` ≥ 0 (0: the prior ignores the network).

    Returns
    -------
    ndarray
        :math:`\rho` in (0, 1].
    """
    d = check_array("disintegration", disintegration, low=-1.0, high=1.0)
    if np.any(d >= 1.0):
        raise ValueError("disintegration must be below 1 (a network cannot lose all of its "
                         "within-network FC)")
    g = check_scalar("sensitivity", sensitivity, low=0.0, high=50.0)
    return (1.0 - np.clip(d, 0.0, None)) ** g


@lru_cache(maxsize=16)
def _table(context: float, n_parcels: int, params: nw.NetworkParams, rule: str
           ) -> tuple[PchipInterpolator, PchipInterpolator]:
    states = [nw.simulate(float(o), context, n_parcels=n_parcels, params=params, rule=rule)
              for o in TABLE_OCCUPANCY]
    sn, dmn = (np.array([s.disintegration[LEVEL_NETWORKS[k]] for s in states])
               for k in ("SN", "DMN"))
    return PchipInterpolator(TABLE_OCCUPANCY, sn), PchipInterpolator(TABLE_OCCUPANCY, dmn)


def disintegration(occupancy: ArrayLike, context: float | str = "neutral", *,
                   network_params: nw.NetworkParams | None = None, n_parcels: int = 100,
                   rule: str = "eigenvalue") -> tuple[np.ndarray, np.ndarray]:
    """SN and DMN disintegration at each occupancy, from Chapter 4's network model.

    Parameters
    ----------
    occupancy : array_like
        NMDA receptor occupancy, 0-1.
    context : float or str
        As for :func:`~ketamodel.networks.model.simulate`.
    network_params : NetworkParams, optional
    n_parcels : int
        100 or 200.
    rule : str
        As for :func:`~ketamodel.networks.model.simulate`.

    Returns
    -------
    (ndarray, ndarray)
        :math:`D_{SN}` and :math:`D_{DMN}`, the shape of ``occupancy``.
    """
    occ = check_array("occupancy", occupancy, low=0.0, high=1.0)
    params = params_or_default("network_params", network_params, nw.NetworkParams)
    nw.check_parcels(n_parcels)
    if rule not in nw.RULES:
        raise ValueError(f"rule must be one of {nw.RULES}, got {rule!r}")
    sn, dmn = _table(nw.context_value(context), int(n_parcels), params, rule)
    return sn(occ), dmn(occ)


def bin_means(t_h: np.ndarray, values: np.ndarray, edges_h: np.ndarray) -> np.ndarray:
    """Mean of a sampled curve over each interval between consecutive ``edges_h``.

    The curve is linear between its samples (trapezoidal rule); ``t_h`` must
    cover the edges.
    """
    area = np.concatenate([[0.0], np.cumsum(np.diff(t_h) * (values[1:] + values[:-1]) / 2)])
    at_edges = np.interp(edges_h, t_h, area)
    return np.diff(at_edges) / np.diff(edges_h)


@dataclass(frozen=True)
class Drive:
    """The drug's course on the self-model's steps.

    Every array has one value per step, the mean over the step's hour(s); step
    ``k`` ends at ``t_h[k]``.

    Attributes
    ----------
    t_h : ndarray
        End of each step, h (``dt_h``, ``2 dt_h``, ...).
    occupancy : ndarray
        NMDA receptor occupancy, 0-1.
    sn_disintegration, dmn_disintegration : ndarray
        :math:`D` of SN and DMN (Chapter 4).
    window : ndarray
        The plasticity window :math:`w` ≥ 1 (Chapter 3).
    context : float
        :math:`c` of :func:`~ketamodel.networks.model.simulate`.
    dt_h : float
        Step, h.
    """

    t_h: np.ndarray
    occupancy: np.ndarray
    sn_disintegration: np.ndarray
    dmn_disintegration: np.ndarray
    window: np.ndarray
    context: float
    dt_h: float


def _steps(t_end_h: float, dt_h: float) -> tuple[np.ndarray, np.ndarray]:
    t_end = check_scalar("t_end_h", t_end_h, low=0.0, high=4320.0, low_open=True)
    dt = check_scalar("dt_h", dt_h, low=0.05, high=24.0)
    n = int(round(t_end / dt))
    if n < 1 or abs(n * dt - t_end) > 1e-6 * t_end:
        raise ValueError(f"t_end_h must be a whole number of steps of dt_h ({dt:g} h), got "
                         f"{t_end:g}")
    edges = dt * np.arange(n + 1)
    return edges, edges[1:]


def _frozen(drive: Drive) -> Drive:
    for a in (drive.t_h, drive.occupancy, drive.sn_disintegration, drive.dmn_disintegration,
              drive.window):
        a.setflags(write=False)
    return drive


def no_drug(t_end_h: float, dt_h: float = 1.0) -> Drive:
    """A drive with no drug: nothing relaxed, the window at 1."""
    _, t = _steps(t_end_h, dt_h)
    zero = np.zeros_like(t)
    return _frozen(Drive(t_h=t, occupancy=zero, sn_disintegration=zero.copy(),
                         dmn_disintegration=zero.copy(), window=np.ones_like(t),
                         context=0.0, dt_h=float(dt_h)))


def drive_from_course(course: pl.PlasticityCourse, context: float | str = "neutral", *,
                      t_end_h: float | None = None, dt_h: float = 1.0,
                      network_params: nw.NetworkParams | None = None, n_parcels: int = 100,
                      rule: str = "eigenvalue") -> Drive:
    """The drive of a plasticity course: its occupancy and window, and the networks at them.

    Parameters
    ----------
    course : PlasticityCourse
        From :func:`~ketamodel.plasticity.dosing.simulate` (which runs Chapter 1's
        pharmacokinetics): its occupancy and its window are used.
    context : float or str
        Where the drug is taken (:data:`~ketamodel.networks.ketamine.CONTEXTS`).
    t_end_h : float, optional
        End of the drive, h (default: the course's end, to a whole step).
    dt_h : float
        Step, h, in [0.05, 24].
    network_params, n_parcels, rule
        As for :func:`disintegration`.
    """
    c = check_instance("course", course, pl.PlasticityCourse)
    end = float(c.t_h[-1]) if t_end_h is None else t_end_h
    if t_end_h is None:
        end = float(np.floor(end / dt_h + 1e-9) * dt_h)
    edges, t = _steps(end, dt_h)
    if edges[-1] > c.t_h[-1] + 1e-9:
        raise ValueError(f"t_end_h ({edges[-1]:g} h) is past the end of the course "
                         f"({c.t_h[-1]:g} h)")
    d_sn, d_dmn = disintegration(c.occupancy, context, network_params=network_params,
                                 n_parcels=n_parcels, rule=rule)
    return _frozen(Drive(
        t_h=t, occupancy=bin_means(c.t_h, c.occupancy, edges),
        sn_disintegration=bin_means(c.t_h, d_sn, edges),
        dmn_disintegration=bin_means(c.t_h, d_dmn, edges),
        window=bin_means(c.t_h, c.window, edges),
        context=nw.context_value(context), dt_h=float(dt_h)))


def drive_from_network_course(course: nw.NetworkCourse, window: pl.WindowFunction | None,
                              t_end_h: float, *, dt_h: float = 1.0) -> Drive:
    """The drive of a network course (:func:`~ketamodel.networks.model.simulate_course`).

    The disintegration is interpolated between the course's times and taken as
    0 after its end (the drug gone); the window is 1 where ``window`` is None
    or past its end.

    Parameters
    ----------
    course : NetworkCourse
    window : WindowFunction or None
        From :func:`~ketamodel.plasticity.window.window_function`.
    t_end_h : float
        End of the drive, h.
    dt_h : float
        Step, h.
    """
    c = check_instance("course", course, nw.NetworkCourse)
    edges, t = _steps(t_end_h, dt_h)
    fine = np.union1d(edges, c.t_min / 60.0)
    def along(values: np.ndarray) -> np.ndarray:
        return bin_means(fine, np.interp(fine, c.t_min / 60.0, values, left=values[0],
                                         right=0.0), edges)
    if window is None:
        w = np.ones_like(t)
    else:
        w_fine = np.ones_like(fine)
        inside = fine <= window.t_h[-1]
        w_fine[inside] = window(fine[inside])
        w = bin_means(fine, w_fine, edges)
    return _frozen(Drive(t_h=t, occupancy=along(c.occupancy),
                         sn_disintegration=along(c.sn_disintegration),
                         dmn_disintegration=along(c.dmn_disintegration),
                         window=w, context=c.context, dt_h=float(dt_h)))


def dose_tuple(doses: object) -> tuple:
    """``doses`` as a tuple of :class:`~ketamodel.pharmacology.doses.Dose`, or ``ValueError``."""
    from ..pharmacology import Dose
    if isinstance(doses, Dose):
        return (doses,)
    if isinstance(doses, Sequence) and not isinstance(doses, str) and doses and all(
            isinstance(d, Dose) for d in doses):
        return tuple(doses)
    raise ValueError(f"doses must be a Dose or a non-empty sequence of Dose objects, got "
                     f"{doses!r}")
