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
4. **Trapping block** (:func:`simulate_trapping`): a kinetic scheme in which
   ketamine enters open channels (:cite:p:`macdonald1991actions`) and stays
   trapped when they close (:cite:p:`kotermanski2009memantine`), so block is
   reached and released faster when the channel opens more often
   (use-dependence); the scheme obeys microscopic reversibility, so where block
   settles does not depend on firing.

All concentrations are total (bound + unbound) racemic ketamine; the model
does not separate the enantiomers. It is a teaching model, not a dosing tool.

Submodules: :mod:`~ketamodel.pharmacology.doses`, :mod:`~ketamodel.pharmacology.kinetics`,
:mod:`~ketamodel.pharmacology.receptor`, :mod:`~ketamodel.pharmacology.trapping`,
:mod:`~ketamodel.pharmacology.reference`; every public name is re-exported here.
"""

from __future__ import annotations

from .doses import (
    ROUTES,
    Dose,
    anaesthetic_bolus,
    repeated_infusions,
    standard_infusion,
)
from .kinetics import PKParams, PKResult, simulate
from .receptor import (
    MgBlockParams,
    ReceptorParams,
    conc_for_occupancy,
    mg_unblocked_fraction,
    occupancy,
    occupancy_under,
)
from .reference import ReferenceLevels
from .trapping import (
    TRAP_STATES,
    TrappingParams,
    TrappingResult,
    simulate_trapping,
    trapping_generator,
    trapping_rates,
)

__all__ = [
    "ROUTES", "TRAP_STATES", "Dose", "MgBlockParams", "PKParams", "PKResult",
    "ReceptorParams", "ReferenceLevels", "TrappingParams", "TrappingResult",
    "anaesthetic_bolus", "conc_for_occupancy", "mg_unblocked_fraction", "occupancy",
    "occupancy_under",
    "repeated_infusions", "simulate", "simulate_trapping", "standard_infusion",
    "trapping_generator", "trapping_rates",
]
