"""Pure scoring: catalogues, rules, vectorised scoring, roll-ups and peers. No Streamlit, no database."""
from .catalogue import Catalogue, available_years, domains, load as load_catalogue
from .engine import rollup, score, score_with_catalogue
from .errors import Problem, ValidationError
from .laotypes import LAO_TYPES, TYPE_CODES, display_name, type_name
from .rules import OUTCOME_LABELS, OUTCOMES, RULES

__all__ = ["Catalogue", "available_years", "domains", "load_catalogue", "rollup", "score",
           "score_with_catalogue", "Problem", "ValidationError", "LAO_TYPES", "TYPE_CODES",
           "display_name", "type_name", "OUTCOME_LABELS", "OUTCOMES", "RULES"]
