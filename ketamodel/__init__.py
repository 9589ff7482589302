"""ketamodel: small, tested models of ketamine from molecule to mind.

One module per level of the unified model of the book:

- :mod:`ketamodel.pharmacology` — dose → concentration → NMDA receptor block
- :mod:`ketamodel.circuits` — NMDA block → excitation/inhibition balance
- :mod:`ketamodel.reward` — LHb bursts → dopamine → reward learning (the PRT agent)
- :mod:`ketamodel.plasticity` — surge and resting block → BDNF → mTORC1 → spines; the
  plasticity window
- :mod:`ketamodel.networks` — occupancy and context → SN and DMN disruption on a brain
  built from human functional connectivity
- :mod:`ketamodel.selfmodel` — relaxed priors of the minimal and the biographical self;
  psychotherapy and plasticity revise a negative self-model
- :mod:`ketamodel.unified` — every level composed: dose and context → experience and
  MADRS over weeks; a virtual cohort and virtual trials
- :mod:`ketamodel.robustness` — every headline claim as a margin over the plausible
  parameter space; Morris screening and Sobol indices (SALib)

Support modules: :mod:`ketamodel.params` (parameters with units and sources),
:mod:`ketamodel.provenance` (the table of every parameter),
:mod:`ketamodel.units`, :mod:`ketamodel.plotting`, :mod:`ketamodel.widgets`,
:mod:`ketamodel.sweep` (sweeps over partitions, serially or on a Dask cluster).
"""

from . import (
    circuits,
    networks,
    params,
    pharmacology,
    plasticity,
    plotting,
    provenance,
    reward,
    robustness,
    selfmodel,
    sweep,
    unified,
    units,
    widgets,
)

__all__ = [
    "circuits", "networks", "params", "pharmacology", "plasticity", "plotting", "provenance",
    "reward", "robustness", "selfmodel", "sweep", "unified", "units", "widgets",
]
__version__ = "0.1.0"
