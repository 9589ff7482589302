r"""Published results the model was not tuned to: how the calibrated model fares against them.

The calibration (:mod:`~ketamodel.unified.calibration`) sees only the 24-h
results of two trials. Everything else the cohort shows is a prediction, and
:data:`VALIDATION_POINTS` holds published results to hold it against:

- how the effect against placebo runs over time, from a meta-analysis of
  single infusions in unipolar and bipolar depression
  (:cite:t:`kishimoto2016singledose`: it peaks at day 1, Hedges'
  :math:`g = -1.00`, and is lost by days 10-12) and from trial B at one
  week (:cite:t:`zarate2006randomized`: :math:`d = 0.68`, 0.13-1.23);
- response in ketamine arms at 24 h, 72 h and day 7, pooled over nine
  trials (:cite:t:`han2016efficacy`);
- response at day 2 or 3 in a midazolam-controlled trial whose baseline the
  cohort borrows (:cite:t:`su2023randomized`: 15 of 42 against 5 of 42);
- how long a response to one infusion lasts (:cite:t:`ibrahim2012course`:
  27 % of responders had not relapsed at 4 weeks; mean time to relapse
  13.2 days, SE 2.2) and to a course of six (:cite:t:`murrough2013rapid`:
  median 18 days to relapse after the last).

Some of these share patients with the calibration: the meta-analyses may
include trials A and B, and Zarate's day-7 result is trial B's. A point whose
value is, in effect, a calibration point is shown but not counted
(``counted=False``); the others are counted, with the overlap stated.
Effects against placebo are compared with the model's mean of its effects
against saline and against midazolam (the meta-analysis pooled both kinds of
control; an equal mix is *assumed*). Remission is not compared, since the
pooled trials used different scales and cut-offs.

:func:`validate` runs the cohort for each and says whether the model's
number lies within the published 95 % interval, or within an *assumed*
tolerance where none was published. A miss is reported, not tuned away.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import pharmacology as ph
from ..params import check_integer
from .cohort import Arm, CohortCourse, rmst_days, simulate_cohort
from .patients import patient_table
from .trials import ARMS

#: The tolerance for a pooled rate reported without an interval (assumed), share.
RATE_TOLERANCE = 0.10

#: A d no longer significant in a meta-analysis of 234 patients (1.96 x the SE of d for two arms
#: of 117), below which an effect counts as lost.
LOST_D = 1.959964 * float(np.sqrt(2.0 / 117.0))

#: Visits of the validation arms in hours (baseline, 24 h, 48 h, 72 h, days 7, 11, 14, 21 and 28).
VALIDATION_VISITS_H = (0.0, 24.0, 48.0, 72.0, 168.0, 264.0, 336.0, 504.0, 672.0)

#: A course of six infusions over 12 days, Monday-Wednesday-Friday (murrough2013rapid).
SIX_INFUSIONS = (0.0, 48.0, 96.0, 168.0, 216.0, 264.0)


@dataclass(frozen=True)
class ValidationPoint:
    """One published result the model was not fitted to.

    ``low`` and ``high`` bound the published 95 % interval, or an assumed
    tolerance when none was published (``interval`` says which);
    ``counted`` is False for a point that is, in effect, a calibration point;
    ``note`` says what it shares with the calibration or how it differs.
    """

    name: str
    key: str
    value: float
    low: float
    high: float
    unit: str
    interval: str
    counted: bool = True
    note: str = ""


def _rate(name: str, key: str, value: float, *, counted: bool = True,
          note: str = "") -> ValidationPoint:
    return ValidationPoint(name, key, value, value - RATE_TOLERANCE, value + RATE_TOLERANCE,
                           "share", f"assumed ±{RATE_TOLERANCE:g}", counted, note)


def _wilson(k: int, n: int) -> tuple[float, float]:
    from .trials import wilson

    return wilson(k, n)


_POOLED = "may include trials A and B"

#: The published results (each is in the abstract or the results table of its source).
VALIDATION_POINTS = (
    ValidationPoint("effect against placebo at day 1 (g)", "kishimoto2016singledose", 1.00,
                    0.73, 1.28, "1", "95 % CI", False,
                    "trial B's d at 24 h is fitted; " + _POOLED),
    ValidationPoint("effect against saline at day 7 (d, HDRS)", "zarate2006randomized",
                    0.68, 0.13, 1.23, "1", "95 % CI", True, "trial B, a week after its fit"),
    ValidationPoint("effect against placebo lost by days 10-12 (d at day 11)",
                    "kishimoto2016singledose", 0.0, -LOST_D, LOST_D, "1",
                    "assumed: below what 234 patients detect", True,
                    _POOLED + "; fewer patients contribute by days 10-12"),
    _rate("response in ketamine arms at 24 h", "han2016efficacy", 0.522, counted=False,
          note="the calibrated visit; " + _POOLED),
    _rate("response in ketamine arms at 72 h", "han2016efficacy", 0.479, note=_POOLED),
    _rate("response in ketamine arms at day 7", "han2016efficacy", 0.398, note=_POOLED),
    ValidationPoint("response at day 2 or 3, ketamine", "su2023randomized", 15 / 42,
                    *_wilson(15, 42), "share", "Wilson 95 %", True,
                    "TRD with suicidal ideation; the cohort's baseline"),
    ValidationPoint("response at day 2 or 3, midazolam", "su2023randomized", 5 / 42,
                    *_wilson(5, 42), "share", "Wilson 95 %", True,
                    "TRD with suicidal ideation"),
    _rate("responders to one infusion not relapsed at 4 weeks", "ibrahim2012course", 0.27),
    ValidationPoint("mean days to relapse after one infusion (responders, 4 weeks)",
                    "ibrahim2012course", 13.2, 13.2 - 1.959964 * 2.2, 13.2 + 1.959964 * 2.2,
                    "days", "95 %, SE 2.2"),
    ValidationPoint("median days to relapse after six infusions (responders)",
                    "murrough2013rapid", 18.0, 18.0 - 7.0, 18.0 + 7.0, "days",
                    "assumed ±7 days, none published"),
)


@dataclass(frozen=True)
class Validation:
    """The model's value for each validation point (same order) and whether it falls inside."""

    points: tuple[ValidationPoint, ...]
    model: tuple[float, ...]
    inside: tuple[bool, ...]

    @property
    def n_counted(self) -> int:
        """Points that count (not, in effect, calibration points)."""
        return sum(p.counted for p in self.points)

    @property
    def n_met(self) -> int:
        """Counted points the model meets."""
        return sum(p.counted and ok for p, ok in zip(self.points, self.inside, strict=True))

    def row(self, name: str) -> tuple[ValidationPoint, float, bool]:
        """One point with the model's value, by name."""
        if not isinstance(name, str):
            raise ValueError(f"name must be a string, got {name!r}")
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


def _mean_kept_days(c: CohortCourse, first_h: float, horizon_h: float) -> float:
    """Mean days responders keep their response, from the infusion, up to ``horizon_h``."""
    kept = c.response_kept(first_h)
    if kept.n_responders == 0:
        return float("nan")
    ok = kept.t_h <= horizon_h - first_h + 1e-9
    return rmst_days(np.append(kept.t_h[ok], horizon_h - first_h), np.append(kept.share[ok], 0.0)
                     ) + first_h / 24.0


def validate(n: int = 1000, seed: int = 0) -> Validation:
    """Run the cohort for every validation point (a few seconds for 1000 people)."""
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    v = VALIDATION_VISITS_H
    runs = {name: simulate_cohort(table, ARMS[name], seed=seed + k, visits_h=v,
                                  t_end_h=v[-1])
            for k, name in enumerate(("ketamine", "saline", "midazolam"))}
    six = Arm("six infusions", "ketamine",
              tuple(ph.Dose(ph.standard_infusion().dose_mg_per_kg, "iv", start_min=60.0 * t,
                            duration_min=40.0) for t in SIX_INFUSIONS))
    last = float(np.ceil(six.last_h))
    six_visits = (0.0, *(last + np.arange(24.0, 24.0 * 29, 48.0)))
    course = simulate_cohort(table, six, seed=seed, visits_h=six_visits,
                             t_end_h=float(np.ceil(six_visits[-1])))
    ket, sal, mid = runs["ketamine"], runs["saline"], runs["midazolam"]
    idx = {h: i for i, h in enumerate(v)}

    def placebo_d(h: float) -> float:
        return 0.5 * (_d(ket, sal, idx[h]) + _d(ket, mid, idx[h]))

    def resp(c: CohortCourse, h: float) -> np.ndarray:
        return c.madrs[:, idx[h]] <= 0.5 * c.baseline

    day2or3 = {k: float(np.mean(resp(c, 48.0) | resp(c, 72.0))) for k, c in runs.items()}
    model = (
        placebo_d(24.0), _d(ket, sal, idx[168.0]), placebo_d(264.0),
        float(resp(ket, 24.0).mean()), float(resp(ket, 72.0).mean()),
        float(resp(ket, 168.0).mean()), day2or3["ketamine"], day2or3["midazolam"],
        _kept_at(ket, 24.0, 672.0 - 24.0), _mean_kept_days(ket, 24.0, 672.0),
        _median_kept_days(course, last + 24.0) + 1.0,
    )
    inside = tuple(bool(p.low <= m <= p.high) for p, m in zip(VALIDATION_POINTS, model,
                                                               strict=True))
    return Validation(points=VALIDATION_POINTS, model=tuple(map(float, model)), inside=inside)
