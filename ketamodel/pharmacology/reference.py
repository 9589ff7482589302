"""Measured concentrations that the chapters compare the model with (not model inputs)."""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_params, param


@dataclass(frozen=True)
class ReferenceLevels:
    """Measured concentrations that the chapters compare the model with (not model inputs)."""

    standard_infusion_peak_ng_per_mL: float = param(
        185.0, "ng/mL", "zanos2018ketamine; Table 1, peak plasma level of 0.5 mg/kg over "
        "40 min, citing Zarate et al. 2006")
    analgesic_low_ng_per_mL: float = param(70.0, "ng/mL", "zanos2018ketamine; analgesic band")
    analgesic_high_ng_per_mL: float = param(160.0, "ng/mL",
                                            "zanos2018ketamine; analgesic band")
    psychotomimetic_ng_per_mL: float = param(
        120.0, "ng/mL", "zanos2018ketamine; psychotomimetic effects in subjects with "
        "schizophrenia after a 0.3 mg/kg IV bolus, citing lahti2001effects; not a general "
        "threshold")
    anaesthesia_low_ng_per_mL: float = param(
        1200.0, "ng/mL", "zanos2018ketamine; plasma levels of 1-2 mg/kg IV")
    anaesthesia_high_ng_per_mL: float = param(
        2400.0, "ng/mL", "zanos2018ketamine; plasma levels of 1-2 mg/kg IV")
    loss_of_responsiveness_ng_per_mL: float = param(
        1640.0, "ng/mL", "sleigh2019electroencephalographic; effect-site level at loss of "
        "responsiveness, 1.64 ± 0.17 µg/mL")

    def __post_init__(self) -> None:
        check_params(self)

