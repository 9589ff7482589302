r"""Calibration of the acute effect to the book's two calibration points, and to nothing else.

Four numbers of :class:`~ketamodel.unified.params.OutcomeParams` are
calibrated: the acute gain :math:`G`, the non-specific relief of a felt
(active placebo, ketamine) and of an unfelt (saline) treatment, and the
spread of responsiveness. They are fitted, by weighted least squares, to the
24-h results of two trials (:data:`CALIBRATION_POINTS`):

- **A**, :cite:t:`murrough2013antidepressant`: 73 patients with
  treatment-resistant depression, 2:1 to ketamine 0.5 mg/kg or midazolam
  0.045 mg/kg over 40 min; at 24 h MADRS 7.95 points lower (95 % CI
  3.20-12.71), response 64 % against 28 %, raw falls 16.5 and 8.8 points
  (the falls from a conference abstract);
- **B**, :cite:t:`zarate2006randomized`: 18 patients, crossover against
  saline; at 24 h 71 % of the 17 on ketamine responded, :math:`d = 1.46`
  (0.91-2.01).

Each residual is divided by its standard error: from the confidence
interval where one is given (a t interval on 70 degrees of freedom for A's
difference), the binomial one for a rate (A's arms held 47 and 25 people),
and, for A's raw fall on ketamine, the common SD that the difference's
interval implies over :math:`\sqrt{47}`. A's raw fall on midazolam (8.8) is
not fitted: with the difference and the fall on ketamine it would count the
same result twice. Trial B was a crossover rated on the HDRS, not the MADRS:
a response rate and an effect size are compared across scales, a threshold
in points is not, and the model's :math:`d` is a parallel-arm one (the
difference in falls over the pooled SD), which a crossover's :math:`d` need
not equal. A's odds ratio (2.18) is not fitted either: it is adjusted, and
the crude odds ratio of 64 % against 28 % is about 4.6.

The fit uses a virtual calibration cohort (2000 people, seed 2013, neutral
setting) with the expected value of every rating taken analytically over the
rating noise, so the fit is smooth and deterministic. The model's 24-h
course is the only thing tuned; every other number the chapter shows is a
prediction.
"""

from __future__ import annotations

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

_BOUNDS = ((0.0, 0.0, 0.0, 0.0), (1.0, 0.9, 0.9, 2.0))


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


#: Arm sizes of calibration point A (ketamine, midazolam).
ARM_SIZES_A = (47, 25)

_DIFF_SE = (12.71 - 3.20) / (2 * stats.t.ppf(0.975, sum(ARM_SIZES_A) - 2))
#: The common SD of the 24-h fall that the difference's interval implies, MADRS points.
_FALL_SD = _DIFF_SE / np.sqrt(1 / ARM_SIZES_A[0] + 1 / ARM_SIZES_A[1])

#: The calibration points of the book's facts (section 7), with their standard errors.
CALIBRATION_POINTS = (
    CalibrationPoint("A: fall, ketamine minus midazolam", "murrough2013antidepressant", 7.95,
                     _DIFF_SE, "MADRS points"),
    CalibrationPoint("A: response, ketamine", "murrough2013antidepressant", 0.64,
                     _binomial_se(0.64, ARM_SIZES_A[0]), "share"),
    CalibrationPoint("A: response, midazolam", "murrough2013antidepressant", 0.28,
                     _binomial_se(0.28, ARM_SIZES_A[1]), "share"),
    CalibrationPoint("A: fall, ketamine", "murrough2013antidepressant", 16.5,
                     _FALL_SD / np.sqrt(ARM_SIZES_A[0]), "MADRS points"),
    CalibrationPoint("B: response, ketamine", "zarate2006randomized", 0.71,
                     _binomial_se(0.71, 17), "share"),
    CalibrationPoint("B: d, ketamine against saline", "zarate2006randomized", 1.46,
                     (2.01 - 0.91) / (2 * 1.959964), "1"),
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
    return np.array([k.fall_mean - m.fall_mean, k.response, m.response, k.fall_mean,
                     k.response, d])


@dataclass(frozen=True)
class CalibrationFit:
    """The fitted numbers, the model's value at each point, and the weighted residuals."""

    params: OutcomeParams
    model: np.ndarray
    residuals: np.ndarray
    success: bool


def calibrate(data: CalibrationData | None = None,
              start: OutcomeParams | None = None) -> CalibrationFit:
    """Fit the four calibrated numbers to :data:`CALIBRATION_POINTS` (about a second)."""
    d = calibration_data() if data is None else check_instance("data", data, CalibrationData)
    p0 = params_or_default("start", start, OutcomeParams)
    target = np.array([c.value for c in CALIBRATION_POINTS])
    se = np.array([c.se for c in CALIBRATION_POINTS])

    def params_of(x: np.ndarray) -> OutcomeParams:
        return replace(p0, **dict(zip(CALIBRATED_FIELDS, map(float, x), strict=True)))

    def residuals(x: np.ndarray) -> np.ndarray:
        return (model_statistics(d, params_of(x)) - target) / se

    x0 = np.clip([getattr(p0, f) for f in CALIBRATED_FIELDS], 1e-3, np.array(_BOUNDS[1]) - 1e-3)
    fit = optimize.least_squares(residuals, x0, bounds=_BOUNDS, diff_step=1e-4)
    best = params_of(fit.x)
    model = model_statistics(d, best)
    return CalibrationFit(params=best, model=model, residuals=(model - target) / se,
                          success=bool(fit.success))
