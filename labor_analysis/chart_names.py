"""`la.chart`: one finished chart by its name or by the slug its files, the gallery and the README use.

`chart(ds, "vote-shares-jfk8-2022")` is `chart(ds, "vote-shares", election_id="jfk8-2022")`; a file name such as
`vote-shares-jfk8-2022-web.png` works too. The chart layer (matplotlib) is imported on the first call only.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .presets import SIZE_PRESETS

if TYPE_CHECKING:
    from .loading import Dataset


def resolve(name: str, election_id: str | None = None) -> tuple[str, str | None]:
    """The registered chart and election a name or slug stands for; KeyError naming the known charts otherwise.

    >>> resolve("vote-shares-jfk8-2022")
    ('vote-shares', 'jfk8-2022')
    >>> resolve("timeline-web.png")
    ('timeline', None)
    """
    from .charts import REGISTRY, names

    slug = PurePath(name).stem if PurePath(name).suffix in (".png", ".svg", ".pdf", ".csv", ".txt") else name
    for size in SIZE_PRESETS:
        slug = slug.removesuffix(f"-{size}")
    if slug in REGISTRY:
        return slug, election_id
    for registered in sorted(REGISTRY, key=len, reverse=True):  # the longest name first: `turnout-all` before `turnout`
        if REGISTRY[registered].per_election and slug.startswith(f"{registered}-") and election_id is None:
            return registered, slug[len(registered) + 1 :]
    raise KeyError(f"unknown chart {name!r}; known: {', '.join(names())} (or a slug such as vote-shares-jfk8-2022)")


def chart(ds: Dataset | str | None = None, name: str | Dataset | None = None, election_id: str | None = None) -> Any:
    """One finished chart of `ds` (default: the project's data), by name or slug; it shows itself in a notebook.

    `chart(ds, "vote-shares", election_id="jfk8-2022")`, `chart(ds, "vote-shares-jfk8-2022")`; the older order
    `chart("timeline", ds)` works too.

    >>> import labor_analysis as la
    >>> la.chart(la.load(), "vote-shares-jfk8-2022").slug
    'vote-shares-jfk8-2022'
    """
    from .charts import chart as registered_chart

    if isinstance(ds, str):  # chart(name, ds, ...)
        ds, name = name if not isinstance(name, str) else None, ds
    if not isinstance(name, str):
        raise TypeError("give the chart's name or slug, e.g. la.chart(ds, 'timeline')")
    chart_name, election = resolve(name, election_id)
    return registered_chart(chart_name, ds, election_id=election)
