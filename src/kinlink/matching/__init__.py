"""kinlink.matching — cross-script record linkage for family tracing.

Pure Python (PyICU, rapidfuzz, numpy); no Django. See docs/matching.md.
"""

from .compare import FIELDS, LEVELS, Comparison, compare_prepared, compare_records, explain
from .index import MatchIndex, SearchResult
from .model import FellegiSunterModel
from .names import NameKeys, TokenKeys, name_keys, normalise_name
from .records import PersonRecord, PreparedRecord, prepare
from .variants import DEFAULT_VARIANTS, VariantTable

__all__ = [
    "FIELDS",
    "LEVELS",
    "Comparison",
    "DEFAULT_VARIANTS",
    "FellegiSunterModel",
    "MatchIndex",
    "NameKeys",
    "PersonRecord",
    "PreparedRecord",
    "SearchResult",
    "TokenKeys",
    "VariantTable",
    "compare_prepared",
    "compare_records",
    "explain",
    "name_keys",
    "normalise_name",
    "prepare",
]
