r"""The parameters of the self-model, and the schedule of psychotherapy.

No study gives numbers for the priors, precisions or volatilities of a
self-model, nor for their change under ketamine (facts gathered for the
book, §6): every number here is *assumed*, chosen so that the model shows
the behaviour the seed paper describes (:cite:p:`marguilho2023unified`) on
a scale a reader can follow, and each belongs on a slider.

Beliefs live on one axis, *self-valence*, in arbitrary units (a.u.): 0 is a
neutral view of oneself, :math:`-2` the negative self-belief of the depressed
person the chapter follows, :math:`+1` the evidence a supportive therapist
offers. Precisions are inverse variances on that axis (1/a.u.²); time is in
hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_integer, check_params, check_whole_hours, param


@dataclass(frozen=True)
class SelfModelParams:
    """Beliefs, precisions and time scales of the three-level self-model (all *assumed*)."""

    # the depressed self-model
    belief_start: float = param(
        -2.0, "a.u.", "assumed: a negative narrative self-belief, two units below neutral "
        "(units are arbitrary; only its distance from the evidence matters)",
        low=-10.0, high=10.0, low_open=False,
        spread=(-3.0, -1.0),
        spread_why="a negative self-belief one to three units below neutral")
    everyday_evidence: float = param(
        -2.0, "a.u.", "assumed: what everyday life tells the depressed person about "
        "themselves, as they sample and interpret it, agrees with their belief "
        "(negative expectations persist because contrary information is rare and "
        "discounted, kube2020distorted)", low=-10.0, high=10.0, low_open=False,
        spread=(-3.0, -1.0),
        spread_why="everyday evidence one to three units below neutral, agreeing with the"
        " belief")
    narrative_log_volatility: float = param(
        -9.0, "log(1/h)", "assumed: the biographical self is believed to change very "
        "slowly (Omega = exp(omega) per hour), which makes its prior over-precise",
        low=-20.0, high=5.0, low_open=False,
        spread=(-11.0, -7.0),
        spread_why="the volatility exp(omega) a factor of e squared (7.4) either way, "
        "omega being a logarithm")
    # sensory evidence and the minimal self
    interoceptive_precision: float = param(
        0.25, "1/a.u.²", "assumed: one hour's bodily (interoceptive) signal says little "
        "about the self (standard deviation 2 a.u., the distance from the belief to "
        "neutral)", high=1e3)
    exteroceptive_precision: float = param(
        0.25, "1/a.u.²", "assumed: one hour of everyday life is as ambiguous about the "
        "self as the body is (exteroceptive)", high=1e3)
    minimal_self_precision: float = param(
        4.0, "1/a.u.²", "assumed: precision of the minimal self's prediction of the bodily "
        "self-state, eight times that of an hour of the senses, so the self-model "
        "carries 8/9 of the percept", high=1e3)
    coupling: float = param(
        1.0, "1", "assumed: the minimal self is expected where the biographical self "
        "stands (kappa, value coupling)", high=10.0)
    # psychotherapy
    support_evidence: float = param(
        1.0, "a.u.", "assumed: a therapist's evidence about the person, above neutral",
        low=-10.0, high=10.0, low_open=False,
        spread=(0.5, 2.0), spread_log=True,
        spread_why="a therapist's evidence half to twice as far above neutral")
    therapy_precision: float = param(
        4.0, "1/a.u.²", "assumed: an hour of therapy is focused evidence, sixteen times "
        "as precise as an hour of everyday life", high=1e3)
    # time scales of the biographical self
    reversion_h: float = param(
        72.0, "h", "assumed: a belief revised but not consolidated fades back to the "
        "consolidated self-model within days", high=1e5)
    consolidation_h: float = param(
        200.0, "h", "assumed: time constant with which the consolidated self-model "
        "follows the current belief when plasticity is at baseline (a window of "
        "multiplier w shortens it w-fold)", high=1e6)
    baseline_consolidation: float = param(
        1.0, "1", "assumed: the share of the consolidation rate that does not need the "
        "plasticity window (epsilon); 1 uses Chapter 3's window as the multiplier it is "
        "defined to be, 0 makes the window a gate without which nothing consolidates",
        low_open=False, high=1.0)
    plasticity_gain: float = param(
        1.0, "1", "assumed: how strongly the plasticity window speeds consolidation, "
        "rate = (epsilon + beta (w - 1))/T_c; 1 uses Chapter 3's window as the "
        "multiplier it is defined to be", low_open=False, high=100.0)
    # ketamine
    sn_sensitivity: float = param(
        6.0, "1", "assumed: exponent g with which the minimal self's prior precision "
        "follows the SN's within-network FC, pi = pi0 (1 - D_SN)^g", low_open=False,
        high=50.0)
    dmn_sensitivity: float = param(
        6.0, "1", "assumed: exponent g with which the biographical self's prior precision "
        "follows the DMN's within-network FC", low_open=False, high=50.0)

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class Therapy:
    """Sessions of psychotherapy: evidence that supports a kinder view of oneself.

    In each hour of a session the evidence from the world is the therapist's
    (``support_evidence`` of :class:`SelfModelParams`, with
    ``therapy_precision``) instead of everyday life's. The default is three
    two-hour sessions a day apart, the first 12 h after the drug starts: all
    three while Chapter 3's window is open (it opens about 8 h after a
    standard infusion and closes after about 2.7 days).

    Attributes
    ----------
    start_h : float
        Time of the first session, whole hours from the start of the simulation.
    sessions : int
        Number of sessions, 1-200.
    interval_h : float
        Time from the start of one session to the next, whole hours,
        ≥ ``duration_h``.
    duration_h : float
        Length of a session, whole hours, 1-12.
    """

    start_h: float = 12.0
    sessions: int = 3
    interval_h: float = 24.0
    duration_h: float = 2.0

    def __post_init__(self) -> None:
        for name, low, high in (("start_h", 0.0, 1e5), ("duration_h", 1.0, 12.0),
                                ("interval_h", 1.0, 1e4)):
            check_whole_hours(name, getattr(self, name), low=low, high=high,
                              note=" (the self-model steps hourly)")
        check_integer("sessions", self.sessions, low=1, high=200)
        if self.interval_h < self.duration_h:
            raise ValueError(f"interval_h ({self.interval_h:g} h) must be at least "
                             f"duration_h ({self.duration_h:g} h)")

    def session_times_h(self) -> tuple[float, ...]:
        """The start of each session, h."""
        return tuple(self.start_h + i * self.interval_h for i in range(self.sessions))
