"""The house style: one call sets matplotlib and seaborn together, so every chart looks the same everywhere.

The font is DejaVu Sans, which ships inside matplotlib itself: every machine renders the same glyphs, and
no fallback font can creep in. Colours come from the Okabe-Ito palette, which stays distinguishable for
the common forms of colour blindness; each meaning (yes, no, won, lost...) has one fixed colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from cycler import cycler

if TYPE_CHECKING:  # matplotlib is imported where a figure is styled: the colours alone (the rerun's index) need none
    from matplotlib.axes import Axes

FONT = "DejaVu Sans"

#: Okabe-Ito colours (Okabe & Ito, "Color Universal Design", 2008).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One fixed colour per meaning, the same in every chart. The sides (yes/union, no/employer) and the union's
#: results (won, lost, undetermined) never share a hue, and neutral totals are greys: "lost" is purple, not a
#: red next to the employer's orange; "undetermined" is a hollow dark ring, as open as the result.
COLORS = {
    "yes": OKABE_ITO["blue"],
    "union": OKABE_ITO["blue"],
    "no": OKABE_ITO["orange"],
    "employer": OKABE_ITO["orange"],
    "void": "#BBBBBB",
    "challenged": "#6E6E6E",
    "neutral_light": "#D3D3D3",
    "neutral": "#A3A3A3",
    "neutral_dark": "#6B6B6B",
    "won": OKABE_ITO["bluish_green"],
    "lost": OKABE_ITO["reddish_purple"],
    "undetermined": "#333333",
    "text": "#222222",
    "muted_text": "#555555",
    "grid": "#E3E3E3",
    "reference": "#333333",
    # the data folder's elections set against national figures (grey): used for nothing else
    "focus": OKABE_ITO["sky_blue"],
}

#: Text sizes in points at web size (640 CSS px wide); finalise scales them for smaller presets.
TITLE_SIZE = 15.0
SUBTITLE_SIZE = 11.0
SOURCE_SIZE = 8.5
BASE_SIZE = 10.5

#: Salt for the ids matplotlib writes into SVG files, fixed so reruns produce identical bytes.
SVG_HASH_SALT = "labor-analysis"

#: Metadata passed to savefig per format: no dates, no software version, so files depend on the data only.
SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def house_rc() -> dict[str, Any]:
    """The rcParams of the house style (fonts, colours, spines, grid, reproducible vector output)."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "mathtext.fontset": "dejavusans",
        "text.parse_math": False,  # dollar amounts are text, never math
        "font.size": BASE_SIZE,
        "text.color": COLORS["text"],
        "axes.labelcolor": COLORS["text"],
        "axes.labelsize": BASE_SIZE,
        "axes.titlesize": BASE_SIZE + 0.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.edgecolor": "#777777",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.axisbelow": True,
        "axes.facecolor": "white",
        "axes.prop_cycle": cycler(
            color=[COLORS["yes"], COLORS["no"], COLORS["won"], COLORS["lost"], COLORS["neutral"]]
        ),
        "grid.color": COLORS["grid"],
        "grid.linewidth": 0.8,
        "xtick.color": "#555555",
        "ytick.color": "#555555",
        "xtick.labelcolor": COLORS["text"],
        "ytick.labelcolor": COLORS["text"],
        "xtick.labelsize": BASE_SIZE - 0.5,
        "ytick.labelsize": BASE_SIZE - 0.5,
        "legend.frameon": False,
        "legend.fontsize": BASE_SIZE - 0.5,
        "figure.facecolor": "white",
        "figure.dpi": 100,
        "savefig.facecolor": "white",
        "savefig.dpi": 200,
        "svg.fonttype": "path",
        "svg.hashsalt": SVG_HASH_SALT,
        "pdf.fonttype": 42,
        "pdf.compression": 6,
        "path.simplify": True,
    }


def set_house_style() -> None:
    """Apply the house style to seaborn and matplotlib in one call (idempotent), for figures drawn by hand.

    The package's own charts do not need it (they draw in the house style whatever the global settings), so
    seaborn is imported here, when asked for, not when the package is.
    """
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="notebook", style="white", font=FONT, rc=house_rc())
    mpl.rcParams.update(house_rc())  # type: ignore[arg-type]  # the stubs type keys as Literal rc names


def light_grid(ax: Axes, axis: Literal["x", "y"] = "y") -> None:
    """A light grid on one axis only, behind the data, where it helps read values."""
    ax.grid(True, axis=axis, color=COLORS["grid"], linewidth=0.8)
    ax.grid(False, axis="x" if axis == "y" else "y")
    ax.set_axisbelow(True)
