"""The chapter's four cases: drug alone, therapy alone, drug + therapy in or after the window.

Every case has the same drug (unless it has none) and the same sessions
(unless it has none); they differ only in timing, so a difference between
them is what timing does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from ..params import check_instance, check_scalar, check_whole_hours, params_or_default
from .drive import EIGHT_WEEKS_H
from .model import SelfModelCourse, simulate
from .params import SelfModelParams, Therapy

#: The four cases, in the order of the chapter's figure.
CASES = ("drug alone", "therapy alone", "drug + therapy inside the window",
         "drug + therapy after the window")

#: How long after the window the late sessions start, h (two weeks).
DEFAULT_DELAY_H = 14 * 24.0


@dataclass(frozen=True)
class Cases:
    """The four cases (:data:`CASES`), each a :class:`~ketamodel.selfmodel.model.SelfModelCourse`.

    Attributes
    ----------
    courses : dict
        Case name → course.
    therapy_inside, therapy_after : Therapy
        The two schedules of the same sessions.
    """

    courses: dict
    therapy_inside: Therapy
    therapy_after: Therapy

    def lasting(self) -> dict[str, float]:
        """Case name → lasting revision (the fraction of the way moved, at the end)."""
        return {k: c.lasting_revision for k, c in self.courses.items()}


def four_cases(doses: object = None, *, therapy: Therapy | None = None,
               delay_h: float = DEFAULT_DELAY_H, context: float | str = "neutral",
               relax: str = "both", params: SelfModelParams | None = None,
               message: str = "exact", t_end_h: float = EIGHT_WEEKS_H,
               seed: int | np.random.Generator = 0, noise: bool = True,
               network_params: object = None, plasticity_params: object = None,
               n_parcels: int = 100) -> Cases:
    """Run the four cases with the same drug and the same sessions.

    Parameters
    ----------
    doses : Dose or sequence of Dose, optional
        Default: one standard infusion at time 0.
    therapy : Therapy, optional
        The sessions inside the window (default :class:`~ketamodel.selfmodel.params.Therapy`: three
        two-hour sessions from 12 h after the drug, a day apart).
    delay_h : float
        How much later the same sessions start in the last case, h (≥ 0;
        default two weeks, after any window of a single infusion has closed).
    context, relax, params, message, t_end_h, seed, noise
        As for :func:`~ketamodel.selfmodel.model.simulate`; every case gets
        the same seed.
    network_params, plasticity_params, n_parcels
        As for :func:`~ketamodel.selfmodel.drive.drug_drive`.
    """
    from ..pharmacology import standard_infusion
    doses = standard_infusion() if doses is None else doses
    inside = Therapy() if therapy is None else check_instance("therapy", therapy, Therapy)
    delay = check_whole_hours("delay_h", delay_h, low=0.0, high=4320.0)
    after = replace(inside, start_h=inside.start_h + delay)
    p = params_or_default("params", params, SelfModelParams)
    common = dict(t_end_h=t_end_h, context=context, relax=relax, params=p, message=message,
                  noise=noise, network_params=network_params,
                  plasticity_params=plasticity_params, n_parcels=n_parcels)
    def run(d: object, th: Therapy | None) -> SelfModelCourse:
        return simulate(d, therapy=th, seed=seed, **common)
    courses = dict(zip(CASES, (run(doses, None), run(None, inside), run(doses, inside),
                               run(doses, after)), strict=True))
    return Cases(courses=courses, therapy_inside=inside, therapy_after=after)


@dataclass(frozen=True)
class RobustnessRow:
    """One run of :func:`ranking_robustness`.

    Attributes
    ----------
    parameter : str
        The field of :class:`~ketamodel.selfmodel.params.SelfModelParams` changed.
    factor : float
        What it was multiplied by (for the log-volatility: the volatility).
    inside, best_other : float
        Lasting revision of the drug with therapy inside the window, and the
        largest of the other three cases.
    holds : bool
        Whether the inside case is first.
    """

    parameter: str
    factor: float
    inside: float
    best_other: float
    holds: bool


def ranking_robustness(doses: object = None, *, therapy: Therapy | None = None,
                       params: SelfModelParams | None = None,
                       factors: tuple[float, ...] = (0.5, 2.0)) -> list[RobustnessRow]:
    r"""Whether the inside case stays first when each parameter is scaled (noise-free).

    Every field of :class:`~ketamodel.selfmodel.params.SelfModelParams` is
    multiplied by each factor in turn, the others kept; for the log-volatility
    it is the volatility :math:`\Omega = e^{\omega}` that is multiplied. A set
    outside the valid range is skipped (``baseline_consolidation`` cannot be
    doubled, for instance). Only the self-model's own numbers are varied, not
    the drug, the setting, the schedule or the earlier chapters' parameters.

    Parameters
    ----------
    doses, therapy : optional
        As for :func:`four_cases`.
    params : SelfModelParams, optional
        The parameters to start from.
    factors : tuple of float
        Multipliers, each > 0.
    """
    p = params_or_default("params", params, SelfModelParams)
    if not isinstance(factors, tuple) or not factors:
        raise ValueError(f"factors must be a non-empty tuple of numbers, got {factors!r}")
    scale = [check_scalar("factors", f, low=0.0, high=100.0, low_open=True) for f in factors]
    four_cases(doses, therapy=therapy, params=p, noise=False)     # bad input raises here
    rows = []
    for f in fields(SelfModelParams):
        for k in scale:
            value = getattr(p, f.name)
            value = value + math.log(k) if f.name == "narrative_log_volatility" else value * k
            try:
                changed = replace(p, **{f.name: value})
                last = four_cases(doses, therapy=therapy, params=changed,
                                  noise=False).lasting()
            except ValueError:
                continue
            inside = last[CASES[2]]
            other = max(v for name, v in last.items() if name != CASES[2])
            rows.append(RobustnessRow(f.name, k, inside, other, inside > other))
    return rows
