r"""Calibration of the acute effect to the book's two calibration points, and to nothing else.

Four numbers of :class:`~ketamodel.unified.params.OutcomeParams` are
calibrated: the acute gain :math:`G`, the non-specific relief of a felt
(active placebo, ketamine) and of an unfelt (saline) treatment, and the
spread of responsiveness. They are fitted, by weighted least squares, to the
24-h results of two trials (:data:`CALIBRATION_POINTS`):

- **A**, :cite:t:`murrough2013antidepressant`: 73 patients with
  treatment-resistant depression, 2:1 to ketamine 0.5 mg/kg or midazolam
  0.045 mg/kg over 40 min; at 24 h response 64 % against 28 %; in the
  trial's preliminary report (a meeting abstract, 72 patients), raw MADRS
  falls of 16.5 points on ketamine, :math:`t(46) = 10.31`, and 8.8 on
  midazolam, :math:`t(24) = 4.63`;
- **B**, :cite:t:`zarate2006randomized`: 18 patients, crossover against
  saline; at 24 h 71 % of the 17 on ketamine responded, :math:`d = 1.46`
  (0.91-2.01).

Each residual is divided by its standard error: for a raw fall, the fall
over its :math:`t` statistic (1.60 and 1.90 points; arms of 47 and 25 from
the degrees of freedom); for a rate, the binomial one; for :math:`d`, from
its interval. A's published difference, 7.95 points (3.20-12.71), is an
adjusted estimate of a different estimand than the raw falls and is kept
as a check (:data:`CHECK_POINTS`), not fitted, so that no result counts
twice; so is its odds ratio (2.18), which is not the crude odds ratio of the
two rates (about 4.6). Trial B was a crossover rated on the HDRS, not the
MADRS: a response rate and an effect size are compared across scales, a
threshold in points is not, and the model's :math:`d` is a parallel-arm one
(the difference in falls over the pooled SD), which a crossover's need not
equal; it is fitted all the same, because it is the only result that
identifies the relief of an unfelt placebo. Within an arm a fall and a
response rate are correlated; the fit treats them as independent.

The fit uses a virtual calibration cohort (2000 people, seed 2013, neutral
setting) with the expected value of every rating taken analytically over the
rating noise, so the fit is smooth and deterministic. The model's 24-h
course is the only thing tuned; every other number the chapter shows is a
prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, stats

from ..params import check_instance, params_or_default
from .cohort import Arm, simulate_cohort
from .outcome import nonspecific_relief, responsiveness
from .params import OutcomeParams
from .patients import patient_table
from .trials import ARMS

#: The visit the calibration points describe, h.
VISIT_H = 24.0

#: Size and seed of the calibration cohort.
CALIBRATION_N, CALIBRATION_SEED = 2000, 2013

#: The calibrated fields of OutcomeParams, in the order of the fit.
CALIBRATED_FIELDS = ("acute_gain", "active_placebo", "inert_placebo", "responsiveness_sd")

#: The search's bounds for :data:`CALIBRATED_FIELDS` (low, high).
BOUNDS = ((0.0, 0.0, 0.0, 0.0), (1.0, 0.9, 0.9, 2.0))
_BOUNDS = BOUNDS


@dataclass(frozen=True)
class CalibrationPoint:
    """One published number the model is fitted to."""

    name: str
    key: str
    value: float
    se: float
    unit: str


def _binomial_se(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / n))


#: Arm sizes of calibration point A (ketamine, midazolam), from the t tests' degrees of freedom.
ARM_SIZES_A = (47, 25)

#: The calibration points (the book's facts, section 7), with their standard errors.
CALIBRATION_POINTS = (
    CalibrationPoint("A: fall, ketamine", "murrough2013antidepressant", 16.5, 16.5 / 10.31,
                     "MADRS points"),
    CalibrationPoint("A: fall, midazolam", "murrough2013antidepressant", 8.8, 8.8 / 4.63,
                     "MADRS points"),
    CalibrationPoint("A: response, ketamine", "murrough2013antidepressant", 0.64,
                     _binomial_se(0.64, ARM_SIZES_A[0]), "share"),
    CalibrationPoint("A: response, midazolam", "murrough2013antidepressant", 0.28,
                     _binomial_se(0.28, ARM_SIZES_A[1]), "share"),
    CalibrationPoint("B: response, ketamine", "zarate2006randomized", 0.71,
                     _binomial_se(0.71, 17), "share"),
    CalibrationPoint("B: d, ketamine against saline", "zarate2006randomized", 1.46,
                     (2.01 - 0.91) / (2 * 1.959964), "1"),
)

#: Published results of the calibration trials that are not fitted (A's adjusted difference).
CHECK_POINTS = (
    CalibrationPoint("A: difference, ketamine minus midazolam (adjusted)",
                     "murrough2013antidepressant", 7.95, (12.71 - 3.20) / (2 * 1.959964),
                     "MADRS points"),
)


@dataclass(frozen=True)
class CalibrationData:
    """What the fit needs of the calibration cohort: baselines, draws, the acute action at 24 h."""

    baseline: np.ndarray
    acute_24h: np.ndarray
    responsiveness_z: np.ndarray
    placebo_z: np.ndarray


def calibration_data(n: int = CALIBRATION_N, seed: int = CALIBRATION_SEED) -> CalibrationData:
    """The calibration cohort after one standard infusion, noise-free."""
    table = patient_table(n, seed)
    course = simulate_cohort(table, ARMS["ketamine"], noise=False)
    k = int(VISIT_H) - 1
    return CalibrationData(baseline=table.baseline_madrs, acute_24h=course.acute_action[:, k],
                           responsiveness_z=table.responsiveness_z, placebo_z=table.placebo_z)


@dataclass(frozen=True)
class ArmExpectation:
    """Expected 24-h statistics of one arm (over people and rating noise)."""

    fall_mean: float
    fall_var: float
    response: float


def expected_arm(data: CalibrationData, arm: Arm, params: OutcomeParams) -> ArmExpectation:
    r"""Mean and variance of the fall, and the response rate, at 24 h (analytic over rating noise).

    With ratings :math:`B + \sigma z_0` and :math:`E + \sigma z_1`, response
    (:math:`E + \sigma z_1 \le (B + \sigma z_0)/2`) has probability
    :math:`\Phi((B/2 - E)/(\sigma\sqrt{5/4}))`, and the fall's variance adds
    :math:`2\sigma^2`.
    """
    d = check_instance("data", data, CalibrationData)
    p = params_or_default("params", params, OutcomeParams)
    a = check_instance("arm", arm, Arm)
    u = responsiveness(d.responsiveness_z, p.responsiveness_sd)
    e = responsiveness(d.placebo_z, p.responsiveness_sd)
    level = (p.active_placebo if a.felt else p.inert_placebo) * e
    n = nonspecific_relief(VISIT_H, level, first_h=a.first_h, onset_h=p.placebo_onset_h,
                           last_h=a.last_h, fade_h=p.placebo_fade_h)
    acute = np.minimum(1.0, p.acute_gain * u * d.acute_24h) if a.treatment == "ketamine" else 0.0
    expected = d.baseline * (1.0 - n) * (1.0 - acute)
    fall = d.baseline - expected
    sigma = max(p.visit_sd, 1e-9)
    response = stats.norm.cdf((0.5 * d.baseline - expected) / (sigma * np.sqrt(1.25)))
    return ArmExpectation(fall_mean=float(fall.mean()),
                          fall_var=float(fall.var() + 2 * p.visit_sd ** 2),
                          response=float(response.mean()))


def model_statistics(data: CalibrationData, params: OutcomeParams | None = None
                     ) -> np.ndarray:
    """The model's value of each calibration point, in the order of :data:`CALIBRATION_POINTS`."""
    p = params_or_default("params", params, OutcomeParams)
    k, m, s = (expected_arm(data, ARMS[name], p) for name in ("ketamine", "midazolam", "saline"))
    d = (k.fall_mean - s.fall_mean) / np.sqrt((k.fall_var + s.fall_var) / 2)
    return np.array([k.fall_mean, m.fall_mean, k.response, m.response, k.response, d])


@dataclass(frozen=True)
class CalibrationFit:
    """The fitted numbers, the model's value at each point, and the weighted residuals.

    ``at_bound`` names the fitted fields that ended on a bound of the search
    (:data:`BOUNDS`): a boundary solution, to be reported as such.
    """

    params: OutcomeParams
    model: np.ndarray
    residuals: np.ndarray
    success: bool
    at_bound: tuple[str, ...] = ()


def calibrate(data: CalibrationData | None = None, start: OutcomeParams | None = None,
              *, fixed: Sequence[str] = ()) -> CalibrationFit:
    """Fit the calibrated numbers to :data:`CALIBRATION_POINTS` (well under a second given data).

    ``start`` gives the starting values and every number that is not fitted;
    the fields named in ``fixed`` (of :data:`CALIBRATED_FIELDS`) are held at
    their ``start`` values, e.g. to profile the fit over one of them.
    """
    d = calibration_data() if data is None else check_instance("data", data, CalibrationData)
    p0 = params_or_default("start", start, OutcomeParams)
    if isinstance(fixed, str) or any(f not in CALIBRATED_FIELDS for f in fixed):
        raise ValueError(f"fixed must name fields of {CALIBRATED_FIELDS}, got {fixed!r}")
    free = [k for k, f in enumerate(CALIBRATED_FIELDS) if f not in fixed]
    if not free:
        raise ValueError("fixed must leave at least one calibrated field free")
    target = np.array([c.value for c in CALIBRATION_POINTS])
    se = np.array([c.se for c in CALIBRATION_POINTS])
    x_all = np.array([getattr(p0, f) for f in CALIBRATED_FIELDS], dtype=float)

    def params_of(x: np.ndarray) -> OutcomeParams:
        values = x_all.copy()
        values[free] = x
        return replace(p0, **dict(zip(CALIBRATED_FIELDS, map(float, values), strict=True)))

    def residuals(x: np.ndarray) -> np.ndarray:
        return (model_statistics(d, params_of(x)) - target) / se

    low, high = (np.array(b)[free] for b in _BOUNDS)
    x0 = np.clip(x_all[free], low + 1e-3, high - 1e-3)
    fit = optimize.least_squares(residuals, x0, bounds=(low, high), diff_step=1e-4)
    best = params_of(fit.x)
    model = model_statistics(d, best)
    at_bound = tuple(CALIBRATED_FIELDS[k] for k, x in zip(free, fit.x, strict=True)
                     if min(abs(x - _BOUNDS[0][k]), abs(x - _BOUNDS[1][k])) < 1e-6)
    return CalibrationFit(params=best, model=model, residuals=(model - target) / se,
                          success=bool(fit.success), at_bound=at_bound)
