r"""Self-checking exercise of Chapter 1: NMDA receptor occupancy from a concentration, by hand.

A concentration in ng/mL becomes µM through the molar mass of ketamine base
(237.7 g/mol, :mod:`ketamodel.units`), and occupancy is the Hill function
of :class:`~ketamodel.pharmacology.receptor.ReceptorParams`,

.. math::

    \theta = \frac{C^{n_H}}{C^{n_H} + \mathrm{IC}_{50}^{n_H}}.

The answer is compared with it and with what the usual mistakes give: the
concentration left in ng/mL, the molar mass of the hydrochloride, the
unblocked fraction :math:`1 - \theta`, and the ratio :math:`C/\mathrm{IC}_{50}`
without saturation. Feedback is a :class:`~ketamodel.reward.selfcheck.Feedback`,
as in the other chapters.
"""

from __future__ import annotations

from ..params import check_scalar, params_or_default
from ..reward.selfcheck import Feedback
from ..units import KETAMINE_HCL_G_PER_MOL, ng_per_mL_to_uM
from .receptor import ReceptorParams, occupancy

#: How close an answer must be to count (answers to 2 decimals), absolute.
TOLERANCE = 0.006


def check_occupancy(conc_ng_per_mL: float, answer: float,
                    receptor: ReceptorParams | None = None) -> Feedback:
    """Feedback on a hand computation of NMDA occupancy at a concentration of base.

    Parameters
    ----------
    conc_ng_per_mL : float
        Concentration of ketamine base, ng/mL, in (0, 10⁵].
    answer : float
        The reader's occupancy.
    receptor : ReceptorParams, optional

    Examples
    --------
    >>> print(check_occupancy(150.0, 0.56))
    Occupancy: correct (0.56; 150 ng/mL is 0.631 µM).
    """
    c = check_scalar("conc_ng_per_mL", conc_ng_per_mL, low=0.0, low_open=True, high=1e5)
    x = check_scalar("answer", answer, low=-1e3, high=1e3)
    r = params_or_default("receptor", receptor, ReceptorParams)
    c_uM = float(ng_per_mL_to_uM(c))
    right = float(occupancy(c_uM, r))
    if abs(x - right) <= TOLERANCE:
        return Feedback(True, (f"Occupancy: correct ({right:.2f}; {c:g} ng/mL is "
                               f"{c_uM:.3f} µM).",))
    mistakes = {
        "left the concentration in ng/mL: divide by 237.7 ng/mL per µM first":
            float(occupancy(c, r)),
        "used the molar mass of the hydrochloride (274.2 g/mol): the concentration is of "
        "the base, 237.7 g/mol": float(occupancy(float(ng_per_mL_to_uM(
            c, KETAMINE_HCL_G_PER_MOL)), r)),
        "gave the unblocked fraction 1 − θ (IC50 on top): occupancy puts C on top":
            1.0 - right,
        "divided C by the IC50 without saturation: occupancy is C/(C + IC50) for a Hill "
        "coefficient of 1": (c_uM / r.ic50_uM) ** r.hill,
    }
    for why, value in mistakes.items():
        if abs(value - right) > TOLERANCE and abs(x - value) <= TOLERANCE:
            return Feedback(False, (f"Occupancy: {x:.2f} is what you get when you {why}.",))
    return Feedback(False, (f"Occupancy: {x:.2f} is not right. Turn ng/mL into µM (÷ 237.7), "
                            f"then compute C/(C + IC50) with IC50 = {r.ic50_uM:g} µM.",))
