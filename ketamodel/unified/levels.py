r"""What a dosing schedule does at every level below the clinic, for one clearance and context.

An :class:`Exposure` gathers, hour by hour over the course, the quantities of
the earlier chapters that the outcome layer reads. Each comes from a stable
entry point; nothing is re-derived here:

- **Chapter 1**: NMDA receptor occupancy at the effect site, with the
  person's clearance (:func:`~ketamodel.pharmacology.kinetics.simulate`, run
  inside :func:`~ketamodel.plasticity.dosing.simulate`). Clearance is
  :math:`CL = k_{10} V_1`; a person with ``cl_factor`` times the typical
  clearance has :math:`k_{10}` scaled by it, volumes unchanged.
- **Chapter 2**: the *reward relief* :math:`r(t)`, the share of the way from
  the depressed to the healthy reward sensitivity :math:`\rho` that
  ketamine's block of the lateral habenula restores
  (:func:`~ketamodel.reward.ketamine.reward_course`). It is computed in a
  window after each group of doses, from a drug-free start, until the
  occupancy has fallen below 1 % (at most 24 h), with 3-minute segments
  (within 0.02 of ρ with the chapter's 2-minute ones).
- **Chapter 3**: the *plasticity relief* :math:`b(t)`, the cascade's
  behavioural read-out (``behaviour``, 0 at baseline; its fast arm follows
  mTORC1, its lasting arm spine density), and the plasticity window :math:`w(t)`.
- **Chapter 4**: SN and DMN disintegration at the occupancy and the context
  (through :func:`~ketamodel.selfmodel.drive.drive_from_course`, which also
  makes the self-model's :class:`~ketamodel.selfmodel.drive.Drive`).

The drug's *acute action* the outcome layer uses is
:math:`A = 1 - (1 - r)(1 - b)`: either route relieves.

Exposures are kept for the next call (a new one takes about 0.2 s; the first
in a new context adds the network table, about 0.7 s).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

import numpy as np

from .. import networks as nw
from .. import pharmacology as ph
from .. import plasticity as pl
from .. import reward as rw
from .. import selfmodel as sm
from ..params import check_scalar, check_whole_hours

#: Reward sensitivity is computed in 3-minute segments (Chapter 2 uses 2).
REWARD_SEGMENT_H = 0.05

#: The reward window after a group of doses ends when occupancy falls below this.
REWARD_OCCUPANCY_END = 0.01

#: ... and at most this long after the group's last dose ends, h.
REWARD_WINDOW_MAX_H = 24.0

#: Clearance factors at which exposures are computed for a cohort (log-spaced; they hold the
#: cohort's clearances, which run from about 0.59 to 2.02 with the default CohortParams).
CL_NODES = np.geomspace(0.55, 2.2, 7)

#: Contexts at which exposures are computed for a cohort.
CONTEXT_NODES = np.linspace(-1.0, 1.0, 5)

#: Longest course, h (half a year, as the self-model allows).
MAX_T_END_H = 4320.0


@dataclass(frozen=True)
class Exposure:
    r"""The levels below the clinic over a course, hour by hour (hour ``k`` ends at ``t_h[k]``).

    The reward course (Chapter 2) is computed on first use of
    ``reward_relief``, ``acute_action``, ``reward_t_h`` or ``reward_rho``
    (about 0.2 s), so that a use that needs only the networks does not wait for it.

    Attributes
    ----------
    t_h : ndarray
        End of each hour, h.
    occupancy : ndarray
        Mean NMDA receptor occupancy over the hour, 0-1 (Chapter 1).
    plasticity_relief : ndarray
        Mean :math:`b` over the hour, 0-1 (Chapter 3).
    window : ndarray
        Mean plasticity window over the hour, ≥ 1 (Chapter 3).
    drive : Drive
        The self-model's input (Chapter 4's SN and DMN disintegration on the
        course's own times, ``drive.fine_t_h``).
    fine_t_h, fine_occupancy : ndarray
        Occupancy on the course's own times.
    doses : tuple of Dose
    cl_factor, context : float
    """

    t_h: np.ndarray
    occupancy: np.ndarray
    plasticity_relief: np.ndarray
    window: np.ndarray
    drive: sm.Drive
    fine_t_h: np.ndarray
    fine_occupancy: np.ndarray
    doses: tuple[ph.Dose, ...]
    cl_factor: float
    context: float

    @cached_property
    def _reward_course(self) -> tuple[np.ndarray, np.ndarray]:
        t, rho = (np.array(v, dtype=float) for v in _reward(self.doses, self.cl_factor,
                                                             float(self.t_h[-1])))
        for v in (t, rho):
            v.setflags(write=False)
        return t, rho

    @property
    def reward_t_h(self) -> np.ndarray:
        """Times of the reward course in hours (the windows after the doses, one after another)."""
        return self._reward_course[0]

    @property
    def reward_rho(self) -> np.ndarray:
        """Reward sensitivity ρ at ``reward_t_h``."""
        return self._reward_course[1]

    @property
    def rho_depressed(self) -> float:
        """ρ of the depressed habenula without the drug."""
        return _rho_range()[0]

    @property
    def rho_healthy(self) -> float:
        """ρ of the healthy habenula without the drug."""
        return _rho_range()[1]

    @cached_property
    def reward_relief(self) -> np.ndarray:
        """Mean :math:`r` over each hour, 0-1 (Chapter 2)."""
        dep, healthy = _rho_range()
        out = _hourly_reward(self.t_h, self.reward_t_h, self.reward_rho, dep, healthy)
        out.setflags(write=False)
        return out

    @cached_property
    def acute_action(self) -> np.ndarray:
        """:math:`A = 1 - (1 - r)(1 - b)`, 0-1."""
        out = 1.0 - (1.0 - self.reward_relief) * (1.0 - self.plasticity_relief)
        out.setflags(write=False)
        return out


def _pk(cl_factor: float) -> ph.PKParams:
    base = ph.PKParams()
    return replace(base, k10_per_min=base.k10_per_min * cl_factor)


def _end_min(d: ph.Dose) -> float:
    return d.start_min + d.duration_min


def dose_groups(doses: tuple[ph.Dose, ...]) -> list[tuple[ph.Dose, ...]]:
    """Doses in groups: a group starts when a dose starts a day or more after the last one ended."""
    ordered = sorted(doses, key=lambda d: d.start_min)
    groups: list[list[ph.Dose]] = [[ordered[0]]]
    for d in ordered[1:]:
        if d.start_min >= max(_end_min(x) for x in groups[-1]) + 24 * 60:
            groups.append([d])
        else:
            groups[-1].append(d)
    return [tuple(g) for g in groups]


@lru_cache(maxsize=1)
def _rho_range() -> tuple[float, float]:
    hp = rw.HabenulaParams()
    dep = float(rw.rho_from_block(0.0, hp.v_rest_depressed_mV))
    healthy = float(rw.rho_from_block(0.0, hp.v_rest_healthy_mV))
    return dep, healthy


@lru_cache(maxsize=64)
def _reward_group(group: tuple[ph.Dose, ...], cl_factor: float, span_min: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """ρ after one group of doses (the first starting at 0), from a drug-free start."""
    pkr = ph.simulate(list(group), span_min, pk=_pk(cl_factor))
    last = max(_end_min(d) for d in group)
    peak = float(pkr.t_min[np.argmax(pkr.occupancy)])
    after = (pkr.t_min > max(last, peak)) & (pkr.occupancy < REWARD_OCCUPANCY_END)
    stop = float(pkr.t_min[np.argmax(after)]) if after.any() else span_min
    keep = pkr.t_min <= stop + 1e-9
    course = rw.reward_course(pkr.t_min[keep] / 60.0, pkr.effect_site_uM[keep],
                              segment_h=REWARD_SEGMENT_H)
    return course.t_h, course.rho


def _reward(doses: tuple[ph.Dose, ...], cl_factor: float, t_end_h: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """ρ in the window after each group of doses, each from a drug-free start."""
    times, rhos = [], []
    for group in dose_groups(doses):
        start = group[0].start_min
        if start >= t_end_h * 60.0:
            break
        shifted = tuple(replace(d, start_min=d.start_min - start) for d in group)
        last = max(_end_min(d) for d in shifted)
        span = min(last + REWARD_WINDOW_MAX_H * 60.0, t_end_h * 60.0 - start)
        t, rho = _reward_group(shifted, cl_factor, span)
        times.append(t + start / 60.0)
        rhos.append(rho)
    return np.concatenate(times), np.concatenate(rhos)


@lru_cache(maxsize=64)
def _course(doses: tuple[ph.Dose, ...], t_end_h: float, cl_factor: float,
            ablate: bool) -> pl.PlasticityCourse:
    return pl.simulate(list(doses), t_end_h, pk=_pk(cl_factor), ablate_spine_formation=ablate)


def _hourly_reward(t_h: np.ndarray, reward_t: np.ndarray, rho: np.ndarray, dep: float,
                   healthy: float) -> np.ndarray:
    relief = np.clip((rho - dep) / (healthy - dep), 0.0, 1.0)
    out = np.zeros(t_h.size)
    # each window separately (between windows the relief is 0)
    step = np.diff(reward_t)
    cuts = np.flatnonzero((step <= 0) | (step > 2.0 * REWARD_SEGMENT_H + 1e-9)) + 1
    for tw, rw_ in zip(np.split(reward_t, cuts), np.split(relief, cuts), strict=True):
        lo, hi = int(np.ceil(tw[0] - 1e-9)), int(np.floor(tw[-1] + 1e-9))
        if hi <= lo:
            continue
        edges = np.arange(lo, hi + 1, dtype=float)
        out[lo:hi] += sm.bin_means(tw, rw_, edges)
    return np.clip(out, 0.0, 1.0)


@lru_cache(maxsize=256)
def _exposure(doses: tuple[ph.Dose, ...], t_end_h: float, context: float, cl_factor: float,
              ablate: bool, n_parcels: int) -> Exposure:
    course = _course(doses, t_end_h, cl_factor, ablate)
    drive = sm.drive_from_course(course, context, t_end_h=t_end_h, n_parcels=n_parcels)
    edges = np.concatenate([[0.0], drive.t_h])
    behaviour = np.clip(sm.bin_means(course.t_h, course.behaviour, edges), 0.0, 1.0)
    keep = course.t_h <= t_end_h + 1e-9
    arrays = dict(occupancy=drive.occupancy, plasticity_relief=behaviour, window=drive.window,
                  fine_t_h=course.t_h[keep].copy(), fine_occupancy=course.occupancy[keep].copy())
    for a in arrays.values():
        a.setflags(write=False)
    return Exposure(t_h=drive.t_h, drive=drive, doses=doses, cl_factor=cl_factor,
                    context=context, **arrays)


def check_t_end(t_end_h: object) -> float:
    """``t_end_h`` as a whole number of hours in [1, 4320], or ``ValueError``."""
    return float(check_whole_hours("t_end_h", t_end_h, low=1.0, high=MAX_T_END_H))


def exposure(doses: object, t_end_h: float = sm.EIGHT_WEEKS_H,
             context: float | str = "neutral", *, cl_factor: float = 1.0,
             ablate_spine_formation: bool = False, n_parcels: int = 100) -> Exposure:
    """Occupancy, reward, plasticity and networks after ``doses``, hour by hour.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        E.g. :func:`~ketamodel.pharmacology.doses.standard_infusion`.
    t_end_h : float
        Length, whole hours, up to half a year.
    context : float or str
        Where the drug is taken (:data:`~ketamodel.networks.ketamine.CONTEXTS`,
        or a number in [-1, 1]).
    cl_factor : float
        The person's clearance relative to the typical one, in [0.2, 5].
    ablate_spine_formation : bool
        Chapter 3's experiment: no new spines, so no lasting arm.
    n_parcels : int
        100 or 200.

    Returns
    -------
    Exposure
    """
    dose_list = ph.dose_tuple(doses)
    end = check_t_end(t_end_h)
    late = [d for d in dose_list if (d.start_min + d.duration_min) / 60.0 > end]
    if late:
        raise ValueError(f"doses must end by t_end_h ({end:g} h); one ends at "
                         f"{(late[0].start_min + late[0].duration_min) / 60.0:g} h")
    c = nw.context_value(context)
    f = check_scalar("cl_factor", cl_factor, low=0.2, high=5.0)
    if not isinstance(ablate_spine_formation, bool):
        raise ValueError(f"ablate_spine_formation must be True or False, got "
                         f"{ablate_spine_formation!r}")
    nw.check_parcels(n_parcels)
    return _exposure(dose_list, end, float(c), float(f), ablate_spine_formation,
                     int(n_parcels))
