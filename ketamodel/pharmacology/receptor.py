"""The receptor level: NMDA receptor occupancy by ketamine and the Mg²⁺ block."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_params, check_scalar, param, params_or_default


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
        "enantiomers' Ki",
        spread=(0.49, 0.92), spread_log=True,
        spread_why="dayton1983binding; up to 47 % of plasma ketamine is bound to proteins, so "
        "if only unbound drug blocks, the IC50 in total plasma concentration is up to 1/0.53 "
        "times the binding value")
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
    receptor = params_or_default("receptor", receptor, ReceptorParams)
    c = check_array("conc_uM", conc_uM)
    cn = c ** receptor.hill
    return cn / (cn + receptor.ic50_uM ** receptor.hill)


def occupancy_under(conc_uM: ArrayLike, *, free_fraction: float = 1.0, ic50_factor: float = 1.0,
                    brain_to_plasma: float = 1.0,
                    receptor: ReceptorParams | None = None) -> np.ndarray:
    r"""Occupancy under other assumptions about what the receptor sees.

    :func:`occupancy` applies a binding constant measured without Mg²⁺ to the
    total (bound + unbound) concentration, as if the receptor saw plasma. This
    function relaxes each choice:

    .. math:: \theta = \frac{(f_u\,\lambda\,C)^{n_H}}
              {(f_u\,\lambda\,C)^{n_H} + (m\,\mathrm{IC}_{50})^{n_H}}

    with :math:`f_u` the unbound fraction, :math:`\lambda` the ratio of the
    concentration near the receptor to the effect-site (plasma-equilibrated)
    one and :math:`m` a factor on the IC50 (e.g. for competition with Mg²⁺ in
    the pore). All three default to 1, which gives :func:`occupancy`.

    Parameters
    ----------
    conc_uM : array_like
        Racemic ketamine concentration (total), µM, ≥ 0.
    free_fraction : float
        Unbound fraction :math:`f_u`, in (0, 1]; at most 47 % is bound to plasma
        proteins (:cite:p:`dayton1983binding`), so ≥ 0.53.
    ic50_factor : float
        Factor :math:`m` on the IC50, in (0, 1000].
    brain_to_plasma : float
        Partition factor :math:`\lambda`, in (0, 100].
    receptor : ReceptorParams, optional
        IC50 and Hill coefficient.
    """
    receptor = params_or_default("receptor", receptor, ReceptorParams)
    c = check_array("conc_uM", conc_uM)
    fu = check_scalar("free_fraction", free_fraction, low=0.0, high=1.0, low_open=True)
    m = check_scalar("ic50_factor", ic50_factor, low=0.0, high=1000.0, low_open=True)
    lam = check_scalar("brain_to_plasma", brain_to_plasma, low=0.0, high=100.0, low_open=True)
    cn = (fu * lam * c) ** receptor.hill
    return cn / (cn + (m * receptor.ic50_uM) ** receptor.hill)


def conc_for_occupancy(occ: ArrayLike, receptor: ReceptorParams | None = None) -> np.ndarray:
    """Inverse of :func:`occupancy`: the concentration (µM) giving occupancy ``occ`` in [0, 1)."""
    receptor = params_or_default("receptor", receptor, ReceptorParams)
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
    params = params_or_default("params", params, MgBlockParams)
    v = check_array("v_mV", v_mV, low=-150.0, high=100.0)
    mg = check_scalar("mg_mM", mg_mM, low=0.0, high=10.0)
    return 1.0 / (1.0 + mg * np.exp(-params.slope_per_mV * v) / params.k_mg_mM)

