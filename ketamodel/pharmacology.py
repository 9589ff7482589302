"""Pharmacology of ketamine: how much reaches the NMDA receptor, and how it blocks it.

Chapter 1 of the book. Four pieces, each small:

1. **Pharmacokinetics** (:class:`PKParams`, :class:`Dose`, :func:`simulate`): a
   two-compartment model of racemic ketamine (Clements & Nimmo set,
   :cite:p:`clements1981pharmacokinetics`) with first-order absorption for
   non-IV routes (bioavailability from :cite:p:`yanagihara2003plasma`), an
   effect-site compartment (:cite:p:`olofsen2012estimation`) and norketamine as
   a metabolite.
2. **Occupancy** (:func:`occupancy`): a Hill function of the effect-site
   concentration with the racemate's IC50 computed from the enantiomers'
   binding constants (:cite:p:`ebert1997norketamine`).
3. **Mg²⁺ block** (:func:`mg_unblocked_fraction`): the Jahr–Stevens form
   (:cite:p:`jahr1990voltage`).
4. **Trapping block** (:func:`simulate_trapping`): a four-state kinetic scheme in
   which ketamine enters only open channels (:cite:p:`macdonald1991actions`) and
   stays trapped when they close (:cite:p:`kotermanski2009memantine`), so block
   grows faster when the channel opens more often (use-dependence).

All concentrations are total (bound + unbound) racemic ketamine; the model
does not separate the enantiomers. It is a teaching model, not a dosing tool.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import expm

from .params import check_array, check_params, check_scalar, param
from .units import KETAMINE_G_PER_MOL, NORKETAMINE_G_PER_MOL

ROUTES = ("iv", "im", "intranasal", "oral")

# State vector of the linear pharmacokinetic system (amounts per kg body weight,
# except the effect site, which is a concentration):
_IM, _IN, _ORAL, _CENTRAL, _PERIPH, _EFFECT, _NOR, _FIRSTPASS = range(8)
_N_STATES = 8


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PKParams:
    r"""Pharmacokinetics of racemic ketamine and norketamine in an adult.

    Amounts :math:`x` are in µmol per kg body weight; volumes in L/kg.

    .. math::

        \dot x_1 &= -(k_{10} + k_{12})\,x_1 + k_{21}\,x_2 + \sum_r k_{a,r}\,d_r + R(t) \\
        \dot x_2 &= k_{12}\,x_1 - k_{21}\,x_2 \\
        \dot d_r &= -k_{a,r}\,d_r \\
        \dot C_e &= k_{e0}\,(x_1/V_1 - C_e) \\
        \dot x_N &= f_m\,k_{10}\,x_1 + k_{a,\mathrm{oral}}\,d_\mathrm{fp} - k_N\,x_N

    :math:`x_1`: central (plasma) compartment; :math:`x_2`: peripheral;
    :math:`d_r`: absorption depot of route :math:`r`, which receives
    :math:`F_r` × dose; :math:`R(t)`: IV infusion rate; :math:`C_e`: effect-site
    concentration; :math:`x_N`: norketamine. After an oral dose, the part lost
    to first-pass metabolism, :math:`(1 - F)\,f_m` × dose, enters the
    first-pass depot :math:`d_\mathrm{fp}` and reaches the blood as
    norketamine.

    The Clements & Nimmo set has a large central volume (1.75 L/kg): it was
    fitted to a small bolus and describes infusions well, but it
    underestimates the first minutes after an anaesthetic bolus
    (see Chapter 1).
    """

    v1_L_per_kg: float = param(1.7522, "L/kg", "clements1981pharmacokinetics")
    k10_per_min: float = param(0.0109, "1/min", "clements1981pharmacokinetics")
    k12_per_min: float = param(0.0186, "1/min", "clements1981pharmacokinetics")
    k21_per_min: float = param(0.0137, "1/min", "clements1981pharmacokinetics")
    ke0_per_min: float = param(
        0.114, "1/min",
        "olofsen2012estimation; computed: ln 2 / 6.1 min, the effect-site half-time of "
        "subjective and analgesic effects")
    bioavailability_intranasal: float = param(0.45, "1", "yanagihara2003plasma", high=1.0)
    bioavailability_oral: float = param(0.20, "1", "yanagihara2003plasma", high=1.0)
    bioavailability_im: float = param(
        0.93, "1", "assumed: commonly quoted value whose primary source (Clements 1982) "
        "was not read", high=1.0)
    ka_intranasal_per_min: float = param(
        0.08, "1/min", "assumed: chosen so that the plasma peak falls 15-25 min after an "
        "intranasal dose, the range reported by yanagihara2003plasma")
    ka_im_per_min: float = param(
        0.25, "1/min", "assumed: chosen so that the plasma peak falls 5-20 min after an "
        "intramuscular dose, a commonly quoted range")
    ka_oral_per_min: float = param(
        0.015, "1/min", "assumed: chosen so that the plasma peak falls about 1 h after an "
        "oral dose (chong2006bioavailability)")
    norketamine_fraction: float = param(
        0.8, "1", "assumed: N-demethylation is the main route of ketamine metabolism "
        "(peltoniemi2016ketamine), but the human fraction is not reported", high=1.0)
    norketamine_v_L_per_kg: float = param(
        2.0, "L/kg", "assumed: order of magnitude; no adult volume found")
    norketamine_k_per_min: float = param(
        0.0019, "1/min", "assumed: ln 2 / 6 h; only a paediatric secondary value of the "
        "norketamine half-life was found")

    def __post_init__(self) -> None:
        check_params(self)

    def bioavailability(self, route: str) -> float:
        """Bioavailability F (0-1] of a route; 1 for IV."""
        _check_route(route)
        return {"iv": 1.0, "im": self.bioavailability_im,
                "intranasal": self.bioavailability_intranasal,
                "oral": self.bioavailability_oral}[route]

    @property
    def clearance_mL_per_min_per_kg(self) -> float:
        """Clearance CL = k10·V1, in mL/min/kg (19.1 for the default set)."""
        return self.k10_per_min * self.v1_L_per_kg * 1000.0

    def matrix(self) -> np.ndarray:
        r"""The system matrix A of :math:`\dot x = A x + b\,R(t)` (see the class docstring)."""
        a = np.zeros((_N_STATES, _N_STATES))
        for depot, ka in ((_IM, self.ka_im_per_min), (_IN, self.ka_intranasal_per_min),
                          (_ORAL, self.ka_oral_per_min)):
            a[depot, depot] = -ka
            a[_CENTRAL, depot] = ka
        a[_CENTRAL, _CENTRAL] = -(self.k10_per_min + self.k12_per_min)
        a[_CENTRAL, _PERIPH] = self.k21_per_min
        a[_PERIPH, _CENTRAL] = self.k12_per_min
        a[_PERIPH, _PERIPH] = -self.k21_per_min
        a[_EFFECT, _CENTRAL] = self.ke0_per_min / self.v1_L_per_kg
        a[_EFFECT, _EFFECT] = -self.ke0_per_min
        a[_NOR, _CENTRAL] = self.norketamine_fraction * self.k10_per_min
        a[_NOR, _FIRSTPASS] = self.ka_oral_per_min
        a[_NOR, _NOR] = -self.norketamine_k_per_min
        a[_FIRSTPASS, _FIRSTPASS] = -self.ka_oral_per_min
        return a


@dataclass(frozen=True)
class ReceptorParams:
    r"""NMDA receptor occupancy by racemic ketamine: a Hill function.

    .. math:: \theta = \frac{C^{n_H}}{C^{n_H} + \mathrm{IC}_{50}^{n_H}}

    The racemate's IC50 is computed from the enantiomers' binding constants
    (Ki 0.3 µM for S, 1.4 µM for R, rat cortex): for a 1:1 mixture,
    1/IC50 = 0.5/0.3 + 0.5/1.4, so IC50 ≈ 0.49 µM. A binding constant in rat
    cortical membranes is not a functional IC50 in 1 mM Mg²⁺ at rest.
    """

    ic50_uM: float = param(
        0.49, "µM", "ebert1997norketamine; computed: 1/(0.5/0.3 + 0.5/1.4) from the "
        "enantiomers' Ki")
    hill: float = param(1.0, "1", "assumed: one binding site per channel; no measured "
                        "Hill coefficient found", high=4.0)

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class MgBlockParams:
    r"""Voltage-dependent Mg²⁺ block of the NMDA receptor (Jahr & Stevens form).

    .. math:: B(V) = \frac{1}{1 + [\mathrm{Mg}^{2+}]\, e^{-a V} / K_{Mg}}
    """

    slope_per_mV: float = param(0.062, "1/mV", "jahr1990voltage")
    k_mg_mM: float = param(3.57, "mM", "jahr1990voltage")

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class TrappingParams:
    r"""A four-state kinetic scheme of open-channel trapping block.

    States: C (closed, free), O (open), B (open and blocked), T (closed with
    the drug trapped inside). While agonist is bound (a pulse), C ⇄ O and
    T ⇄ B open and close at rates :math:`\alpha, \beta`; ketamine enters only
    open channels, O → B at :math:`k_{on}[K]`, and leaves them, B → O at
    :math:`k_{off}`. Between pulses the channel closes (O → C, B → T at the
    deactivation rate) and a trapped drug escapes only slowly (T → C).
    """

    kon_per_M_per_s: float = param(
        3e5, "1/(M·s)", "macdonald1991actions; upper end of the reported 3e4-3e5 range, so "
        "that the kinetic Kd = koff/kon (0.67 µM) is close to the binding IC50 (0.49 µM)")
    koff_per_s: float = param(0.2, "1/s", "macdonald1991actions")
    opening_per_s: float = param(
        50.0, "1/s", "assumed: with closing_per_s gives an open probability of 0.5 while "
        "agonist is bound")
    closing_per_s: float = param(50.0, "1/s", "assumed: see opening_per_s")
    deactivation_per_s: float = param(
        20.0, "1/s", "assumed: channel closes ~50 ms after the agonist leaves, the order of "
        "NMDA receptor deactivation")
    escape_per_s: float = param(
        0.002, "1/s", "assumed: ketamine stays trapped in nearly all closed channels "
        "(kotermanski2009memantine); the escape rate is a teaching value")
    pulse_s: float = param(
        0.1, "s", "assumed: time agonist stays bound after a synaptic release, order of the "
        "NMDA EPSC")

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class ReferenceLevels:
    """Measured concentrations that the chapters compare the model with (not model inputs)."""

    standard_infusion_peak_ng_per_mL: float = param(
        185.0, "ng/mL", "zanos2018ketamine; Table 1, peak plasma level of 0.5 mg/kg over "
        "40 min, citing Zarate et al. 2006")
    analgesic_low_ng_per_mL: float = param(70.0, "ng/mL", "zanos2018ketamine; analgesic band")
    analgesic_high_ng_per_mL: float = param(160.0, "ng/mL",
                                            "zanos2018ketamine; analgesic band")
    psychotomimetic_ng_per_mL: float = param(
        120.0, "ng/mL", "zanos2018ketamine; after a 0.3 mg/kg IV bolus, citing Lahti 2001")
    anaesthesia_low_ng_per_mL: float = param(
        1200.0, "ng/mL", "zanos2018ketamine; plasma levels of 1-2 mg/kg IV")
    anaesthesia_high_ng_per_mL: float = param(
        2400.0, "ng/mL", "zanos2018ketamine; plasma levels of 1-2 mg/kg IV")
    loss_of_responsiveness_ng_per_mL: float = param(
        1640.0, "ng/mL", "sleigh2019electroencephalographic; effect-site level at loss of "
        "responsiveness, 1.64 ± 0.17 µg/mL")

    def __post_init__(self) -> None:
        check_params(self)


# --------------------------------------------------------------------------------------
# Doses and schedules
# --------------------------------------------------------------------------------------
def _check_route(route: str) -> None:
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}, got {route!r}")


@dataclass(frozen=True)
class Dose:
    """One administration of racemic ketamine (base).

    Parameters
    ----------
    dose_mg_per_kg : float
        Dose of ketamine base, mg per kg body weight, ≥ 0 (for the HCl salt,
        convert with :func:`ketamodel.units.hcl_salt_to_base_mg`).
    route : {"iv", "im", "intranasal", "oral"}
        Route of administration.
    start_min : float
        Time of the start of the administration, min, ≥ 0.
    duration_min : float
        Duration of a constant-rate IV infusion, min: 0 (a bolus) or in
        [0.01, 10080] (up to a week).
        Only IV doses may have a duration.
    bioavailability : float or None
        Overrides the route's default bioavailability, in (0, 1]; ``None``
        uses :class:`PKParams`.
    """

    dose_mg_per_kg: float
    route: str = "iv"
    start_min: float = 0.0
    duration_min: float = 0.0
    bioavailability: float | None = None

    def __post_init__(self) -> None:
        check_scalar("dose_mg_per_kg", self.dose_mg_per_kg, low=0.0, high=50.0)
        _check_route(self.route)
        check_scalar("start_min", self.start_min, low=0.0)
        check_scalar("duration_min", self.duration_min, low=0.0, high=10080.0)
        if 0.0 < self.duration_min < 0.01:
            raise ValueError(f"duration_min must be 0 (a bolus) or in [0.01, 10080] min, "
                             f"got {self.duration_min!r}")
        if self.duration_min > 0 and self.route != "iv":
            raise ValueError(f"duration_min must be 0 for route {self.route!r}: only IV doses "
                             f"can be infused, got {self.duration_min!r}")
        if self.bioavailability is not None:
            check_scalar("bioavailability", self.bioavailability, low=0.0, high=1.0,
                         low_open=True)


def standard_infusion(start_min: float = 0.0) -> Dose:
    """The antidepressant dose: 0.5 mg/kg IV over 40 min.

    The schedule of the trials in :cite:p:`zarate2006randomized` and
    :cite:p:`murrough2013antidepressant`.
    """
    return Dose(0.5, route="iv", start_min=start_min, duration_min=40.0)


def repeated_infusions(n: int, interval_h: float, dose_mg_per_kg: float = 0.5,
                       duration_min: float = 40.0) -> list[Dose]:
    """``n`` identical IV infusions, one every ``interval_h`` hours, the first at time 0.

    E.g. ``repeated_infusions(4, 84)``: four infusions over about 2 weeks, as in
    the open-label course of :cite:p:`wilkinson2017cognitive`.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    interval = check_scalar("interval_h", interval_h, low=0.0, low_open=True)
    return [Dose(dose_mg_per_kg, "iv", start_min=i * interval * 60.0, duration_min=duration_min)
            for i in range(n)]


def anaesthetic_bolus(dose_mg_per_kg: float = 2.0) -> Dose:
    """An IV induction bolus.

    1-2 mg/kg is the usual anaesthetic range (:cite:p:`zanos2018ketamine`).
    """
    return Dose(dose_mg_per_kg, route="iv")


# --------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PKResult:
    """Concentrations and occupancy over time (all arrays share ``t_min``).

    Attributes
    ----------
    t_min : ndarray
        Time, min.
    plasma_ng_per_mL, plasma_uM : ndarray
        Racemic ketamine in plasma (central compartment).
    effect_site_ng_per_mL, effect_site_uM : ndarray
        Racemic ketamine at the effect site.
    norketamine_ng_per_mL : ndarray
        Norketamine in plasma.
    occupancy : ndarray
        Fraction of NMDA receptors occupied by ketamine at the effect site, 0-1
        (norketamine's smaller contribution is not included).
    doses : tuple of Dose
        What was given.
    body_weight_kg : float
        Body weight used for the absolute amounts.
    """

    t_min: np.ndarray
    plasma_ng_per_mL: np.ndarray
    plasma_uM: np.ndarray
    effect_site_ng_per_mL: np.ndarray
    effect_site_uM: np.ndarray
    norketamine_ng_per_mL: np.ndarray
    occupancy: np.ndarray
    doses: tuple[Dose, ...] = field(default=())
    body_weight_kg: float = 70.0

    @property
    def total_dose_mg(self) -> float:
        """Total ketamine given, mg."""
        return sum(d.dose_mg_per_kg for d in self.doses) * self.body_weight_kg

    def peak(self, name: str = "plasma_ng_per_mL") -> tuple[float, float]:
        """(time in min, value) of the maximum of the named array."""
        y = getattr(self, name)
        i = int(np.argmax(y))
        return float(self.t_min[i]), float(y[i])

    def auc(self, name: str = "plasma_ng_per_mL") -> float:
        """Area under the named curve over the simulated time (trapezoid rule), unit × min."""
        return float(np.trapezoid(getattr(self, name), self.t_min))

    def at(self, t_min: float, name: str = "plasma_ng_per_mL") -> float:
        """Value of the named array at time ``t_min`` (linear interpolation)."""
        t = check_scalar("t_min", t_min, low=0.0, high=float(self.t_min[-1]))
        return float(np.interp(t, self.t_min, getattr(self, name)))


def _propagators(a: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """E = exp(A·dt) and g = ∫₀^dt exp(A·s)·b ds for an input b into the central compartment."""
    n = a.shape[0]
    m = np.zeros((n + 1, n + 1))
    m[:n, :n] = a
    m[_CENTRAL, n] = 1.0
    full = expm(m * dt)
    return full[:n, :n], full[:n, n]


def simulate(doses: Dose | Sequence[Dose], t_end_min: float, *, body_weight_kg: float = 70.0,
             pk: PKParams | None = None, receptor: ReceptorParams | None = None,
             dt_min: float | None = None) -> PKResult:
    """Concentrations and NMDA receptor occupancy after one or more doses.

    The model is linear, so it is solved exactly between events with the
    matrix exponential (``scipy.linalg.expm``); boluses are added
    instantly and infusions enter as a constant rate.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        The administrations.
    t_end_min : float
        End of the simulation, min, in (0, 43200] (30 days).
    body_weight_kg : float
        Body weight, kg, in (0, 300]. Concentrations after a mg/kg dose do not
        depend on it; :attr:`PKResult.total_dose_mg` does.
    pk, receptor : PKParams, ReceptorParams, optional
        Model parameters (defaults: the literature values).
    dt_min : float, optional
        Output time step, min; default max(0.25, t_end_min / 20000).

    Returns
    -------
    PKResult
    """
    dose_list = (doses,) if isinstance(doses, Dose) else tuple(doses)
    if not dose_list or not all(isinstance(d, Dose) for d in dose_list):
        raise ValueError("doses must be a Dose or a non-empty sequence of Dose objects")
    t_end = check_scalar("t_end_min", t_end_min, low=0.0, high=43200.0, low_open=True)
    bw = check_scalar("body_weight_kg", body_weight_kg, low=0.0, high=300.0, low_open=True)
    pk = PKParams() if pk is None else pk
    receptor = ReceptorParams() if receptor is None else receptor
    dt = max(0.25, t_end / 20000.0) if dt_min is None else check_scalar(
        "dt_min", dt_min, low=0.0, high=t_end, low_open=True)

    n_grid = int(math.floor(t_end / dt + 1e-9)) + 1
    grid = np.arange(n_grid) * dt
    a = pk.matrix()

    # Events: boluses (time, state, amount) and infusion rate changes.
    boluses: list[tuple[float, int, float]] = []
    rate_changes: list[tuple[float, float]] = []
    for d in dose_list:
        umol_per_kg = d.dose_mg_per_kg * 1000.0 / KETAMINE_G_PER_MOL
        f = pk.bioavailability(d.route) if d.bioavailability is None else d.bioavailability
        if d.route == "iv" and d.duration_min > 0:
            rate = umol_per_kg / d.duration_min
            rate_changes += [(d.start_min, rate), (d.start_min + d.duration_min, -rate)]
        elif d.route == "iv":
            boluses.append((d.start_min, _CENTRAL, umol_per_kg))
        else:
            depot = {"im": _IM, "intranasal": _IN, "oral": _ORAL}[d.route]
            boluses.append((d.start_min, depot, f * umol_per_kg))
            if d.route == "oral":
                boluses.append((d.start_min, _FIRSTPASS,
                                (1.0 - f) * pk.norketamine_fraction * umol_per_kg))

    bolus_at: dict[float, list[tuple[int, float]]] = {}
    for t, state, amount in boluses:
        bolus_at.setdefault(t, []).append((state, amount))
    rate_change_at: dict[float, float] = {}
    for t, dr in rate_changes:
        rate_change_at[t] = rate_change_at.get(t, 0.0) + dr
    event_times = [t for t in set(bolus_at) | set(rate_change_at) if t <= t_end]
    times = np.union1d(grid, np.array(sorted(event_times)))
    cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    x = np.zeros(_N_STATES)
    out = np.zeros((n_grid, _N_STATES))
    grid_index = {float(t): i for i, t in enumerate(grid)}
    rate = 0.0
    for k, t in enumerate(times):
        for state, amount in bolus_at.get(float(t), ()):
            x[state] += amount
        if float(t) in rate_change_at:
            rate += rate_change_at[float(t)]
            rate = 0.0 if abs(rate) < 1e-12 else rate
        i = grid_index.get(float(t))
        if i is not None:
            out[i] = x
        if k + 1 < len(times):
            step = float(times[k + 1] - t)
            key = round(step, 9)
            if key not in cache:
                cache[key] = _propagators(a, step)
            e, g = cache[key]
            x = e @ x + g * rate

    scale = max(1.0, float(np.abs(out).max()))
    if out.min() < -1e-9 * scale:
        raise RuntimeError("pharmacokinetic solution went negative; report this as a bug")
    out = np.maximum(out, 0.0)
    plasma_uM = out[:, _CENTRAL] / pk.v1_L_per_kg
    effect_uM = out[:, _EFFECT]
    nor_uM = out[:, _NOR] / pk.norketamine_v_L_per_kg
    return PKResult(
        t_min=grid,
        plasma_ng_per_mL=plasma_uM * KETAMINE_G_PER_MOL,
        plasma_uM=plasma_uM,
        effect_site_ng_per_mL=effect_uM * KETAMINE_G_PER_MOL,
        effect_site_uM=effect_uM,
        norketamine_ng_per_mL=nor_uM * NORKETAMINE_G_PER_MOL,
        occupancy=occupancy(effect_uM, receptor),
        doses=dose_list,
        body_weight_kg=bw,
    )


# --------------------------------------------------------------------------------------
# Receptor level
# --------------------------------------------------------------------------------------
def occupancy(conc_uM: ArrayLike, receptor: ReceptorParams | None = None) -> np.ndarray:
    r"""Fraction of NMDA receptors occupied at a ketamine concentration (Hill function).

    .. math:: \theta(C) = \frac{C^{n_H}}{C^{n_H} + \mathrm{IC}_{50}^{n_H}}

    Parameters
    ----------
    conc_uM : array_like
        Racemic ketamine concentration, µM, ≥ 0.
    receptor : ReceptorParams, optional
        IC50 and Hill coefficient.

    Returns
    -------
    ndarray
        Occupancy in [0, 1], the shape of ``conc_uM``.
    """
    receptor = ReceptorParams() if receptor is None else receptor
    c = check_array("conc_uM", conc_uM)
    cn = c ** receptor.hill
    return cn / (cn + receptor.ic50_uM ** receptor.hill)


def conc_for_occupancy(occ: ArrayLike, receptor: ReceptorParams | None = None) -> np.ndarray:
    """Inverse of :func:`occupancy`: the concentration (µM) giving occupancy ``occ`` in [0, 1)."""
    receptor = ReceptorParams() if receptor is None else receptor
    o = check_array("occ", occ, low=0.0, high=1.0)
    if np.any(o >= 1.0):
        raise ValueError("occ must be in [0, 1): full occupancy needs an infinite concentration")
    return receptor.ic50_uM * (o / (1.0 - o)) ** (1.0 / receptor.hill)


def mg_unblocked_fraction(v_mV: ArrayLike, mg_mM: float = 1.0,
                          params: MgBlockParams | None = None) -> np.ndarray:
    r"""Fraction of NMDA receptor conductance not blocked by Mg²⁺ (Jahr & Stevens).

    .. math:: B(V) = \frac{1}{1 + [\mathrm{Mg}^{2+}]\, e^{-0.062 V} / 3.57}

    with V in mV and [Mg²⁺] in mM (:cite:p:`jahr1990voltage`).

    Parameters
    ----------
    v_mV : array_like
        Membrane potential, mV, in [-150, 100].
    mg_mM : float
        Extracellular Mg²⁺, mM, in [0, 10].
    """
    params = MgBlockParams() if params is None else params
    v = check_array("v_mV", v_mV, low=-150.0, high=100.0)
    mg = check_scalar("mg_mM", mg_mM, low=0.0, high=10.0)
    return 1.0 / (1.0 + mg * np.exp(-params.slope_per_mV * v) / params.k_mg_mM)


# --------------------------------------------------------------------------------------
# Trapping block
# --------------------------------------------------------------------------------------
#: Index of the four kinetic states.
TRAP_STATES = ("C", "O", "B", "T")


@dataclass(frozen=True)
class TrappingResult:
    """State of the channel population after each stimulus period.

    Attributes
    ----------
    t_s : ndarray
        Time, s: 0 (the initial state), then the end of each stimulus period.
    blocked_fraction : ndarray
        Fraction of channels with ketamine inside (open-blocked + trapped), 0-1.
    trapped_fraction : ndarray
        Fraction closed with ketamine trapped, 0-1.
    final_state : ndarray
        Occupancy of (C, O, B, T) at the end, to start a following phase.
    """

    t_s: np.ndarray
    blocked_fraction: np.ndarray
    trapped_fraction: np.ndarray
    final_state: np.ndarray

    def at(self, t_s: float) -> float:
        """Blocked fraction at time ``t_s`` (linear interpolation between periods)."""
        t = check_scalar("t_s", t_s, low=0.0, high=float(self.t_s[-1]))
        return float(np.interp(t, self.t_s, self.blocked_fraction))


def _trap_generators(conc_uM: float, p: TrappingParams) -> tuple[np.ndarray, np.ndarray]:
    """Rate matrices (column convention, dp/dt = Q p) with and without agonist."""
    kon_c = p.kon_per_M_per_s * conc_uM * 1e-6

    def q(rates: dict[tuple[int, int], float]) -> np.ndarray:
        m = np.zeros((4, 4))
        for (i, j), r in rates.items():      # from state i to state j
            m[j, i] += r
            m[i, i] -= r
        return m

    c, o, b, t = range(4)
    on = q({(c, o): p.opening_per_s, (o, c): p.closing_per_s, (o, b): kon_c,
            (b, o): p.koff_per_s, (b, t): p.closing_per_s, (t, b): p.opening_per_s,
            (t, c): p.escape_per_s})
    off = q({(o, c): p.deactivation_per_s, (b, t): p.deactivation_per_s,
             (b, o): p.koff_per_s, (o, b): kon_c, (t, c): p.escape_per_s})
    return on, off


def simulate_trapping(conc_uM: float, frequency_Hz: float, duration_s: float, *,
                      params: TrappingParams | None = None,
                      initial: ArrayLike | None = None) -> TrappingResult:
    """Block of NMDA channels by ketamine during a train of synaptic activations.

    Each period of length 1/f starts with an agonist pulse of
    ``params.pulse_s`` (shorter if the period is shorter); the chain is solved
    exactly with the matrix exponential. With ``frequency_Hz = 0`` there is no
    stimulation and the state is reported every second.

    Parameters
    ----------
    conc_uM : float
        Ketamine concentration, µM, in [0, 1000] (0 = washout).
    frequency_Hz : float
        Stimulation frequency, Hz, in [0, 100].
    duration_s : float
        Duration of the phase, s, in (0, 36000].
    params : TrappingParams, optional
        Rate constants.
    initial : array_like, optional
        Starting occupancy of (C, O, B, T), summing to 1 (default: all C), for
        instance ``previous.final_state``.

    Returns
    -------
    TrappingResult
    """
    p = TrappingParams() if params is None else params
    c = check_scalar("conc_uM", conc_uM, low=0.0, high=1000.0)
    f = check_scalar("frequency_Hz", frequency_Hz, low=0.0, high=100.0)
    dur = check_scalar("duration_s", duration_s, low=0.0, high=36000.0, low_open=True)
    if initial is None:
        x = np.array([1.0, 0.0, 0.0, 0.0])
    else:
        x = check_array("initial", initial, low=0.0, high=1.0, ndim=1)
        if x.shape != (4,) or abs(x.sum() - 1.0) > 1e-6:
            raise ValueError(f"initial must be 4 fractions (C, O, B, T) summing to 1, got {x}")
    period = 1.0 / f if f > 0 else 1.0
    pulse = min(p.pulse_s, period) if f > 0 else 0.0
    n = max(1, int(round(dur / period)))
    on, off = _trap_generators(c, p)
    step = expm(off * (period - pulse)) @ expm(on * pulse)
    states = np.empty((n + 1, 4))
    states[0] = x
    for i in range(1, n + 1):
        x = step @ x
        states[i] = x
    states = np.clip(states, 0.0, 1.0)
    return TrappingResult(t_s=period * np.arange(n + 1),
                          blocked_fraction=states[:, 2] + states[:, 3],
                          trapped_fraction=states[:, 3], final_state=states[-1])
