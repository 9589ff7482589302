r"""Self-checking exercise of Chapter 4: system segregation by hand.

The answer is compared with the right value and with the values the usual
mistakes give: counting the diagonal as edges, keeping negative edges,
dividing by :math:`\bar B` instead of :math:`\bar W`, averaging each
network's segregation, and averaging :math:`\bar W` and :math:`\bar B` per
system before taking the ratio (the "eqcont" variant of the reference code,
:cite:p:`chan2014decreased`). With systems of equal size the last two can
coincide with the right answer; the chapter's exercise uses unequal ones. Feedback is a
:class:`~ketamodel.reward.selfcheck.Feedback`, as in Chapters 2 and 3.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..params import check_scalar
from ..reward.selfcheck import Feedback
from .metrics import check_labels, check_matrix, system_segregation, within_between

#: How close an answer must be to count (answers to 3 decimals).
TOLERANCE = 0.003


def _mistakes(w: np.ndarray, labels: Any) -> dict[str, float]:
    codes, _ = check_labels(labels, w.shape[0])
    same = codes[:, None] == codes[None, :]
    pos = np.where(w > 0, w, 0.0)
    out = {}
    w_diag, b_diag = pos[same].mean(), pos[~same].mean()
    out["the diagonal was counted as within-network edges"] = (w_diag - b_diag) / w_diag
    signed = within_between(w, labels, negative="keep")
    if signed.within_mean != 0:
        out["negative edges were kept; set them to zero first"] = (
            (signed.within_mean - signed.between_mean) / signed.within_mean)
    zeroed = within_between(w, labels, negative="zero")
    if zeroed.between_mean > 0:
        out["the difference was divided by B̄; divide by W̄"] = (
            (zeroed.within_mean - zeroed.between_mean) / zeroed.between_mean)
    seg = zeroed.segregation()
    out["each network's segregation was averaged; pool the edges instead"] = float(
        np.mean(list(seg.values())))
    w_eq = float(np.mean(list(zeroed.within.values())))
    b_eq = float(np.mean(list(zeroed.between.values())))
    if w_eq > 0:
        out["W̄ and B̄ are averaged per system first: that is the per-system ('eqcont') "
            "variant of the reference code, not an error, but this exercise pools the "
            "edges"] = (w_eq - b_eq) / w_eq
    return out


def check_segregation(weights: Any, labels: Any, answer: float) -> Feedback:
    """Feedback on a hand computation of system segregation for ``weights`` and ``labels``.

    The right value is :func:`~ketamodel.networks.metrics.system_segregation`
    (diagonal ignored, negative edges zeroed, edges pooled).

    >>> import numpy as np
    >>> w = np.array([[1, .5, .1, 0], [.5, 1, 0, .1], [.1, 0, 1, .4], [0, .1, .4, 1]])
    >>> print(check_segregation(w, [0, 0, 1, 1], 0.889))
    System segregation: correct (0.889).
    """
    w = check_matrix("weights", weights, symmetric=True)
    x = check_scalar("answer", answer, low=-1e3, high=1e3)
    right = system_segregation(w, labels)
    if abs(x - right) <= TOLERANCE:
        return Feedback(True, (f"System segregation: correct ({right:.3f}).",))
    for why, value in _mistakes(w, labels).items():
        if abs(value - right) > TOLERANCE and abs(x - value) <= TOLERANCE:
            return Feedback(False, (f"System segregation: {x:.3f} is what you get when {why}.",))
    return Feedback(False, (f"System segregation: {x:.3f} is not right; (W̄ − B̄)/W̄ with "
                            "W̄ and B̄ the mean within- and between-network weights "
                            "(diagonal out, negative edges zeroed).",))
