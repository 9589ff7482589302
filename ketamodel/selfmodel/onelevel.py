r"""One belief and its evidence: the smallest predictive-coding example.

A single Gaussian belief about a quantity that drifts as a random walk,
updated by noisy observations with the equations of
:mod:`~ketamodel.selfmodel.hgf`. With fixed volatility this is exactly a
Kalman filter (:cite:p:`mathys2011bayesian`): the learning rate
:math:`\pi_u/\pi` settles where the uncertainty the drift adds each step
balances what the evidence removes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_scalar
from . import hgf


@dataclass(frozen=True)
class OneLevel:
    r"""A belief through a series of observations.

    Attributes
    ----------
    inputs : ndarray
        The observations :math:`u`, one per step.
    prediction, prediction_precision : ndarray
        :math:`\hat\mu` and :math:`\hat\pi` before each observation.
    mean, precision : ndarray
        :math:`\mu` and :math:`\pi` after it.
    learning_rate : ndarray
        :math:`\pi_u/\pi`, the weight of each prediction error.
    """

    inputs: np.ndarray
    prediction: np.ndarray
    prediction_precision: np.ndarray
    mean: np.ndarray
    precision: np.ndarray
    learning_rate: np.ndarray


def one_level(inputs: ArrayLike, *, prior_mean: float = 0.0, prior_precision: float = 1.0,
              input_precision: float = 1.0, log_volatility: float = -4.0,
              dt_h: float = 1.0) -> OneLevel:
    r"""Filter ``inputs`` with one Gaussian belief (a random walk, :math:`\lambda = 1`).

    Parameters
    ----------
    inputs : array_like
        Observations, one per step, each in [-100, 100].
    prior_mean : float
        :math:`\mu` before the first observation, in [-100, 100].
    prior_precision : float
        :math:`\pi` before the first observation, finite and ≥ 0 (0: no prior;
        for a prior that nothing moves, pass a large number).
    input_precision : float
        :math:`\pi_u` of every observation, > 0.
    log_volatility : float
        :math:`\omega`, in [-30, 10]: :math:`\Omega = t\,e^{\omega}`.
    dt_h : float
        Step, h, > 0.
    """
    u = check_array("inputs", inputs, low=-100.0, high=100.0, ndim=1)
    mu = check_scalar("prior_mean", prior_mean, low=-100.0, high=100.0)
    pi = check_scalar("prior_precision", prior_precision, low=0.0)
    p_u = check_scalar("input_precision", input_precision, low=0.0, low_open=True)
    w = check_scalar("log_volatility", log_volatility, low=-30.0, high=10.0)
    dt = check_scalar("dt_h", dt_h, low=0.0, low_open=True, high=1e4)
    omega = float(hgf.step_variance(dt, w))
    n = u.size
    pred, pred_pi, mean, prec = (np.empty(n) for _ in range(4))
    for k in range(n):
        mu_hat = hgf.predict_mean(mu, 0.0, 1.0)
        pi_hat = hgf.predict_precision(pi, omega) if pi > 0 else 0.0
        pi = hgf.posterior_precision(pi_hat, (p_u,), (1.0,))
        mu = hgf.posterior_mean(mu_hat, pi, (hgf.prediction_error(float(u[k]), mu_hat),),
                                (p_u,), (1.0,))
        pred[k], pred_pi[k], mean[k], prec[k] = mu_hat, pi_hat, mu, pi
    return OneLevel(inputs=u, prediction=pred, prediction_precision=pred_pi, mean=mean,
                    precision=prec, learning_rate=p_u / prec)
