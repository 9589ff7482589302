r"""The parameters of the plasticity cascade: time constants, gains and read-outs.

The rates of the cascade (BDNF release and half-life, TrkB and mTORC1
activation, turnover of synaptic proteins and spines) were not found in the
literature gathered for this book, so every number here is *assumed*. What the
evidence constrains is the **order** of the time scales: minutes for the
glutamate surge and BDNF release, hours for TrkB, mTORC1 and protein
synthesis, days for synaptic proteins and spine formation, weeks for the
return of spine density to baseline. The defaults respect that order and were
chosen so that one dose reproduces the timing of spine formation and density
reported in mice (:cite:p:`modasava2019sustained`;
:cite:p:`phoumthipphavong2016longitudinal`); nothing else was fitted.
:func:`~ketamodel.plasticity.robustness.time_scale_orderings` shows that the
conclusions hold when any time constant is halved or doubled and fail when the
order is broken.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..params import check_params, check_scalar, param


@dataclass(frozen=True)
class PlasticityParams:
    """Time constants, gains and read-outs of the cascade (all *assumed*; see the module)."""

    # minutes: the surge and BDNF
    tau_ampa_min: float = param(
        5.0, "min", "assumed: AMPA receptor activation follows the glutamate surge within "
        "minutes; no rate measured", high=1e4)
    tau_eef2_min: float = param(
        10.0, "min", "assumed: eEF2 is dephosphorylated within minutes of the NMDA block at "
        "rest (autry2011nmda, order only)", high=1e4)
    tau_hnk_min: float = param(
        5.0, "min", "assumed: the metabolite route acts on AMPA receptors as fast as the "
        "surge", high=1e4)
    tau_bdnf_min: float = param(
        30.0, "min", "assumed: release and new translation of BDNF within tens of minutes; "
        "its half-life was not found", high=1e4)
    # hours: TrkB, mTORC1, protein synthesis
    tau_trkb_h: float = param(
        1.0, "h", "assumed: TrkB activation follows BDNF within an hour", high=240.0)
    tau_mtorc1_h: float = param(
        2.0, "h", "assumed: mTORC1 signalling lasts hours (li2010mtor, order only)",
        high=240.0)
    tau_synthesis_h: float = param(
        8.0, "h", "assumed: mTORC1-driven synthesis of synaptic proteins runs for hours",
        high=240.0)
    # days: synaptic proteins and spine formation
    tau_protein_h: float = param(
        24.0, "h", "assumed: new synaptic proteins turn over in about a day; with the "
        "stages above it keeps spine formation unchanged at 3-6 h and raised at 12-24 h "
        "(modasava2019sustained)", high=2400.0)
    tau_formation_h: float = param(
        6.0, "h", "assumed: a new protrusion takes hours to become a stable spine that "
        "imaging counts; with it, formation rises between 6 and 12 h "
        "(modasava2019sustained)", high=2400.0)
    # weeks: spine turnover
    spine_turnover_per_day: float = param(
        0.15, "1/day", "assumed: fraction of spines eliminated (and, at baseline, formed) "
        "per day; sets how long extra spines last, chosen so that the density stays "
        "above baseline for about two weeks after one dose "
        "(phoumthipphavong2016longitudinal); mPFC turnover rates were not retrieved",
        high=24.0)
    # gains
    surge_weight: float = param(
        0.5, "1", "assumed: BDNF excess per unit of relative excess pyramidal firing (the "
        "glutamate surge route)", low_open=False, high=100.0)
    rest_weight: float = param(
        1.0, "1", "assumed: BDNF excess per unit of NMDA occupancy (the resting route: "
        "block of spontaneous transmission, eEF2 kinase off, BDNF translated; "
        "autry2011nmda)", low_open=False, high=100.0)
    hnk_weight: float = param(
        0.5, "1", "assumed: BDNF excess per unit of metabolite level on the alternative "
        "route (zanos2016nmdar, contested by yang2018lack); used only when the route is "
        "switched on", low_open=False, high=100.0)
    hnk_ref_ng_per_mL: float = param(
        20.0, "ng/mL", "assumed: norketamine level, standing in for hydroxynorketamine, "
        "that gives one unit of drive; about the peak after the standard infusion",
        high=1e4)
    formation_gain: float = param(
        8.0, "1", "assumed: relative excess of spine formation per unit of relative excess "
        "synaptic protein; chosen for a visible rise", low_open=False, high=100.0)
    # read-outs
    behaviour_half_mtorc1: float = param(
        0.25, "1", "assumed: mTORC1 excess giving half the maximal acute effect (rapamycin "
        "blocks the behavioural effect: li2010mtor)", high=100.0)
    behaviour_half_density: float = param(
        0.1, "1", "assumed: spine density excess giving half the maximal sustained effect "
        "(new spines maintain the effect: modasava2019sustained)", high=100.0)
    window_max: float = param(
        3.0, "1", "assumed: largest learning-rate multiplier, reached when synaptic "
        "proteins saturate; a slider parameter", low=1.0, low_open=False, high=100.0)
    window_half_protein: float = param(
        0.1, "1", "assumed: synaptic protein excess at which the window is half open",
        high=100.0)

    def __post_init__(self) -> None:
        check_params(self)

    def time_constants_h(self) -> dict[str, float]:
        """Every time constant of the cascade in hours, from the fastest stage to the slowest.

        The spine stage's time constant is the mean lifetime of a spine,
        ``24 / spine_turnover_per_day`` h.
        """
        return {
            "tau_ampa_min": self.tau_ampa_min / 60.0,
            "tau_eef2_min": self.tau_eef2_min / 60.0,
            "tau_hnk_min": self.tau_hnk_min / 60.0,
            "tau_bdnf_min": self.tau_bdnf_min / 60.0,
            "tau_trkb_h": self.tau_trkb_h,
            "tau_mtorc1_h": self.tau_mtorc1_h,
            "tau_synthesis_h": self.tau_synthesis_h,
            "tau_protein_h": self.tau_protein_h,
            "tau_formation_h": self.tau_formation_h,
            "spine_turnover_per_day": 24.0 / self.spine_turnover_per_day,
        }

    def scaled(self, factor: float, names: tuple[str, ...] | None = None) -> PlasticityParams:
        """A copy with the named time constants multiplied by ``factor`` (all of them by default).

        A turnover rate is divided by ``factor``, so that its time scale is
        multiplied by it like the others.

        Parameters
        ----------
        factor : float
            Scale of the time constants, in [0.01, 100].
        names : tuple of str, optional
            Keys of :meth:`time_constants_h`.
        """
        k = check_scalar("factor", factor, low=0.01, high=100.0)
        known = tuple(self.time_constants_h())
        chosen = known if names is None else names
        if (not isinstance(chosen, tuple) or not chosen
                or not all(isinstance(n, str) and n in known for n in chosen)):
            raise ValueError(f"names must be a non-empty tuple of names among {known}, got "
                             f"{chosen!r}")
        changes = {n: (getattr(self, n) / k if n.endswith("_per_day") else getattr(self, n) * k)
                   for n in chosen}
        bounds = {f.name: f.metadata for f in fields(self)}
        for n, v in changes.items():
            if v > bounds[n]["high"]:
                raise ValueError(f"factor {k:g} takes {n} to {v:g}, above its range "
                                 f"(at most {bounds[n]['high']:g})")
        return replace(self, **changes)
