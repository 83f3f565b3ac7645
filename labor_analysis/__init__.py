"""labor_analysis: sourced data, NLRB rules and charts for the union elections at Amazon's US warehouses."""

from .errors import DataValidationError, Problem
from .loading import Dataset, load

__all__ = ["DataValidationError", "Dataset", "Problem", "load"]
