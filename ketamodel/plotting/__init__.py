"""Figures of the book, one module per level of the model, in one shared style.

- :mod:`~ketamodel.plotting.style`: palette, rc settings, the figure helpers;
- :mod:`~ketamodel.plotting.pharmacology`: concentrations, routes, Mg²⁺ block, trapping;
- :mod:`~ketamodel.plotting.circuits`: the E–I circuit against occupancy and over time;
- :mod:`~ketamodel.plotting.reward`: the reward circuit, habenular bursts and block, the PRT;
- :mod:`~ketamodel.plotting.plasticity`: the plasticity cascade, its time course, the window;
- :mod:`~ketamodel.plotting.networks`: FC matrices, network graphs, measures, dose × context;
- :mod:`~ketamodel.plotting.selfmodel`: precision weighting, the two selves, the four cases;
- :mod:`~ketamodel.plotting.unified`: the whole model, one person's levels, the cohort,
  virtual trials, the predictions, the dashboard;
- :mod:`~ketamodel.plotting.overview`: the model in one picture;
- :mod:`~ketamodel.plotting.robustness`: where each claim holds and what decides it.

Every figure function is re-exported here, so ``km.plotting.concentration(...)``
works whichever module defines it. Models never import plotting.
"""

from __future__ import annotations

from .circuits import circuit_explorer, excitation_time_course, inverted_u, nmda_share_map
from .networks import (
    baseline_comparison,
    dose_context,
    network_course,
    network_explorer,
    network_states,
    state_measures,
    timeseries_check,
    toy_examples,
)
from .overview import LEVELS, model_overview
from .pharmacology import (
    compare,
    concentration,
    mg_block,
    occupancy_assumptions,
    pk_explorer,
    trapping,
)
from .plasticity import (
    behaviour_arms,
    cascade_time_course,
    compare_courses,
    ordering_table,
    plasticity_cascade,
    plasticity_explorer,
    window_sessions,
)
from .reward import (
    burst_requirements,
    habenula_block_courses,
    likelihood_surfaces,
    recovery,
    reward_circuit,
    reward_explorer,
    reward_time_course,
    rho_or_epsilon,
)
from .robustness import claim_shares, deciders, morris_plane
from .selfmodel import (
    compare_beliefs,
    four_cases,
    one_level_example,
    precision_weighting,
    relaxation_courses,
    selfmodel_explorer,
    two_selves,
)
from .style import CYCLE, LINESTYLES, PALETTE, STYLE, BookFigure, new_figure, style
from .unified import (
    arm_courses,
    calibration_fit,
    dashboard,
    dose_phenomenology,
    ego_scatter,
    model_diagram,
    person_levels,
    predictions_figure,
    relapse_curves,
    trial_replicates,
)

__all__ = [
    "BookFigure", "CYCLE", "LEVELS", "LINESTYLES", "PALETTE", "STYLE", "baseline_comparison",
    "behaviour_arms", "dose_context", "network_course", "network_explorer", "network_states",
    "state_measures", "timeseries_check", "toy_examples",
    "burst_requirements", "cascade_time_course", "circuit_explorer", "compare",
    "compare_courses", "concentration", "excitation_time_course",
    "habenula_block_courses", "inverted_u", "likelihood_surfaces", "mg_block",
    "model_overview", "new_figure", "nmda_share_map", "occupancy_assumptions",
    "ordering_table", "pk_explorer", "plasticity_cascade", "plasticity_explorer",
    "recovery", "reward_circuit", "reward_explorer", "reward_time_course", "rho_or_epsilon",
    "style", "trapping", "window_sessions",
    "compare_beliefs", "four_cases", "one_level_example", "precision_weighting",
    "relaxation_courses", "selfmodel_explorer", "two_selves",
    "arm_courses", "calibration_fit", "dashboard", "dose_phenomenology", "ego_scatter",
    "model_diagram", "person_levels", "predictions_figure", "relapse_curves",
    "trial_replicates", "claim_shares", "deciders", "morris_plane",
]
