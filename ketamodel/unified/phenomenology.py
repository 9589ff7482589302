"""Dose × setting → the acute experience in the cohort: the dose-phenomenology map.

:func:`phenomenology_map` runs a cohort at each dose (40-minute infusions) and
setting and reports the mean peak CADSS-range and ego-dissolution scores,
the two indices of Chapter 5 on familiar ranges
(:mod:`~ketamodel.unified.outcome`). Only the first three days are run: the
indices peak within hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import networks as nw
from .. import pharmacology as ph
from ..params import check_array, check_integer
from .cohort import acute_state
from .patients import patient_table


@dataclass(frozen=True)
class PhenomenologyMap:
    """Mean peak scores per dose (rows) and setting (columns).

    Attributes
    ----------
    doses_mg_per_kg : ndarray
        Dose of base of each 40-minute infusion, mg/kg.
    contexts : tuple of float
        Chapter 4's context of each column.
    cadss, ego : ndarray
        Mean peak CADSS-range (0-92) and ego-dissolution (0-100) scores, points.
    n : int
        People per cell (the same people in every cell).
    """

    doses_mg_per_kg: np.ndarray
    contexts: tuple[float, ...]
    cadss: np.ndarray
    ego: np.ndarray
    n: int


def phenomenology_map(doses_mg_per_kg: Sequence[float] = (0.1, 0.2, 0.3, 0.433, 0.6, 0.8),
                      contexts: Sequence[float | str] = tuple(nw.CONTEXTS), n: int = 100,
                      seed: int = 0) -> PhenomenologyMap:
    """The cohort's mean peak dissociation and ego dissolution at each dose and setting.

    Parameters
    ----------
    doses_mg_per_kg : sequence of float
        Doses of base, mg/kg, in (0, 5].
    contexts : sequence of float or str
        Settings (:data:`~ketamodel.networks.ketamine.CONTEXTS` or numbers in [-1, 1]).
    n : int
        People, 1 to 10⁴.
    seed : int
    """
    doses = check_array("doses_mg_per_kg", doses_mg_per_kg, low=1e-6, high=5.0, ndim=1)
    if doses.size < 1:
        raise ValueError("doses_mg_per_kg must hold at least one dose")
    if isinstance(contexts, str | bytes) or not isinstance(contexts, Sequence | np.ndarray):
        raise ValueError(f"contexts must be a sequence (a list or a tuple) of settings, got "
                         f"{contexts!r:.80}")
    if isinstance(contexts, np.ndarray) and contexts.ndim != 1:
        raise ValueError(f"contexts must be a sequence of settings, got an array of shape "
                         f"{contexts.shape}")
    values: list[float] = []
    for c in contexts:
        try:
            values.append(float(nw.context_value(c)))
        except ValueError as error:
            raise ValueError(f"contexts must hold settings (names of CONTEXTS or numbers in "
                             f"[-1, 1]): {error}") from None
    ctx = tuple(values)
    if not ctx:
        raise ValueError("contexts must hold at least one setting")
    table = patient_table(check_integer("n", n, low=1, high=10_000), seed)
    cadss = np.empty((doses.size, len(ctx)))
    ego = np.empty_like(cadss)
    for i, d in enumerate(doses):
        dose = ph.Dose(float(d), "iv", duration_min=40.0)
        for j, c in enumerate(ctx):
            run = acute_state(table, dose, context=c)
            cadss[i, j] = run.cadss_peak.mean()
            ego[i, j] = run.ego_peak.mean()
    return PhenomenologyMap(doses_mg_per_kg=doses, contexts=ctx, cadss=cadss, ego=ego,
                            n=len(table))
