"""Neuroplasticity: a window that outlasts the drug.

Chapter 3 of the book. How a glutamate surge lasting hours becomes
BDNF → TrkB → mTORC1 signalling, synaptic proteins and new spines a day later,
and extra spines that last about two weeks (:cite:p:`li2010mtor`;
:cite:p:`autry2011nmda`; :cite:p:`modasava2019sustained`;
:cite:p:`phoumthipphavong2016longitudinal`). One module each:

1. :mod:`~ketamodel.plasticity.params` — time constants, gains and read-outs,
   all *assumed*: only the order of the time scales is constrained.
2. :mod:`~ketamodel.plasticity.cascade` — the cascade as linear ODEs: the
   surge route (from :func:`~ketamodel.circuits.steady_state`), the resting
   route (eEF2 kinase), the contested metabolite route (off by default), spines.
3. :mod:`~ketamodel.plasticity.course` — the cascade driven by any occupancy
   course, with its read-outs: behaviour with a fast and a lasting arm, and
   the plasticity window.
4. :mod:`~ketamodel.plasticity.dosing` — the cascade after doses of
   :mod:`ketamodel.pharmacology`, over weeks.
5. :mod:`~ketamodel.plasticity.window` — the window as a function of time for
   later chapters, and when it is open.
6. :mod:`~ketamodel.plasticity.robustness` — the claims, and that they rest on
   the order of the time scales rather than their values.
7. :mod:`~ketamodel.plasticity.selfcheck` — feedback on a reader's reading of
   the time course (when the window opens and closes, which stage peaks first).

Stable entry points (results are frozen dataclasses of arrays whose names
carry units; levels are relative to baseline, 1 = baseline):

- ``simulate(doses, t_end_h, *, params, ablate_spine_formation, hnk_route, pk)`` and
  ``simulate_course(t_h, occupancy, *, norketamine_ng_per_mL, ...)`` →
  :class:`~ketamodel.plasticity.course.PlasticityCourse` (``t_h``, ``occupancy``,
  ``surge``, ``bdnf``, ``trkb``, ``mtorc1``, ``synaptic_protein``, ``spine_density``,
  ``spine_formation_per_day``, ``spine_elimination_per_day``, ``behaviour``,
  ``window``, ...; ``window_at(t_h)``).
- ``window_function(course)`` → a callable ``w(t_h)``, the learning-rate
  multiplier (≥ 1) that Chapters 5 and 6 use; ``window_interval(course)``,
  ``open_hours(course)``.
- ``conclusions(params)`` → :class:`~ketamodel.plasticity.robustness.Conclusions`;
  ``time_scale_orderings(factors)`` → rows of
  :class:`~ketamodel.plasticity.robustness.OrderingRow`.

Almost every number behind the cascade is rodent data at 5-50 mg/kg; human
plasticity is inferred from indirect markers. Bad input raises ``ValueError``
naming the parameter and its range. Every public name of the submodules is
re-exported here (``ketamodel.plasticity.simulate``). These are teaching
models, not clinical tools.
"""

from __future__ import annotations

from .cascade import STATES, cascade_matrices, check_course, surge_of
from .course import PlasticityCourse, simulate_course
from .dosing import simulate
from .params import PlasticityParams
from .robustness import (
    ORDER,
    Conclusions,
    OrderingRow,
    conclusions,
    ordering_kept,
    time_scale_orderings,
)
from .selfcheck import PEAK_STAGES, check_peak_order, check_window_reading
from .window import WindowFunction, open_hours, window_function, window_interval

__all__ = [
    "ORDER", "PEAK_STAGES", "STATES", "Conclusions", "OrderingRow", "PlasticityCourse",
    "PlasticityParams", "WindowFunction", "cascade_matrices", "check_course",
    "check_peak_order", "check_window_reading", "conclusions", "open_hours",
    "ordering_kept", "simulate", "simulate_course", "surge_of", "time_scale_orderings",
    "window_function", "window_interval",
]
