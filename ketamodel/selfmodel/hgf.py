r"""The update equations of a hierarchical Gaussian filter, one function each.

The self-model is a chain of Gaussian beliefs, each predicting the one
below, in the form of the hierarchical Gaussian filter (HGF;
:cite:p:`mathys2011bayesian`; :cite:p:`mathys2014uncertainty`), with the
notation of the pyhgf documentation: a belief is a mean :math:`\mu` and a
precision :math:`\pi` (inverse variance); a hat marks a prediction, made
before the new evidence arrives. Each step of :math:`t` hours:

1. **Prediction.** A belief drifts towards its set-point :math:`m` with
   autoconnection :math:`\lambda` and gains uncertainty :math:`\Omega`:

   .. math::

       \hat\mu = m + \lambda(\mu - m), \qquad
       \hat\pi = \frac{1}{\lambda^2/\pi + \Omega}, \qquad
       \Omega = t\,e^{\omega}.

   With :math:`\lambda = 1` these are the HGF's random walk,
   :math:`\hat\pi = 1/(1/\pi + \Omega)`. The volatility :math:`\omega` is fixed
   here: no level has a volatility parent, so every level is linear and
   Gaussian, and a single level is exactly a Kalman filter.
2. **Prediction error** of a child :math:`j` (an input, or the level below):
   :math:`\delta_j = \mu_j - \hat\mu_j` (for an input, :math:`u_j - \hat\mu`).
3. **Update** of the parent :math:`b` from its children, each weighted by its
   precision :math:`\hat\pi_j` and coupling :math:`\kappa_j`:

   .. math::

       \pi_b = \hat\pi_b + \sum_j \kappa_j^2\,\hat\pi_j, \qquad
       \mu_b = \hat\mu_b + \sum_j \frac{\kappa_j\,\hat\pi_j}{\pi_b}\,\delta_j .

   The weight :math:`\kappa_j\hat\pi_j/\pi_b` is the belief's learning rate: a
   precise prior (large :math:`\hat\pi_b`) learns little from the same error.
   For an input, :math:`\hat\pi_j` is its precision. For a child level, the
   HGF's value-coupling message uses the child's predicted precision
   (:cite:p:`weber2023generalized`); weighting the precision update by the
   precision of the child's prediction error instead
   (:func:`error_precision`) makes the parent's update exact when the child is
   a single linear Gaussian level predicted afresh from the parent each step
   (no memory of its own), which is what :mod:`~ketamodel.selfmodel.model`
   does for the narrative level by default.

The functions take numbers or NumPy arrays (one belief per element), so a
cohort runs in one call. They check nothing: the model that calls them does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Value = float | np.ndarray


def step_variance(dt_h: Value, log_volatility: Value) -> Value:
    r"""Uncertainty a belief gains in one step, :math:`\Omega = t\,e^{\omega}` (a.u.²).

    Parameters
    ----------
    dt_h : float
        Step, h.
    log_volatility : float
        :math:`\omega`, log of the variance gained per hour.
    """
    return dt_h * np.exp(log_volatility)


def predict_mean(mu: Value, set_point: Value, autoconnection: Value = 1.0) -> Value:
    r"""Predicted mean, :math:`\hat\mu = m + \lambda(\mu - m)`.

    Parameters
    ----------
    mu : float or ndarray
        The belief's mean after the last step.
    set_point : float or ndarray
        :math:`m`, where the belief drifts to.
    autoconnection : float
        :math:`\lambda`: 1 keeps the belief (a random walk), 0 forgets it (the
        prediction is the set-point alone).
    """
    return set_point + autoconnection * (mu - set_point)


def predict_precision(pi: Value, omega: Value, autoconnection: Value = 1.0) -> Value:
    r"""Predicted precision, :math:`\hat\pi = 1/(\lambda^2/\pi + \Omega)`.

    Parameters
    ----------
    pi : float or ndarray
        The belief's precision after the last step, > 0.
    omega : float or ndarray
        :math:`\Omega`, the variance gained in the step (:func:`step_variance`).
    autoconnection : float
        :math:`\lambda`, as for :func:`predict_mean`.
    """
    return 1.0 / (autoconnection * autoconnection / pi + omega)


def prediction_error(mu: Value, mu_hat: Value) -> Value:
    r"""Value prediction error, :math:`\delta = \mu - \hat\mu` (or :math:`u - \hat\mu`)."""
    return mu - mu_hat


def posterior_precision(pi_hat: Value, child_precisions: Sequence[Value],
                        couplings: Sequence[Value]) -> Value:
    r"""Posterior precision, :math:`\pi_b = \hat\pi_b + \sum_j \kappa_j^2\,\hat\pi_j`.

    Parameters
    ----------
    pi_hat : float or ndarray
        The parent's predicted precision.
    child_precisions : sequence
        :math:`\hat\pi_j` of each child (for an input, its precision).
    couplings : sequence
        :math:`\kappa_j`, one per child.
    """
    total = pi_hat
    for k, p in zip(couplings, child_precisions, strict=True):
        total = total + k * k * p
    return total


def posterior_mean(mu_hat: Value, pi: Value, errors: Sequence[Value],
                   child_precisions: Sequence[Value], couplings: Sequence[Value]) -> Value:
    r"""Posterior mean, :math:`\mu_b = \hat\mu_b + \sum_j (\kappa_j\hat\pi_j/\pi_b)\,\delta_j`.

    Parameters
    ----------
    mu_hat : float or ndarray
        The parent's predicted mean.
    pi : float or ndarray
        Its posterior precision (:func:`posterior_precision`).
    errors : sequence
        :math:`\delta_j` of each child (:func:`prediction_error`).
    child_precisions, couplings : sequence
        As for :func:`posterior_precision`.
    """
    total = mu_hat
    for d, p, k in zip(errors, child_precisions, couplings, strict=True):
        total = total + k * p / pi * d
    return total


def error_precision(pi_hat: Value, evidence_precision: Value) -> Value:
    r"""Precision of the error about a level's prediction, :math:`(1/\hat\pi + 1/\Pi)^{-1}`.

    The error :math:`\bar u - \hat\mu` between the precision-weighted mean of
    the inputs (precision :math:`\Pi`) and a prediction of precision
    :math:`\hat\pi` has the variance of both. Weighting the level above's
    update by it makes that update exact (a Kalman filter) when the level
    below is memoryless; the HGF's value-coupling message weights it by
    :math:`\hat\pi` alone (:cite:p:`weber2023generalized`).
    """
    return pi_hat * evidence_precision / (pi_hat + evidence_precision)


def prior_share(pi_hat: Value, pi: Value) -> Value:
    r"""The share of a posterior's precision that the prior supplies, :math:`\hat\pi/\pi`.

    1 when the evidence adds nothing; towards 0 when the evidence decides.
    """
    return pi_hat / pi


def relaxation_index(factor: Value, pi_hat: Value, evidence_precision: Value) -> Value:
    r"""How much of a prior's usual share of the posterior a relaxation removes, 0-1.

    A relaxation multiplies a prior's precision :math:`\hat\pi` by
    :math:`\rho \in (0, 1]`. With :math:`E` the precision the evidence brings in
    the same step (:math:`\sum_j\kappa_j^2\hat\pi_j`), the prior's share of the
    posterior falls from :math:`\hat\pi/(\hat\pi + E)` to
    :math:`\rho\hat\pi/(\rho\hat\pi + E)`; the index is the fraction lost,

    .. math::

        I = 1 - \frac{\rho\,(\hat\pi + E)}{\rho\,\hat\pi + E},

    0 when nothing is relaxed (:math:`\rho = 1`), towards 1 when the prior is
    gone (:math:`\rho \to 0`). A very precise prior (:math:`\hat\pi \gg E`)
    needs a deep relaxation before it loses much of its share.

    Parameters
    ----------
    factor : float or ndarray
        :math:`\rho`, in (0, 1].
    pi_hat : float or ndarray
        :math:`\hat\pi`, the prior's precision before the relaxation.
    evidence_precision : float or ndarray
        :math:`E`.
    """
    # (1 - rho) E / (rho pi + E): the same number, written so it cannot round below 0
    return (1.0 - factor) * evidence_precision / (factor * pi_hat + evidence_precision)


def steady_precision(log_volatility: float, autoconnection: float, evidence_precision: float,
                     dt_h: float = 1.0) -> float:
    r"""The posterior precision a level settles at when nothing changes, :math:`\pi^*`.

    The fixed point of :func:`predict_precision` followed by
    :func:`posterior_precision` with evidence :math:`E` each step: with
    :math:`P = 1/\pi^*`, :math:`P = \hat P/(1 + E\hat P)` and
    :math:`\hat P = \lambda^2 P + \Omega`, whose positive root, written so that it
    loses no digits when :math:`E\Omega` is small, is

    .. math::

        P = \frac{2\Omega}{b + \sqrt{b^2 + 4E\lambda^2\Omega}}, \qquad
        b = 1 + E\Omega - \lambda^2 .

    Parameters
    ----------
    log_volatility : float
        :math:`\omega`.
    autoconnection : float
        :math:`\lambda`, in (0, 1].
    evidence_precision : float
        :math:`E` ≥ 0 (with :math:`E = 0` and :math:`\lambda < 1`, the stationary
        variance :math:`\Omega/(1 - \lambda^2)`).
    dt_h : float
        Step, h.
    """
    from ..params import check_scalar
    check_scalar("log_volatility", log_volatility, low=-50.0, high=10.0)
    lam = check_scalar("autoconnection", autoconnection, low=0.0, high=1.0, low_open=True)
    e = check_scalar("evidence_precision", evidence_precision, low=0.0, high=1e9)
    dt = check_scalar("dt_h", dt_h, low=0.0, high=1e4, low_open=True)
    if lam == 1.0 and e == 0.0:
        raise ValueError("a random walk (autoconnection 1) with no evidence "
                         "(evidence_precision 0) has no steady precision")
    omega = float(step_variance(dt, log_volatility))
    lam2 = lam * lam
    b = 1.0 + e * omega - lam2
    var = 2.0 * omega / (b + np.sqrt(b * b + 4.0 * e * lam2 * omega))
    return float(1.0 / var)
