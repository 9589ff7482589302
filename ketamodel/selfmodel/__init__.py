"""Self-models: the minimal and the biographical self as hierarchical predictions.

Chapter 5 of the book. The seed paper's computational proposal
(:cite:p:`marguilho2023unified`): salience-network (SN) nodes hold high-level
priors about the body, the *minimal* self; default-mode-network (DMN) nodes
hold the highest-level priors about narrative self-experience, the
*biographical* self; relaxing them gives the dissociative and the psychedelic
state; with psychotherapy, relaxed beliefs let a pathological self-model be
revised, and plasticity plays a permissive role. The mapping is the paper's
proposal, not an established result, and no study gives a number for a prior
or a precision: every parameter is *assumed*. One module each:

1. :mod:`~ketamodel.selfmodel.hgf` — the update equations of the
   hierarchical Gaussian filter, one function each.
2. :mod:`~ketamodel.selfmodel.onelevel` — one belief and its evidence.
3. :mod:`~ketamodel.selfmodel.params` — beliefs, precisions, time scales;
   the schedule of psychotherapy.
4. :mod:`~ketamodel.selfmodel.drive` — the drug's course read from
   Chapters 1, 3 and 4: occupancy, the plasticity window, SN and DMN
   disintegration.
5. :mod:`~ketamodel.selfmodel.model` — the three-level self-model over
   weeks; the dissociation and ego-dissolution indices.
6. :mod:`~ketamodel.selfmodel.cases` and :mod:`~ketamodel.selfmodel.selfcheck`
   — the chapter's four cases; a self-checking exercise.

Stable entry points (arrays per hour; beliefs in arbitrary units of
self-valence):

- ``simulate(doses=None, t_end_h=1344, *, context="neutral", relax="both",
  therapy=None, params=None, message="exact", seed=0, noise=True)`` →
  :class:`~ketamodel.selfmodel.model.SelfModelCourse` (``t_h``,
  ``minimal_self``, ``biographical_self``, ``consolidated_self``,
  ``learning_rate``, ``dissociation``, ``ego_dissolution``, ``revision``,
  ``lasting_revision``, ...);
- ``drug_drive(doses, t_end_h, context)`` and
  ``simulate_drive(drive, *, therapy, relax, params, message, seed, noise)``: the same
  in two steps, the second about 15 ms for 8 weeks (for sliders and cohorts);
- ``simulate_batch(sn_factor, dmn_factor, window, *, therapy, params, message, seeds)``
  → :class:`~ketamodel.selfmodel.batch.BatchCourse`: the same filter for many
  people at once, one row each (Chapter 6's cohort); ``batch_factors`` gives
  their hourly factors;
- ``four_cases(doses, *, therapy, delay_h, ...)`` →
  :class:`~ketamodel.selfmodel.cases.Cases`; ``ranking_robustness(doses, ...)``
  → rows of :class:`~ketamodel.selfmodel.cases.RobustnessRow`;
- ``one_level(inputs, ...)`` → :class:`~ketamodel.selfmodel.onelevel.OneLevel`;
- the update equations, ``predict_mean``, ``predict_precision``,
  ``prediction_error``, ``posterior_precision``, ``posterior_mean``, and
  ``check_update`` for the exercise.

Bad input raises ``ValueError`` naming the parameter and its range. These are
teaching models, not clinical tools.
"""

from __future__ import annotations

from .batch import BatchCourse, batch_factors, simulate_batch
from .cases import CASES, DEFAULT_DELAY_H, Cases, RobustnessRow, four_cases, ranking_robustness
from .drive import (
    EIGHT_WEEKS_H,
    LEVEL_NETWORKS,
    STEP_H,
    TABLE_OCCUPANCY,
    Drive,
    bin_means,
    disintegration,
    drive_from_course,
    drive_from_network_course,
    drug_drive,
    hourly_factor,
    no_drug,
    precision_factor,
)
from .hgf import (
    error_precision,
    posterior_mean,
    posterior_precision,
    predict_mean,
    predict_precision,
    prediction_error,
    prior_share,
    relaxation_index,
    steady_precision,
    step_variance,
)
from .model import (
    MESSAGES,
    RELAX,
    SelfModelCourse,
    initial_precision,
    simulate,
    simulate_drive,
    therapy_steps,
)
from .onelevel import OneLevel, one_level
from .params import SelfModelParams, Therapy
from .selfcheck import check_update

__all__ = [
    "CASES", "DEFAULT_DELAY_H", "EIGHT_WEEKS_H", "LEVEL_NETWORKS", "MESSAGES", "RELAX",
    "STEP_H", "TABLE_OCCUPANCY",
    "BatchCourse", "Cases", "Drive", "OneLevel", "RobustnessRow", "SelfModelCourse",
    "SelfModelParams", "Therapy",
    "batch_factors", "bin_means", "check_update", "disintegration", "drive_from_course",
    "drive_from_network_course", "drug_drive", "error_precision", "four_cases",
    "hourly_factor", "initial_precision",
    "no_drug", "one_level", "posterior_mean", "posterior_precision", "precision_factor",
    "predict_mean", "predict_precision", "prediction_error", "prior_share",
    "ranking_robustness",
    "relaxation_index", "simulate", "simulate_batch", "simulate_drive", "steady_precision",
    "step_variance",
    "therapy_steps",
]
