"""labor_analysis: sourced data, NLRB rules and charts for union elections, Amazon's first.

Ask a question in a notebook::

    import labor_analysis as la
    ds = la.load().select(state="NY", since="2022-01-01")  # the elections of a company, place, period or union
    la.results(ds)  # one row per election: who, where, when, the count, the outcome
    la.scenario(ds, "jfk8-2022", overruled=1.0, yes_share=0.5)  # what the challenged ballots could do
    la.chart(ds, "timeline")  # a finished chart, by name or by the slug of its files

Every name is imported on first use (the chart layer, `la.charts`, brings matplotlib; the rest pandas), so
`import labor_analysis` stays quick.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Each public name and the module it comes from, imported on first use: `import labor_analysis` (and so every
#: command of the command line, which lives in this package) does not import pandas until something needs it.
_EXPORTED = {
    "employer_union_ratio": "analysis",
    "organizers_per_voter": "analysis",
    "spending_per_voter": "analysis",
    "summary": "analysis",
    "chart": "chart_names",
    "DataValidationError": "errors",
    "Problem": "errors",
    "Dataset": "loading",
    "load": "loading",
    "national": "loading",
    "results": "results",
    "count_outcome": "rules",
    "election_outcome": "rules",
    "is_determinative": "rules",
    "multi_union_determinative": "rules",
    "scenario_grid": "rules",
    "win_probability": "rules",
    "yes_needed": "rules",
    "Scenario": "scenario",
    "scenario": "scenario",
}


class _Package(types.ModuleType):
    """The package's module type: `la.results` and `la.scenario` stay the functions when their modules of the
    same name are imported (Python would otherwise bind the modules over them, as a package's attributes)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTED.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    """Each public name, imported from its module when first asked for (`_EXPORTED`); `charts`, imported when
    first asked for (they bring matplotlib); `__version__`, read from the package metadata when first asked for
    (importlib.metadata is slow to import)."""
    if name in _EXPORTED:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTED[name]}"), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("labor-analysis")
        except PackageNotFoundError:  # a source checkout on sys.path that was never installed
            return "0+unknown"
    if name == "charts" or importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")  # a module of the package, as `la.loading`
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """What a notebook user needs: the names of `__all__` (`charts` included, before it is imported)."""
    return sorted([*__all__, "__version__"])
