r"""Ketamine on the network: NMDA occupancy and context change the coupling of SN and DMN.

This is the hypothesis of :cite:t:`marguilho2023unified` made into a rule,
and every part of the rule is *assumed*: no study gives numbers for it.

1. The drug's effect on the networks grows with NMDA receptor occupancy
   :math:`\theta` (Chapter 1): :math:`h(\theta) = \theta^n/(\theta^n + \theta_{50}^n)`,
   the same for both networks (no source says which is the more sensitive).
2. *Context* :math:`c \in [-1, 1]` shares the effect between the salience
   network (SN) and the default mode network (DMN): :math:`c = -1` is a noisy
   clinical room, whose external demands load on the SN; :math:`c = +1` is
   eyes closed with music and support, which turns attention inwards, to the
   DMN. The disruption of each network is

   .. math::

       \delta_{SN} = (1 - \kappa c)\,h(\theta), \qquad
       \delta_{DMN} = (1 + \kappa c)\,h(\theta).

3. Disruption :math:`\delta_X` lowers network :math:`X`'s within-network gain
   (*disintegration*), :math:`s'_{XX} = s_{XX}(1 - \alpha\,\delta_X)`, and raises
   its gains with every other network (*desegregation*),
   :math:`s'_{Xb} = s_{Xb} + \varepsilon\,\delta_X` for :math:`b \ne X` (the SN–DMN
   gain gets both increments).
4. How much is given, :math:`\varepsilon`, is set by the brain's distance
   from instability. The fitted baseline is close to it (largest eigenvalue
   of the coupling about 0.99): fitting FC this high with a linear model
   requires it, and a brain held further away fits worse. Extra coupling
   between networks would soon push it past 1, where a linear model has no
   stationary state. So :math:`\varepsilon` is the value that keeps the
   largest eigenvalue at its baseline value (*assumed*: the drug
   redistributes coupling at a constant distance from instability). Losing
   within-network coupling always makes room, so :math:`\varepsilon \ge 0`;
   only part of the lost coupling comes back. The alternative rule
   ``"total"`` gives it all back (:func:`~ketamodel.networks.model.redistribute`);
   the sign of the change of between-network FC depends on the choice.

Which network is *disrupted* is then read from the model's FC, not from
:math:`\delta`: the network whose within-network FC falls by the larger
fraction; SN-dominated is called *dissociative* and DMN-dominated
*psychedelic*, after the seed paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import check_params, check_scalar, param, params_or_default
from .parcellation import NETWORKS, network_name

#: Named contexts and their value of :math:`c` (*assumed* placement on the axis).
CONTEXTS = {
    "noisy clinical room": -1.0,
    "neutral": 0.0,
    "eyes closed, music, support": 1.0,
}

#: The networks the drug acts on, as atlas tokens.
TARGETS = ("SalVentAttn", "Default")


@dataclass(frozen=True)
class NetworkParams:
    """How occupancy and context disrupt SN and DMN (all *assumed*; see the module)."""

    occupancy_half: float = param(
        0.5, "1", "assumed: NMDA occupancy at which the network effect is half its "
        "maximum; no study relates occupancy to network coupling", high=1.0, high_open=True)
    hill: float = param(
        2.0, "1", "assumed: steepness of the occupancy-effect curve", high=20.0)
    context_weight: float = param(
        0.8, "1", "assumed: how far context shifts the effect between SN and DMN "
        "(kappa; 0 = context does nothing, 1 = an extreme context spares one network "
        "entirely)", low_open=False, high=1.0)
    within_loss: float = param(
        0.3, "1", "assumed: fraction of a network's within-network gain lost at full "
        "disruption (alpha, disintegration)", low_open=False, high=0.66,
        spread=(0.15, 0.45),
        spread_why="half to one and a half times the book's value; at most 0.45 so that a gain "
        "stays above zero for any context_weight up to 1")
    state_threshold: float = param(
        0.1, "1", "assumed: fraction by which a network's within-network FC must fall for "
        "the state to count as disrupted", high=1.0, high_open=True)

    def __post_init__(self) -> None:
        check_params(self)
        if self.within_loss * (1.0 + self.context_weight) >= 1.0:
            raise ValueError(
                "within_loss × (1 + context_weight) must be below 1 (a gain cannot fall "
                f"below zero), got {self.within_loss:g} × {1 + self.context_weight:g}")


def context_value(context: float | str) -> float:
    """:math:`c` of a named context (:data:`CONTEXTS`) or of a number in [-1, 1]."""
    if isinstance(context, str):
        if context not in CONTEXTS:
            raise ValueError(f"context must be a number in [-1, 1] or one of "
                             f"{tuple(CONTEXTS)}, got {context!r}")
        return CONTEXTS[context]
    return check_scalar("context", context, low=-1.0, high=1.0)


def context_label(context: float | str) -> str:
    """A name for a context: its preset's name, else ``"c = 0.40"``."""
    c = context_value(context)
    for name, value in CONTEXTS.items():
        if value == c:
            return name
    return f"c = {c:+.2f}"


def occupancy_effect(occupancy: float, params: NetworkParams) -> float:
    r""":math:`h(\theta) = \theta^n/(\theta^n + \theta_{50}^n)`, 0-1."""
    occ = check_scalar("occupancy", occupancy, low=0.0, high=1.0)
    x = occ ** params.hill
    return x / (x + params.occupancy_half ** params.hill)


def disruption(occupancy: float, context: float | str, params: NetworkParams | None = None
               ) -> dict[str, float]:
    r""":math:`\delta_{SN}` and :math:`\delta_{DMN}` (keys ``"SalVentAttn"``, ``"Default"``)."""
    params = params_or_default("params", params, NetworkParams)
    h = occupancy_effect(occupancy, params)
    c = context_value(context)
    k = params.context_weight
    return {"SalVentAttn": (1.0 - k * c) * h, "Default": (1.0 + k * c) * h}


def check_delta(delta: object, params: NetworkParams) -> dict[str, float]:
    r"""Disruptions keyed by atlas token (aliases accepted), each in :math:`[0, 1/\alpha)`."""
    if not isinstance(delta, dict) or not delta:
        raise ValueError(f"delta must be a dict of network name → disruption, got {delta!r}")
    out: dict[str, float] = {}
    high = 1.0 / params.within_loss if params.within_loss > 0 else 2.0
    for name, d in delta.items():
        out[network_name(name)] = check_scalar(f"delta[{name!r}]", d, low=0.0, high=high,
                                               high_open=params.within_loss > 0)
    return out


def within_gains(gains: np.ndarray, delta: dict[str, float], params: NetworkParams
                 ) -> np.ndarray:
    """The ``7 × 7`` gains after the within-network loss of each target network (step 3)."""
    s = np.array(gains, dtype=float)
    for name, d in delta.items():
        x = NETWORKS.index(name)
        s[x, x] *= 1.0 - params.within_loss * d
    return s


def between_direction(delta: dict[str, float]) -> np.ndarray:
    r"""The ``7 × 7`` pattern the gains move along as :math:`\varepsilon` grows (step 3)."""
    k = len(NETWORKS)
    direction = np.zeros((k, k))
    for name, d in delta.items():
        x = NETWORKS.index(name)
        others = np.arange(k) != x
        direction[x, others] += d
        direction[others, x] += d
    return direction
