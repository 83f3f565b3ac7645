"""Optional parts of the package: which modules each extra brings, and one clear message when one is missing."""

from __future__ import annotations

import importlib.util

#: extra (as in `pip install 'labor-analysis[notebooks]'`) -> the modules the package imports from it.
EXTRAS: dict[str, tuple[str, ...]] = {
    "notebooks": ("nbclient", "nbconvert", "nbformat", "ipykernel", "ipywidgets"),
}


def missing_extra(extra: str, feature: str) -> str | None:
    """None when every module of `extra` can be imported, else one line saying what `feature` needs installed."""
    missing = [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (
        f"{feature} needs {', '.join(missing)}, which this installation lacks: "
        f"install them with `pip install 'labor-analysis[{extra}]'` (a checkout's `make install` does)"
    )
