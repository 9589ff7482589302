"""The brain at one moment of a dose: occupancy and context in, FC and its measures out.

:func:`simulate` is the entry point Chapter 6 composes: it applies
:mod:`~ketamodel.networks.ketamine` to the fitted baseline of
:mod:`~ketamodel.networks.fitting`, solves the model of
:mod:`~ketamodel.networks.ou` and measures the result with
:mod:`~ketamodel.networks.metrics`. :func:`simulate_course` does it along an
occupancy time course, :func:`dose_context_map` over a grid of occupancy and
context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from .._blas import one_thread
from ..params import check_array, check_instance, check_scalar, params_or_default
from .fitting import Baseline, baseline, coupling_from_gains
from .ketamine import (
    TARGETS,
    NetworkParams,
    between_direction,
    check_delta,
    context_label,
    context_value,
    disruption,
    within_gains,
)
from .metrics import Measures, measures
from .ou import STABILITY_LIMIT, _top_eigenpair, functional_connectivity, largest_eigenvalue
from .parcellation import Atlas, check_parcels

#: How the coupling a network loses is given to its links with others
#: (:func:`redistribute`): at a constant largest eigenvalue (the default), or conserving
#: the total coupling.
RULES = ("eigenvalue", "total")

#: State labels, in the order of their integer codes in :class:`DoseContextMap`.
STATES = ("baseline", "dissociative (SN-dominated)", "psychedelic (DMN-dominated)")


@dataclass(frozen=True)
class NetworkState:
    r"""The brain at one occupancy and context.

    Attributes
    ----------
    occupancy : float
        NMDA receptor occupancy, 0-1.
    context : float
        :math:`c`, -1 (noisy clinical room) to +1 (eyes closed, music, support).
    context_name : str
        The preset's name, or ``"c = …"``.
    delta : dict
        The drug's disruption of SN and DMN, :math:`\delta`, 0-1.8.
    gains : ndarray
        ``7 × 7`` network gains after the drug.
    coupling : ndarray
        :math:`G`.
    epsilon : float
        :math:`\varepsilon`, the between-network gain given per unit of disruption
        (:mod:`~ketamodel.networks.ketamine`, step 4).
    fc : ndarray
        The model's functional connectivity.
    measures : Measures
        Of ``fc`` (:func:`~ketamodel.networks.metrics.measures`).
    disintegration : dict
        Per network, the fraction by which its within-network FC fell from baseline
        (negative: it rose).
    desegregation : dict
        Per network, the fraction by which its between-network FC rose from baseline.
    state : str
        One of :data:`STATES`.
    atlas : Atlas
    rule : str
        The redistribution rule used (:data:`RULES`).
    """

    occupancy: float
    context: float
    context_name: str
    delta: dict
    gains: np.ndarray
    coupling: np.ndarray
    epsilon: float
    fc: np.ndarray
    measures: Measures
    disintegration: dict
    desegregation: dict
    state: str
    atlas: Atlas
    rule: str = "eigenvalue"


def _state(disintegration: dict, threshold: float) -> str:
    sn, dmn = (disintegration[k] for k in TARGETS)
    if max(sn, dmn) < threshold:
        return STATES[0]
    return STATES[1] if sn >= dmn else STATES[2]


def redistribute(base: Baseline, delta: dict[str, float], params: NetworkParams | None = None,
                 *, rule: str = "eigenvalue") -> tuple[np.ndarray, float]:
    r"""The gains after disruption ``delta``, and :math:`\varepsilon` (steps 3-4 of ketamine).

    ``rule="total"``: :math:`\varepsilon` gives back all the coupling lost, so that the
    sum of :math:`G` is unchanged; the brain may then come closer to instability, and a
    coupling past it raises ``ValueError``.

    ``rule="eigenvalue"`` (default): :math:`\varepsilon` solves
    :math:`\lambda_{max}(G_\alpha + \varepsilon G_d) = \lambda_{max}(G_0)`, with
    :math:`G_\alpha` the coupling after the within-network loss and :math:`G_d` the
    coupling of the between-network pattern. The largest eigenvalue of a symmetric matrix is
    convex and, for non-negative :math:`G_d`, increasing in :math:`\varepsilon`, so Newton's
    method with the slope :math:`v^\top G_d v` (:math:`v` the top eigenvector) converges from
    :math:`\varepsilon = 0` in a few steps.
    """
    check_instance("base", base, Baseline)
    params = params_or_default("params", params, NetworkParams)
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    delta = check_delta(delta, params)
    lam0 = base.largest_eigenvalue
    lost = within_gains(base.gains, delta, params)
    direction = between_direction(delta)
    g_lost = coupling_from_gains(lost, base.topology, base.atlas.network)
    g_dir = coupling_from_gains(direction, base.topology, base.atlas.network)
    if rule == "total":
        eps = float((base.coupling.sum() - g_lost.sum()) / g_dir.sum()) if g_dir.sum() else 0.0
        lam = largest_eigenvalue(g_lost + eps * g_dir)
        if lam >= STABILITY_LIMIT:
            raise ValueError(f"rule 'total' makes the coupling unstable here (largest "
                             f"eigenvalue {lam:.4f}); use rule='eigenvalue' or less disruption")
        return lost + eps * direction, eps
    lam, vec = _top_eigenpair(g_lost)
    if not np.any(direction > 0) or lam >= lam0 - 1e-12:     # nothing was lost
        return lost, 0.0
    eps = 0.0
    with one_thread():
        for _ in range(50):
            slope = float(vec @ g_dir @ vec)
            if slope <= 0.0:
                raise ValueError("the between-network coupling pattern does not reach the "
                                 "largest mode of the coupling; cannot redistribute")
            eps -= (lam - lam0) / slope
            lam, vec = _top_eigenpair(g_lost + eps * g_dir)
            if abs(lam - lam0) < 1e-10:
                break
        else:                                                  # pragma: no cover
            raise ValueError("redistribution did not converge")
    return lost + eps * direction, float(eps)


def coupling_lost(base: Baseline, delta: dict[str, float], params: NetworkParams | None = None
                  ) -> float:
    """The coupling (sum of :math:`G`) that disruption ``delta`` takes from within networks.

    Before any is given back between networks (step 3 of
    :mod:`~ketamodel.networks.ketamine`); compare with the state's ``coupling.sum()`` to
    see how much came back.
    """
    check_instance("base", base, Baseline)
    params = params_or_default("params", params, NetworkParams)
    lost = within_gains(base.gains, check_delta(delta, params), params)
    return float(base.coupling.sum()
                 - coupling_from_gains(lost, base.topology, base.atlas.network).sum())


def simulate(occupancy: float = 0.0, context: float | str = "neutral", *,
             n_parcels: int = 100, params: NetworkParams | None = None,
             rule: str = "eigenvalue") -> NetworkState:
    """FC and measures of the brain at one NMDA occupancy and context.

    Parameters
    ----------
    occupancy : float
        NMDA receptor occupancy at the effect site, 0-1
        (e.g. ``pharmacology.simulate(...).occupancy`` at a time).
    context : float or str
        A number in [-1, 1] or a name in
        :data:`~ketamodel.networks.ketamine.CONTEXTS`.
    n_parcels : int
        100 (default, about 25 ms a call) or 200 (several times slower; the first
        call at each size fits the baseline, under a second at 100 parcels).
    params : NetworkParams, optional
    rule : str
        How the lost coupling is given to other networks (:data:`RULES`,
        :func:`redistribute`): ``"eigenvalue"`` (default) or ``"total"``.

    Returns
    -------
    NetworkState
    """
    p = params_or_default("params", params, NetworkParams)
    occ = check_scalar("occupancy", occupancy, low=0.0, high=1.0)
    c = context_value(context)
    n = check_parcels(n_parcels)
    base = baseline(n)
    ref = _baseline_measures(n)
    delta = disruption(occ, c, p)
    gains, eps = redistribute(base, delta, p, rule=rule)
    g = coupling_from_gains(gains, base.topology, base.atlas.network)
    fc = functional_connectivity(g)
    m = measures(fc, base.atlas.labels)
    within0, between0 = ref.block.within, ref.block.between
    dis = {k: 1.0 - m.block.within[k] / within0[k] for k in within0}
    deseg = {k: m.block.between[k] / between0[k] - 1.0 for k in between0}
    return NetworkState(
        occupancy=occ, context=c, context_name=context_label(c), delta=delta, gains=gains,
        coupling=g, epsilon=eps, fc=fc, measures=m, disintegration=dis,
        desegregation=deseg, state=_state(dis, p.state_threshold), atlas=base.atlas,
        rule=rule)


@lru_cache(maxsize=2)
def _baseline_measures(n_parcels: int) -> Measures:
    """Measures of the fitted baseline (computed once per size, like the fit itself)."""
    base = baseline(n_parcels)
    return measures(base.fc, base.atlas.labels)


@dataclass(frozen=True)
class NetworkCourse:
    """Network measures along an occupancy time course (arrays share ``t_min``).

    Attributes
    ----------
    t_min : ndarray
        Time, min.
    occupancy : ndarray
        NMDA receptor occupancy, 0-1.
    context : float
    sn_disintegration, dmn_disintegration : ndarray
        Fractional fall of within-network FC of SN and DMN.
    sn_desegregation, dmn_desegregation : ndarray
        Fractional rise of their between-network FC.
    segregation : ndarray
        System segregation.
    state : tuple of str
        :data:`STATES` at each time.
    """

    t_min: np.ndarray
    occupancy: np.ndarray
    context: float
    sn_disintegration: np.ndarray
    dmn_disintegration: np.ndarray
    sn_desegregation: np.ndarray
    dmn_desegregation: np.ndarray
    segregation: np.ndarray
    state: tuple[str, ...]


def simulate_course(t_min: ArrayLike, occupancy: ArrayLike, context: float | str = "neutral",
                    *, n_parcels: int = 100, params: NetworkParams | None = None,
                    rule: str = "eigenvalue") -> NetworkCourse:
    """:func:`simulate` at each time of an occupancy course (about 25 ms a point).

    Parameters
    ----------
    t_min : array_like
        Times, min, increasing (at most 2000 points).
    occupancy : array_like
        NMDA receptor occupancy at each time, 0-1.
    context : float or str
    n_parcels : int
    params : NetworkParams, optional
    rule : str
        As for :func:`simulate`.
    """
    t = check_array("t_min", t_min, low=0.0, ndim=1)
    occ = check_array("occupancy", occupancy, low=0.0, high=1.0, ndim=1)
    if t.size != occ.size or not 1 <= t.size <= 2000:
        raise ValueError(f"t_min and occupancy must have the same length, 1 to 2000, got "
                         f"{t.size} and {occ.size}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("t_min must be strictly increasing")
    check_parcels(n_parcels)
    context_value(context)
    states = [simulate(float(o), context, n_parcels=n_parcels, params=params, rule=rule)
              for o in occ]
    sn, dmn = TARGETS
    return NetworkCourse(
        t_min=t, occupancy=occ, context=context_value(context),
        sn_disintegration=np.array([s.disintegration[sn] for s in states]),
        dmn_disintegration=np.array([s.disintegration[dmn] for s in states]),
        sn_desegregation=np.array([s.desegregation[sn] for s in states]),
        dmn_desegregation=np.array([s.desegregation[dmn] for s in states]),
        segregation=np.array([s.measures.segregation for s in states]),
        state=tuple(s.state for s in states))


@dataclass(frozen=True)
class DoseContextMap:
    """The state over a grid of occupancy (rows) and context (columns).

    Attributes
    ----------
    occupancy, context : ndarray
        The grid's axes.
    sn_disintegration, dmn_disintegration, segregation : ndarray
        Shape ``(len(occupancy), len(context))``.
    state : ndarray of int
        Index into :data:`STATES`.
    """

    occupancy: np.ndarray
    context: np.ndarray
    sn_disintegration: np.ndarray
    dmn_disintegration: np.ndarray
    segregation: np.ndarray
    state: np.ndarray


def dose_context_map(occupancy: ArrayLike, context: ArrayLike, *,
                     params: NetworkParams | None = None, rule: str = "eigenvalue"
                     ) -> DoseContextMap:
    """:func:`simulate` over a grid (100 parcels; tens of ms a cell, at most 2500 cells).

    With ``rule="total"``, a cell where the brain would be unstable raises ``ValueError``.
    """
    occ = check_array("occupancy", occupancy, low=0.0, high=1.0, ndim=1)
    ctx = check_array("context", context, low=-1.0, high=1.0, ndim=1)
    if occ.size * ctx.size > 2500 or occ.size == 0 or ctx.size == 0:
        raise ValueError(f"occupancy × context must make a grid of 1 to 2500 cells, got "
                         f"{occ.size} occupancies × {ctx.size} contexts")
    shape = (occ.size, ctx.size)
    sn, dmn, seg = np.empty(shape), np.empty(shape), np.empty(shape)
    state = np.empty(shape, dtype=int)
    for i, o in enumerate(occ):
        for j, c in enumerate(ctx):
            s = simulate(float(o), float(c), params=params, rule=rule)
            sn[i, j] = s.disintegration[TARGETS[0]]
            dmn[i, j] = s.disintegration[TARGETS[1]]
            seg[i, j] = s.measures.segregation
            state[i, j] = STATES.index(s.state)
    return DoseContextMap(occupancy=occ, context=ctx, sn_disintegration=sn,
                          dmn_disintegration=dmn, segregation=seg, state=state)
