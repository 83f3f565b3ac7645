"""labor_analysis: sourced data, NLRB rules and charts for the union elections at Amazon's US warehouses.

`la.chart("vote-shares", ds, election_id="jfk8-2022")` shows a finished chart in a notebook; the chart layer
(`la.charts`, matplotlib) is imported on first use, so `import labor_analysis` stays quick.
"""

from __future__ import annotations

from typing import Any

from .analysis import employer_union_ratio, organizers_per_voter, spending_per_voter, summary
from .errors import DataValidationError, Problem
from .loading import Dataset, load, national
from .rules import (
    count_outcome,
    election_outcome,
    is_determinative,
    multi_union_determinative,
    scenario_grid,
    win_probability,
    yes_needed,
)

__all__ = [
    "DataValidationError",
    "Dataset",
    "Problem",
    "chart",
    "charts",
    "count_outcome",
    "election_outcome",
    "employer_union_ratio",
    "is_determinative",
    "load",
    "multi_union_determinative",
    "national",
    "organizers_per_voter",
    "scenario_grid",
    "spending_per_voter",
    "summary",
    "win_probability",
    "yes_needed",
]


def __getattr__(name: str) -> Any:
    """`charts` and `chart`, imported when first asked for (they bring matplotlib); `__version__`, read from the
    package metadata when first asked for (importlib.metadata is slow to import)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("labor-analysis")
        except PackageNotFoundError:  # a source checkout on sys.path that was never installed
            return "0+unknown"
    if name in ("charts", "chart"):
        import importlib

        module = importlib.import_module(f"{__name__}.charts")
        return module if name == "charts" else module.chart
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
