"""Doses and dosing schedules: what is given, how, and when.

A :class:`Dose` is one administration of racemic ketamine base; the schedule
helpers build the regimens of the chapters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import check_scalar

ROUTES = ("iv", "im", "intranasal", "oral")


def _check_route(route: str) -> None:
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}, got {route!r}")


@dataclass(frozen=True)
class Dose:
    """One administration of racemic ketamine (base).

    Parameters
    ----------
    dose_mg_per_kg : float
        Dose of ketamine base, mg per kg body weight, ≥ 0 (for the HCl salt,
        convert with :func:`ketamodel.units.hcl_salt_to_base_mg`).
    route : {"iv", "im", "intranasal", "oral"}
        Route of administration.
    start_min : float
        Time of the start of the administration, min, ≥ 0.
    duration_min : float
        Duration of a constant-rate IV infusion, min: 0 (a bolus) or in
        [0.01, 10080] (up to a week).
        Only IV doses may have a duration.
    bioavailability : float or None
        Overrides the route's default bioavailability, in (0, 1]; ``None``
        uses :class:`PKParams`.
    """

    dose_mg_per_kg: float
    route: str = "iv"
    start_min: float = 0.0
    duration_min: float = 0.0
    bioavailability: float | None = None

    def __post_init__(self) -> None:
        check_scalar("dose_mg_per_kg", self.dose_mg_per_kg, low=0.0, high=50.0)
        _check_route(self.route)
        check_scalar("start_min", self.start_min, low=0.0)
        check_scalar("duration_min", self.duration_min, low=0.0, high=10080.0)
        if 0.0 < self.duration_min < 0.01:
            raise ValueError(f"duration_min must be 0 (a bolus) or in [0.01, 10080] min, "
                             f"got {self.duration_min!r}")
        if self.duration_min > 0 and self.route != "iv":
            raise ValueError(f"duration_min must be 0 for route {self.route!r}: only IV doses "
                             f"can be infused, got {self.duration_min!r}")
        if self.bioavailability is not None:
            check_scalar("bioavailability", self.bioavailability, low=0.0, high=1.0,
                         low_open=True)


def standard_infusion(start_min: float = 0.0) -> Dose:
    """The antidepressant dose: 0.5 mg/kg IV over 40 min.

    The schedule of the trials in :cite:p:`zarate2006randomized` and
    :cite:p:`murrough2013antidepressant`.
    """
    return Dose(0.5, route="iv", start_min=start_min, duration_min=40.0)


def repeated_infusions(n: int, interval_h: float, dose_mg_per_kg: float = 0.5,
                       duration_min: float = 40.0) -> list[Dose]:
    """``n`` identical IV infusions, one every ``interval_h`` hours, the first at time 0.

    E.g. ``repeated_infusions(4, 84)``: four infusions over about 2 weeks, as in
    the open-label course of :cite:p:`wilkinson2017cognitive`.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    interval = check_scalar("interval_h", interval_h, low=0.0, low_open=True)
    return [Dose(dose_mg_per_kg, "iv", start_min=i * interval * 60.0, duration_min=duration_min)
            for i in range(n)]


def anaesthetic_bolus(dose_mg_per_kg: float = 2.0) -> Dose:
    """An IV induction bolus.

    1-2 mg/kg is the usual anaesthetic range (:cite:p:`zanos2018ketamine`).
    """
    return Dose(dose_mg_per_kg, route="iv")

