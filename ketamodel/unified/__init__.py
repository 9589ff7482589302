"""The unified model: from dose and context to experience and outcome, and virtual trials.

Chapter 6 of the book. One chain, composed from the stable entry points of
the earlier chapters and never re-implemented: dose, route and context →
occupancy (Chapter 1) → the reward effect (Chapter 2), the plasticity window
(Chapter 3) and SN and DMN disintegration (Chapter 4) → dissociation and ego
dissolution, and the revision of the self-model with or without
psychotherapy (Chapter 5) → depression severity on the MADRS over weeks. One
module each:

1. :mod:`~ketamodel.unified.params` — the scales, the outcome layer
   (four numbers calibrated, the rest assumed) and the cohort's variability
   (sourced where a source exists).
2. :mod:`~ketamodel.unified.levels` — what a schedule does below the
   clinic, for one clearance and context.
3. :mod:`~ketamodel.unified.outcome` — MADRS, CADSS and ego-dissolution
   scores from the levels.
4. :mod:`~ketamodel.unified.pipeline` — one person through every level.
5. :mod:`~ketamodel.unified.patients` and :mod:`~ketamodel.unified.cohort` —
   a table of virtual patients; the cohort, a pure function of the table and
   a seed.
6. :mod:`~ketamodel.unified.trials` — randomised virtual trials, reported as
   trials report them.
7. :mod:`~ketamodel.unified.phenomenology` — dose × setting → the acute
   experience in the cohort.
8. :mod:`~ketamodel.unified.calibration` — the fit to the two calibration
   points, and to nothing else.
9. :mod:`~ketamodel.unified.predictions` — the seed paper's predictions,
   each with the assumption it rests on and the change that makes it fail.
10. :mod:`~ketamodel.unified.validation` — published results the model was
    not fitted to, and how it fares against them.

Stable entry points:

- ``simulate(doses, t_end_h=1344, *, context, therapy, treatment, person, ...)`` →
  :class:`~ketamodel.unified.pipeline.UnifiedCourse`;
- ``exposure(doses, t_end_h, context, *, cl_factor)`` →
  :class:`~ketamodel.unified.levels.Exposure`;
- ``patient_table(n, seed, *, first_id)`` → :class:`~ketamodel.unified.patients.PatientTable`;
  ``simulate_cohort(table, arm, *, context, seed, ...)`` →
  :class:`~ketamodel.unified.cohort.CohortCourse`;
- ``virtual_trial(arms, n, *, ratio, seed)`` → :class:`~ketamodel.unified.trials.Trial`;
  ``compare(treated, control, visit_h)`` → :class:`~ketamodel.unified.trials.Comparison`;
- ``calibrate()`` → :class:`~ketamodel.unified.calibration.CalibrationFit`;
- ``run_prediction(name, *, failing)`` → :class:`~ketamodel.unified.predictions.Prediction`;
- ``validate(n, seed)`` → :class:`~ketamodel.unified.validation.Validation`.

Bad input raises ``ValueError`` naming the parameter and its range. These are
teaching models, not clinical tools: no number here should guide a dose.
"""

from __future__ import annotations

from .calibration import (
    CALIBRATED_FIELDS,
    CALIBRATION_POINTS,
    CalibrationData,
    CalibrationFit,
    CalibrationPoint,
    calibrate,
    calibration_data,
    model_statistics,
)
from .cohort import (
    TREATMENTS,
    VISITS_H,
    AcuteState,
    Arm,
    CohortCourse,
    ResponseKept,
    acute_state,
    rmst_days,
    simulate_cohort,
)
from .levels import CL_NODES, CONTEXT_NODES, Exposure, dose_groups, exposure
from .outcome import (
    cadss,
    ego_score,
    madrs,
    nonspecific_relief,
    rate,
    remitted,
    responded,
    responsiveness,
)
from .params import CohortParams, OutcomeParams, Scales
from .patients import PatientTable, block_normals, concat_tables, patient_table
from .phenomenology import PhenomenologyMap, phenomenology_map
from .pipeline import Person, UnifiedCourse, simulate
from .predictions import (
    FAILING,
    FAILING_TEXT,
    PREDICTIONS,
    Prediction,
    dissociation_and_dose,
    ego_and_improvement,
    n_for_correlation,
    partial_spearman,
    relapse_after_course,
    run_prediction,
    therapy_in_window,
)
from .selfcheck import check_odds_ratio
from .trials import (
    ARMS,
    Comparison,
    Replicates,
    Trial,
    arm,
    compare,
    replicate,
    summarise,
    virtual_trial,
    wilson,
)
from .validation import VALIDATION_POINTS, Validation, ValidationPoint, validate

__all__ = [
    "ARMS", "CALIBRATED_FIELDS", "CALIBRATION_POINTS", "CL_NODES", "CONTEXT_NODES", "FAILING",
    "FAILING_TEXT", "PREDICTIONS", "TREATMENTS", "VALIDATION_POINTS", "VISITS_H", "AcuteState",
    "Arm", "CalibrationData", "CalibrationFit", "CalibrationPoint", "CohortCourse", "CohortParams",
    "Comparison", "Exposure", "OutcomeParams", "PatientTable", "Person", "PhenomenologyMap",
    "Prediction", "Replicates", "ResponseKept", "Scales", "Trial", "UnifiedCourse", "Validation",
    "ValidationPoint", "acute_state", "arm", "block_normals", "cadss", "calibrate",
    "calibration_data", "check_odds_ratio", "compare", "concat_tables", "dissociation_and_dose",
    "dose_groups", "ego_and_improvement", "ego_score", "exposure", "madrs", "model_statistics",
    "n_for_correlation", "nonspecific_relief", "partial_spearman", "patient_table",
    "phenomenology_map", "rate", "relapse_after_course", "remitted", "replicate", "responded",
    "responsiveness", "rmst_days", "run_prediction", "simulate", "simulate_cohort", "summarise",
    "therapy_in_window", "validate", "virtual_trial", "wilson",
]
