"""Doses to plasticity: the cascade driven by ketamine's occupancy after a schedule.

:func:`simulate` computes the occupancy and norketamine courses with
:func:`~ketamodel.pharmacology.kinetics.simulate` and runs the cascade of
:func:`~ketamodel.plasticity.course.simulate_course` on them, over weeks and
any number of doses. Pharmacokinetics is linear, so concentrations add up:
each distinct dose (same amount, route and duration) is simulated once, from
its start to 48 h after its end, and shifted to each of its start times; the
sum gives the effect-site concentration, and occupancy follows from it
(:func:`~ketamodel.pharmacology.receptor.occupancy`). Beyond 48 h after a dose
its contribution is dropped (below 1e-4 of the peak for the standard
infusion).

Repeated doses add up in the cascade as well as in the blood: the extra
synaptic protein and spines of one dose are still there at the next. In mice
given 10 mg/kg daily for five days, spine formation rose at 72-132 h, not at
6-24 h, and elimination did not change (:cite:p:`pryazhnikov2018longitudinal`).
The model was not fitted to that schedule: it agrees at 72-132 h but, as after
one dose, raises formation already at 12-24 h.

The time grid is fine while a dose acts (2 min from its start to 1 h after
its end, then 6, 15 and 30 min until 48 h after it) and coarse elsewhere
(``coarse_step_h``), so a course of weeks takes a few thousand steps, most of
them advanced together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from ..circuits import CircuitParams
from ..params import check_scalar, params_or_default
from ..pharmacology import Dose, PKParams, ReceptorParams, dose_tuple, occupancy
from ..pharmacology import simulate as simulate_pk
from ..units import MIN_PER_H
from .cascade import _check_flag
from .course import PlasticityCourse, simulate_course
from .params import PlasticityParams


@lru_cache(maxsize=64)
def _unit_shape(dose: Dose, pk: PKParams, receptor: ReceptorParams
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One dose of 1 mg/kg given at 0: times (h), effect-site ketamine (µM), norketamine (ng/mL).

    Steps of 2 min until 1 h after the end of the dose, 6 min until 6 h after,
    15 min until 24 h after, 30 min until 48 h after. Kept for the next call
    with the same route, duration and parameters (all frozen, so the key is
    exact): a sweep of the cascade's parameters, or a slider, reuses the
    pharmacokinetics. The arrays are read-only.
    """
    end_h = dose.duration_min / MIN_PER_H
    early = simulate_pk(dose, (end_h + 6.0) * MIN_PER_H, pk=pk, receptor=receptor,
                        dt_min=2.0)
    late = simulate_pk(dose, (end_h + 48.0) * MIN_PER_H, pk=pk, receptor=receptor,
                       dt_min=15.0)
    t_early, t_late = early.t_min / MIN_PER_H, late.t_min / MIN_PER_H
    index = np.arange(t_early.size)
    keep_early = (t_early <= end_h + 1.0) | (index % 3 == 0)
    keep_late = (t_late > t_early[-1] + 1e-9) & (
        (t_late <= end_h + 24.0) | (np.arange(t_late.size) % 2 == 0))
    t = np.concatenate([t_early[keep_early], t_late[keep_late]])
    conc = np.concatenate([early.effect_site_uM[keep_early], late.effect_site_uM[keep_late]])
    nor = np.concatenate([early.norketamine_ng_per_mL[keep_early],
                          late.norketamine_ng_per_mL[keep_late]])
    for a in (t, conc, nor):
        a.setflags(write=False)
    return t, conc, nor


def _shape_of(dose: Dose, pk: PKParams, receptor: ReceptorParams
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One dose given at 0: times (h), effect-site ketamine (µM), norketamine (ng/mL).

    Pharmacokinetics is linear, so the levels are those of 1 mg/kg
    (:func:`_unit_shape`, computed once per route and duration) times the dose.
    """
    t, conc, nor = _unit_shape(replace(dose, start_min=0.0, dose_mg_per_kg=1.0), pk, receptor)
    return t, dose.dose_mg_per_kg * conc, dose.dose_mg_per_kg * nor


def simulate(doses: Dose | Sequence[Dose], t_end_h: float, *,
             params: PlasticityParams | None = None, ablate_spine_formation: bool = False,
             hnk_route: bool = False, pk: PKParams | None = None,
             receptor: ReceptorParams | None = None, circuit: CircuitParams | None = None,
             coarse_step_h: float = 0.5) -> PlasticityCourse:
    """The plasticity cascade after one or more doses of ketamine, from minutes to weeks.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        E.g. :func:`~ketamodel.pharmacology.doses.standard_infusion`,
        :func:`~ketamodel.pharmacology.doses.repeated_infusions` or
        :func:`~ketamodel.pharmacology.doses.anaesthetic_bolus`.
    t_end_h : float
        End of the course, h, in (0, 4320] (half a year).
    params : PlasticityParams, optional
    ablate_spine_formation, hnk_route : bool
        As for :func:`~ketamodel.plasticity.course.simulate_course`.
    pk, receptor : PKParams, ReceptorParams, optional
        Pharmacokinetic and receptor parameters.
    circuit : CircuitParams, optional
        Parameters of the E–I circuit that gives the glutamate surge.
    coarse_step_h : float
        Time step away from the doses, h, in [1/60, 24].

    Returns
    -------
    PlasticityCourse

    Examples
    --------
    >>> from ketamodel import pharmacology as ph, plasticity as pl
    >>> course = pl.simulate(ph.standard_infusion(), 6 * 7 * 24)
    >>> bool(course.spine_density.max() > 1.0 and course.window.max() > 1.0)
    True
    """
    dose_list = dose_tuple(doses)
    t_end = check_scalar("t_end_h", t_end_h, low=0.0, high=4320.0, low_open=True)
    step = check_scalar("coarse_step_h", coarse_step_h, low=1.0 / 60.0, high=24.0)
    _check_flag("ablate_spine_formation", ablate_spine_formation)
    _check_flag("hnk_route", hnk_route)
    params_or_default("params", params, PlasticityParams)
    params_or_default("circuit", circuit, CircuitParams)
    pkp = params_or_default("pk", pk, PKParams)
    rp = params_or_default("receptor", receptor, ReceptorParams)
    shapes: dict[Dose, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    starts_h = []
    for d in dose_list:
        key = replace(d, start_min=0.0)
        if key not in shapes:
            shapes[key] = _shape_of(key, pkp, rp)
        starts_h.append((key, d.start_min / MIN_PER_H))
    pieces = [np.arange(0.0, t_end, step), [t_end]]
    for key, s in starts_h:
        pieces.append(s + shapes[key][0])
    t = np.unique(np.concatenate(pieces))
    t = t[t <= t_end]
    t = t[np.concatenate([[True], np.diff(t) > 1e-9])]      # merge near-duplicates
    conc = np.zeros_like(t)
    nor = np.zeros_like(t)
    for key, s in starts_h:
        ts, cs, ns = shapes[key]
        conc += np.interp(t - s, ts, cs, left=0.0, right=0.0)
        nor += np.interp(t - s, ts, ns, left=0.0, right=0.0)
    return simulate_course(t, occupancy(conc, rp), norketamine_ng_per_mL=nor, params=params,
                           ablate_spine_formation=ablate_spine_formation,
                           hnk_route=hnk_route, circuit=circuit)
