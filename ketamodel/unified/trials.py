r"""Virtual trials: randomised arms, and outcomes reported as trials report them.

:func:`virtual_trial` draws a cohort (:func:`~ketamodel.unified.patients.patient_table`),
randomises it to arms in a given ratio, and runs each arm
(:func:`~ketamodel.unified.cohort.simulate_cohort`). :func:`compare` gives,
at one visit, what a paper's results table gives:

- the mean change from baseline in each arm with its 95 % confidence
  interval, and the difference between arms with Welch's interval;
- response (≥ 50 % fall) and remission (MADRS ≤ 10) rates with Wilson
  intervals, and the odds ratio of response with Woolf's interval;
- Cohen's :math:`d`, the difference in mean change over the pooled
  standard deviation of the change.

:data:`ARMS` holds the book's standard arms: a single standard infusion of
ketamine (0.5 mg/kg of the hydrochloride over 40 min) or a course of four
(twice a week, as in :cite:p:`wilkinson2017cognitive`), each with or without
psychotherapy, and the two placebos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import networks as nw
from .. import pharmacology as ph
from .. import selfmodel as sm
from ..params import check_instance, check_integer, check_scalar, params_or_default
from .cohort import VISITS_H, Arm, CohortCourse, simulate_cohort
from .params import CohortParams
from .patients import patient_table

_SINGLE = (ph.standard_infusion(),)
_COURSE = tuple(ph.repeated_infusions(4, 84.0))

#: The book's standard arms.
ARMS = {
    "ketamine": Arm("ketamine", "ketamine", _SINGLE),
    "ketamine + therapy": Arm("ketamine + therapy", "ketamine", _SINGLE, sm.Therapy()),
    "ketamine course": Arm("ketamine course", "ketamine", _COURSE),
    "ketamine course + therapy": Arm("ketamine course + therapy", "ketamine", _COURSE,
                                     sm.Therapy()),
    "midazolam": Arm("midazolam", "midazolam", _SINGLE),
    "saline": Arm("saline", "saline", _SINGLE),
    "saline + therapy": Arm("saline + therapy", "saline", _SINGLE, sm.Therapy()),
}


def arm(name: str) -> Arm:
    """One of :data:`ARMS` by name."""
    if not isinstance(name, str) or name not in ARMS:
        raise ValueError(f"name must be one of {tuple(ARMS)}, got {name!r}")
    return ARMS[name]


def _sequence(name: str, values: object, what: str) -> list:
    """``values`` as a list when it is a sequence (a list, a tuple, a 1-D array), else ValueError.

    A string (which would split into letters), a mapping, a set or a number is refused.
    """
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be a sequence of {what}, got an array of shape "
                             f"{values.shape}")
        return list(values)
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a sequence (a list or a tuple) of {what}, got "
                         f"{values!r:.80}")
    return list(values)


@dataclass(frozen=True)
class Trial:
    """A randomised virtual trial: its arms' cohorts, in the order given."""

    arms: tuple[CohortCourse, ...]
    seed: int

    def __getitem__(self, name: str) -> CohortCourse:
        for c in self.arms:
            if c.arm.name == name:
                return c
        raise ValueError(f"no arm named {name!r}; arms: {[c.arm.name for c in self.arms]}")


def virtual_trial(arms: Sequence[Arm | str], n: int, *, ratio: Sequence[int] | None = None,
                  seed: int = 0, context: float | str = "neutral",
                  t_end_h: float = sm.EIGHT_WEEKS_H, visits_h: Sequence[float] = VISITS_H,
                  cohort: CohortParams | None = None, **kwargs: object) -> Trial:
    """Randomise ``n`` virtual patients to ``arms`` in ``ratio`` and run every arm.

    Parameters
    ----------
    arms : sequence of Arm or str
        Arms, or names of :data:`ARMS`; at least two.
    n : int
        Patients in all, ≥ 2 per arm.
    ratio : sequence of int, optional
        Allocation ratio, one whole number in [1, 100] per arm (e.g. ``(2, 1)`` as in
        :cite:p:`murrough2013antidepressant`); equal by default. Patients are
        allocated by a random permutation.
    seed : int
        For the cohort, the allocation and every draw.
    context, t_end_h, visits_h, **kwargs
        As for :func:`~ketamodel.unified.cohort.simulate_cohort`.
    cohort : CohortParams, optional
    """
    what = f"Arm objects or names of ARMS {tuple(ARMS)}"
    arm_list = []
    for a in _sequence("arms", arms, what):
        if isinstance(a, str) and a in ARMS:
            arm_list.append(ARMS[a])
        elif isinstance(a, Arm):
            arm_list.append(a)
        else:
            raise ValueError(f"arms must hold {what}, got {a!r:.80}")
    if len(arm_list) < 2:
        raise ValueError(f"arms must hold at least two arms, got {len(arm_list)}")
    if len({a.name for a in arm_list}) != len(arm_list):
        raise ValueError("arms must have distinct names")
    total = check_integer("n", n, low=2 * len(arm_list), high=1_000_000)
    s = check_integer("seed", seed, low=0)
    weights = [1] * len(arm_list) if ratio is None else [
        check_integer("ratio", r, low=1, high=100)
        for r in _sequence("ratio", ratio, "whole numbers in [1, 100], one per arm")]
    if len(weights) != len(arm_list):
        raise ValueError(f"ratio must have one entry per arm ({len(arm_list)}), got "
                         f"{len(weights)}")
    nw.context_value(context)
    table = patient_table(total, s, params=params_or_default("cohort", cohort, CohortParams))
    counts = np.floor(total * np.asarray(weights) / sum(weights)).astype(int)
    counts[: total - counts.sum()] += 1
    if counts.min() < 2:
        raise ValueError(f"n ({total}) gives an arm fewer than 2 patients with ratio {weights}")
    order = np.random.default_rng((s, 3)).permutation(total)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    runs = tuple(simulate_cohort(table.take(np.sort(order[bounds[k]:bounds[k + 1]])), a,
                                 context=context, t_end_h=t_end_h, visits_h=visits_h, seed=s,
                                 **kwargs)  # type: ignore[arg-type]
                 for k, a in enumerate(arm_list))
    return Trial(arms=runs, seed=s)


@dataclass(frozen=True)
class ArmSummary:
    """One arm at one visit."""

    name: str
    n: int
    baseline_mean: float
    change_mean: float
    change_ci: tuple[float, float]
    change_sd: float
    response_rate: float
    response_ci: tuple[float, float]
    remission_rate: float
    remission_ci: tuple[float, float]


@dataclass(frozen=True)
class Comparison:
    """A treated arm against a control at one visit, as a results table gives it.

    ``difference`` is the treated arm's mean fall minus the control's (points;
    positive favours the treated arm), with Welch's 95 % interval; ``cohens_d``
    uses the pooled SD of the change; ``odds_ratio`` is of response, with
    Woolf's interval (0.5 added to every cell when one is empty).
    """

    visit_h: float
    treated: ArmSummary
    control: ArmSummary
    difference: float
    difference_ci: tuple[float, float]
    cohens_d: float
    odds_ratio: float
    odds_ratio_ci: tuple[float, float]


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson's interval for a proportion ``k/n`` (95 % with the default ``z``).

    ``n`` is a whole number ≥ 1, ``k`` a whole number in [0, n], ``z`` > 0.
    """
    count = check_integer("n", n, low=1)
    hits = check_integer("k", k, low=0, high=count)
    z = check_scalar("z", z, low=0.0, low_open=True, high=10.0)
    p = hits / count
    n = count
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def summarise(course: CohortCourse, visit_h: float) -> ArmSummary:
    """Mean change, response and remission of one arm at ``visit_h``."""
    c = check_instance("course", course, CohortCourse)
    score = c.at(visit_h)
    change = c.baseline - score
    n = change.size
    sd = float(change.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    resp = int(np.sum(score <= (1.0 - c.scales.response_fall) * c.baseline))
    rem = int(np.sum(score <= c.scales.remission_madrs))
    return ArmSummary(name=c.arm.name, n=n, baseline_mean=float(c.baseline.mean()),
                      change_mean=float(change.mean()),
                      change_ci=(float(change.mean()) - half, float(change.mean()) + half),
                      change_sd=sd, response_rate=resp / n, response_ci=wilson(resp, n),
                      remission_rate=rem / n, remission_ci=wilson(rem, n))


def compare(treated: CohortCourse, control: CohortCourse, visit_h: float = 24.0) -> Comparison:
    """The treated arm against the control at ``visit_h`` (see :class:`Comparison`)."""
    check_scalar("visit_h", visit_h, low=0.0, high=1e5)
    a, b = summarise(treated, visit_h), summarise(control, visit_h)
    ca = treated.baseline - treated.at(visit_h)
    cb = control.baseline - control.at(visit_h)
    va, vb = ca.var(ddof=1) / ca.size, cb.var(ddof=1) / cb.size
    diff = float(ca.mean() - cb.mean())
    se = float(np.sqrt(va + vb))
    dof = (va + vb) ** 2 / (va * va / (ca.size - 1) + vb * vb / (cb.size - 1)) if se > 0 else 1.0
    half = float(stats.t.ppf(0.975, dof) * se)
    pooled = np.sqrt(((ca.size - 1) * ca.var(ddof=1) + (cb.size - 1) * cb.var(ddof=1))
                     / (ca.size + cb.size - 2))
    cells = np.array([a.response_rate * a.n, (1 - a.response_rate) * a.n,
                      b.response_rate * b.n, (1 - b.response_rate) * b.n])
    cells = np.rint(cells)
    if np.any(cells == 0):
        cells = cells + 0.5
    odds = float(cells[0] * cells[3] / (cells[1] * cells[2]))
    log_se = float(np.sqrt(np.sum(1.0 / cells)))
    return Comparison(
        visit_h=float(visit_h), treated=a, control=b, difference=diff,
        difference_ci=(diff - half, diff + half),
        cohens_d=float(diff / pooled) if pooled > 0 else float("nan"), odds_ratio=odds,
        odds_ratio_ci=(odds * float(np.exp(-1.959964 * log_se)),
                       odds * float(np.exp(1.959964 * log_se))))


@dataclass(frozen=True)
class Replicates:
    """Many virtual trials of a given size, drawn from two large arms, at one visit.

    Attributes
    ----------
    difference : ndarray
        Mean fall, treated minus control, per replicate (points).
    response_treated, response_control : ndarray
        Response rates per replicate.
    n_treated, n_control : int
    visit_h : float
    """

    difference: np.ndarray
    response_treated: np.ndarray
    response_control: np.ndarray
    n_treated: int
    n_control: int
    visit_h: float


def replicate(treated: CohortCourse, control: CohortCourse, n_treated: int, n_control: int,
              *, n_rep: int = 2000, visit_h: float = 24.0, seed: int = 0) -> Replicates:
    """Trials of ``n_treated`` and ``n_control`` patients, drawn without replacement from two arms.

    What a trial of that size could have found if the model were true: each
    replicate takes different virtual patients from arms much larger than
    the trial.
    """
    t = check_instance("treated", treated, CohortCourse)
    c = check_instance("control", control, CohortCourse)
    nt = check_integer("n_treated", n_treated, low=2, high=len(t.table))
    nc = check_integer("n_control", n_control, low=2, high=len(c.table))
    reps = check_integer("n_rep", n_rep, low=1, high=100_000)
    rng = np.random.default_rng((check_integer("seed", seed, low=0), 5))
    out = np.empty((3, reps))
    arms = []
    for course in (t, c):
        score = course.at(visit_h)
        arms.append((course.baseline - score,
                     score <= (1.0 - course.scales.response_fall) * course.baseline))
    for k in range(reps):
        it = rng.choice(len(t.table), nt, replace=False)
        ic = rng.choice(len(c.table), nc, replace=False)
        out[0, k] = arms[0][0][it].mean() - arms[1][0][ic].mean()
        out[1, k] = arms[0][1][it].mean()
        out[2, k] = arms[1][1][ic].mean()
    return Replicates(difference=out[0], response_treated=out[1], response_control=out[2],
                      n_treated=nt, n_control=nc, visit_h=float(visit_h))
