"""The people: how many eligible workers each union organizer had to reach, election by election."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..analysis import organizers_per_voter
from ..loading import Dataset
from ..style import COLORS
from ..text import about, fmt_int, place
from ._base import (
    ChartSpec,
    ChartUnavailable,
    election_source_ids,
    new_figure,
    register,
    results,
    stacked_label,
    style_context,
    tally_record,
)

OUTCOME_WORDS = {"won": "won", "lost": "lost", "undetermined": "result open"}


def organizers_data(ds: Dataset) -> pd.DataFrame:
    """Elections with an organizer count the charts use: eligible voters, organizers, voters per organizer."""
    table = organizers_per_voter(ds)
    table = table[table["eligible_voters"].notna() & table["organizers"].gt(0)]
    named = results(ds).set_index("election_id")
    table = table.assign(
        count_date=table["election_id"].map(named["count_date"]),
        label=table["election_id"].map(named["name"]),
        where=table["election_id"].map(named["at"]),
        short=table["election_id"].map(named["at_short"]),
        where_mid=table["election_id"].map(named["at_mid"]),
        place=table["election_id"].map(
            pd.Series([place(c, s) for c, s in zip(named["city"], named["state"])], index=named.index)
        ),
        outcome=table["election_id"].map(named["outcome"]).astype(str),
    ).sort_values(["count_date", "election_id"], kind="stable")
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": table["label"],
            "where": table["where"],
            "short": table["short"],
            "where_mid": table["where_mid"],
            "place": table["place"],
            "eligible_voters": table["eligible_voters"],
            "organizers": table["organizers"],
            "organizers_approximate": table["approximate"],
            "eligible_voters_per_organizer": table["eligible_voters_per_organizer"],
            "outcome": table["outcome"],
            "source_id": table["source_id"],
        }
    ).reset_index(drop=True)


def organizers_figure(ds: Dataset) -> Figure:
    """One bar per election: eligible workers per organizer, coloured by the union's result."""
    data = organizers_data(ds).iloc[::-1].reset_index(drop=True)
    with style_context():
        fig = new_figure(0.9 + 0.7 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        colors = [COLORS.get(o, COLORS["neutral"]) for o in data["outcome"]]
        ax.barh(y, data["eligible_voters_per_organizer"], color=colors, height=0.6)
        top = float(data["eligible_voters_per_organizer"].max())
        for yi, r in zip(y, data.itertuples()):
            words = (
                f"{about(r.organizers_approximate)}{fmt_int(r.eligible_voters_per_organizer)}\n"
                f"{fmt_int(r.eligible_voters)} workers,\n{about(r.organizers_approximate)}{fmt_int(r.organizers)} "
                "organizers"
            )
            ax.text(
                r.eligible_voters_per_organizer + top * 0.02,
                float(yi),
                words,
                va="center",
                ha="left",
                fontsize=8.5,
                linespacing=1.1,
            )
        labels = [
            f"{stacked_label(lab)}\n(union {OUTCOME_WORDS.get(o, o)})" for lab, o in zip(data["label"], data["outcome"])
        ]
        ax.set_yticks(y, labels, linespacing=1.1)
        ax.set_xlim(0, top * 1.6)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Eligible workers per organizer")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("organizers", order=70)
def organizers(ds: Dataset) -> ChartSpec:
    """Eligible workers per organizer; the title sets the result of each campaign against its reach."""
    data = organizers_data(ds)
    if data.empty:
        raise ChartUnavailable("no organizer count on record for an election with eligible voters")

    def reach(r: pd.Series) -> str:
        return f"{about(r['organizers_approximate'])}one organizer per {fmt_int(r['eligible_voters_per_organizer'])}"

    first = data.iloc[0]
    headline = fmt_int(first["eligible_voters_per_organizer"])
    said: set[str] = set()  # places named so far: a second site of the same place goes by its code
    clauses = []
    for i, (_, r) in enumerate(data.iterrows()):
        where = r["short"] if r["place"] in said else r["where_mid"]
        said.add(r["place"])
        clauses.append(
            f"{OUTCOME_WORDS.get(r['outcome'], r['outcome'])} {where} with {reach(r)}"
            + (" eligible workers" if i == 0 else "")
        )
    title = "Union " + ", and ".join(clauses)
    places = " and ".join(dict.fromkeys(data["where"]))
    if len(data) > 1:
        thinner = data["eligible_voters_per_organizer"].idxmax()
        won = data.loc[thinner, "outcome"] == "won"
        subtitle = f"Workers eligible to vote for each union organizer, as reported, {places}" + (
            ": the campaign spread thinnest was the one that won." if won else "."
        )
    else:
        subtitle = f"Workers eligible to vote for each union organizer, as reported, {places}."
    if data["organizers_approximate"].any():
        subtitle += " Organizer counts are approximate."
    parts = "; ".join(
        f"{r['label']}: {fmt_int(r['eligible_voters'])} eligible, {about(r['organizers_approximate'])}"
        f"{fmt_int(r['organizers'])} organizers, {reach(r)} (union {OUTCOME_WORDS.get(r['outcome'], r['outcome'])})"
        for _, r in data.iterrows()
    )
    alt = f"Bar chart of eligible workers per union organizer; the first, {first['label']}, had {headline}. {parts}."
    sources = (*data["source_id"].astype(str), *election_source_ids(ds, data["election_id"]))
    return ChartSpec(
        "organizers",
        title,
        subtitle,
        headline,
        alt,
        tuple(dict.fromkeys(sources)),
        data,
        lambda: organizers_figure(ds),
        record=tally_record(data["election_id"]),
    )
