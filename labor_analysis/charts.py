"""The charts: each is a data function (the exact numbers plotted, as a DataFrame) and a figure function.

Figure functions take a loaded Dataset (and an election_id where the chart is about one election) and return
a matplotlib Figure in the house style, without headline or source line: `export.finalise` adds those. The
matching `*_data` function returns the numbers drawn, so the CSV published beside a chart is what it shows.
Every number comes from `analysis` and `rules`; nothing is typed in.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import patches, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .analysis import election_row, organizers_per_voter, preferred, summary
from .loading import Dataset
from .rules import scenario_grid
from .style import COLORS, house_rc, light_grid
from .text import about, election_labels, fmt_int, fmt_pct, fmt_usd_short, period_label

WEB_WIDTH_IN = 6.4


# ---------------------------------------------------------------- helpers

def wrap_label(label: str, width: int = 18) -> str:
    """A long axis label broken onto lines of at most `width` characters, so it fits a print column."""
    return textwrap.fill(str(label), width)


def _figure(height_in: float) -> Figure:
    """A new figure in the house style at web width, not registered with pyplot (no global state)."""
    with _style_context():
        fig = Figure(figsize=(WEB_WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style_context():
    """The house style over matplotlib's defaults for a `with` block, whatever the caller's own settings.

    Starting from the defaults keeps the files identical whether or not the process set a global style first
    (a notebook's `story.Page` sets seaborn's theme for inline figures).
    """
    return mpl.style.context(house_rc(), after_reset=True)


def _majority_line(ax: Axes, vertical: bool = False) -> None:
    """The 50% line: where a union wins a majority of the valid votes."""
    draw = ax.axvline if vertical else ax.axhline
    draw(50, color=COLORS["reference"], linewidth=1.1, linestyle=(0, (4, 3)), zorder=3)


# ---------------------------------------------------------------- vote shares

def vote_shares_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Yes and no ballots of one election and their shares of the valid votes (percent)."""
    row = election_row(ds, election_id)
    valid = int(row["valid_votes"])
    return pd.DataFrame(
        {
            "election_id": election_id,
            "choice": ["yes", "no"],
            "ballots": pd.array([row["yes"], row["no"]], dtype="Int64"),
            "share_of_valid_votes_pct": [100 * int(row["yes"]) / valid, 100 * int(row["no"]) / valid],
        }
    )


def vote_shares(ds: Dataset, election_id: str) -> Figure:
    """Bars of the yes and no shares of one election's valid votes, with the 50% majority line."""
    data = vote_shares_data(ds, election_id)
    with _style_context():
        fig = _figure(3.2)
        ax = fig.add_subplot()
        colors = [COLORS[c] for c in data["choice"]]
        names = {"yes": "Yes (union)", "no": "No"}
        bars = ax.bar([names[c] for c in data["choice"]], data["share_of_valid_votes_pct"], color=colors, width=0.7)
        for bar, ballots, share in zip(bars, data["ballots"], data["share_of_valid_votes_pct"]):
            inside = share >= 15  # labels sit low inside the bar, clear of the 50% line
            ax.text(bar.get_x() + bar.get_width() / 2, 2 if inside else share + 1,
                    f"{fmt_pct(share / 100)}\n({fmt_int(ballots)})", ha="center", va="bottom",
                    color="white" if inside else COLORS["text"], fontweight="bold", linespacing=1.3)
        _majority_line(ax)
        ax.annotate("50%\nmajority", (1.0, 50), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", color=COLORS["reference"], fontsize=9)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_ylabel("Share of valid votes")
        light_grid(ax, "y")
    return fig


def vote_shares_all_data(ds: Dataset) -> pd.DataFrame:
    """Every election's yes and no shares of the valid votes (percent) and outcome, by count date."""
    table = summary(ds)
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": election_labels(table),
            "yes": table["yes"],
            "no": table["no"],
            "yes_share_pct": 100 * table["yes_share"],
            "no_share_pct": 100 * (1 - table["yes_share"]),
            "outcome": table["outcome"].astype(str),
        }
    )


def vote_shares_all(ds: Dataset) -> Figure:
    """Every election as a 100% bar split into yes and no shares, with the 50% line and the outcome."""
    data = vote_shares_all_data(ds).iloc[::-1].reset_index(drop=True)  # first election on top
    with _style_context():
        fig = _figure(0.9 + 0.42 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        ax.barh(y, data["yes_share_pct"], color=COLORS["yes"], height=0.62, label="Yes (union)")
        ax.barh(y, data["no_share_pct"], left=data["yes_share_pct"], color=COLORS["no"], height=0.62, label="No")
        for yi, yes_pct, outcome in zip(y, data["yes_share_pct"], data["outcome"]):
            ax.text(2, yi, fmt_pct(yes_pct / 100, 0), va="center", ha="left", color="white", fontweight="bold")
            ax.text(101.5, yi, outcome, va="center", ha="left", color=COLORS[outcome], fontweight="bold")
        _majority_line(ax, vertical=True)
        ax.set_yticks(y, data["label"])
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xticks([0, 50, 100])
        ax.set_xlabel("Share of valid votes")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.2, handlelength=1.0)
    return fig


# ---------------------------------------------------------------- turnout

def turnout_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Eligible voters, ballots cast and valid votes of one election, each also as a share of the eligible."""
    row = election_row(ds, election_id)
    counts = pd.array([row["eligible_voters"], row["ballots_cast"], row["valid_votes"]], dtype="Int64")
    eligible = int(row["eligible_voters"])
    return pd.DataFrame(
        {
            "election_id": election_id,
            "measure": ["eligible voters", "ballots cast", "valid votes"],
            "count": counts,
            "pct_of_eligible": [np.nan if pd.isna(c) else 100 * int(c) / eligible for c in counts],
        }
    )


def turnout(ds: Dataset, election_id: str) -> Figure:
    """Bars from zero of eligible voters, ballots cast and valid votes; an unreported count is said, not drawn."""
    data = turnout_data(ds, election_id)
    approx = about(bool(election_row(ds, election_id)["eligible_approximate"]))  # shares of an approximate count
    with _style_context():
        fig = _figure(3.4)
        ax = fig.add_subplot()
        colors = [COLORS["neutral"], COLORS["challenged"], COLORS["yes"]]
        heights = [0 if pd.isna(c) else int(c) for c in data["count"]]
        bars = ax.bar(data["measure"].str.capitalize(), heights, color=colors, width=0.6)
        top = max(heights)
        for bar, count, pct in zip(bars, data["count"], data["pct_of_eligible"]):
            x = bar.get_x() + bar.get_width() / 2
            if pd.isna(count):
                ax.text(x, top * 0.03, "not\nreported", ha="center", va="bottom", color=COLORS["muted_text"])
                continue
            label = (approx + fmt_int(count) if pct == 100
                     else f"{fmt_int(count)}\n({approx}{fmt_pct(pct / 100, 0)}\nof eligible)")  # narrow for print
            ax.annotate(label, (x, int(count)), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", linespacing=1.1)
        ax.set_ylim(0, top * 1.3)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_ylabel("Workers")
        light_grid(ax, "y")
    return fig


# ---------------------------------------------------------------- challenged ballots

def challenged_margin_data(ds: Dataset) -> pd.DataFrame:
    """Per election with a reported challenged count: the margin, its size, the challenged ballots, determinative."""
    table = summary(ds)
    table = table[table["challenged"].notna()]
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": election_labels(table),
            "margin": table["margin"],
            "margin_size": table["margin"].abs(),
            "challenged": table["challenged"],
            "determinative": table["determinative"].astype(bool),
            "outcome": table["outcome"].astype(str),
        }
    ).reset_index(drop=True)


def challenged_margin(ds: Dataset) -> Figure:
    """Each election's margin against its challenged ballots; above the diagonal the challenged could decide."""
    data = challenged_margin_data(ds)
    with _style_context():
        fig = _figure(3.8)
        ax = fig.add_subplot()
        x_max = float(data["margin_size"].max()) * 1.25
        y_max = float(data["challenged"].max()) * 1.5  # headroom for the label of the shaded region
        diagonal = min(x_max, y_max)
        ax.fill_between([0, diagonal, x_max], [0, diagonal, diagonal], [y_max] * 3, where=[True, True, False],
                        color=COLORS["undetermined"], alpha=0.09, lw=0)
        ax.plot([0, diagonal], [0, diagonal], color=COLORS["reference"], linewidth=1, linestyle=(0, (4, 3)))
        ax.annotate("challenged = margin", (diagonal, diagonal), xytext=(4, -2), textcoords="offset points",
                    ha="left", va="top", color=COLORS["reference"], fontsize=9)
        ax.text(0.015 * x_max, 0.97 * y_max, "Challenged ballots\ncould change\nthe result",
                va="top", color=COLORS["undetermined"], fontsize=9, fontweight="bold",
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
        for outcome in ("won", "lost", "undetermined"):
            rows = data[data["outcome"] == outcome]
            if len(rows):
                ax.scatter(rows["margin_size"].astype(float), rows["challenged"].astype(float), s=55,
                           color=COLORS[outcome], edgecolor="white", linewidth=0.8, label=outcome, zorder=4,
                           clip_on=False)
        _label_points(ax, data, x_max, y_max)
        ax.set_xlim(0, x_max)
        ax.set_ylim(0, y_max)
        fmt = FuncFormatter(lambda v, _: fmt_int(v))
        ax.xaxis.set_major_formatter(fmt)
        ax.yaxis.set_major_formatter(fmt)
        ax.set_xlabel("Margin between yes and no (votes)")
        ax.set_ylabel("Challenged ballots")
        light_grid(ax, "y")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, borderaxespad=0.2, handletextpad=0.2)
    return fig


def _label_points(ax: Axes, data: pd.DataFrame, x_max: float, y_max: float) -> None:
    """Label each point to its right, moving a label up while it would overlap a label already placed."""
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    char_width = x_max * 0.021  # DejaVu Sans at 9 pt on a plot 5 in wide, with room for the print column
    placed: list[tuple[float, float, float]] = []  # (left, right, y) of each label
    for _, r in data.sort_values(["challenged", "margin_size"]).iterrows():
        x, y = float(r["margin_size"]), float(r["challenged"])
        left = x + x_max * 0.02
        right = left + char_width * len(str(r["label"]))
        label_y = max(y, y_max * 0.06)  # a point on the x axis gets its label lifted clear of the tick labels
        while any(left < pr and pl < right and abs(label_y - py) < y_max * 0.07 for pl, pr, py in placed):
            label_y += y_max * 0.075
        placed.append((left, right, label_y))
        moved = label_y != y
        ax.annotate(r["label"], (x, y), xytext=(left, label_y), textcoords="data", va="center", ha="left",
                    annotation_clip=False,
                    fontsize=9, path_effects=halo,
                    arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.6, "shrinkA": 0, "shrinkB": 4}
                    if moved else None)


def what_it_would_take_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Yes and no ballots counted, plus the split of the challenged ballots the union needs to win.

    When no split wins (`yes_needed` missing), every challenged ballot goes to yes, to show the union still loses.
    """
    row = election_row(ds, election_id)
    challenged = int(row["challenged"])
    needed = row["yes_needed"]
    to_yes = challenged if pd.isna(needed) else int(needed)
    return pd.DataFrame(
        {
            "election_id": election_id,
            "side": ["yes", "no"],
            "counted": [int(row["yes"]), int(row["no"])],
            "from_challenged": [to_yes, challenged - to_yes],
            "total": [int(row["yes"]) + to_yes, int(row["no"]) + challenged - to_yes],
            "challenged": challenged,
            "union_wins": [pd.notna(needed)] * 2,
        }
    )


def what_it_would_take(ds: Dataset, election_id: str) -> Figure:
    """Counted yes and no ballots, extended by the fewest challenged ballots the union needs (the rest to no)."""
    data = what_it_would_take_data(ds, election_id)
    with _style_context():
        fig = _figure(2.9)
        ax = fig.add_subplot()
        y = [1, 0]
        names = ["Yes (union)", "No"]
        for yi, (_, r) in zip(y, data.iterrows()):
            color = COLORS[r["side"]]
            ax.barh(yi, r["counted"], color=color, height=0.55)
            ax.barh(yi, r["from_challenged"], left=r["counted"], color="white", edgecolor=color, hatch="////",
                    linewidth=1.2, height=0.55)
            words = fmt_int(r["counted"])
            if r["from_challenged"]:
                words += f" + {fmt_int(r['from_challenged'])} challenged = {fmt_int(r['total'])}"
            ax.text(r["total"], yi, f" {words}", ha="left", va="center", color=COLORS["text"])
        yes_needed = int(data.loc[0, "from_challenged"])
        note = (f"needed {fmt_int(yes_needed)} of {fmt_int(data.loc[0, 'challenged'])}"
                if data.loc[0, "union_wins"] else f"all {fmt_int(data.loc[0, 'challenged'])} fall short")
        ax.annotate(note, (data.loc[0, "counted"] + yes_needed / 2, 1.3), ha="center", va="bottom",
                    color=COLORS["yes"], fontweight="bold", annotation_clip=False)
        ax.set_yticks(y, names)
        ax.set_ylim(-0.5, 1.6)
        ax.set_xlim(0, float(data["total"].max()) * 1.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Ballots (solid: counted; hatched: challenged)")
        ax.tick_params(axis="y", length=0)
        light_grid(ax, "x")
    return fig


def scenario_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """`rules.scenario_grid` for one election: outcome over the upheld share and yes share of its challenged ballots."""
    row = election_row(ds, election_id)
    grid = scenario_grid(int(row["yes"]), int(row["no"]), int(row["challenged"]))
    grid.insert(0, "election_id", election_id)
    return grid


def scenario_heatmap(ds: Dataset, election_id: str) -> Figure:
    """Heat map of the union's chance of winning over the share of challenged ballots upheld and their yes share."""
    data = scenario_data(ds, election_id)
    table = data.pivot(index="overruled_share", columns="yes_share", values="win_probability").sort_index()
    xs, ys = table.columns.to_numpy(), table.index.to_numpy()
    step_x, step_y = np.diff(xs).min(), np.diff(ys).min()
    cmap = LinearSegmentedColormap.from_list("outcome", [COLORS["lost"], "#F7F7F7", COLORS["won"]])
    with _style_context():
        fig = _figure(3.9)
        ax = fig.add_subplot()
        image = ax.imshow(
            table.to_numpy(), origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest",
            extent=(100 * (xs[0] - step_x / 2), 100 * (xs[-1] + step_x / 2),
                    100 * (ys[0] - step_y / 2), 100 * (ys[-1] + step_y / 2)),
        )
        if table.to_numpy().min() < 0.5 < table.to_numpy().max():
            ax.contour(100 * xs, 100 * ys, table.to_numpy(), levels=[0.5], colors=[COLORS["reference"]],
                       linewidths=1.2, linestyles="dashed")
        row = election_row(ds, election_id)
        ax.plot(100 * float(row["yes_share"]), 100, marker="D", markersize=7, color="white",
                markeredgecolor=COLORS["text"], clip_on=False, zorder=5)
        ax.annotate("yes share of the\ncounted ballots", (100 * float(row["yes_share"]), 100), xytext=(0, -8),
                    textcoords="offset points", ha="center", va="top", fontsize=8.5, color=COLORS["text"],
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel("Yes share of the upheld challenged ballots")
        ax.set_ylabel("Challenged ballots upheld")
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
        bar.set_label("Chance the union wins")
        bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        bar.outline.set_visible(False)
    return fig


# ---------------------------------------------------------------- money

def spending_by_year_data(ds: Dataset) -> pd.DataFrame:
    """The employer's preferred yearly `spent` figures (Amazon's disclosed consultant spending), by year."""
    rows = preferred(ds.spending)
    rows = rows[(rows["side"] == "employer") & (rows["measure"] == "spent")]
    yearly = rows[(rows["period_start"].dt.year == rows["period_end"].dt.year)]
    out = pd.DataFrame(
        {
            "year": yearly["period_start"].dt.year.astype("int64"),
            "spender": yearly["spender"],
            "purpose": yearly["purpose"],
            "amount_usd": yearly["amount_usd"],
            "approximate": yearly["approximate"],
            "source_id": yearly["source_id"],
        }
    )
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def spending_by_year(ds: Dataset) -> Figure:
    """Bars from zero of the employer's disclosed consultant spending per year, labelled in dollars."""
    data = spending_by_year_data(ds)
    with _style_context():
        fig = _figure(3.4)
        ax = fig.add_subplot()
        bars = ax.bar(data["year"].astype(str), data["amount_usd"] / 1e6, color=COLORS["employer"], width=0.6)
        for bar, amount in zip(bars, data["amount_usd"]):
            ax.annotate(fmt_usd_short(amount), (bar.get_x() + bar.get_width() / 2, amount / 1e6), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontweight="bold")
        ax.set_ylim(0, float(data["amount_usd"].max()) / 1e6 * 1.15)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.0f}M"))
        ax.set_ylabel("US dollars (millions)")
        light_grid(ax, "y")
    return fig


def employer_vs_union_data(ds: Dataset) -> pd.DataFrame:
    """Every preferred figure of money spent or raised, both sides, with a label naming what and when."""
    rows = preferred(ds.spending)
    rows = rows[rows["measure"].isin(["spent", "raised"])]
    out = pd.DataFrame(
        {
            "spender": rows["spender"],
            "side": rows["side"].astype(str),
            "purpose": rows["purpose"],
            "measure": rows["measure"].astype(str),
            "period": [period_label(s, e) for s, e in zip(rows["period_start"], rows["period_end"])],
            "period_start": rows["period_start"].dt.strftime("%Y-%m-%d"),
            "amount_usd": rows["amount_usd"],
            "approximate": rows["approximate"],
            "source_id": rows["source_id"],
        }
    )
    return out.sort_values(["side", "period_start"], kind="stable").reset_index(drop=True)


def employer_vs_union(ds: Dataset) -> Figure:
    """Both sides' money on one log-scale axis, so the employer's millions and the union's thousands both show."""
    data = employer_vs_union_data(ds).iloc[::-1].reset_index(drop=True)
    with _style_context():
        fig = _figure(0.8 + 0.42 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        colors = [COLORS[s] for s in data["side"]]
        ax.barh(y, data["amount_usd"], color=colors, height=0.62)
        for yi, amount, approx in zip(y, data["amount_usd"], data["approximate"]):
            ax.text(amount * 1.12, yi, about(approx) + fmt_usd_short(amount), va="center", ha="left")
        labels = [textwrap.fill(f"{p}: {pu}", 28) for p, pu in zip(data["period"], data["purpose"])]
        ax.set_yticks(y, labels, fontsize=8.5, linespacing=1.0)
        ax.set_xscale("log")
        low = 10 ** np.floor(np.log10(float(data["amount_usd"].min()) / 2))
        high = 10 ** np.ceil(np.log10(float(data["amount_usd"].max()) * 4))
        ax.set_xlim(low, high)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v / 1e6:g}M" if v >= 1e6 else f"${v / 1e3:g}K"))
        ax.set_xlabel("US dollars, log scale")
        ax.tick_params(axis="y", length=0)
        light_grid(ax, "x")
        spenders = data.drop_duplicates("side").set_index("side")["spender"]
        handles = [patches.Patch(color=COLORS[side], label=name) for side, name in spenders.sort_index().items()]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=1, borderaxespad=0.2)
    return fig


# ---------------------------------------------------------------- people

def organizers_data(ds: Dataset) -> pd.DataFrame:
    """Elections with a preferred organizer count: eligible voters, organizers and voters per organizer."""
    table = organizers_per_voter(ds)
    dates = summary(ds).set_index("election_id")
    table = table.assign(
        facility=table["election_id"].map(dates["facility"]),
        count_date=table["election_id"].map(dates["count_date"]),
        outcome=table["election_id"].map(dates["outcome"]).astype(str),
    ).sort_values(["count_date", "election_id"], kind="stable")
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": election_labels(table),
            "eligible_voters": table["eligible_voters"],
            "organizers": table["organizers"],
            "organizers_approximate": table["approximate"],
            "eligible_voters_per_organizer": table["eligible_voters_per_organizer"],
            "outcome": table["outcome"],
        }
    ).reset_index(drop=True)


def organizers(ds: Dataset) -> Figure:
    """Two panels for each election with an organizer count: workers eligible to vote, and organizers."""
    data = organizers_data(ds)
    with _style_context():
        fig = _figure(3.4)
        left, right = fig.subplots(1, 2)
        for ax, column, color, title in (
            (left, "eligible_voters", COLORS["neutral"], "Eligible voters"),
            (right, "organizers", COLORS["union"], "Organizers"),
        ):
            bars = ax.bar([wrap_label(v, 8) for v in data["label"]], data[column], color=color, width=0.6)
            approximate = data["organizers_approximate"] if column == "organizers" else [False] * len(data)
            for bar, value, approx in zip(bars, data[column], approximate):
                ax.annotate(about(approx) + fmt_int(value), (bar.get_x() + bar.get_width() / 2, int(value)),
                            xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontweight="bold")
            ax.set_ylim(0, float(data[column].max()) * 1.18)
            ax.set_title(title, fontsize=10, loc="left")
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
            ax.tick_params(axis="x", labelsize=9)
            light_grid(ax, "y")
    return fig


# ---------------------------------------------------------------- timeline

def timeline_data(ds: Dataset) -> pd.DataFrame:
    """Every election's count date, yes share (percent), eligible voters and outcome."""
    table = summary(ds)
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": election_labels(table),
            "facility": table["facility"],
            "union": table["union"],
            "count_date": table["count_date"].dt.strftime("%Y-%m-%d"),
            "yes_share_pct": 100 * table["yes_share"],
            "eligible_voters": table["eligible_voters"],
            "outcome": table["outcome"].astype(str),
        }
    )


def timeline(ds: Dataset) -> Figure:
    """One row per election in count order: a dot at its count date coloured by outcome, with yes share and result."""
    data = timeline_data(ds)
    dates = pd.to_datetime(data["count_date"])
    with _style_context():
        fig = _figure(0.9 + 0.4 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))[::-1]  # first election on top
        ax.hlines(y, dates.min() - pd.Timedelta(days=90), dates, color=COLORS["grid"], linewidth=0.8, zorder=1)
        for outcome in ("won", "lost", "undetermined"):
            mask = (data["outcome"] == outcome).to_numpy()
            if mask.any():
                ax.scatter(dates[mask], y[mask], s=70, color=COLORS[outcome], edgecolor="white", linewidth=0.8,
                           label=outcome, zorder=4)
        for yi, date, share, outcome in zip(y, dates, data["yes_share_pct"], data["outcome"]):
            ax.annotate(f"{fmt_pct(share / 100, 0)} yes, {outcome}", (date, yi), xytext=(8, 0),
                        textcoords="offset points", va="center", ha="left", fontsize=9, color=COLORS[outcome])
        ax.set_yticks(y, data["label"])
        ax.set_ylim(-0.6, len(data) - 0.4)
        start = pd.Timestamp(year=dates.min().year, month=1, day=1)
        end = pd.Timestamp(year=dates.max().year + 1, month=1, day=1) + pd.Timedelta(days=160)
        ax.set_xlim(start, end)
        years = end.year - start.year
        ax.xaxis.set_major_locator(mdates.YearLocator(base=1 if years <= 4 else 2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("Date of the count")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)  # each dot's label names its outcome
    return fig
