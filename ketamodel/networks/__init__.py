"""Networks: desegregation and disintegration on a brain built from real connectivity.

Chapter 4 of the book. Ketamine's hypothesised disruption of large-scale
networks (:cite:p:`marguilho2023unified`): a network that couples less
within itself (*disintegration*) and more with the others
(*desegregation*); salience-network (SN) disruption read as the dissociative
state, default-mode-network (DMN) disruption as the psychedelic state. One
module each:

1. :mod:`~ketamodel.networks.parcellation` — Schaefer parcels labelled by the seven
   networks of Yeo et al.; a networkx graph of them.
2. :mod:`~ketamodel.networks.data` — human FC of a discovery and a
   validation group (BrainSpace, BSD 3-Clause), shipped with checksums.
3. :mod:`~ketamodel.networks.metrics` — within/between FC, system
   segregation, participation coefficient, modularity, global efficiency.
4. :mod:`~ketamodel.networks.ou` — FC of a linear stochastic network from
   the Lyapunov equation; sample paths.
5. :mod:`~ketamodel.networks.fitting` — the coupling fitted to the
   discovery group and its agreement with the validation group.
6. :mod:`~ketamodel.networks.ketamine` — occupancy and context → disruption
   of SN and DMN (the seed paper's hypothesis; every number *assumed*).
7. :mod:`~ketamodel.networks.model` — the entry points.
8. :mod:`~ketamodel.networks.toy` and :mod:`~ketamodel.networks.selfcheck` —
   a hand-sized graph and a self-checking exercise.

Stable entry points:

- ``simulate(occupancy, context="neutral", *, n_parcels=100, params=None,
  rule="eigenvalue")`` →
  :class:`~ketamodel.networks.model.NetworkState` (``fc``, ``measures``,
  ``disintegration``, ``desegregation``, ``state``, ``delta``, ...);
- ``simulate_course(t_min, occupancy, context)`` →
  :class:`~ketamodel.networks.model.NetworkCourse`;
- ``dose_context_map(occupancy, context)`` →
  :class:`~ketamodel.networks.model.DoseContextMap`;
- measures as plain functions of a matrix and labels: ``within_between``,
  ``system_segregation``, ``participation_coefficient``, ``modularity``,
  ``global_efficiency``, ``measures``;
- ``atlas(n_parcels)``, ``empirical_fc(n_parcels, group)``,
  ``baseline(n_parcels)``, ``agreement(model, empirical, atlas)``.

Bad input raises ``ValueError`` naming the problem. These are teaching
models, not clinical tools.
"""

from __future__ import annotations

from .data import checksums, empirical_fc, fc_path, sha256
from .fitting import Agreement, Baseline, agreement, baseline, block_means, fit_baseline
from .ketamine import CONTEXTS, TARGETS, NetworkParams, context_label, context_value, disruption
from .metrics import (
    BlockFC,
    Measures,
    check_matrix,
    global_efficiency,
    measures,
    modularity,
    participation_coefficient,
    system_segregation,
    within_between,
)
from .model import (
    RULES,
    STATES,
    DoseContextMap,
    NetworkCourse,
    NetworkState,
    coupling_lost,
    dose_context_map,
    redistribute,
    simulate,
    simulate_course,
)
from .ou import (
    correlation,
    functional_connectivity,
    largest_eigenvalue,
    regress_global_signal,
    simulate_timeseries,
    stationary_covariance,
)
from .parcellation import (
    ALIASES,
    COUNTS,
    NETWORK_NAMES,
    NETWORKS,
    Atlas,
    atlas,
    brain_graph,
    check_parcels,
    network_name,
)
from .selfcheck import check_segregation
from .toy import mix, modular_graph

__all__ = [
    "ALIASES", "CONTEXTS", "COUNTS", "NETWORK_NAMES", "NETWORKS", "RULES", "STATES",
    "TARGETS", "Agreement", "Atlas", "Baseline", "BlockFC", "DoseContextMap", "Measures",
    "NetworkCourse", "NetworkParams", "NetworkState", "agreement", "atlas", "baseline",
    "block_means", "brain_graph", "check_matrix", "check_parcels", "check_segregation",
    "checksums", "context_label", "context_value", "correlation", "coupling_lost",
    "disruption", "dose_context_map", "empirical_fc", "fc_path", "fit_baseline",
    "functional_connectivity", "global_efficiency", "largest_eigenvalue", "measures", "mix",
    "modular_graph", "modularity", "network_name", "participation_coefficient",
    "redistribute", "regress_global_signal", "sha256", "simulate", "simulate_course",
    "simulate_timeseries", "stationary_covariance", "system_segregation", "within_between",
]
