r"""The book's headline claims, each a function of the parameters that returns a margin.

A :class:`Claim` is one sentence a chapter asserts in its Checks, its
parameter space (:mod:`~ketamodel.robustness.space`: the classes whose
fields may move) and a function ``margin(params)`` of one parameter object
per class. The margin is positive when the claim holds and says by how much,
in the claim's own terms (:attr:`Claim.margin_unit`): for a claim that "A is
more than twice B" it is :math:`\log_2(A/B) - 1`, for "A is within 0.1 of B"
it is :math:`0.1 - |A - B|`; a claim made of several conditions takes the
smallest of their margins, so the margin is as strong as the weakest
condition. Chapter 1's claims are about the circuit's single stable state:
where the parameters give oscillations or several states instead
(:func:`~ketamodel.circuits.steady_state` raises ``RuntimeError``), the
claim cannot be judged and its margin is NaN; the analysis counts those
points apart and, for the sensitivity indices, scores them as a failure by
:data:`NO_STEADY_STATE` (the claim's ``undefined``).

:data:`CLAIMS` is the registry that the robustness appendix, the chapters'
Checks and the tests share. Where a claim depends on an earlier chapter's
result through a number it does not recompute (Chapter 4 takes the
occupancy at the standard dose's peak, 0.54, from Chapter 1), that number is
held and the claim's ``held`` text says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import circuits
from .. import networks as nw
from .. import pharmacology as ph
from .. import plasticity as pl
from .. import reward as rw
from .. import selfmodel as sm
from .. import unified as un
from ..units import ng_per_mL_to_uM
from .space import Space, space_of

Params = Mapping[type, object]


@dataclass(frozen=True)
class Claim:
    """One headline claim as a function of the parameters.

    Attributes
    ----------
    key : str
        ``"ch<N>.<name>"``, as the chapters and tests refer to it.
    chapter : int
    text : str
        The claim as the chapter states it.
    margin_unit : str
        What the margin measures; it is positive when the claim holds.
    classes : tuple of type
        The parameter classes whose fields vary.
    margin : callable
        ``margin(params) -> float`` with ``params`` a mapping class → object.
    held : str
        What the claim takes from elsewhere and holds fixed.
    heavy : bool
        True when one evaluation takes a cohort (Chapter 6): no Sobol indices,
        fewer samples.
    exclude : tuple of str
        ``Class.field`` labels of the classes that are not varied (e.g. a
        switch that the claim sets itself).
    undefined : float or None
        Where ``margin`` returns NaN the claim cannot be judged; the analysis
        counts those points apart and scores them with this value in the
        sensitivity indices (Chapter 1: :data:`NO_STEADY_STATE`). None: a NaN
        margin is an error.
    """

    key: str
    chapter: int
    text: str
    margin_unit: str
    classes: tuple[type, ...]
    margin: Callable[[Params], float] = field(repr=False)
    held: str = ""
    heavy: bool = False
    exclude: tuple[str, ...] = ()
    undefined: float | None = None

    def space(self) -> Space:
        """The factors this claim varies."""
        return space_of(self.classes, exclude=self.exclude)

    def at_defaults(self) -> float:
        """The margin with every parameter at the book's value."""
        return float(self.margin({cls: cls() for cls in self.classes}))


def _ratio_margin(a: float, b: float, times: float) -> float:
    r""":math:`\log_t(a/b) - 1`, :math:`t` = ``times``: positive when ``a`` > ``times`` × ``b``."""
    if not (a > 0 and b > 0):
        return -math.inf if a <= 0 else math.inf
    return math.log(a / b) / math.log(times) - 1.0


# -- Chapter 1 ---------------------------------------------------------------------------

def _ch1_occupancies(p: Params) -> tuple[float, float]:
    """Peak occupancy of the standard infusion and occupancy at loss of responsiveness."""
    pk, rp = p[ph.PKParams], p[ph.ReceptorParams]
    r = ph.simulate(ph.standard_infusion(), 120.0, pk=pk, receptor=rp)
    lor = ph.ReferenceLevels().loss_of_responsiveness_ng_per_mL
    return float(r.occupancy.max()), float(ph.occupancy(ng_per_mL_to_uM(lor), rp))


#: The score of a Chapter 1 claim where the circuit has no single stable state (its margin
#: is NaN there), as the sensitivity indices count it (a clear failure).
NO_STEADY_STATE = -1.0


def _ch1_rates(p: Params) -> tuple[float, float, float, float, float] | None:
    """Occupancy of the U's top and at the dose, and the rates at 0, the top, the dose and LOR."""
    cp = p[circuits.CircuitParams]
    occ_dose, occ_lor = _ch1_occupancies(p)
    try:
        peak = circuits.peak_occupancy(cp)
        rates = circuits.steady_state([0.0, peak, occ_dose, occ_lor], cp).excitatory_Hz
    except RuntimeError:            # oscillations or several states: no inverted U to judge
        return None
    return peak, occ_dose, *(float(x) for x in rates[[0, 1, 3]]), float(rates[2])


def _ch1_u_margin(e0: float, e_peak: float, e_lor: float) -> float:
    """The inverted U: the peak above 1.5 times baseline, and a fall at loss of responsiveness."""
    return min(math.log(e_peak / e0) / math.log(1.5) - 1.0, (e0 - e_lor) / max(e0, e_lor))


def _ch1_inverted_u(p: Params) -> float:
    r = _ch1_rates(p)
    if r is None:
        return math.nan
    _, _, e0, e_peak, e_lor, _ = r
    return _ch1_u_margin(e0, e_peak, e_lor)


def _ch1_dose_near_top(p: Params) -> float:
    r = _ch1_rates(p)
    if r is None:
        return math.nan
    peak, occ_dose, e0, e_peak, e_lor, e_dose = r
    return min(1.0 - abs(occ_dose - peak) / 0.1, _ch1_u_margin(e0, e_peak, e_lor),
               math.log(e_dose / e0) / math.log(1.5) - 1.0)


# -- Chapter 2 ---------------------------------------------------------------------------

#: Chapter 2's peak block of the standard infusion, held (its trapping kinetics are Chapter 1's).
CH2_PEAK_BLOCK = 0.45


def _ch2_rho(p: Params, block: float, v: float) -> float:
    return float(rw.rho_from_block(block, v, habenula=p[rw.HabenulaParams],
                                   dopamine=p[rw.DopamineParams], link=p[rw.RewardLinkParams]))


def _ch2_depression_blunts(p: Params) -> float:
    hp = p[rw.HabenulaParams]
    fb_h = float(rw.burst_fraction(0.0, hp.v_rest_healthy_mV, params=hp))
    fb_d = float(rw.burst_fraction(0.0, hp.v_rest_depressed_mV, params=hp))
    g_h = float(rw.rpe_gain(fb_h, params=p[rw.DopamineParams]))
    g_d = float(rw.rpe_gain(fb_d, params=p[rw.DopamineParams]))
    return min(_ratio_margin(fb_d, fb_h, 2.0), _ratio_margin(g_h, g_d, 2.0))


def _ch2_ketamine_partway(p: Params) -> float:
    hp = p[rw.HabenulaParams]
    rho_d = _ch2_rho(p, 0.0, hp.v_rest_depressed_mV)
    rho_h = _ch2_rho(p, 0.0, hp.v_rest_healthy_mV)
    rho_k = _ch2_rho(p, CH2_PEAK_BLOCK, hp.v_rest_depressed_mV)
    if not rho_h > rho_d:
        return -1.0
    share = (rho_k - rho_d) / (rho_h - rho_d)
    return min(share - 0.2, 1.0 - share)


# -- Chapter 3 ---------------------------------------------------------------------------

_SIX_WEEKS_H = 6 * 7 * 24.0


def _ch3_courses(p: Params) -> tuple[pl.PlasticityCourse, pl.PlasticityCourse]:
    pp = p[pl.PlasticityParams]
    one = pl.simulate(ph.standard_infusion(), _SIX_WEEKS_H, params=pp)
    cut = pl.simulate(ph.standard_infusion(), _SIX_WEEKS_H, params=pp,
                      ablate_spine_formation=True)
    return one, cut


def _half_interval(t: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    excess = values - values[0]
    above = np.flatnonzero(excess > 0.5 * excess.max())
    if not above.size or excess.max() <= 0:
        return math.nan, math.nan
    return float(t[above[0]]), float(t[above[-1]])


def _ch3_window(p: Params) -> float:
    pp = p[pl.PlasticityParams]
    one = pl.simulate(ph.standard_infusion(), _SIX_WEEKS_H, params=pp)
    opens, closes = _half_interval(one.t_h, one.window)
    if math.isnan(opens):
        return -1.0
    t_drug = float(one.t_h[int(np.argmax(one.occupancy))])
    delay, open_h = opens - t_drug, closes - opens
    if delay <= 0:
        return -1.0
    return min(math.log2(delay / 2.0), math.log2(open_h / 48.0))


def _ch3_ablation(p: Params) -> float:
    one, cut = _ch3_courses(p)
    i_acute = int(np.argmax(one.behaviour_acute))
    i_density = int(np.argmax(one.spine_density))
    change = abs(cut.behaviour[i_acute] - one.behaviour[i_acute]) / one.behaviour[i_acute]
    kept = cut.behaviour[i_density] / one.behaviour[i_density]
    return float(min(1.0 - change / 0.05, 1.0 - kept / 0.25))


# -- Chapter 4 ---------------------------------------------------------------------------

#: The standard infusion's peak occupancy (Chapter 1), held for Chapter 4's claims.
CH4_OCCUPANCY = 0.54


def _ch4_context_decides(p: Params) -> float:
    np_ = p[nw.NetworkParams]
    noisy = nw.simulate(CH4_OCCUPANCY, "noisy clinical room", params=np_).disintegration
    calm = nw.simulate(CH4_OCCUPANCY, "eyes closed, music, support",
                       params=np_).disintegration
    return float(min(noisy["SalVentAttn"] - noisy["Default"],
                     calm["Default"] - calm["SalVentAttn"]))


def _ch4_segregation_falls(p: Params) -> float:
    np_ = p[nw.NetworkParams]
    base = nw.simulate(0.0, "neutral", params=np_).measures.segregation
    return float(min((base - nw.simulate(CH4_OCCUPANCY, c, params=np_).measures.segregation)
                     / base for c in nw.CONTEXTS))


# -- Chapter 5 ---------------------------------------------------------------------------

def _ch5_only_inside(p: Params) -> float:
    cases = sm.four_cases(ph.standard_infusion(), therapy=sm.Therapy(),
                          params=p[sm.SelfModelParams], noise=False).lasting()
    inside = cases[sm.CASES[2]]
    others = max(0.0, max(v for k, v in cases.items() if k != sm.CASES[2]))
    # in (-1, 1): positive when inside is more than twice the best other case
    return (inside - 2.0 * others) / (abs(inside) + 2.0 * others + 1e-12)


# -- Chapter 6 ---------------------------------------------------------------------------

def _ch6_prediction(name: str) -> Callable[[Params], float]:
    def margin(p: Params) -> float:
        kwargs = {"outcome": p[un.OutcomeParams]} if un.OutcomeParams in p else {}
        pred = un.run_prediction(name, selfmodel_params=p[sm.SelfModelParams], **kwargs)
        return float(pred.ci[0] / pred.smallest_effect)
    margin.__name__ = f"_ch6_{name.replace(' ', '_')}"
    return margin


def _ch6_ego_unseen(p: Params) -> float:
    pred = un.run_prediction("ego dissolution and improvement",
                             selfmodel_params=p[sm.SelfModelParams], outcome=p[un.OutcomeParams])
    return float(min(-pred.ci[0], pred.ci[1]) / pred.smallest_effect)


_CALIBRATED = tuple(f"OutcomeParams.{f}" for f in un.CALIBRATED_FIELDS)
_CH1 = (circuits.CircuitParams, ph.PKParams, ph.ReceptorParams)
#: Route and metabolite numbers that cannot move an intravenous claim: not varied.
_CH1_ROUTES = tuple(f"PKParams.{f}" for f in (
    "bioavailability_im", "ka_intranasal_per_min", "ka_im_per_min", "ka_oral_per_min",
    "norketamine_v_L_per_kg"))
_CH2 = (rw.HabenulaParams, rw.DopamineParams, rw.RewardLinkParams)
_CH6 = (sm.SelfModelParams, un.OutcomeParams)
_CH6_HELD = ("every earlier chapter's parameters at the book's values (the cohort's "
             "exposures are computed once), the four calibrated outcome parameters at their "
             "fit, the cohort's draws (seed 0)")

#: Every headline claim, by key.
CLAIMS: dict[str, Claim] = {c.key: c for c in (
    Claim("ch1.dose_near_top", 1, "the antidepressant dose sits near the top of an "
          "inverted U: its peak occupancy is within 0.1 of the occupancy that excites most, "
          "where excitation is more than 1.5 times baseline",
          "the weakest of 1 - distance / 0.1, the inverted U's margin and "
          "log_1.5(rate at the dose / baseline) - 1", _CH1, _ch1_dose_near_top,
          exclude=_CH1_ROUTES,
          held="the loss-of-responsiveness level (sleigh2019electroencephalographic)",
          undefined=NO_STEADY_STATE),
    Claim("ch1.inverted_u", 1, "blocking NMDA receptors first excites cortex (to more than "
          "1.5 times baseline at the peak) and then, at loss of responsiveness, suppresses it",
          "the weaker of log_1.5(peak / baseline) - 1 and the fall at loss of "
          "responsiveness relative to the larger rate", _CH1, _ch1_inverted_u,
          exclude=_CH1_ROUTES,
          held="the loss-of-responsiveness level (sleigh2019electroencephalographic)",
          undefined=NO_STEADY_STATE),
    Claim("ch2.depression_blunts_reward", 2, "a hyperpolarised habenula bursts more than "
          "twice as often and more than halves the dopamine response to reward",
          "the weaker of log_2(burst ratio) - 1 and log_2(gain ratio) - 1", _CH2,
          _ch2_depression_blunts),
    Claim("ch2.ketamine_partway", 2, "at its peak block ketamine lifts reward sensitivity "
          "part of the way (at least a fifth, not all) from the depressed to the healthy value",
          "the share of the gap closed minus 0.2, or 1 minus it, whichever is smaller", _CH2,
          _ch2_ketamine_partway, held=f"the peak block of the standard infusion, "
          f"{CH2_PEAK_BLOCK} (Chapter 2's course)"),
    Claim("ch3.window_after_drug", 3, "the plasticity window opens hours (more than 2 h) "
          "after the drug peaks and stays open for days (more than 48 h)",
          "the weaker of log_2(delay after the occupancy peak / 2 h) and "
          "log_2(time open / 48 h)", (pl.PlasticityParams,), _ch3_window,
          held="Chapter 1's pharmacokinetics and circuit"),
    Claim("ch3.ablation", 3, "ablating spine formation keeps the acute effect (changed by "
          "less than 5 %) and loses the lasting one (below a quarter)",
          "the weaker of 1 - change / 5 % and 1 - kept share / 0.25",
          (pl.PlasticityParams,), _ch3_ablation, held="Chapter 1's pharmacokinetics and circuit"),
    Claim("ch4.context_decides", 4, "the setting decides which network loses more: the "
          "salience network in a noisy room, the default-mode network with eyes closed",
          "the smaller of the two differences in within-network FC lost (fraction)",
          (nw.NetworkParams,), _ch4_context_decides,
          held=f"occupancy {CH4_OCCUPANCY} (the standard infusion's peak, Chapter 1) and "
          "the fitted baseline network"),
    Claim("ch4.segregation_falls", 4, "at the standard dose's peak, system segregation falls "
          "in every setting", "the smallest relative fall of system segregation",
          (nw.NetworkParams,), _ch4_segregation_falls,
          held=f"occupancy {CH4_OCCUPANCY} and the fitted baseline network"),
    Claim("ch5.only_inside_window", 5, "only drug + therapy inside the window gives a "
          "lasting revision: more than twice that of any other case",
          "(inside - 2 next best) / (|inside| + 2 next best), in (-1, 1)",
          (sm.SelfModelParams,), _ch5_only_inside,
          held="the drive of Chapters 1-4 at the book's values"),
    Claim("ch6.dissociation_dose", 6, "in the cohort, dissociation rises with dose",
          "lower 95 % bound of the smallest rise / the smallest effect that matters (1 point)",
          (sm.SelfModelParams,), _ch6_prediction("dissociation and dose"),
          held=_CH6_HELD + "; the peak indices do not depend on the outcome layer",
          heavy=True),
    Claim("ch6.therapy_window", 6, "in the cohort, psychotherapy inside the window adds "
          "more than the same sessions after it",
          "lower 95 % bound / the smallest effect that matters (2 MADRS points)",
          _CH6, _ch6_prediction("psychotherapy in the window"), held=_CH6_HELD, heavy=True,
          exclude=_CALIBRATED),
    Claim("ch6.course_relapse", 6, "in the cohort, response lasts longer after a course of "
          "six infusions than after one",
          "lower 95 % bound / the smallest effect that matters (3 days)",
          _CH6, _ch6_prediction("relapse after a course"), held=_CH6_HELD, heavy=True,
          exclude=_CALIBRATED),
    Claim("ch6.ego_unseen", 6, "a trial would not see ego dissolution predict improvement in "
          "MADRS ratings (the 95 % interval holds 0)",
          "the smaller of minus the lower and the upper 95 % bound, / the smallest "
          "correlation that matters (0.1)",
          _CH6, _ch6_ego_unseen, held=_CH6_HELD, heavy=True, exclude=_CALIBRATED),
)}


def claims_of(chapter: int) -> tuple[Claim, ...]:
    """The claims of one chapter (1-6), in registry order."""
    if isinstance(chapter, bool) or chapter not in range(1, 7):
        raise ValueError(f"chapter must be a whole number in [1, 6], got {chapter!r}")
    return tuple(c for c in CLAIMS.values() if c.chapter == chapter)
