"""Pharmacology of ketamine: how much reaches the NMDA receptor, and how it blocks it.

Chapter 1 of the book. Four pieces, each small:

1. **Pharmacokinetics** (:mod:`~ketamodel.pharmacology.doses`,
   :mod:`~ketamodel.pharmacology.kinetics`): a two-compartment model of
   racemic ketamine (Clements & Nimmo set,
   :cite:p:`clements1981pharmacokinetics`), with a three-compartment preset
   for the first minutes after a bolus, first-order absorption for non-IV
   routes (bioavailability from :cite:p:`yanagihara2003plasma`), an effect-site
   compartment (:cite:p:`olofsen2012estimation`) and norketamine as a
   metabolite.
2. **Occupancy** (:mod:`~ketamodel.pharmacology.receptor`): a Hill function of
   the effect-site concentration with the racemate's half-occupancy constant
   computed from the enantiomers' binding constants
   (:cite:p:`ebert1997norketamine`), and the same under other assumptions.
3. **Mg²⁺ block** (:mod:`~ketamodel.pharmacology.receptor`): the Jahr–Stevens
   form (:cite:p:`jahr1990voltage`).
4. **Trapping block** (:mod:`~ketamodel.pharmacology.trapping`): a kinetic
   scheme in which ketamine enters open channels
   (:cite:p:`macdonald1991actions`) and stays trapped when they close
   (:cite:p:`kotermanski2009memantine`), so block is reached and released
   faster when the channel opens more often (use-dependence); the scheme
   obeys microscopic reversibility, so where block settles does not depend on
   firing.

All concentrations are total (bound + unbound) racemic ketamine; the model
does not separate the enantiomers. It is a teaching model, not a dosing tool.
:mod:`~ketamodel.pharmacology.reference` holds measured levels the chapters
compare the model with. Every public name of the submodules is re-exported
here (``ketamodel.pharmacology.simulate``).
"""

from __future__ import annotations

from .doses import (
    ROUTES,
    Dose,
    anaesthetic_bolus,
    dose_tuple,
    repeated_infusions,
    standard_infusion,
)
from .kinetics import DominoPKParams, PKParams, PKResult, simulate
from .receptor import (
    MgBlockParams,
    ReceptorParams,
    conc_for_occupancy,
    mg_unblocked_fraction,
    occupancy,
    occupancy_under,
)
from .reference import ReferenceLevels
from .selfcheck import check_occupancy
from .trapping import (
    TRAP_STATES,
    TrappingParams,
    TrappingResult,
    simulate_trapping,
    simulate_trapping_course,
    trapping_generator,
    trapping_rates,
)

__all__ = [
    "ROUTES", "TRAP_STATES", "Dose", "DominoPKParams", "MgBlockParams", "PKParams", "PKResult",
    "ReceptorParams", "ReferenceLevels", "TrappingParams", "TrappingResult",
    "anaesthetic_bolus", "check_occupancy", "conc_for_occupancy", "dose_tuple",
    "mg_unblocked_fraction", "occupancy",
    "occupancy_under",
    "repeated_infusions", "simulate", "simulate_trapping", "simulate_trapping_course",
    "standard_infusion",
    "trapping_generator", "trapping_rates",
]
