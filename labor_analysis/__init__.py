"""labor_analysis: sourced data, NLRB rules and charts for union elections, Amazon's first.

Ask a question in a notebook::

    import labor_analysis as la
    ds = la.load().select(state="NY", since="2022-01-01")  # the elections of a company, place, period or union
    la.results(ds)  # one row per election: who, where, when, the count, the outcome
    la.scenario(ds, "jfk8-2022", overruled=1.0, yes_share=0.5)  # what the challenged ballots could do
    la.chart(ds, "timeline")  # a finished chart, by name or by the slug of its files

The chart layer (`la.charts`, matplotlib) is imported on first use, so `import labor_analysis` stays quick.
"""

from __future__ import annotations

from typing import Any

from .analysis import employer_union_ratio, organizers_per_voter, spending_per_voter, summary
from .chart_names import chart
from .errors import DataValidationError, Problem
from .loading import Dataset, load, national
from .results import results
from .rules import (
    count_outcome,
    election_outcome,
    is_determinative,
    multi_union_determinative,
    scenario_grid,
    win_probability,
    yes_needed,
)
from .scenario import Scenario, scenario

__all__ = [
    "DataValidationError",
    "Dataset",
    "Problem",
    "Scenario",
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
    "results",
    "scenario",
    "scenario_grid",
    "spending_per_voter",
    "summary",
    "win_probability",
    "yes_needed",
]


def __getattr__(name: str) -> Any:
    """`charts`, imported when first asked for (they bring matplotlib); `__version__`, read from the
    package metadata when first asked for (importlib.metadata is slow to import)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("labor-analysis")
        except PackageNotFoundError:  # a source checkout on sys.path that was never installed
            return "0+unknown"
    if name == "charts":
        import importlib

        return importlib.import_module(f"{__name__}.charts")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """What a notebook user needs: the names of `__all__` (`charts` included, before it is imported)."""
    return sorted([*__all__, "__version__"])
