"""The charts: each one's data, figure and words together in one module, found through one registry.

`chart("vote-shares", ds, election_id="jfk8-2022")` returns a `Chart` that shows itself finished (title,
subtitle, source line) in Jupyter without writing a file, and `.export()` writes every file a newsroom
publishes. `chart_plan(ds)` lists every chart a data folder supports and why the others are left out; the
gallery, the command line and the notebooks all go through it. To add a chart, add a decorated function
(`@register(...)`) to a module of this package: every module here is imported with the package.
"""

from __future__ import annotations

import base64
import html
import importlib
import os
import pkgutil
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from ..loading import Dataset, load

if TYPE_CHECKING:
    from ..export import ChartRecord
from ._base import (
    REGISTRY,
    ChartSpec,
    ChartUnavailable,
    LeftOut,
    RegisteredChart,
    chart_call,
    chart_plan,
    chart_specs,
    election_source_ids,
    register,
    slugify,
    with_sources,
)

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "REGISTRY",
    "Chart",
    "ChartSpec",
    "ChartUnavailable",
    "LeftOut",
    "RegisteredChart",
    "chart",
    "chart_call",
    "chart_plan",
    "chart_specs",
    "election_source_ids",
    "names",
    "register",
    "slugify",
    "with_sources",
]


def names() -> list[str]:
    """The name of every registered chart, in gallery order."""
    return [c.name for c in sorted(REGISTRY.values(), key=lambda c: c.order)]


class Chart:
    """A finished chart: shows inline in Jupyter (title, subtitle, source line included), exports in one call."""

    def __init__(self, spec: ChartSpec, ds: Dataset) -> None:
        self.spec, self.ds = spec, with_sources(ds, spec.extra_sources)

    def __getattr__(self, name: str) -> Any:  # slug, title, subtitle, headline, alt_text, data, source_ids, record
        if name.startswith("_") or name == "spec":
            raise AttributeError(name)
        return getattr(self.spec, name)

    def __repr__(self) -> str:
        return f"<Chart {self.spec.slug}: {self.spec.title}>"

    @property
    def source_line(self) -> str:
        """The credit line printed under the chart."""
        from ..export import source_line

        return source_line(self.ds, self.spec.source_ids, self.spec.record)

    def figure(self) -> Figure:
        """The bare figure (no title or source line) to draw on further."""
        return self.spec.build()

    def image(self, size: str = "web", fmt: str = "png") -> bytes:
        """The finished chart as image bytes at one size preset, without writing a file."""
        from ..export import render_images

        images = render_images(
            self.figure(),
            title=self.spec.title,
            subtitle=self.spec.subtitle,
            source=self.source_line,
            formats=(fmt,),
            sizes=(size,),
            kept=self.spec.selection,
        )
        return images[(size, fmt)]

    def export(
        self,
        out_dir: str | os.PathLike[str] | None = None,
        formats: Sequence[str] | None = None,
        sizes: Sequence[str] | None = None,
    ) -> ChartRecord:
        """Write every format and size, the data CSV and the alt text (default folder: build/charts/)."""
        from ..export import finalise
        from ..paths import charts_dir
        from ..presets import FORMATS, SIZE_PRESETS

        spec = self.spec
        return finalise(
            spec.build(),
            slug=spec.slug,
            title=spec.title,
            subtitle=spec.subtitle,
            source_ids=spec.source_ids,
            alt_text=spec.alt_text,
            data=spec.data,
            ds=self.ds,
            out_dir=charts_dir() if out_dir is None else out_dir,
            formats=formats or FORMATS,
            sizes=sizes or tuple(SIZE_PRESETS),
            headline=spec.headline,
            record=spec.record,
            kept=spec.selection,
        )

    def _repr_png_(self) -> bytes:
        return self.image()

    def _repr_html_(self) -> str:
        png = base64.b64encode(self.image()).decode("ascii")
        return (
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(self.spec.alt_text)}" '
            f'style="width: 100%; max-width: 640px; height: auto">'
        )


def chart(name: str, ds: Dataset | None = None, election_id: str | None = None) -> Chart:
    """One finished chart by name, e.g. `chart("vote-shares", ds, election_id="jfk8-2022")`.

    `ds` defaults to the project's data folder. KeyError names the known charts; ChartUnavailable says why the
    data cannot support this one.
    """
    if name not in REGISTRY:
        raise KeyError(f"unknown chart {name!r}; known: {', '.join(names())}")
    ds = load() if ds is None else ds
    return Chart(REGISTRY[name].spec(ds, election_id), ds)
