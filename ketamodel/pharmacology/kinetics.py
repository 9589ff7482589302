"""Pharmacokinetics: dose → plasma, effect-site and norketamine concentrations.

One linear model (:class:`PKParams`, solved exactly by :func:`simulate`) with two
or three ketamine compartments; :class:`DominoPKParams` is a three-compartment
preset for the first minutes after a bolus.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import expm

from .._blas import one_thread
from ..params import check_params, check_scalar, param, params_or_default
from ..units import KETAMINE_G_PER_MOL, NORKETAMINE_G_PER_MOL
from .doses import Dose, _check_route, dose_tuple
from .receptor import ReceptorParams, occupancy

# State vector of the linear pharmacokinetic system (amounts per kg body weight,
# except the effect site, which is a concentration):
_IM, _IN, _ORAL, _CENTRAL, _PERIPH, _EFFECT, _NOR, _FIRSTPASS, _PERIPH2 = range(9)
_N_STATES = 9


@dataclass(frozen=True)
class PKParams:
    r"""Pharmacokinetics of racemic ketamine and norketamine in an adult.

    Amounts :math:`x` are in µmol per kg body weight; volumes in L/kg.

    .. math::

        \dot x_1 &= -(k_{10} + k_{12} + k_{13})\,x_1 + k_{21}\,x_2 + k_{31}\,x_3
                    + \sum_r k_{a,r}\,d_r + R(t) \\
        \dot x_2 &= k_{12}\,x_1 - k_{21}\,x_2 \\
        \dot x_3 &= k_{13}\,x_1 - k_{31}\,x_3 \\
        \dot d_r &= -k_{a,r}\,d_r \\
        \dot C_e &= k_{e0}\,(x_1/V_1 - C_e) \\
        \dot x_N &= f_m\,k_{10}\,x_1 + k_{a,\mathrm{oral}}\,d_\mathrm{fp} - k_N\,x_N

    :math:`x_1`: central (plasma) compartment, concentration :math:`x_1/V_1`;
    :math:`x_2`, :math:`x_3`: peripheral compartments (:math:`k_{13} = k_{31} = 0`
    by default, a two-compartment model); :math:`d_r`: absorption depot of
    route :math:`r`, which receives :math:`F_r` × dose; :math:`R(t)`: IV
    infusion rate; :math:`C_e`: effect-site concentration; :math:`x_N`:
    norketamine, concentration :math:`x_N/V_N`. After an oral dose, the part
    lost to first-pass metabolism, :math:`(1 - F)\,f_m` × dose, enters the
    first-pass depot :math:`d_\mathrm{fp}` and reaches the blood as norketamine.

    Norketamine is a one-compartment metabolite whose :math:`f_m` and
    :math:`k_N` were fitted, with this ketamine set, to two numbers after 10 mg
    IV: the norketamine/ketamine AUC ratio (0.19, mass units; the source does
    not state the window, fitted as 0 to infinity, 0.186 over 0-6 h) and the
    norketamine peak time (30 min, a sampling time). Only :math:`f_m/V_N` is
    identifiable, so :math:`f_m` holds for the assumed :math:`V_N`. Formation is
    then the slow step and norketamine falls with ketamine. The fit gets the
    area and the peak time, not the peak: the model's norketamine peak after
    10 mg IV is about 2.6 times the measured 2.8 ng/mL. By mass balance the
    oral ratio is the IV ratio divided by :math:`F`, whatever :math:`f_m` and
    :math:`k_N`, so the model cannot reach the much higher ratios reported
    after oral or intranasal doses (even if all of a nasal dose's non-absorbed
    part were swallowed, which the model leaves out): presystemic formation is
    probably more efficient than systemic formation.

    The Clements & Nimmo set has a large central volume (1.75 L/kg) and
    describes infusions well, but it underestimates the first minutes after
    an IV bolus. The reason is not the size of the bolus it was fitted to: a
    linear model's :math:`V_1` does not depend on dose, so a small bolus is
    under-predicted by the same factor. The causes are the model's
    instantaneous mixing in one large central volume and venous or sparse
    early sampling :cite:p:`kamp2020ketamine,henthorn2018combined`.
    :class:`DominoPKParams` (small :math:`V_1`, three compartments) shows how
    much the first minutes depend on that choice.
    """

    v1_L_per_kg: float = param(1.7522, "L/kg", "clements1981pharmacokinetics")
    k10_per_min: float = param(0.0109, "1/min", "clements1981pharmacokinetics",
        spread=(0.00952, 0.01242),
        spread_why="kamp2020ketamine; the 95 % CI of the meta-analytic clearance, 69-90 around 79 "
        "L/h per 70 kg, as a ratio applied to k10")
    k12_per_min: float = param(0.0186, "1/min", "clements1981pharmacokinetics")
    k21_per_min: float = param(0.0137, "1/min", "clements1981pharmacokinetics")
    k13_per_min: float = param(
        0.0, "1/min", "assumed: 0, no second peripheral compartment; the set of "
        "clements1981pharmacokinetics has two compartments", low_open=False)
    k31_per_min: float = param(
        0.0, "1/min", "assumed: 0, no second peripheral compartment; the set of "
        "clements1981pharmacokinetics has two compartments", low_open=False)
    ke0_per_min: float = param(
        0.114, "1/min",
        "olofsen2012estimation; computed: ln 2 / 6.1 min, the effect-site half-time "
        "averaged over all endpoints, for S-ketamine in 12 healthy men; it ranged from "
        "0 min (cognitive flexibility) to 11.8 min (pain intensity)")
    bioavailability_intranasal: float = param(
        0.45, "1", "yanagihara2003plasma; 3 healthy volunteers; reported values range "
        "0.11-0.50, and 0.11-0.17 in depressed patients with one device "
        "(pharmacotherapy2022ketamine)", high=1.0)
    bioavailability_oral: float = param(
        0.20, "1", "yanagihara2003plasma; 3 healthy volunteers; alternatives 0.08 for "
        "S-ketamine (fanta2015population) to 0.23 (chong2006bioavailability)", high=1.0)
    bioavailability_im: float = param(
        0.93, "1", "assumed: a commonly quoted value; its primary source (Clements 1982) "
        "was not read and no intramuscular measurement was checked", high=1.0)
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
        0.963, "1", "pharmacotherapy2022ketamine; computed: fitted with norketamine_k_per_min to "
        "10 mg IV racemate in depressed patients (ratio 0.19, Tmax ≈ 30 min after 10 mg "
        "IV), norketamine/ketamine AUC from 0 to infinity, for the assumed norketamine "
        "volume; N-demethylation is the main route of metabolism (peltoniemi2016ketamine)",
        high=1.0)
    norketamine_v_L_per_kg: float = param(
        2.0, "L/kg", "assumed: order of magnitude; no adult volume found. Only the "
        "ratio of the formed fraction to this volume is fitted; a volume above 2.08 L/kg "
        "would need a fraction above 1")
    norketamine_k_per_min: float = param(
        0.0455, "1/min", "pharmacotherapy2022ketamine; computed: fitted with norketamine_fraction "
        "to 10 mg IV racemate in depressed patients (ratio 0.19, Tmax ≈ 30 min after 10 mg "
        "IV); a half-life of 15 min, so formation is the slow step and norketamine falls "
        "with ketamine's terminal half-life (about 3 h)")

    def __post_init__(self) -> None:
        check_params(self)
        if self.k13_per_min > 0 and self.k31_per_min == 0:
            raise ValueError(f"{type(self).__name__}.k31_per_min (1/min) must be > 0 when "
                             f"k13_per_min > 0 (drug must return from the third "
                             f"compartment), got {self.k31_per_min!r}")

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
        a[_CENTRAL, _CENTRAL] = -(self.k10_per_min + self.k12_per_min + self.k13_per_min)
        a[_CENTRAL, _PERIPH] = self.k21_per_min
        a[_PERIPH, _CENTRAL] = self.k12_per_min
        a[_PERIPH, _PERIPH] = -self.k21_per_min
        a[_CENTRAL, _PERIPH2] = self.k31_per_min
        a[_PERIPH2, _CENTRAL] = self.k13_per_min
        a[_PERIPH2, _PERIPH2] = -self.k31_per_min
        a[_EFFECT, _CENTRAL] = self.ke0_per_min / self.v1_L_per_kg
        a[_EFFECT, _EFFECT] = -self.ke0_per_min
        a[_NOR, _CENTRAL] = self.norketamine_fraction * self.k10_per_min
        a[_NOR, _FIRSTPASS] = self.ka_oral_per_min
        a[_NOR, _NOR] = -self.norketamine_k_per_min
        a[_FIRSTPASS, _FIRSTPASS] = -self.ka_oral_per_min
        return a


_DOMINO = ("assumed: as transcribed in the open-source opentiva code (its Domino ketamine "
           "model) from PMID 7198883; the primary paper was not read, so its population, "
           "assay and sampling are unknown")


@dataclass(frozen=True)
class DominoPKParams(PKParams):
    r"""A three-compartment set with a small central volume, for the first minutes of a bolus.

    :math:`V_1` = 0.063 L/kg (28 times smaller than the default), so an IV
    bolus starts from a high plasma level and falls within minutes as drug
    moves to a fast (:math:`k_{12}, k_{21}`) and a slow, deep
    (:math:`k_{13}, k_{31}`) peripheral compartment. Clearance
    :math:`k_{10} V_1` = 27.6 mL/min/kg, 45 % more than the default set.

    An exercise set, not a default: its numbers come from code that names
    the paper, not from the paper. Use it to show how much the first minutes
    after a bolus depend on the model, not as a better model. Everything else
    (effect site, routes, norketamine, which was fitted with the default set)
    is inherited from :class:`PKParams`.
    """

    v1_L_per_kg: float = param(0.063, "L/kg", _DOMINO)
    k10_per_min: float = param(0.4381, "1/min", _DOMINO)
    k12_per_min: float = param(0.5921, "1/min", _DOMINO)
    k21_per_min: float = param(0.2470, "1/min", _DOMINO)
    k13_per_min: float = param(0.5900, "1/min", _DOMINO, low_open=False)
    k31_per_min: float = param(0.0146, "1/min", _DOMINO, low_open=False)


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

    def _series(self, name: str) -> np.ndarray:
        """The array called ``name``, or a ValueError listing the arrays there are."""
        names = ("plasma_ng_per_mL", "plasma_uM", "effect_site_ng_per_mL", "effect_site_uM",
                 "norketamine_ng_per_mL", "occupancy")
        if not isinstance(name, str) or name not in names:
            raise ValueError(f"name must be one of {names}, got {name!r}")
        return getattr(self, name)

    def peak(self, name: str = "plasma_ng_per_mL") -> tuple[float, float]:
        """(time in min, value) of the maximum of the named array."""
        y = self._series(name)
        i = int(np.argmax(y))
        return float(self.t_min[i]), float(y[i])

    def auc(self, name: str = "plasma_ng_per_mL") -> float:
        """Area under the named curve over the simulated time (trapezoid rule), unit × min."""
        return float(np.trapezoid(self._series(name), self.t_min))

    def at(self, t_min: float, name: str = "plasma_ng_per_mL") -> float:
        """Value of the named array at time ``t_min`` (linear interpolation)."""
        t = check_scalar("t_min", t_min, low=0.0, high=float(self.t_min[-1]))
        return float(np.interp(t, self.t_min, self._series(name)))


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
    dose_list = dose_tuple(doses)
    t_end = check_scalar("t_end_min", t_end_min, low=0.0, high=43200.0, low_open=True)
    bw = check_scalar("body_weight_kg", body_weight_kg, low=0.0, high=300.0, low_open=True)
    pk = params_or_default("pk", pk, PKParams)
    receptor = params_or_default("receptor", receptor, ReceptorParams)
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
    with one_thread():                           # small matrices: threads only wait
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

