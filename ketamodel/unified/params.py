r"""The numbers of the unified model: scales, the outcome layer, and the cohort.

Three kinds, told apart in every ``source``:

- **calibrated** to the two calibration points of the book and to nothing
  else (:mod:`~ketamodel.unified.calibration`): ketamine against midazolam at
  24 h (:cite:p:`murrough2013antidepressant`) and against saline at 24 h
  (:cite:p:`zarate2006randomized`);
- **sourced**: a published number (clearance variability, the scales'
  ranges, baseline severity);
- **assumed**: a didactic choice, with its reason.

Everything the cohort shows beyond the 24-h effect is a prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_params, param

#: The source of the four calibrated numbers (see :mod:`~ketamodel.unified.calibration`).
CALIBRATED = ("murrough2013antidepressant, zarate2006randomized; calibrated: fitted by "
              "ketamodel.unified.calibration.calibrate to the 24-h results of both trials")


@dataclass(frozen=True)
class Scales:
    """The clinical scales the model's quantities are reported on."""

    madrs_max: float = param(
        60.0, "points", "montgomery1979new; 10 items scored 0-6", high=1000.0)
    response_fall: float = param(
        0.5, "1", "murrough2013antidepressant; response is a fall of at least 50 % from "
        "baseline", high=1.0)
    remission_madrs: float = param(
        10.0, "points", "ekstrand2022racemic; remission is MADRS <= 10 (some trials use "
        "<= 12)", high=60.0)
    cadss_max: float = param(
        92.0, "points", "bremner1998measurement; the 23-item form ketamine trials use, "
        "items 0-4", high=1000.0)
    ego_max: float = param(
        100.0, "points", "assumed: the range of one visual-analogue item of the "
        "ego-dissolution inventory (nour2016ego; the per-item range is not verified)",
        high=1000.0)

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class OutcomeParams:
    r"""From the levels of the model to depression severity on the MADRS.

    A person's MADRS at time :math:`t` is their baseline :math:`B` times what
    three kinds of relief leave of it (see :func:`~ketamodel.unified.outcome.madrs`):

    .. math::

        \mathrm{MADRS}(t) = B\,[1 - n(t)]\,[1 - \min(1, G\,u\,A(t))]\,[1 - w_s\,s(t)],

    with :math:`n` the non-specific response of being treated (expectancy,
    care), :math:`A` the drug's acute action (Chapters 2 and 3), :math:`s`
    the revision of the narrative self-belief (Chapter 5) and :math:`u` a
    person's responsiveness.
    """

    acute_gain: float = param(
        0.917, "1", CALIBRATED + "; G, the share of severity a full acute action relieves",
        high=1.0)
    active_placebo: float = param(
        0.303, "1", CALIBRATED + "; n of a treatment that is felt (midazolam, and ketamine "
        "itself): the share of severity relieved by expectancy and care", low_open=False,
        high=0.95)
    inert_placebo: float = param(
        0.197, "1", CALIBRATED + "; n of a treatment that is not felt (saline)",
        low_open=False, high=0.95)
    responsiveness_sd: float = param(
        2.0, "1", CALIBRATED + "; the spread of the responsiveness u (median 1, bounded in "
        "(0, 2), about 1 + sd z near the middle) of both the drug's and the non-specific "
        "relief; the fit ends at the search's bound of 2, where about a quarter of people "
        "hardly respond (u < 0.1) and a quarter respond nearly twice as much as the "
        "median person: the calibration points ask for responders and non-responders",
        low_open=False, high=3.0)
    self_share: float = param(
        0.4, "1", "assumed: the share of the MADRS the narrative self-belief carries, "
        "read from the scale's items: 4 of 10 (apparent and reported sadness, pessimistic "
        "and suicidal thoughts; montgomery1979new)", low_open=False, high=1.0,
        spread=(0.2, 0.6),
        spread_why="2 to 6 of the MADRS's 10 items read as the self-belief, around the 4 "
        "the book counts")
    visit_sd: float = param(
        2.0, "points", "assumed: the noise of one rating (a few points on a 60-point "
        "scale); it makes the response threshold fuzzy", low_open=False, high=20.0)
    placebo_onset_h: float = param(
        2.0, "h", "assumed: the non-specific response builds over the hours after the "
        "first treatment", high=1000.0)
    placebo_fade_h: float = param(
        336.0, "h", "assumed: after the last treatment the non-specific response fades "
        "with this time constant (two weeks), since the expectancy and care of a trial "
        "visit do not last for ever; no source measures it for ketamine trials, and the "
        "calibration points (24 h) cannot see it", high=1e5)

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class CohortParams:
    """Between-person variability of the virtual cohort."""

    clearance_cv: float = param(
        0.13, "1", "fanta2015population; between-person variability of clearance (CV), "
        "taken as log-normal", low_open=False, high=2.0)
    female_clearance_ratio: float = param(
        1.2, "1", "sigtermans2009sketamine; clearance about 20 % higher in women",
        high=10.0)
    female_fraction: float = param(
        0.5, "1", "assumed: half of the cohort are women", low_open=False, high=1.0)
    baseline_madrs_mean: float = param(
        35.8, "points", "su2023randomized; ketamine arm of a midazolam-controlled "
        "0.5 mg/kg trial in treatment-resistant depression (one trial)", high=60.0)
    baseline_madrs_sd: float = param(
        4.5, "points", "su2023randomized", low_open=False, high=30.0)
    entry_madrs: float = param(
        20.0, "points", "assumed: the lowest entry threshold of the registries' range "
        "(MADRS >= 20 to >= 27); baselines below it are redrawn", low_open=False,
        high=60.0)
    network_sensitivity_cv: float = param(
        0.2, "1", "assumed: people differ in how strongly their networks respond to "
        "the same occupancy (CV of the exponent s in D' = 1 - (1 - D)^s, log-normal); "
        "no measurement exists", low_open=False, high=2.0)
    context_sd: float = param(
        0.25, "1", "assumed: a person's set and setting differ from the protocol's by "
        "this much on Chapter 4's context axis [-1, 1]", low_open=False, high=2.0)

    def __post_init__(self) -> None:
        check_params(self)
