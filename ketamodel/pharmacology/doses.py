"""Doses and dosing schedules: what is given, how, and when.

A :class:`Dose` is one administration of racemic ketamine base; the schedule
helpers build the regimens of the chapters. A long constant-rate infusion
(anaesthetic maintenance, days of analgosedation) is one :class:`Dose` too,
most easily written with :meth:`Dose.infusion` from its rate in mg/kg/h.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..params import check_integer, check_scalar
from ..units import MIN_PER_H, hcl_salt_to_base_mg

ROUTES = ("iv", "im", "intranasal", "oral")


def _check_route(route: Any) -> None:
    if not isinstance(route, str) or route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}, got {route!r}")


@dataclass(frozen=True)
class Dose:
    """One administration of racemic ketamine (base).

    The bounds below are sanity bounds that catch mistyped input (a dose in
    mg instead of mg/kg, a rate in mg/kg/min instead of mg/kg/h); they are
    generous on purpose and are not dosing advice.

    Parameters
    ----------
    dose_mg_per_kg : float
        Total dose of ketamine base, mg per kg body weight, ≥ 0 (for the HCl
        salt, convert with :func:`ketamodel.units.hcl_salt_to_base_mg`). A
        bolus or a non-IV dose is at most ``Dose.MAX_SINGLE_DOSE_MG_PER_KG``
        (50 mg/kg, several times the largest single dose in use). An infusion
        may hold more, as long as its rate, ``dose_mg_per_kg`` per
        ``duration_min``, is at most ``Dose.MAX_INFUSION_RATE_MG_PER_KG_PER_H``
        (20 mg/kg/h; anaesthetic maintenance is of the order of 1-6 mg/kg/h,
        analgosedation lower): a 24-hour infusion at 1.5 mg/kg/h is
        36 mg/kg. Any dose a bolus may hold may also be infused, however
        fast (an induction dose of 2 mg/kg over 1 min).
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
        uses :class:`~ketamodel.pharmacology.kinetics.PKParams`.

    Raises
    ------
    ValueError
        When a value is outside its range; the message names the parameter,
        the value and the accepted range, and for an infusion the implied rate.
    """

    dose_mg_per_kg: float
    route: str = "iv"
    start_min: float = 0.0
    duration_min: float = 0.0
    bioavailability: float | None = None

    #: Largest bolus or non-IV dose accepted, mg/kg (a sanity bound, not dosing advice).
    MAX_SINGLE_DOSE_MG_PER_KG: ClassVar[float] = 50.0
    #: Largest infusion rate accepted, mg/kg/h (a sanity bound, not dosing advice).
    MAX_INFUSION_RATE_MG_PER_KG_PER_H: ClassVar[float] = 20.0
    #: Longest infusion accepted, min (a week).
    MAX_DURATION_MIN: ClassVar[float] = 10080.0
    #: Shortest infusion, min; a shorter non-zero duration is refused (0 is a bolus).
    MIN_DURATION_MIN: ClassVar[float] = 0.01

    def __post_init__(self) -> None:
        dose = check_scalar("dose_mg_per_kg", self.dose_mg_per_kg, low=0.0)
        _check_route(self.route)
        check_scalar("start_min", self.start_min, low=0.0)
        duration = check_scalar("duration_min", self.duration_min, low=0.0,
                                high=self.MAX_DURATION_MIN)
        if 0.0 < duration < self.MIN_DURATION_MIN:
            raise ValueError(f"duration_min must be 0 (a bolus) or in "
                             f"[{self.MIN_DURATION_MIN:g}, {self.MAX_DURATION_MIN:g}] min, "
                             f"got {self.duration_min!r}")
        if duration > 0 and self.route != "iv":
            raise ValueError(f"duration_min must be 0 for route {self.route!r}: only IV doses "
                             f"can be infused, got {self.duration_min!r}")
        if self.bioavailability is not None:
            check_scalar("bioavailability", self.bioavailability, low=0.0, high=1.0,
                         low_open=True)
        single = self.MAX_SINGLE_DOSE_MG_PER_KG
        if duration == 0 and dose > single:
            kind = "an IV bolus" if self.route == "iv" else f"a dose by route {self.route!r}"
            raise ValueError(f"dose_mg_per_kg of {kind} must be in [0, {single:g}] mg/kg, "
                             f"got {self.dose_mg_per_kg!r}")
        max_rate = self.MAX_INFUSION_RATE_MG_PER_KG_PER_H
        if duration > 0 and dose > single and self.rate_mg_per_kg_per_h > max_rate:
            most = max(single, max_rate * duration / MIN_PER_H)
            raise ValueError(
                f"dose_mg_per_kg of an infusion must be at most {single:g} mg/kg in all or "
                f"run at most {max_rate:g} mg/kg/h, i.e. in [0, {most:g}] mg/kg over "
                f"{duration:g} min; got {self.dose_mg_per_kg!r} mg/kg over {duration:g} min, "
                f"an implied rate of {self.rate_mg_per_kg_per_h:.4g} mg/kg/h")

    @property
    def rate_mg_per_kg_per_h(self) -> float:
        """The infusion rate in mg/kg/h (``dose_mg_per_kg`` per ``duration_min``); 0 for a bolus."""
        if self.duration_min == 0:
            return 0.0
        return float(self.dose_mg_per_kg) / (float(self.duration_min) / MIN_PER_H)

    @classmethod
    def infusion(cls, rate_mg_per_kg_per_h: float, duration_h: float,
                 start_h: float = 0.0) -> Dose:
        """A constant-rate IV infusion written by its rate, as on an infusion pump.

        ``Dose.infusion(1.5, 24)`` is 1.5 mg/kg/h for 24 hours, i.e.
        ``Dose(36.0, duration_min=1440.0)``.

        Parameters
        ----------
        rate_mg_per_kg_per_h : float
            Infusion rate of ketamine base, mg/kg/h, in
            [0, ``Dose.MAX_INFUSION_RATE_MG_PER_KG_PER_H``] (20; a sanity bound,
            not dosing advice).
        duration_h : float
            Duration, h, in (0, 168] (up to a week), and at least 0.01 min.
        start_h : float
            Start of the infusion, h, ≥ 0.

        Returns
        -------
        Dose
            With ``dose_mg_per_kg = rate × duration``, ``duration_min`` and
            ``start_min`` in minutes.
        """
        rate = check_scalar("rate_mg_per_kg_per_h", rate_mg_per_kg_per_h, low=0.0,
                            high=cls.MAX_INFUSION_RATE_MG_PER_KG_PER_H)
        max_h = cls.MAX_DURATION_MIN / MIN_PER_H
        hours = check_scalar("duration_h", duration_h, low=0.0, high=max_h, low_open=True)
        if hours * MIN_PER_H < cls.MIN_DURATION_MIN:
            raise ValueError(f"duration_h must be at least {cls.MIN_DURATION_MIN:g} min "
                             f"({cls.MIN_DURATION_MIN / MIN_PER_H:.3g} h) and at most "
                             f"{max_h:g} h, got {duration_h!r}")
        start = check_scalar("start_h", start_h, low=0.0)
        return cls(rate * hours, route="iv", start_min=start * MIN_PER_H,
                   duration_min=hours * MIN_PER_H)


def dose_tuple(doses: object) -> tuple[Dose, ...]:
    """``doses`` (a :class:`Dose` or a non-empty sequence of them) as a tuple.

    The one check of a dosing schedule that every ``simulate`` shares; anything
    else raises ``ValueError`` naming ``doses``.
    """
    if isinstance(doses, Dose):
        return (doses,)
    if isinstance(doses, Sequence) and not isinstance(doses, str) and doses and all(
            isinstance(d, Dose) for d in doses):
        return tuple(doses)
    raise ValueError(f"doses must be a Dose or a non-empty sequence of Dose objects, got "
                     f"{doses!r}")


def standard_infusion(start_min: float = 0.0, *, hcl_salt: bool = True) -> Dose:
    """The antidepressant dose: 0.5 mg/kg of ketamine hydrochloride IV over 40 min.

    The schedule of the trials in :cite:p:`zarate2006randomized` and
    :cite:p:`murrough2013antidepressant`; the dose was of the hydrochloride
    salt (:cite:p:`mathew2013optimization`, the record of the two-site trial),
    which is 0.433 mg/kg of base (:func:`ketamodel.units.hcl_salt_to_base_mg`).

    Parameters
    ----------
    start_min : float
        Start of the infusion, min, ≥ 0.
    hcl_salt : bool
        True (default): 0.5 mg/kg of the salt, as in the trials; False: 0.5 mg/kg
        of base.
    """
    if not isinstance(hcl_salt, bool):
        raise ValueError(f"hcl_salt must be True or False, got {hcl_salt!r}")
    dose = float(hcl_salt_to_base_mg(0.5)) if hcl_salt else 0.5
    return Dose(dose, route="iv", start_min=start_min, duration_min=40.0)


def repeated_infusions(n: int, interval_h: float, dose_mg_per_kg: float | None = None,
                       duration_min: float = 40.0) -> list[Dose]:
    """``n`` identical IV infusions, one every ``interval_h`` hours, the first at time 0.

    E.g. ``repeated_infusions(4, 84)``: four infusions over about 2 weeks, as in
    the open-label course of :cite:p:`wilkinson2017cognitive`, each the
    standard 0.5 mg/kg of ketamine hydrochloride (0.433 mg/kg of base; see
    :func:`standard_infusion`) unless ``dose_mg_per_kg`` (of base) is given.

    Parameters
    ----------
    n : int
        Number of infusions, a whole number ≥ 1.
    interval_h : float
        Time from the start of one infusion to the start of the next, h, > 0.
    dose_mg_per_kg : float, optional
        Dose of base of each infusion, mg/kg (default: the standard infusion's).
    duration_min : float
        Duration of each infusion, min (checked by :class:`Dose`).
    """
    count = check_integer("n", n, low=1)
    if dose_mg_per_kg is None:
        dose_mg_per_kg = standard_infusion().dose_mg_per_kg
    interval = check_scalar("interval_h", interval_h, low=0.0, low_open=True)
    return [Dose(dose_mg_per_kg, "iv", start_min=i * interval * MIN_PER_H,
                 duration_min=duration_min)
            for i in range(count)]


def anaesthetic_bolus(dose_mg_per_kg: float = 2.0) -> Dose:
    """An IV induction bolus.

    1-2 mg/kg is the usual anaesthetic range (:cite:p:`zanos2018ketamine`).

    Parameters
    ----------
    dose_mg_per_kg : float
        Dose of ketamine base, mg/kg (checked by :class:`Dose`).
    """
    return Dose(dose_mg_per_kg, route="iv")
