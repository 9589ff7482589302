r"""Self-checking exercise of Chapter 6: an odds ratio of response from two response rates.

A trial reports response in a share :math:`p_1` of the treated arm and
:math:`p_0` of the control arm; the crude odds ratio is

.. math::

    \mathrm{OR} = \frac{p_1 / (1 - p_1)}{p_0 / (1 - p_0)}.

The answer is compared with it and with what the usual mistakes give: the
risk ratio :math:`p_1/p_0`, the risk difference, the ratio turned upside
down (which is also the odds ratio of *not* responding), and the odds of
the treated arm alone. Feedback is a :class:`~ketamodel.reward.selfcheck.Feedback`, as
in the other chapters.
"""

from __future__ import annotations

from ..params import check_scalar
from ..reward.selfcheck import Feedback

#: How close an answer must be to count (answers to 2 decimals), relative.
TOLERANCE = 0.01


def check_odds_ratio(treated: float, control: float, answer: float) -> Feedback:
    r"""Feedback on a hand computation of the crude odds ratio of response.

    Parameters
    ----------
    treated, control : float
        :math:`p_1` and :math:`p_0`, shares responding, in (0, 1).
    answer : float
        The reader's odds ratio, > 0.

    Examples
    --------
    >>> print(check_odds_ratio(0.64, 0.28, 4.57))
    Odds ratio: correct (4.57; the odds are 1.78 and 0.39).
    """
    p1 = check_scalar("treated", treated, low=0.0, high=1.0, low_open=True, high_open=True)
    p0 = check_scalar("control", control, low=0.0, high=1.0, low_open=True, high_open=True)
    x = check_scalar("answer", answer, low=-1e6, high=1e6)
    o1, o0 = p1 / (1 - p1), p0 / (1 - p0)
    right = o1 / o0

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= TOLERANCE * max(abs(b), 1e-9)

    if close(x, right):
        return Feedback(True, (f"Odds ratio: correct ({right:.2f}; the odds are {o1:.2f} and "
                               f"{o0:.2f}).",))
    mistakes = {
        "divided the shares (the risk ratio): divide the odds p/(1 − p) instead": p1 / p0,
        "subtracted the shares (the risk difference): an odds ratio divides odds": p1 - p0,
        "divided the control's odds by the treated arm's, or used the odds of not responding "
        "(the same number): the treated arm's odds of responding, p/(1 − p), go on top":
            o0 / o1,
        "gave the treated arm's odds alone: divide them by the control's odds": o1,
    }
    for why, value in mistakes.items():
        if not close(value, right) and close(x, value):
            return Feedback(False, (f"Odds ratio: {x:.2f} is what you get when you {why}.",))
    return Feedback(False, (f"Odds ratio: {x:.2f} is not right. Turn each share into odds, "
                            "p/(1 − p), and divide the treated arm's odds by the control's.",))
