"""Unit conversions in one place: mass concentration, molar concentration, salt and base.

The molar masses are physical constants of the molecules, not model
parameters; they are computed from the molecular formulae with standard
atomic weights.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .params import check_array, check_scalar

#: Racemic ketamine base, C13H16ClNO, g/mol (physical constant).
KETAMINE_G_PER_MOL = 237.7
#: Ketamine hydrochloride, C13H16ClNO·HCl, g/mol (physical constant).
KETAMINE_HCL_G_PER_MOL = 274.2
#: Norketamine base, C12H14ClNO, g/mol (physical constant).
NORKETAMINE_G_PER_MOL = 223.7
#: Seconds in a minute and minutes in an hour (unit conversion).
S_PER_MIN = 60.0
MIN_PER_H = 60.0


def ng_per_mL_to_uM(conc_ng_per_mL: ArrayLike, molar_mass_g_per_mol: float = KETAMINE_G_PER_MOL
                    ) -> np.ndarray:
    r"""Convert a mass concentration to a molar one.

    .. math:: c_{\mu M} = c_{ng/mL} / M

    since 1 ng/mL = 1 µg/L and 1 µg/L ÷ (M g/mol) = 1/M µmol/L. For ketamine,
    237.7 ng/mL = 1 µM.

    Parameters
    ----------
    conc_ng_per_mL : array_like
        Concentration(s) in ng/mL, non-negative.
    molar_mass_g_per_mol : float
        Molar mass of the compound, g/mol, a positive finite number (default:
        racemic ketamine base).

    Returns
    -------
    ndarray
        Concentration(s) in µM, the shape of ``conc_ng_per_mL``.
    """
    c = check_array("conc_ng_per_mL", conc_ng_per_mL)
    m = check_scalar("molar_mass_g_per_mol", molar_mass_g_per_mol, low=0.0, low_open=True)
    return c / m


def uM_to_ng_per_mL(conc_uM: ArrayLike, molar_mass_g_per_mol: float = KETAMINE_G_PER_MOL
                    ) -> np.ndarray:
    r"""Convert a molar concentration (µM) to a mass concentration (ng/mL).

    The inverse of :func:`ng_per_mL_to_uM`: :math:`c_{ng/mL} = c_{\mu M} \cdot M`.

    Parameters
    ----------
    conc_uM : array_like
        Concentration(s) in µM, non-negative.
    molar_mass_g_per_mol : float
        Molar mass of the compound, g/mol, a positive finite number (default:
        racemic ketamine base).

    Returns
    -------
    ndarray
        Concentration(s) in ng/mL, the shape of ``conc_uM``.
    """
    c = check_array("conc_uM", conc_uM)
    m = check_scalar("molar_mass_g_per_mol", molar_mass_g_per_mol, low=0.0, low_open=True)
    return c * m


def hcl_salt_to_base_mg(dose_mg_hcl: ArrayLike) -> np.ndarray:
    """Convert a dose of ketamine hydrochloride to ketamine base (×237.7/274.2 ≈ 0.867).

    Doses in trials are often of the salt; the models run on the base.

    Parameters
    ----------
    dose_mg_hcl : array_like
        Dose(s) of the hydrochloride salt, mg (or mg/kg), non-negative.

    Returns
    -------
    ndarray
        The same dose(s) as ketamine base, in the unit of ``dose_mg_hcl``.
    """
    d = check_array("dose_mg_hcl", dose_mg_hcl)
    return d * (KETAMINE_G_PER_MOL / KETAMINE_HCL_G_PER_MOL)
