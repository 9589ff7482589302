r"""A virtual cohort: people who differ, each run through every level of the model.

A :class:`~ketamodel.unified.patients.PatientTable`
(:mod:`~ketamodel.unified.patients`) holds, per person, what makes them
differ. The cohort is a pure function of the table, the arm and a seed:
every draw depends only on the seed and the person's id, so a table run in
parts gives the same numbers as run whole.

:func:`simulate_cohort` runs one arm of treatment for a table, all at once:

1. Exposures (:mod:`~ketamodel.unified.levels`) are computed at a few
   clearances (:data:`~ketamodel.unified.levels.CL_NODES`) and contexts
   (:data:`~ketamodel.unified.levels.CONTEXT_NODES`); each person's hourly
   course is interpolated between the two clearances around theirs (linear in
   log clearance) and their disintegration between the four nodes around
   them.
2. A person's network sensitivity :math:`s` turns Chapter 4's disintegration
   :math:`D` into :math:`D' = 1 - (1 - D)^s`, so the factor on their priors is
   :math:`(1 - D)^{g s}`.
3. The self-model of everyone at once
   (:func:`~ketamodel.selfmodel.batch.simulate_batch`), with the person's own
   noise.
4. The outcome layer (:mod:`~ketamodel.unified.outcome`): expected MADRS each
   hour, ratings at the visits, CADSS and ego-dissolution peaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import networks as nw
from .. import pharmacology as ph
from .. import selfmodel as sm
from ..params import check_array, check_instance, check_integer, check_scalar, params_or_default
from . import levels as ex
from . import outcome as oc
from .params import OutcomeParams, Scales
from .patients import PatientTable, _whole_numbers, block_normals

#: Treatments an arm can give (the drug, an active placebo, an inert one).
TREATMENTS = ("ketamine", "midazolam", "saline")

#: Default visits in hours (baseline, 4 h, day 1, day 3, then weekly to week 8).
VISITS_H = (0.0, 4.0, 24.0, 72.0, 168.0, 336.0, 504.0, 672.0, 840.0, 1008.0, 1176.0, 1344.0)


@dataclass(frozen=True)
class Arm:
    """One arm of a trial: a treatment on a schedule, with or without psychotherapy.

    Attributes
    ----------
    name : str
    treatment : str
        ``"ketamine"``, ``"midazolam"`` (an active placebo: felt, but no NMDA
        block in the model) or ``"saline"`` (:data:`TREATMENTS`).
    doses : tuple of Dose
        The schedule; for a placebo, the times of its infusions.
    therapy : Therapy or None
    """

    name: str
    treatment: str
    doses: tuple[ph.Dose, ...]
    therapy: sm.Therapy | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.treatment, str) or self.treatment not in TREATMENTS:
            raise ValueError(f"treatment must be one of {TREATMENTS}, got {self.treatment!r}")
        object.__setattr__(self, "doses", ph.dose_tuple(self.doses))
        if self.therapy is not None:
            check_instance("therapy", self.therapy, sm.Therapy)

    @property
    def felt(self) -> bool:
        """Whether the treatment is felt (ketamine, midazolam); it sets the non-specific relief."""
        return self.treatment != "saline"

    @property
    def first_h(self) -> float:
        """Start of the first infusion, h."""
        return min(d.start_min for d in self.doses) / 60.0

    @property
    def last_h(self) -> float:
        """End of the last infusion, h."""
        return max(d.start_min + d.duration_min for d in self.doses) / 60.0


@dataclass(frozen=True)
class CohortCourse:
    r"""One arm's cohort over the course (rows: people).

    Attributes
    ----------
    arm : Arm
    table : PatientTable
    t_h : ndarray
        End of each hour, h.
    madrs_expected : ndarray
        Expected MADRS each hour, (people, hours).
    visits_h : ndarray
    madrs : ndarray
        Ratings at the visits, whole points, (people, visits); column 0 is baseline.
    acute_action, belief_revision, revision : ndarray
        :math:`A`, :math:`s` and the consolidated revision, (people, hours).
    cadss_peak, ego_peak : ndarray
        Highest hourly CADSS-range and ego-dissolution scores, per person.
    occupancy_auc : ndarray
        Area under the hourly occupancy, h (a person's exposure).
    context : ndarray
        Each person's context.
    outcome : OutcomeParams
    scales : Scales
    """

    arm: Arm
    table: PatientTable
    t_h: np.ndarray
    madrs_expected: np.ndarray
    visits_h: np.ndarray
    madrs: np.ndarray
    acute_action: np.ndarray
    belief_revision: np.ndarray
    revision: np.ndarray
    cadss_peak: np.ndarray
    ego_peak: np.ndarray
    occupancy_auc: np.ndarray
    context: np.ndarray
    outcome: OutcomeParams
    scales: Scales

    def at(self, visit_h: float) -> np.ndarray:
        """Ratings at the visit ``visit_h`` (one of :attr:`visits_h`, h)."""
        hits = np.flatnonzero(np.isclose(self.visits_h,
                                         check_scalar("visit_h", visit_h, low=0.0)))
        if hits.size == 0:
            raise ValueError(f"visit_h must be one of the visits {tuple(self.visits_h)}, "
                             f"got {visit_h!r}")
        return self.madrs[:, hits[0]]

    @property
    def baseline(self) -> np.ndarray:
        """Ratings at baseline."""
        return self.madrs[:, 0]

    def response_kept(self, from_visit_h: float) -> ResponseKept:
        """Among people responding at the visit ``from_visit_h``, the share still responding.

        Judged on the ratings, at the visits, as a trial judges it: a person
        keeps their response until the first later visit at which their
        rating is above half their baseline (loss of response), and is not
        counted again if they respond later. Everyone is followed to the
        last visit, so the only censoring is at the end and this share is the
        Kaplan-Meier estimate. The restricted mean time kept
        (:attr:`ResponseKept.rmst_days`) is the area under the step curve.
        """
        hits = np.flatnonzero(np.isclose(self.visits_h, check_scalar("from_visit_h",
                                                                     from_visit_h, low=0.0)))
        if hits.size == 0 or hits[0] == 0:
            raise ValueError(f"from_visit_h must be one of the visits after baseline "
                             f"{tuple(self.visits_h[1:])}, got {from_visit_h!r}")
        k = int(hits[0])
        ok = oc.responded(self.baseline[:, None], self.madrs[:, k:], self.scales)
        responders = ok[:, 0]
        return ResponseKept(t_h=self.visits_h[k:] - self.visits_h[k],
                            kept=np.logical_and.accumulate(ok[responders], axis=1),
                            responders=responders)


@dataclass(frozen=True)
class ResponseKept:
    """Who keeps their response, visit by visit (see :meth:`CohortCourse.response_kept`).

    Attributes
    ----------
    t_h : ndarray
        Hours since the first visit counted (0 first).
    kept : ndarray of bool
        Per responder (rows, in the order of the table) and visit: still responding.
    responders : ndarray of bool
        Who responded at the first visit, per person of the table.
    """

    t_h: np.ndarray
    kept: np.ndarray
    responders: np.ndarray

    @property
    def n_responders(self) -> int:
        """Number of responders at the first visit."""
        return int(self.responders.sum())

    @property
    def share(self) -> np.ndarray:
        """Share of responders still responding at each visit (NaN if nobody responded)."""
        if self.kept.shape[0] == 0:
            return np.full(self.t_h.size, np.nan)
        return self.kept.mean(axis=0)

    @property
    def rmst_days(self) -> float:
        """Restricted mean time the response is kept, days, up to the last visit (step curve).

        NaN if nobody responded (and there is more than one visit).
        """
        if self.kept.shape[0] == 0:
            return float(np.sum(self.share[:-1] * np.diff(self.t_h)) / 24.0)
        return rmst_days(self.t_h, self.share)

    def resampled_rmst_days(self, people: np.ndarray) -> float:
        """:attr:`rmst_days` among the responders of ``people`` (a bootstrap resample).

        ``people`` are positions in the table, whole numbers in [0, n) for a
        table of n people; repeats are allowed. NaN if none of them responded.
        """
        idx = _whole_numbers("people", people, high=self.responders.size)
        rows = (np.cumsum(self.responders) - 1)[idx]
        rows = rows[self.responders[idx]]
        if rows.size == 0:
            return float("nan")
        return rmst_days(self.t_h, self.kept[rows].mean(axis=0))


def rmst_days(t_h: np.ndarray, share: np.ndarray) -> float:
    """Area under a step curve judged at visits (``share[k]`` holds until ``t_h[k + 1]``), days.

    ``t_h`` (h, ≥ 0, never decreasing) and ``share`` (in [0, 1]) are 1-D, of
    one length, at least 1.
    """
    t = check_array("t_h", t_h, low=0.0, ndim=1)
    s = check_array("share", share, low=0.0, high=1.0, ndim=1)
    if t.size < 1:
        raise ValueError("t_h must hold at least one visit, got none")
    if s.size != t.size:
        raise ValueError(f"share must have one value per visit of t_h ({t.size}), got {s.size}")
    if np.any(np.diff(t) < 0):
        raise ValueError("t_h must never decrease (visits in order), got "
                         f"{tuple(float(v) for v in t[:8])}")
    return float(np.sum(s[:-1] * np.diff(t)) / 24.0)


def _check_clearance(tb: PatientTable) -> None:
    """Refuse clearances outside the exposure nodes, rather than clip them."""
    lo, hi = float(ex.CL_NODES[0]), float(ex.CL_NODES[-1])
    bad = (tb.cl_factor < lo - 1e-12) | (tb.cl_factor > hi + 1e-12)
    if np.any(bad):
        raise ValueError(f"table.cl_factor must lie in [{lo:g}, {hi:g}] (the exposure nodes), "
                         f"got {float(tb.cl_factor[bad][0]):g}")


def _brackets(x: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the node below each x and the weight of the node above (nodes increasing)."""
    xs = np.clip(x, nodes[0], nodes[-1])
    j = np.clip(np.searchsorted(nodes, xs, side="right") - 1, 0, nodes.size - 2)
    return j, (xs - nodes[j]) / (nodes[j + 1] - nodes[j])


def simulate_cohort(table: PatientTable, arm: Arm, *, context: float | str = "neutral",
                    t_end_h: float = sm.EIGHT_WEEKS_H, visits_h: Sequence[float] = VISITS_H,
                    outcome: OutcomeParams | None = None,
                    selfmodel_params: sm.SelfModelParams | None = None,
                    relax: str = "both", ablate_spine_formation: bool = False,
                    scales: Scales | None = None, seed: int = 0,
                    noise: bool = True) -> CohortCourse:
    """One arm for every person of ``table``: a pure function of the table, the arm and the seed.

    Parameters
    ----------
    table : PatientTable
    arm : Arm
    context : float or str
        The protocol's setting; each person's is it plus their offset.
    t_end_h : float
        Length, whole hours.
    visits_h : sequence of float
        When ratings are taken, h, from 0 (baseline) to ``t_end_h``.
    outcome : OutcomeParams, optional
    selfmodel_params : SelfModelParams, optional
        Its sensitivities are scaled by each person's network sensitivity.
    relax : str
        Which self-model levels follow their network (``"both"``, ``"SN"``, ``"DMN"``,
        ``"none"``).
    ablate_spine_formation : bool
        Chapter 3's experiment, for every person.
    scales : Scales, optional
    seed : int
        For the ratings and the self-model's inputs; person ``i`` draws with ``(seed, i)``.
    noise : bool
        False: inputs and ratings at their expected values (ratings still rounded).
    """
    tb = check_instance("table", table, PatientTable)
    a = check_instance("arm", arm, Arm)
    c0 = nw.context_value(context)
    end = ex.check_t_end(t_end_h)
    visits = check_array("visits_h", visits_h, low=0.0, high=end, ndim=1)
    if visits.size < 1 or visits[0] != 0.0 or np.any(np.diff(visits) <= 0):
        raise ValueError("visits_h must start at 0 (baseline) and increase strictly")
    if np.any(np.rint(visits) != visits):
        raise ValueError(f"visits_h must be whole hours (the model's hours end on them), got "
                         f"{tuple(float(v) for v in visits[np.rint(visits) != visits])}")
    op = params_or_default("outcome", outcome, OutcomeParams)
    sp = params_or_default("selfmodel_params", selfmodel_params, sm.SelfModelParams)
    sc = params_or_default("scales", scales, Scales)
    s = check_integer("seed", seed, low=0)
    if not isinstance(relax, str) or relax not in sm.RELAX:
        raise ValueError(f"relax must be one of {sm.RELAX}, got {relax!r}")
    if not isinstance(noise, bool):
        raise ValueError(f"noise must be True or False, got {noise!r}")
    _check_clearance(tb)
    n_people, n_hours = len(tb), int(end)
    t_h = np.arange(1, n_hours + 1, dtype=float)
    ctx = np.clip(c0 + tb.context_offset, -1.0, 1.0)
    if a.treatment == "ketamine":
        hourly, sn, dmn = _drug_courses(tb, a.doses, end, ctx, sp, relax,
                                        ablate_spine_formation)
        acute_action, window, occupancy = hourly
    else:
        acute_action = np.zeros((n_people, n_hours))
        occupancy = acute_action
        window = np.ones((n_people, n_hours))
        sn = dmn = window
    z = block_normals(s, 1, tb.patient_id, 2 * n_hours).reshape(-1, 2, n_hours) if noise \
        else None
    course = sm.simulate_batch(sn, dmn, window, therapy=a.therapy, params=sp, innovations=z)
    u = oc.responsiveness(tb.responsiveness_z, op.responsiveness_sd)
    e = oc.responsiveness(tb.placebo_z, op.responsiveness_sd)
    level = (op.active_placebo if a.felt else op.inert_placebo) * e
    n_rel = oc.nonspecific_relief(t_h[None, :], level[:, None], first_h=a.first_h,
                                  onset_h=op.placebo_onset_h, last_h=a.last_h,
                                  fade_h=op.placebo_fade_h)
    expected = oc.madrs(tb.baseline_madrs[:, None], n_rel,
                        op.acute_gain * u[:, None] * acute_action,
                        course.belief_revision, op, sc)
    ratings = _ratings(tb, expected, t_h, visits, op, s, noise, sc)
    return CohortCourse(
        arm=a, table=tb, t_h=t_h, madrs_expected=expected, visits_h=visits, madrs=ratings,
        acute_action=acute_action, belief_revision=course.belief_revision,
        revision=course.revision,
        cadss_peak=oc.cadss(np.clip(course.dissociation.max(axis=1), 0.0, 1.0), sc),
        ego_peak=oc.ego_score(np.clip(course.ego_dissolution.max(axis=1), 0.0, 1.0), sc),
        occupancy_auc=occupancy.sum(axis=1), context=ctx, outcome=op, scales=sc)


@dataclass(frozen=True)
class AcuteState:
    """The acute experience of each person of a table after a schedule (no outcome layer).

    Attributes
    ----------
    table : PatientTable
    cadss_peak, ego_peak : ndarray
        Highest hourly CADSS-range (0-92) and ego-dissolution (0-100) scores.
    occupancy_auc : ndarray
        Area under the hourly occupancy, h.
    context : ndarray
    """

    table: PatientTable
    cadss_peak: np.ndarray
    ego_peak: np.ndarray
    occupancy_auc: np.ndarray
    context: np.ndarray


def acute_state(table: PatientTable, doses: object, *, context: float | str = "neutral",
                t_end_h: float = 72.0, selfmodel_params: sm.SelfModelParams | None = None,
                relax: str = "both", scales: Scales | None = None) -> AcuteState:
    """Peak dissociation and ego dissolution of every person, without the outcome layer.

    The same chain as :func:`simulate_cohort` up to the self-model's indices
    (which do not depend on the inputs' noise or on therapy), over the first
    ``t_end_h`` hours; it does not need Chapter 2's reward course, so it is quick
    for maps over dose and setting.
    """
    tb = check_instance("table", table, PatientTable)
    c0 = nw.context_value(context)
    end = ex.check_t_end(t_end_h)
    sp = params_or_default("selfmodel_params", selfmodel_params, sm.SelfModelParams)
    sc = params_or_default("scales", scales, Scales)
    if not isinstance(relax, str) or relax not in sm.RELAX:
        raise ValueError(f"relax must be one of {sm.RELAX}, got {relax!r}")
    _check_clearance(tb)
    ctx = np.clip(c0 + tb.context_offset, -1.0, 1.0)
    (_, window, occupancy), sn, dmn = _drug_courses(tb, ph.dose_tuple(doses), end, ctx, sp,
                                                    relax, False, acute=False)
    course = sm.simulate_batch(sn, dmn, window, params=sp)
    return AcuteState(
        table=tb, cadss_peak=oc.cadss(np.clip(course.dissociation.max(axis=1), 0.0, 1.0), sc),
        ego_peak=oc.ego_score(np.clip(course.ego_dissolution.max(axis=1), 0.0, 1.0), sc),
        occupancy_auc=occupancy.sum(axis=1), context=ctx)


def _ratings(tb: PatientTable, expected: np.ndarray, t_h: np.ndarray, visits: np.ndarray,
             op: OutcomeParams, seed: int, noise: bool, sc: Scales) -> np.ndarray:
    at = np.concatenate([tb.baseline_madrs[:, None],
                         expected[:, np.clip(np.rint(visits[1:]).astype(int) - 1, 0,
                                             t_h.size - 1)]], axis=1)
    if not noise:
        return oc.rate(at, 0.0, op.visit_sd, sc)
    return oc.rate(at, block_normals(seed, 2, tb.patient_id, visits.size), op.visit_sd, sc)


def _drug_courses(tb: PatientTable, doses: tuple[ph.Dose, ...], end: float, ctx: np.ndarray,
                  sp: sm.SelfModelParams, relax: str, ablate: bool, acute: bool = True
                  ) -> tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """Each person's hourly courses and their factors on the priors (see the module)."""
    log_nodes = np.log(ex.CL_NODES)
    i, wi = _brackets(np.log(tb.cl_factor), log_nodes)
    j, wj = _brackets(ctx, ex.CONTEXT_NODES)
    cache: dict[tuple[int, int], ex.Exposure] = {}

    def node(ci: int, cj: int) -> ex.Exposure:
        if (ci, cj) not in cache:
            cache[(ci, cj)] = ex.exposure(doses, end, float(ex.CONTEXT_NODES[cj]),
                                          cl_factor=float(ex.CL_NODES[ci]),
                                          ablate_spine_formation=ablate)
        return cache[(ci, cj)]

    # hourly courses depend on clearance only: interpolate between the two clearances
    n_hours = int(end)
    hourly = tuple(np.zeros((len(tb), n_hours)) for _ in range(3))
    for ci in np.unique(np.concatenate([i, i + 1])):
        e = node(int(ci), int(j[0]))
        lo, hi = i == ci, i + 1 == ci
        for k, name in enumerate(("acute_action", "window", "occupancy")):
            if k == 0 and not acute:
                continue
            v = getattr(e, name)
            hourly[k][lo] += (1.0 - wi[lo])[:, None] * v
            hourly[k][hi] += wi[hi][:, None] * v
    fine_t = node(int(i[0]), int(j[0])).drive.fine_t_h
    factors = []
    for level, name in (("SN", "fine_sn"), ("DMN", "fine_dmn")):
        if relax not in ("both", level):
            factors.append(np.ones((len(tb), n_hours)))
            continue
        d = np.zeros((len(tb), fine_t.size))
        for di in (0, 1):
            for dj in (0, 1):
                w = (wi if di else 1.0 - wi) * (wj if dj else 1.0 - wj)
                for ci, cj in {(int(a), int(b)) for a, b in zip(i + di, j + dj, strict=True)}:
                    rows = (i + di == ci) & (j + dj == cj)
                    fine = getattr(node(ci, cj).drive, name)
                    if fine.size != fine_t.size:
                        fine = np.interp(fine_t, node(ci, cj).drive.fine_t_h, fine)
                    d[rows] += w[rows, None] * fine
        g = (sp.sn_sensitivity if level == "SN" else sp.dmn_sensitivity) * tb.network_sensitivity
        factors.append(sm.batch_factors(fine_t, np.clip(d, -1.0, 0.99),
                                        np.clip(g, 0.0, 50.0), n_hours))
    return hourly, factors[0], factors[1]
