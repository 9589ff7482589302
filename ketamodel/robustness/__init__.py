"""How much each conclusion depends on what was assumed: claims, spaces and sensitivity.

- :mod:`~ketamodel.robustness.space`: which parameters vary, over what range and why;
- :mod:`~ketamodel.robustness.claims`: the book's headline claims as margins
  (:data:`~ketamodel.robustness.claims.CLAIMS`);
- :mod:`~ketamodel.robustness.analysis`: Morris screening, Sobol indices and the share of the
  space where a claim holds, with SALib; the cached results the appendix reads.
"""

from .claims import CLAIMS, Claim, claims_of
from .space import DEFAULT_FACTOR, Factor, Space, factor_of, space_of

__all__ = ["CLAIMS", "DEFAULT_FACTOR", "Claim", "Factor", "Space", "claims_of", "factor_of",
           "space_of"]
