r"""One person through every level: dose, route and context to experience and outcome.

:func:`simulate` is the book's whole model for one person, composed from the
stable entry points of the earlier chapters (through
:func:`~ketamodel.unified.levels.exposure` and
:func:`~ketamodel.selfmodel.model.simulate_drive`) and the outcome layer
(:mod:`~ketamodel.unified.outcome`). The cohort
(:func:`~ketamodel.unified.cohort.simulate_cohort`) runs the same chain for
many people at once, with exposures interpolated between a few clearances
and contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import networks as nw
from .. import pharmacology as ph
from .. import selfmodel as sm
from ..params import check_instance, check_scalar, params_or_default
from . import levels as ex
from . import outcome as oc
from .cohort import TREATMENTS
from .params import OutcomeParams, Scales


@dataclass(frozen=True)
class Person:
    """One person's numbers (the typical person by default).

    ``responsiveness`` and ``placebo_responsiveness`` are the :math:`u` of the
    drug's and of the non-specific relief, in [0, 2] as in the cohort
    (:func:`~ketamodel.unified.outcome.responsiveness`).
    """

    cl_factor: float = 1.0
    baseline_madrs: float = 35.8
    network_sensitivity: float = 1.0
    responsiveness: float = 1.0
    placebo_responsiveness: float = 1.0

    def __post_init__(self) -> None:
        check_scalar("cl_factor", self.cl_factor, low=0.2, high=5.0)
        check_scalar("baseline_madrs", self.baseline_madrs, low=0.0, high=60.0)
        check_scalar("network_sensitivity", self.network_sensitivity, low=0.0, high=10.0)
        check_scalar("responsiveness", self.responsiveness, low=0.0, high=2.0)
        check_scalar("placebo_responsiveness", self.placebo_responsiveness, low=0.0, high=2.0)


@dataclass(frozen=True)
class UnifiedCourse:
    r"""Every level for one person, hour by hour (hour ``k`` ends at ``t_h[k]``).

    Attributes
    ----------
    t_h : ndarray
    exposure : Exposure
        Occupancy (Chapter 1), reward relief (Chapter 2), plasticity relief
        and window (Chapter 3), the drive with SN and DMN disintegration (Chapter 4).
    self_model : SelfModelCourse
        Chapter 5's beliefs and indices.
    nonspecific, acute : ndarray
        :math:`n(t)` and :math:`\min(1, G u A(t))`.
    madrs : ndarray
        Expected MADRS.
    cadss, ego_score : ndarray
        The two indices on the CADSS range (0-92) and an EDI item's (0-100).
    treatment : str
    person : Person
    outcome : OutcomeParams
    scales : Scales
    """

    t_h: np.ndarray
    exposure: ex.Exposure
    self_model: sm.SelfModelCourse
    nonspecific: np.ndarray
    acute: np.ndarray
    madrs: np.ndarray
    cadss: np.ndarray
    ego_score: np.ndarray
    treatment: str
    person: Person
    outcome: OutcomeParams
    scales: Scales

    def at(self, t_h: float) -> float:
        """Expected MADRS at the end of hour ``t_h`` (the baseline at 0)."""
        k = int(round(check_scalar("t_h", t_h, low=0.0, high=float(self.t_h[-1]))))
        return self.person.baseline_madrs if k == 0 else float(self.madrs[k - 1])

    @property
    def response_h(self) -> np.ndarray:
        """Hours at which the expected MADRS is a response (≥ 50 % fall)."""
        ok = oc.responded(self.person.baseline_madrs, self.madrs, self.scales)
        return self.t_h[ok]


def simulate(doses: object, t_end_h: float = sm.EIGHT_WEEKS_H, *,
             context: float | str = "neutral", therapy: sm.Therapy | None = None,
             treatment: str = "ketamine", person: Person | None = None,
             outcome: OutcomeParams | None = None,
             selfmodel_params: sm.SelfModelParams | None = None, relax: str = "both",
             ablate_spine_formation: bool = False, scales: Scales | None = None,
             seed: int = 0, noise: bool = False) -> UnifiedCourse:
    """The whole model for one person after ``doses``.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        The schedule (for a placebo, the times of its infusions).
    t_end_h : float
        Length, whole hours (default 8 weeks).
    context : float or str
        Where the drug is taken (Chapter 4).
    therapy : Therapy, optional
    treatment : str
        ``"ketamine"``, ``"midazolam"`` or ``"saline"``.
    person : Person, optional
    outcome, selfmodel_params, scales : optional
    relax, ablate_spine_formation
        As for :func:`~ketamodel.unified.cohort.simulate_cohort`.
    seed : int
    noise : bool
        Noisy inputs to the self-model (off by default: the expected course).

    Examples
    --------
    >>> from ketamodel import pharmacology as ph, unified
    >>> c = unified.simulate(ph.standard_infusion())
    >>> bool(c.at(24) < c.at(0))
    True
    """
    pr = params_or_default("person", person, Person)
    op = params_or_default("outcome", outcome, OutcomeParams)
    sp = params_or_default("selfmodel_params", selfmodel_params, sm.SelfModelParams)
    sc = params_or_default("scales", scales, Scales)
    if not isinstance(treatment, str) or treatment not in TREATMENTS:
        raise ValueError(f"treatment must be one of {TREATMENTS}, got {treatment!r}")
    if therapy is not None:
        check_instance("therapy", therapy, sm.Therapy)
    c = nw.context_value(context)
    e = ex.exposure(doses, t_end_h, c, cl_factor=pr.cl_factor,
                    ablate_spine_formation=ablate_spine_formation)
    scaled = replace(sp, sn_sensitivity=min(sp.sn_sensitivity * pr.network_sensitivity, 50.0),
                     dmn_sensitivity=min(sp.dmn_sensitivity * pr.network_sensitivity, 50.0))
    drug = treatment == "ketamine"
    drive = e.drive if drug else sm.no_drug(float(e.t_h[-1]))
    course = sm.simulate_drive(drive, therapy=therapy, relax=relax, params=scaled,
                               seed=seed, noise=noise)
    schedule = ph.dose_tuple(doses)
    first_h = min(d.start_min for d in schedule) / 60.0
    last_h = max(d.start_min + d.duration_min for d in schedule) / 60.0
    level = (op.active_placebo if treatment != "saline" else op.inert_placebo) \
        * pr.placebo_responsiveness
    n = oc.nonspecific_relief(e.t_h, level, first_h=first_h, onset_h=op.placebo_onset_h,
                              last_h=last_h, fade_h=op.placebo_fade_h)
    acute = np.minimum(1.0, op.acute_gain * pr.responsiveness * e.acute_action) if drug \
        else np.zeros_like(e.t_h)
    span = sp.support_evidence - sp.belief_start
    belief = (course.biographical_self - sp.belief_start) / span
    madrs = oc.madrs(pr.baseline_madrs, n, acute, belief, op, sc)
    return UnifiedCourse(
        t_h=e.t_h, exposure=e, self_model=course, nonspecific=n, acute=acute, madrs=madrs,
        cadss=oc.cadss(np.clip(course.dissociation, 0.0, 1.0), sc),
        ego_score=oc.ego_score(np.clip(course.ego_dissolution, 0.0, 1.0), sc),
        treatment=treatment, person=pr, outcome=op, scales=sc)
