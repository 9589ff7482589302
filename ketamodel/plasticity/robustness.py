"""The conclusions rest on the order of the time scales, not on their values.

No rate of the cascade was measured (see :mod:`~ketamodel.plasticity.params`),
so the model's claims must survive any choice of time constants that keeps
their order: minutes (AMPA, eEF2, BDNF) ≤ hours (TrkB, mTORC1, protein
synthesis, spine maturation) ≤ a day (synaptic protein turnover) ≤ a week
(spine lifetime). :func:`conclusions` computes the claims from three
simulations; :func:`time_scale_orderings` repeats them with each time constant
halved and doubled, with all of them scaled together, and with the order
broken in three ways, to show that the claims fail only then.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import ArrayLike

from ..circuits import CircuitParams
from ..params import check_array, check_instance, params_or_default
from ..pharmacology import repeated_infusions, standard_infusion
from .course import PlasticityCourse
from .dosing import simulate
from .params import PlasticityParams

#: The time constants of each group, from the fastest group to the slowest.
ORDER = (
    ("tau_ampa_min", "tau_eef2_min", "tau_hnk_min", "tau_bdnf_min"),
    ("tau_trkb_h", "tau_mtorc1_h", "tau_synthesis_h", "tau_formation_h"),
    ("tau_protein_h",),
    ("spine_turnover_per_day",),
)


@dataclass(frozen=True)
class Conclusions:
    """The claims of the model after one standard infusion and a course of six.

    Attributes
    ----------
    acute_effect_within_hours : bool
        The acute arm of the effect peaks within 12 h of the start of the dose.
    behaviour_before_spines : bool
        When the acute effect peaks, extra spine formation is below a quarter of its own
        peak (induction comes first).
    window_opens_after_drug_peak : bool
        The window reaches half its peak after occupancy peaks.
    window_lasts_days : bool
        The window stays above half its peak for more than a day.
    density_outlasts_window : bool
        Spine density stays above half its peak excess more than 1.5 times as long
        (from the dose) as the window stays above half its peak.
    ablation_keeps_acute_effect : bool
        Without new spines, the effect at its acute peak changes by less than 5 %.
    ablation_removes_sustained_effect : bool
        Without new spines, the effect when density peaks is below a quarter of the intact one.
    repeats_extend_window : bool
        Twice weekly for three weeks, the window is open more than twice as long as after
        one dose and closes more than a week later.
    density_returns_within_weeks : bool
        Six weeks after one dose, the density excess is below a tenth of its peak.
    """

    acute_effect_within_hours: bool
    behaviour_before_spines: bool
    window_opens_after_drug_peak: bool
    window_lasts_days: bool
    density_outlasts_window: bool
    ablation_keeps_acute_effect: bool
    ablation_removes_sustained_effect: bool
    repeats_extend_window: bool
    density_returns_within_weeks: bool

    @property
    def all_hold(self) -> bool:
        """True when every claim holds."""
        return all(getattr(self, f.name) for f in fields(self))

    def failing(self) -> tuple[str, ...]:
        """The names of the claims that do not hold."""
        return tuple(f.name for f in fields(self) if not getattr(self, f.name))


def _above_half(course: PlasticityCourse, values: np.ndarray) -> tuple[float, float, float]:
    """First and last time (h) above half the peak excess, and the total time above it."""
    excess = values - values[0]
    level = 0.5 * excess.max()
    above = excess > level
    t = course.t_h
    if not above.any():
        return float("nan"), float("nan"), 0.0
    idx = np.flatnonzero(above)
    total = float(np.sum(np.diff(t)[above[:-1] & above[1:]]))
    return float(t[idx[0]]), float(t[idx[-1]]), total


def conclusions(params: PlasticityParams | None = None, *,
                circuit: CircuitParams | None = None) -> Conclusions:
    """The model's claims (:class:`Conclusions`) for one set of parameters.

    Three simulations over six weeks: one standard infusion
    (:func:`~ketamodel.pharmacology.doses.standard_infusion`), the same with spine
    formation ablated, and six infusions twice weekly
    (:func:`~ketamodel.pharmacology.doses.repeated_infusions`).

    Parameters
    ----------
    params : PlasticityParams, optional
    circuit : CircuitParams, optional
    """
    p = params_or_default("params", params, PlasticityParams)
    if circuit is not None:
        check_instance("circuit", circuit, CircuitParams)
    t_end = 6 * 7 * 24.0
    one = simulate(standard_infusion(), t_end, params=p, circuit=circuit)
    cut = simulate(standard_infusion(), t_end, params=p, circuit=circuit,
                   ablate_spine_formation=True)
    course = simulate(repeated_infusions(6, 84.0), t_end, params=p, circuit=circuit)
    t = one.t_h
    formation = one.spine_formation_per_day / one.spine_formation_per_day[0] - 1.0
    density = one.spine_density - 1.0
    i_acute = int(np.argmax(one.behaviour_acute))
    i_density = int(np.argmax(density))
    w_open, w_close, w_total = _above_half(one, one.window)
    _, d_close, _ = _above_half(one, one.spine_density)
    level = 1.0 + 0.5 * (one.window.max() - 1.0)
    above = course.window > level
    course_total = float(np.sum(np.diff(course.t_h)[above[:-1] & above[1:]]))
    course_close = float(course.t_h[np.flatnonzero(above)[-1]]) if above.any() else 0.0
    return Conclusions(
        acute_effect_within_hours=bool(t[i_acute] < 12.0),
        behaviour_before_spines=bool(formation[i_acute] < 0.25 * formation.max()),
        window_opens_after_drug_peak=bool(w_open > t[int(np.argmax(one.occupancy))]),
        window_lasts_days=bool(w_close - w_open > 24.0),
        density_outlasts_window=bool(d_close > 1.5 * w_close),
        ablation_keeps_acute_effect=bool(
            abs(cut.behaviour[i_acute] - one.behaviour[i_acute]) < 0.05 * one.behaviour[i_acute]),
        ablation_removes_sustained_effect=bool(
            cut.behaviour[i_density] < 0.25 * one.behaviour[i_density]),
        repeats_extend_window=bool(course_total > 2.0 * w_total
                                   and course_close > w_close + 7 * 24.0),
        density_returns_within_weeks=bool(density[-1] < 0.1 * density.max()),
    )


def ordering_kept(params: PlasticityParams | None = None) -> bool:
    """True when no time constant of a group exceeds any of the next group (:data:`ORDER`).

    Parameters
    ----------
    params : PlasticityParams, optional
    """
    p = params_or_default("params", params, PlasticityParams)
    tau = p.time_constants_h()
    groups = [[tau[name] for name in group] for group in ORDER]
    return all(max(a) <= min(b) for a, b in zip(groups[:-1], groups[1:], strict=True))


@dataclass(frozen=True)
class OrderingRow:
    """One variant of the time constants and what became of the claims.

    Attributes
    ----------
    label : str
        What was changed.
    params : PlasticityParams
        The parameters of the variant.
    ordering_kept : bool
        Whether the order of the time scales was kept (:func:`ordering_kept`).
    conclusions : Conclusions
        The claims for the variant.
    """

    label: str
    params: PlasticityParams
    ordering_kept: bool
    conclusions: Conclusions


def time_scale_orderings(factors: ArrayLike = (0.5, 2.0), *,
                         params: PlasticityParams | None = None) -> tuple[OrderingRow, ...]:
    """The claims when each time constant, and all of them, are scaled, and when the order breaks.

    Rows, in order: the defaults; each time constant multiplied by each
    factor (:meth:`~ketamodel.plasticity.params.PlasticityParams.scaled`); all
    of them multiplied by each factor; then three variants that break the
    order of the time scales:

    - the slow stages as fast as BDNF (synthesis, maturation and protein
      turnover in 30 min, spines lasting 2 h),
    - BDNF as slow as synaptic proteins (a day),
    - spines lasting 6 h (less than a synaptic protein's day).

    Parameters
    ----------
    factors : array_like
        Scale factors, each in [0.25, 4] (default 0.5 and 2).
    params : PlasticityParams, optional
        The starting point (default: the book's values).

    Returns
    -------
    tuple of OrderingRow
    """
    scale = check_array("factors", factors, low=0.25, high=4.0, ndim=1)
    if scale.size == 0:
        raise ValueError("factors must hold at least one factor in [0.25, 4]")
    base = params_or_default("params", params, PlasticityParams)
    variants = [("defaults", base)]
    for name in base.time_constants_h():
        what = "spine lifetime" if name == "spine_turnover_per_day" else name
        for k in scale:
            variants.append((f"{what} x{k:g}", base.scaled(float(k), (name,))))
    for k in scale:
        variants.append((f"all time constants x{k:g}", base.scaled(float(k))))
    variants += [
        ("broken: slow stages as fast as BDNF",
         replace(base, tau_synthesis_h=0.5, tau_formation_h=0.5, tau_protein_h=0.5,
                 spine_turnover_per_day=12.0)),
        ("broken: BDNF as slow as synaptic proteins", replace(base, tau_bdnf_min=1440.0)),
        ("broken: spines last 6 h", replace(base, spine_turnover_per_day=4.0)),
    ]
    return tuple(OrderingRow(label=label, params=p, ordering_kept=ordering_kept(p),
                             conclusions=conclusions(p)) for label, p in variants)
