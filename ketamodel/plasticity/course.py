r"""The course of the cascade over time, with its read-outs, for any occupancy series.

:func:`simulate_course` solves the equations of :mod:`~ketamodel.plasticity.cascade`
for a given occupancy course and adds two read-outs (algebraic, *assumed*);
the result is a :class:`PlasticityCourse`.
:func:`~ketamodel.plasticity.dosing.simulate` does the same from doses.

**Behaviour** has a fast arm from mTORC1 and a lasting arm from the extra
spines,

.. math::

    b = 1 - (1 - b_{acute})(1 - b_{sust}), \quad
    b_{acute} = \frac{M}{M + M_{50}}, \quad b_{sust} = \frac{D}{D + D_{50}},

so the effect starts before spine density changes and only the extra spines
keep it: new spines are needed to maintain the effect, not to start it
(induction versus maintenance, :cite:p:`modasava2019sustained`). In rats, rapamycin,
which blocks mTORC1, blocks the behavioural effect (:cite:p:`li2010mtor`); the
fast arm also stands for what changes in step with behaviour before density
does, such as glutamate-evoked spine formation (:cite:p:`wu2021ketamine`).
:math:`b` is a 0-1 index of an antidepressant-like effect, not a score of
any scale.

**The plasticity window** is a learning-rate multiplier from the synaptic
protein level, :math:`w = 1 + (w_{max} - 1)\,P/(P + P_{50})`: 1 at baseline,
open hours after the drug has peaked and for days
(:mod:`~ketamodel.plasticity.window`). It is upstream of the spines, so
ablating spine formation leaves it: what is learnt in the window then does
not stay.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..circuits import CircuitParams
from ..params import check_array, check_instance, params_or_default
from .cascade import _check_flag, _propagate, cascade_matrices, check_course, surge_of
from .params import PlasticityParams


@dataclass(frozen=True)
class PlasticityCourse:
    r"""The cascade over time (all arrays share ``t_h``; levels are relative, 1 = baseline).

    Attributes
    ----------
    t_h : ndarray
        Time, h.
    occupancy : ndarray
        NMDA receptor occupancy, 0-1 (the input).
    norketamine_ng_per_mL : ndarray
        Norketamine in plasma, ng/mL (drives the metabolite route when it is on).
    surge : ndarray
        Pyramidal firing relative to no drug, :math:`E(\theta)/E(0)` (the glutamate surge
        above 1, suppression below).
    ampa, bdnf, trkb, mtorc1, synthesis, synaptic_protein : ndarray
        AMPA activation, BDNF, TrkB and mTORC1 activity, protein synthesis rate and
        synaptic protein level, relative to baseline.
    eef2k_off : ndarray
        Fraction of eEF2 kinase switched off by the block at rest, 0-1.
    spine_density : ndarray
        Spine density relative to baseline.
    spine_formation_per_day : ndarray
        New spines per day, as a fraction of the baseline density, 1/day.
    spine_elimination_per_day : ndarray
        Fraction of the spines present that is eliminated per day, 1/day.
    behaviour_acute, behaviour_sustained, behaviour : ndarray
        The fast arm (from mTORC1), the lasting arm (from extra spines) and the combined
        antidepressant-like effect, each 0-1.
    window : ndarray
        The plasticity window, a learning-rate multiplier ≥ 1 (1 = baseline).
    ablate_spine_formation, hnk_route : bool
        The switches the course was run with.
    params : PlasticityParams
        The parameters the course was run with.
    """

    t_h: np.ndarray
    occupancy: np.ndarray
    norketamine_ng_per_mL: np.ndarray
    surge: np.ndarray
    ampa: np.ndarray
    eef2k_off: np.ndarray
    bdnf: np.ndarray
    trkb: np.ndarray
    mtorc1: np.ndarray
    synthesis: np.ndarray
    synaptic_protein: np.ndarray
    spine_density: np.ndarray
    spine_formation_per_day: np.ndarray
    spine_elimination_per_day: np.ndarray
    behaviour_acute: np.ndarray
    behaviour_sustained: np.ndarray
    behaviour: np.ndarray
    window: np.ndarray
    ablate_spine_formation: bool
    hnk_route: bool
    params: PlasticityParams

    def at(self, t_h: ArrayLike, name: str = "window") -> np.ndarray:
        """The named array at times ``t_h`` (h, within the course; linear interpolation).

        Parameters
        ----------
        t_h : array_like
            Times, h, in [0, end of the course].
        name : str
            One of the arrays listed in the class docstring (default ``"window"``).
        """
        names = ("occupancy", "norketamine_ng_per_mL", "surge", "ampa", "eef2k_off", "bdnf",
                 "trkb", "mtorc1", "synthesis", "synaptic_protein", "spine_density",
                 "spine_formation_per_day", "spine_elimination_per_day", "behaviour_acute",
                 "behaviour_sustained", "behaviour", "window")
        if not isinstance(name, str) or name not in names:
            raise ValueError(f"name must be one of {names}, got {name!r}")
        t = check_array("t_h", t_h, low=0.0, high=float(self.t_h[-1]))
        return np.interp(t, self.t_h, getattr(self, name))

    def window_at(self, t_h: ArrayLike) -> np.ndarray:
        """The learning-rate multiplier at times ``t_h`` (h, within the course)."""
        return self.at(t_h, "window")


def simulate_course(t_h: ArrayLike, occupancy: ArrayLike, *,
                    norketamine_ng_per_mL: ArrayLike | None = None,
                    params: PlasticityParams | None = None,
                    ablate_spine_formation: bool = False, hnk_route: bool = False,
                    circuit: CircuitParams | None = None) -> PlasticityCourse:
    """The cascade driven by any occupancy time course, from baseline at 0 h.

    The equations are those of :mod:`~ketamodel.plasticity.cascade`, the
    read-outs those of this module's docstring. The input is taken as linear
    between the given times and the solution is exact for it, so the times
    must resolve the occupancy (minutes while the drug changes fast); where
    the input is flat, long steps cost nothing in accuracy. The cost is about
    a few microseconds per time point.

    Parameters
    ----------
    t_h : array_like
        Times, h: at least 2, strictly increasing, from 0, at most 8760.
    occupancy : array_like
        NMDA receptor occupancy at each time, 0-1 (e.g. ``PKResult.occupancy``).
    norketamine_ng_per_mL : array_like, optional
        Norketamine at each time, ng/mL; needed when ``hnk_route`` is True.
    params : PlasticityParams, optional
    ablate_spine_formation : bool
        True: the drug makes no new spines (the acute effect stays, the lasting one goes).
    hnk_route : bool
        True: add the contested metabolite route, driven by norketamine.
    circuit : CircuitParams, optional
        Parameters of the E–I circuit that gives the surge.

    Returns
    -------
    PlasticityCourse
        On the times ``t_h``.
    """
    p = params_or_default("params", params, PlasticityParams)
    ablate = _check_flag("ablate_spine_formation", ablate_spine_formation)
    hnk = _check_flag("hnk_route", hnk_route)
    if hnk and norketamine_ng_per_mL is None:
        raise ValueError("norketamine_ng_per_mL is needed when hnk_route is True")
    if circuit is not None:
        check_instance("circuit", circuit, CircuitParams)
    t, occ, nor = check_course(t_h, occupancy, norketamine_ng_per_mL)
    surge = surge_of(occ, circuit)
    u = np.column_stack([np.maximum(surge - 1.0, 0.0), occ,
                         nor / p.hnk_ref_ng_per_mL if hnk else np.zeros_like(t)])
    a, b = cascade_matrices(p, ablate_spine_formation=ablate)
    x = _propagate(t, u, a, b)
    level = 1.0 + x
    protein, density = x[:, 7], x[:, 9]
    rate = p.spine_turnover_per_day
    formation = rate * level[:, 8]
    acute = x[:, 5] / (x[:, 5] + p.behaviour_half_mtorc1)
    sustained = density / (density + p.behaviour_half_density)
    window = 1.0 + (p.window_max - 1.0) * protein / (protein + p.window_half_protein)
    return PlasticityCourse(
        t_h=t, occupancy=occ, norketamine_ng_per_mL=nor, surge=surge, ampa=level[:, 0],
        eef2k_off=x[:, 1], bdnf=level[:, 3], trkb=level[:, 4], mtorc1=level[:, 5],
        synthesis=level[:, 6], synaptic_protein=level[:, 7], spine_density=level[:, 9],
        spine_formation_per_day=formation,
        spine_elimination_per_day=np.full_like(t, rate),
        behaviour_acute=acute, behaviour_sustained=sustained,
        behaviour=1.0 - (1.0 - acute) * (1.0 - sustained), window=window,
        ablate_spine_formation=ablate, hnk_route=hnk, params=p)
