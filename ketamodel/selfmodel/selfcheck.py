r"""Self-checking exercise of Chapter 5: one precision-weighted update by hand.

A belief :math:`\hat\mu` with precision :math:`\hat\pi` meets evidence :math:`u`
with precision :math:`\pi_u`; the posterior mean is

.. math::

    \mu = \hat\mu + \frac{\pi_u}{\hat\pi + \pi_u}\,(u - \hat\mu).

The answer is compared with it and with what the usual mistakes give:
keeping the prior, following the evidence, an unweighted average, weighting
each term by the *other's* precision (that is, by its own variance), moving
away from the evidence, dividing by the prior's precision instead of the
posterior's, and giving the learning rate instead of the mean. Feedback is a
:class:`~ketamodel.reward.selfcheck.Feedback`, as in the other chapters.
"""

from __future__ import annotations

from ..params import check_scalar
from ..reward.selfcheck import Feedback

#: How close an answer must be to count (answers to 2 decimals).
TOLERANCE = 0.006


def check_update(prior_mean: float, prior_precision: float, evidence: float,
                 evidence_precision: float, answer: float) -> Feedback:
    r"""Feedback on a hand computation of a posterior mean.

    Parameters
    ----------
    prior_mean, evidence : float
        :math:`\hat\mu` and :math:`u`, in [-100, 100].
    prior_precision, evidence_precision : float
        :math:`\hat\pi` and :math:`\pi_u`, > 0.
    answer : float
        The reader's posterior mean.

    Examples
    --------
    >>> print(check_update(-2.0, 3.0, 2.0, 1.0, -1.0))
    Posterior mean: correct (-1.00; the learning rate is 0.25).
    """
    m = check_scalar("prior_mean", prior_mean, low=-100.0, high=100.0)
    p = check_scalar("prior_precision", prior_precision, low=0.0, low_open=True, high=1e6)
    u = check_scalar("evidence", evidence, low=-100.0, high=100.0)
    q = check_scalar("evidence_precision", evidence_precision, low=0.0, low_open=True,
                     high=1e6)
    x = check_scalar("answer", answer, low=-1e3, high=1e3)
    rate = q / (p + q)
    right = m + rate * (u - m)
    if abs(x - right) <= TOLERANCE:
        return Feedback(True, (f"Posterior mean: correct ({right:.2f}; the learning rate is "
                               f"{rate:.2f}).",))
    mistakes = {
        "kept the prior: the evidence moves it by a share of the error": m,
        "followed the evidence alone: the prior's precision weighs in too": u,
        "averaged prior and evidence without weights: weight each by its precision":
            (m + u) / 2,
        "weighted each by the other's precision (by its own variance): the more precise "
        "term should count more": (q * m + p * u) / (p + q),
        "moved away from the evidence: the prediction error is u − μ̂, added": m - rate * (u - m),
        "used π_u/π̂ as the learning rate: divide by the posterior precision π̂ + π_u":
            m + q / p * (u - m),
        "gave the learning rate, not the posterior mean: multiply it by u − μ̂ and add μ̂":
            rate,
    }
    for why, value in mistakes.items():
        if abs(value - right) > TOLERANCE and abs(x - value) <= TOLERANCE:
            return Feedback(False, (f"Posterior mean: {x:.2f} is what you get when you {why}.",))
    return Feedback(False, (f"Posterior mean: {x:.2f} is not right. The learning rate is "
                            "π_u/(π̂ + π_u); multiply it by the prediction error u − μ̂ and "
                            "add the result to μ̂.",))
