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
(:cite:p:`marguilho2023unified`; its proposal, not an established result),
and REBUS links the relaxation of high-level priors to the disintegration of
networks (:cite:p:`carhartharris2019rebus`). Here a network's integrity is
read as the precision of the priors it holds (*assumed*): at each moment a
prior's precision is multiplied by

.. math::

    \rho = (1 - D)^{g},

with :math:`g` the level's sensitivity (``sn_sensitivity``,
``dmn_sensitivity``). :math:`D < 0`, a network that couples slightly *more*
than at baseline, is read as no relaxation: the model does not tighten
priors. The self-model steps once an hour (:data:`STEP_H`); the factor of an
hour is the mean of :math:`\rho` over the hour, computed on the finer grid of
the drug's course.

Occupancy → :math:`D` is the network model itself, solved at 21 occupancies
from 0 to 1 for the context and interpolated (monotone cubic, within 0.005
of a direct solution); the table is kept for the next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import PchipInterpolator

from .. import networks as nw
from .. import plasticity as pl
from ..params import (
    check_array,
    check_instance,
    check_scalar,
    check_whole_hours,
    params_or_default,
)
from ..pharmacology import dose_tuple

#: Which level each network's priors belong to (the seed paper's mapping).
LEVEL_NETWORKS = {"SN": "SalVentAttn", "DMN": "Default"}

#: Occupancies at which the network model is solved for the table.
TABLE_OCCUPANCY = np.linspace(0.0, 1.0, 21)

#: The default length of a simulation in hours (eight weeks).
EIGHT_WEEKS_H = 8 * 7 * 24.0

#: The self-model's step in hours (evidence, relaxation and consolidation are per hour).
STEP_H = 1.0


def precision_factor(disintegration: ArrayLike, sensitivity: float) -> np.ndarray:
    r"""The factor :math:`\rho = (1 - \max(D, 0))^{g}` on a prior's precision.

    Parameters
    ----------
    disintegration : array_like
        :math:`D`, the fraction by which the network's within-network FC fell,
        in [-1, 0.99].
    sensitivity : float
        :math:`g`, in [0, 50] (0: the prior ignores the network).

    Returns
    -------
    ndarray
        :math:`\rho` in (0, 1].
    """
    d = check_array("disintegration", disintegration, low=-1.0, high=0.99)
    g = check_scalar("sensitivity", sensitivity, low=0.0, high=50.0)
    return np.maximum((1.0 - np.clip(d, 0.0, None)) ** g, np.finfo(float).tiny)


def _check_rule(rule: object) -> str:
    if not isinstance(rule, str) or rule not in nw.RULES:
        raise ValueError(f"rule must be one of {nw.RULES}, got {rule!r}")
    return rule


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
    sn, dmn = _table(nw.context_value(context), int(n_parcels), params, _check_rule(rule))
    return sn(occ), dmn(occ)


def bin_means(t_h: ArrayLike, values: ArrayLike, edges_h: ArrayLike) -> np.ndarray:
    """Mean of a sampled curve over each interval between consecutive ``edges_h``.

    The curve is linear between its samples (trapezoidal rule, exact for it);
    ``t_h`` must increase strictly and cover the edges, which must increase
    strictly too. The values are those of the drive (occupancy, disintegration,
    a factor, the window), each within [-1000, 1000].
    """
    t = check_array("t_h", t_h, low=-np.inf, ndim=1)
    v = check_array("values", values, low=-1e3, high=1e3, ndim=1)
    e = check_array("edges_h", edges_h, low=-np.inf, ndim=1)
    if t.size != v.size or t.size < 2:
        raise ValueError(f"t_h and values must have the same length, at least 2, got "
                         f"{t.size} and {v.size}")
    if np.any(np.diff(t) <= 0) or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError("t_h and edges_h must increase strictly (edges: at least 2)")
    if e[0] < t[0] or e[-1] > t[-1]:
        raise ValueError(f"edges_h ({e[0]:g} to {e[-1]:g}) must lie within t_h "
                         f"({t[0]:g} to {t[-1]:g})")
    grid = np.union1d(t, e)                      # every edge is a sample of the curve
    y = np.interp(grid, t, v)
    at = np.searchsorted(grid, e)                # where each edge sits in the grid
    pieces = (np.diff(grid) * (y[1:] + y[:-1]) / 2)[: at[-1]]
    # each bin sums its own pieces: the difference of two running totals would carry the
    # rounding of the whole course's area into every bin (an hour of rho = 1 after the
    # drug would come out as 1 - 2.2e-16)
    return np.add.reduceat(pieces, at[:-1]) / np.diff(e)


@dataclass(frozen=True)
class Drive:
    r"""The drug's course on the self-model's hourly steps.

    The hourly arrays hold the mean over each hour; step ``k`` ends at
    ``t_h[k]``. The fine arrays keep the course at its own resolution, so that
    a nonlinear function of it (the factor :math:`\rho`) can be averaged over
    each hour exactly (:func:`hourly_factor`).

    Attributes
    ----------
    t_h : ndarray
        End of each step, h (1, 2, ...).
    occupancy : ndarray
        NMDA receptor occupancy, 0-1.
    sn_disintegration, dmn_disintegration : ndarray
        :math:`D` of SN and DMN (Chapter 4).
    window : ndarray
        The plasticity window :math:`w` ≥ 1 (Chapter 3).
    context : float
        :math:`c` of :func:`~ketamodel.networks.model.simulate`.
    fine_t_h, fine_sn, fine_dmn : ndarray
        The disintegration at the course's own times, from 0 to ``t_h[-1]``.
    """

    t_h: np.ndarray
    occupancy: np.ndarray
    sn_disintegration: np.ndarray
    dmn_disintegration: np.ndarray
    window: np.ndarray
    context: float
    fine_t_h: np.ndarray
    fine_sn: np.ndarray
    fine_dmn: np.ndarray


def hourly_factor(drive: Drive, level: str, sensitivity: float) -> np.ndarray:
    r"""The mean over each hour of :math:`\rho` for ``level`` (``"SN"`` or ``"DMN"``)."""
    d = check_instance("drive", drive, Drive)
    if not isinstance(level, str) or level not in LEVEL_NETWORKS:
        raise ValueError(f"level must be one of {tuple(LEVEL_NETWORKS)}, got {level!r}")
    fine = d.fine_sn if level == "SN" else d.fine_dmn
    rho = precision_factor(fine, sensitivity)
    edges = np.concatenate([[0.0], d.t_h])
    # the mean of numbers in (0, 1] is in (0, 1]; clip the integrals' rounding
    return np.clip(bin_means(d.fine_t_h, rho, edges), np.finfo(float).tiny, 1.0)


def _edges(t_end_h: float) -> tuple[np.ndarray, np.ndarray]:
    end = check_whole_hours("t_end_h", t_end_h, low=1.0, high=4320.0)
    edges = np.arange(int(end) + 1, dtype=float) * STEP_H
    return edges, edges[1:]


def _frozen(drive: Drive) -> Drive:
    for name in ("t_h", "occupancy", "sn_disintegration", "dmn_disintegration", "window",
                 "fine_t_h", "fine_sn", "fine_dmn"):
        getattr(drive, name).setflags(write=False)
    return drive


def no_drug(t_end_h: float) -> Drive:
    """A drive with no drug over ``t_end_h`` whole hours: nothing relaxed, the window at 1."""
    edges, t = _edges(t_end_h)
    zero = np.zeros_like(t)
    return _frozen(Drive(t_h=t, occupancy=zero, sn_disintegration=zero.copy(),
                         dmn_disintegration=zero.copy(), window=np.ones_like(t),
                         context=0.0, fine_t_h=edges, fine_sn=np.zeros_like(edges),
                         fine_dmn=np.zeros_like(edges)))


def drive_from_course(course: pl.PlasticityCourse, context: float | str = "neutral", *,
                      t_end_h: float | None = None,
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
        End of the drive, whole hours (default: the course's last whole hour).
    network_params, n_parcels, rule
        As for :func:`disintegration`.
    """
    c = check_instance("course", course, pl.PlasticityCourse)
    end = float(np.floor(c.t_h[-1] + 1e-9)) if t_end_h is None else t_end_h
    edges, t = _edges(end)
    if edges[-1] > c.t_h[-1] + 1e-9:
        raise ValueError(f"t_end_h ({edges[-1]:g} h) is past the end of the course "
                         f"({c.t_h[-1]:g} h)")
    d_sn, d_dmn = disintegration(c.occupancy, context, network_params=network_params,
                                 n_parcels=n_parcels, rule=rule)
    keep = c.t_h <= edges[-1] + 1e-9
    return _frozen(Drive(
        t_h=t, occupancy=bin_means(c.t_h, c.occupancy, edges),
        sn_disintegration=bin_means(c.t_h, d_sn, edges),
        dmn_disintegration=bin_means(c.t_h, d_dmn, edges),
        window=bin_means(c.t_h, c.window, edges), context=nw.context_value(context),
        fine_t_h=c.t_h[keep].copy(), fine_sn=np.asarray(d_sn)[keep].copy(),
        fine_dmn=np.asarray(d_dmn)[keep].copy()))


def drive_from_network_course(course: nw.NetworkCourse, window: pl.WindowFunction | None,
                              t_end_h: float) -> Drive:
    """The drive of a network course (:func:`~ketamodel.networks.model.simulate_course`).

    The disintegration is linear between the course's times and 0 before its
    start and after its end (the drug not yet given, or gone); the window is 1
    where ``window`` is None or past its end. ``window`` should come from the
    same dosing as ``course``; nothing can check that.

    Parameters
    ----------
    course : NetworkCourse
    window : WindowFunction or None
        From :func:`~ketamodel.plasticity.window.window_function`.
    t_end_h : float
        End of the drive, whole hours.
    """
    c = check_instance("course", course, nw.NetworkCourse)
    if window is not None:
        check_instance("window", window, pl.WindowFunction)
    edges, t = _edges(t_end_h)
    course_h = c.t_min / 60.0
    first, last = float(course_h[0]), float(course_h[-1])
    # The course's values between its ends; 0 before and after, reached within a second.
    second = 1.0 / 3600.0
    ends = [first - second, last + second]
    if window is not None:
        ends.append(float(window.t_h[-1]) + second)
    extra = [x for x in ends if 0.0 < x < edges[-1]]
    fine = np.union1d(np.union1d(edges, course_h[course_h <= edges[-1]]), extra)

    def along(values: np.ndarray, after: float) -> np.ndarray:
        inside = (fine >= first) & (fine <= last)
        return np.where(inside, np.interp(fine, course_h, values), after)

    if window is None:
        w_fine = np.ones_like(fine)
    else:
        w_fine = np.ones_like(fine)
        inside = fine <= window.t_h[-1]
        w_fine[inside] = window(fine[inside])
    sn, dmn, occ = (along(v, 0.0) for v in (c.sn_disintegration, c.dmn_disintegration,
                                             c.occupancy))
    return _frozen(Drive(t_h=t, occupancy=bin_means(fine, occ, edges),
                         sn_disintegration=bin_means(fine, sn, edges),
                         dmn_disintegration=bin_means(fine, dmn, edges),
                         window=bin_means(fine, w_fine, edges), context=c.context,
                         fine_t_h=fine, fine_sn=sn, fine_dmn=dmn))


@lru_cache(maxsize=64)
def _drive(doses: tuple, t_end_h: float, context: float, network_params: nw.NetworkParams,
           plasticity_params: pl.PlasticityParams, n_parcels: int) -> Drive:
    course = pl.simulate(list(doses), t_end_h, params=plasticity_params)
    return drive_from_course(course, context, t_end_h=t_end_h,
                             network_params=network_params, n_parcels=n_parcels)


def drug_drive(doses: object, t_end_h: float = EIGHT_WEEKS_H, context: float | str = "neutral",
               *, network_params: nw.NetworkParams | None = None,
               plasticity_params: pl.PlasticityParams | None = None,
               n_parcels: int = 100) -> Drive:
    """The drive of a dosing schedule: Chapters 1, 3 and 4 run once and kept for the next call.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        E.g. :func:`~ketamodel.pharmacology.doses.standard_infusion`.
    t_end_h : float
        Length, whole hours, up to half a year.
    context : float or str
        Where the drug is taken (:data:`~ketamodel.networks.ketamine.CONTEXTS`).
    network_params, plasticity_params : optional
        Parameters of Chapters 4 and 3.
    n_parcels : int
        100 or 200.
    """
    end = check_whole_hours("t_end_h", t_end_h, low=1.0, high=4320.0)
    nw.check_parcels(n_parcels)
    return _drive(dose_tuple(doses), end, nw.context_value(context),
                  params_or_default("network_params", network_params, nw.NetworkParams),
                  params_or_default("plasticity_params", plasticity_params,
                                    pl.PlasticityParams), int(n_parcels))
