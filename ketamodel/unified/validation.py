r"""Published results the model was not tuned to: how the calibrated model fares against them.

The calibration (:mod:`~ketamodel.unified.calibration`) sees only the 24-h
results of two trials. Everything else the cohort shows is a prediction, and
:data:`VALIDATION_POINTS` holds published results to hold it against, none of
them used in the fit:

- how the effect against placebo runs over time, from a meta-analysis of
  single infusions (:cite:t:`kishimoto2016singledose`: it peaks at day 1,
  Hedges' :math:`g = -1.00`, and is lost by days 10-12) and from trial B at
  one week (:cite:t:`zarate2006randomized`: :math:`d = 0.68`, 0.13-1.23);
- response and remission in ketamine arms at 24 h, 72 h and day 7, pooled
  over nine trials (:cite:t:`han2016efficacy`);
- how long a response to one infusion lasts (:cite:t:`ibrahim2012course`:
  27 % of responders had not relapsed at 4 weeks) and to a course of six
  (:cite:t:`murrough2013rapid`: median 18 days to relapse after the last).

:func:`validate` runs the cohort for each and says whether the model's
number lies within the published interval (or, for a pooled rate reported
without one, within ±0.10, an *assumed* tolerance). A miss is reported, not
tuned away: the misses say which of the earlier chapters' assumptions the
clinical record disagrees with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import pharmacology as ph
from ..params import check_integer
from .cohort import Arm, CohortCourse, simulate_cohort
from .patients import patient_table
from .trials import ARMS

#: The tolerance for a pooled rate reported without an interval (assumed), share.
RATE_TOLERANCE = 0.10

#: Visits of the validation arms in hours (baseline, 24 h, 72 h, day 7, day 11, 4 and 6 weeks).
VALIDATION_VISITS_H = (0.0, 24.0, 72.0, 168.0, 264.0, 672.0, 1008.0)

#: A course of six infusions over 12 days, Monday-Wednesday-Friday (murrough2013rapid).
SIX_INFUSIONS = (0.0, 48.0, 96.0, 168.0, 216.0, 264.0)


@dataclass(frozen=True)
class ValidationPoint:
    """One published result the model was not fitted to.

    ``low`` and ``high`` bound the published 95 % interval, or the value
    ± :data:`RATE_TOLERANCE` when none was published (``interval`` says which).
    """

    name: str
    key: str
    value: float
    low: float
    high: float
    unit: str
    interval: str


def _rate(name: str, key: str, value: float) -> ValidationPoint:
    return ValidationPoint(name, key, value, value - RATE_TOLERANCE, value + RATE_TOLERANCE,
                           "share", f"assumed ±{RATE_TOLERANCE:g}")


#: The published results (each sentence is in the abstract of its source).
VALIDATION_POINTS = (
    ValidationPoint("effect against placebo at day 1 (Hedges g; > 0 favours ketamine)",
                    "kishimoto2016singledose", 1.00, 0.73, 1.28, "1", "95 % CI"),
    ValidationPoint("effect against saline at day 7 (d, HDRS)", "zarate2006randomized",
                    0.68, 0.13, 1.23, "1", "95 % CI"),
    ValidationPoint("effect against placebo lost by days 10-12 (d at day 11)",
                    "kishimoto2016singledose", 0.0, -0.3, 0.3, "1",
                    "assumed: a d of less than 0.3 in size counts as lost"),
    _rate("response in ketamine arms at 24 h", "han2016efficacy", 0.522),
    _rate("response in ketamine arms at 72 h", "han2016efficacy", 0.479),
    _rate("response in ketamine arms at day 7", "han2016efficacy", 0.398),
    _rate("remission in ketamine arms at 24 h", "han2016efficacy", 0.206),
    _rate("remission in ketamine arms at day 7", "han2016efficacy", 0.262),
    _rate("responders to one infusion not relapsed at 4 weeks", "ibrahim2012course", 0.27),
    ValidationPoint("median days to relapse after six infusions (responders)",
                    "murrough2013rapid", 18.0, 18.0 - 7.0, 18.0 + 7.0, "days",
                    "assumed ±7 days (no interval in the abstract)"),
)


@dataclass(frozen=True)
class Validation:
    """The model's value for each validation point (same order) and whether it falls inside."""

    points: tuple[ValidationPoint, ...]
    model: tuple[float, ...]
    inside: tuple[bool, ...]

    @property
    def share_inside(self) -> float:
        """Share of the points the model meets."""
        return float(np.mean(self.inside))

    def row(self, name: str) -> tuple[ValidationPoint, float, bool]:
        """One point with the model's value, by name."""
        for p, m, ok in zip(self.points, self.model, self.inside, strict=True):
            if p.name == name:
                return p, m, ok
        raise ValueError(f"name must be one of {tuple(p.name for p in self.points)}, "
                         f"got {name!r}")


def _d(a: CohortCourse, b: CohortCourse, k: int) -> float:
    fa, fb = a.baseline - a.madrs[:, k], b.baseline - b.madrs[:, k]
    pooled = np.sqrt((fa.var(ddof=1) + fb.var(ddof=1)) / 2)
    return float((fa.mean() - fb.mean()) / pooled) if pooled > 0 else float("nan")


def _kept_at(c: CohortCourse, first_h: float, after_h: float) -> float:
    kept = c.response_kept(first_h)
    k = int(np.argmin(np.abs(kept.t_h - after_h)))
    return float(kept.share[k])


def _median_kept_days(c: CohortCourse, first_h: float) -> float:
    """First visit at which half the responders have lost response, days after ``first_h``."""
    kept = c.response_kept(first_h)
    below = np.flatnonzero(kept.share <= 0.5)
    return float(kept.t_h[below[0]] / 24.0) if below.size else float("inf")


def validate(n: int = 1000, seed: int = 0) -> Validation:
    """Run the cohort for every validation point (a few seconds for 1000 people)."""
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    v = VALIDATION_VISITS_H
    k = {"ketamine": simulate_cohort(table, ARMS["ketamine"], seed=seed, visits_h=v),
         "saline": simulate_cohort(table, ARMS["saline"], seed=seed + 1, visits_h=v)}
    six = Arm("six infusions", "ketamine",
              tuple(ph.Dose(ph.standard_infusion().dose_mg_per_kg, "iv", start_min=60.0 * t,
                            duration_min=40.0) for t in SIX_INFUSIONS))
    last = float(np.ceil(six.last_h))
    six_visits = (0.0, *(last + np.array([24.0, 72.0, 168.0, 336.0, 504.0, 672.0, 840.0])))
    course = simulate_cohort(table, six, seed=seed, visits_h=six_visits,
                             t_end_h=float(np.ceil(six_visits[-1])))
    ket = k["ketamine"]
    idx = {h: i for i, h in enumerate(v)}
    resp = {h: float(np.mean(ket.madrs[:, idx[h]] <= 0.5 * ket.baseline)) for h in v[1:]}
    rem = {h: float(np.mean(ket.madrs[:, idx[h]] <= ket.scales.remission_madrs)) for h in v[1:]}
    model = (
        _d(ket, k["saline"], idx[24.0]), _d(ket, k["saline"], idx[168.0]),
        _d(ket, k["saline"], idx[264.0]),
        resp[24.0], resp[72.0], resp[168.0], rem[24.0], rem[168.0],
        _kept_at(ket, 24.0, 672.0 - 24.0),
        _median_kept_days(course, last + 24.0) + 1.0,
    )
    inside = tuple(bool(p.low <= m <= p.high) for p, m in zip(VALIDATION_POINTS, model,
                                                               strict=True))
    return Validation(points=VALIDATION_POINTS, model=tuple(map(float, model)), inside=inside)
