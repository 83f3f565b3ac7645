"""Every chart to publish, with its words: a headline that states the finding, a subtitle, alt text, sources.

`chart_specs(ds)` enumerates the charts of a data folder, including the per-election ones for every election
in it, so a newly added election gets its charts with no code change. All words are built from the same
data the chart plots; each spec's `headline` figure appears in both its title and its alt text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from . import charts
from .analysis import election_row, organizers_per_voter, prorated_spending, summary, union_campaign_ratio
from .loading import Dataset
from .text import (about, challenged_ballots_sentence, fmt_int, fmt_pct, fmt_usd, long_date, period_label,
                   place_name, purposes_phrase, standing)


@dataclass(frozen=True)
class ChartSpec:
    """One chart to export: its file slug, words, sources, plotted data, and how to draw it."""

    slug: str
    title: str
    subtitle: str
    headline: str
    alt_text: str
    source_ids: tuple[str, ...]
    data: pd.DataFrame
    build: Callable[[], Figure]


def slugify(text: str) -> str:
    """A file-name-safe slug: lower case, runs of anything but letters and digits become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def election_source_ids(ds: Dataset, election_ids) -> tuple[str, ...]:
    """Sources behind these elections: the NLRB case page when sources.csv has one, the election row, its tallies."""
    known = set(ds.sources["source_id"])
    out: list[str] = []
    elections = ds.elections.set_index("election_id")
    tallies = ds.tallies
    stages = summary(ds).set_index("election_id")["stage"].astype(str)
    for eid in election_ids:
        case = elections.at[eid, "case_number"]
        case_page = f"nlrb-case-{case}"
        if pd.notna(case) and case_page in known:
            out.append(case_page)
        out.append(elections.at[eid, "source_id"])
        latest = tallies[(tallies["election_id"] == eid) & (tallies["stage"].astype(str) == stages[eid])]
        out.extend(latest["source_id"].astype(str))
    return tuple(dict.fromkeys(out))


def _outcome_words(row: pd.Series) -> str:
    if row["outcome"] == "undetermined":
        return f"undetermined: the {fmt_int(row['challenged'])} challenged ballots could change the result"
    return f"the union {row['outcome']}"


# ---------------------------------------------------------------- per-election charts

def vote_shares_spec(ds: Dataset, election_id: str) -> ChartSpec:
    """The vote share chart of one election with its words."""
    row = election_row(ds, election_id)
    data = charts.vote_shares_data(ds, election_id)
    yes_pct = fmt_pct(data.loc[0, "share_of_valid_votes_pct"] / 100)
    no_pct = fmt_pct(data.loc[1, "share_of_valid_votes_pct"] / 100)
    label = row["label"]
    if row["outcome"] == "undetermined":
        title = (f"Union {standing(row['margin'])} with {yes_pct} at {label}; {fmt_int(row['challenged'])} challenged "
                 "ballots keep it open")
    else:
        title = f"Union {row['outcome']} {label} with {yes_pct} of valid votes"
    known = [f"{name} ({fmt_int(row[name])})" for name in ("void", "challenged") if pd.notna(row[name])]
    unknown = [name for name in ("void", "challenged") if pd.isna(row[name])]
    subtitle = (
        f"{row['union']} vote counted {long_date(row['count_date'])}: {fmt_int(row['yes'])} yes, "
        f"{fmt_int(row['no'])} no."
        + (f" Not valid votes: {' and '.join(known)} ballots." if known else "")
        + (f" {' and '.join(unknown).capitalize()} ballots were not reported." if unknown else "")
    )
    alt = (
        f"Bar chart of the {row['union']} union election at {place_name(row)}, counted "
        f"{long_date(row['count_date'])}. Yes: {fmt_int(row['yes'])} ballots, {yes_pct} of valid votes. "
        f"No: {fmt_int(row['no'])} ballots, {no_pct}. A dashed line marks the 50% the union must beat. "
        f"Outcome: {_outcome_words(row)}."
    )
    return ChartSpec(f"vote-shares-{slugify(election_id)}", title, subtitle, yes_pct, alt,
                     election_source_ids(ds, [election_id]), data, lambda: charts.vote_shares(ds, election_id))


def turnout_spec(ds: Dataset, election_id: str) -> ChartSpec:
    """The turnout chart of one election with its words."""
    row = election_row(ds, election_id)
    data = charts.turnout_data(ds, election_id)
    cast, valid = data.loc[1], data.loc[2]
    approx = bool(row["eligible_approximate"])
    if pd.notna(cast["count"]):
        headline = fmt_pct(cast["pct_of_eligible"] / 100, 0)
        title = f"{about(approx).capitalize()}{headline} of eligible workers voted at {row['label']}"
    else:
        headline = fmt_pct(valid["pct_of_eligible"] / 100, 0)
        title = f"{about(approx).capitalize()}{headline} of eligible workers cast a valid vote at {row['label']}"
    subtitle = (
        f"{about(approx).capitalize()}{fmt_int(row['eligible_voters'])} workers eligible; ballots cast include "
        f"void and challenged ballots; valid votes are yes plus no."
        + ("" if pd.notna(cast["count"]) else " Total ballots cast were not reported.")
    )
    alt = (
        f"Bar chart of turnout at {place_name(row)}, counted {long_date(row['count_date'])}: "
        f"{about(approx)}{fmt_int(row['eligible_voters'])} eligible voters, "
        + (f"{fmt_int(cast['count'])} ballots cast ({fmt_pct(cast['pct_of_eligible'] / 100, 0)} of eligible), "
           if pd.notna(cast["count"]) else "ballots cast not reported, ")
        + f"{fmt_int(valid['count'])} valid votes ({fmt_pct(valid['pct_of_eligible'] / 100, 0)} of eligible)."
    )
    return ChartSpec(f"turnout-{slugify(election_id)}", title, subtitle, headline, alt,
                     election_source_ids(ds, [election_id]), data, lambda: charts.turnout(ds, election_id))


def what_it_would_take_spec(ds: Dataset, election_id: str) -> ChartSpec:
    """The 'what it would take' chart of one election with challenged ballots, with its words."""
    row = election_row(ds, election_id)
    data = charts.what_it_would_take_data(ds, election_id)
    c = fmt_int(row["challenged"])
    needed = int(data.loc[0, "from_challenged"])
    if not data.loc[0, "union_wins"]:
        headline = f"all {c}"
        title = f"Even all {c} challenged ballots could not win {row['label']} for the union"
        last = f"Even all {c} challenged ballots as yes votes would fall short."
    elif needed == 0:
        headline = f"0 of {c}"
        title = (f"Union needed 0 of {c} challenged ballots at {row['label']}: its {fmt_int(row['margin'])}-vote "
                 f"lead was bigger")
        last = f"The union needed {headline} challenged ballots."
    else:
        headline = f"{fmt_int(needed)} of {c}"
        title = f"Union needed {headline} challenged ballots to win {row['label']}"
        last = f"The union needed {headline} challenged ballots."
    rule = challenged_ballots_sentence(int(row["yes"]), int(row["no"]), int(row["challenged"]))
    subtitle = f"Counted: {fmt_int(row['yes'])} yes, {fmt_int(row['no'])} no. {rule}"
    alt = (
        f"Bar chart of what the {c} challenged ballots could do at {place_name(row)}. Solid bars are the counted "
        f"yes and no votes; hatched segments add the challenged ballots. {rule} {last}"
    )
    return ChartSpec(f"what-it-would-take-{slugify(election_id)}", title, subtitle, headline, alt,
                     election_source_ids(ds, [election_id]), data, lambda: charts.what_it_would_take(ds, election_id))


def scenario_heatmap_spec(ds: Dataset, election_id: str) -> ChartSpec:
    """The scenario heat map of one election with challenged ballots, with its words."""
    row = election_row(ds, election_id)
    data = charts.scenario_data(ds, election_id)
    c = int(row["challenged"])
    needed = row["yes_needed"]
    if pd.isna(needed) or int(needed) == 0:
        result = "loses" if pd.isna(needed) else "wins"
        headline = f"{fmt_int(c)}"
        title = f"However the {headline} challenged ballots are resolved, the union {result} {row['label']}"
    else:
        headline = fmt_pct(int(needed) / c)
        title = f"With all {fmt_int(c)} challenged ballots counted, the union needs {headline} yes at {row['label']}"
    probs = data["win_probability"]
    subtitle = (
        "Chance the union wins, by the share of challenged ballots upheld (counted) and their yes share; the "
        f"diamond marks the counted ballots' yes share ({fmt_pct(row['yes_share'])})."
    )
    alt = (
        f"Heat map of the union's chance of winning {row['label']} at {place_name(row)} over the share of its "
        f"{fmt_int(c)} challenged ballots upheld (0 to 100%) and their yes share (0 to 100%). Counted: "
        f"{fmt_int(row['yes'])} yes, {fmt_int(row['no'])} no. "
        + (f"With every challenged ballot upheld the union needs {headline} of them as yes; fewer upheld ballots "
           f"need a higher share. " if headline.endswith("%") else f"All {headline} challenged ballots cannot "
           f"change the result. ")
        + f"The chance ranges from {fmt_pct(probs.min(), 0)} to {fmt_pct(probs.max(), 0)} across the grid."
    )
    return ChartSpec(f"scenario-heatmap-{slugify(election_id)}", title, subtitle, headline, alt,
                     election_source_ids(ds, [election_id]), data, lambda: charts.scenario_heatmap(ds, election_id))


# ---------------------------------------------------------------- charts across elections

def vote_shares_all_spec(ds: Dataset) -> ChartSpec:
    """The vote shares of every election side by side, with its words."""
    data = charts.vote_shares_all_data(ds)
    n = len(data)
    majority = int((data["yes_share_pct"] > 50).sum())
    headline = f"{majority} of {n}"
    years = pd.to_datetime(charts.timeline_data(ds)["count_date"]).dt.year
    title = f"Unions won a majority of valid votes in {headline} elections at Amazon, {years.min()}–{years.max()}"
    subtitle = "Yes (union) and no shares of the valid votes, by election; the dashed line marks 50%."
    parts = "; ".join(
        f"{lab} {fmt_pct(s / 100)} yes ({o})"
        for lab, s, o in zip(data["label"], data["yes_share_pct"], data["outcome"])
    )
    alt = (f"Stacked bar chart of the yes and no shares of the valid votes in {n} union elections at Amazon "
           f"workplaces; the union side topped 50% in {headline}. {parts}.")
    return ChartSpec("vote-shares-all", title, subtitle, headline, alt,
                     election_source_ids(ds, data["election_id"]), data, lambda: charts.vote_shares_all(ds))


def challenged_margin_spec(ds: Dataset, data: pd.DataFrame | None = None) -> ChartSpec:
    """Margin against challenged ballots for every election that reported them, with its words.

    `data`: `charts.challenged_margin_data(ds)` when the caller already has it.
    """
    data = charts.challenged_margin_data(ds) if data is None else data
    decisive = data[data["determinative"]]
    n, k = len(data), len(decisive)
    headline = f"{k} of {n}"
    names = ", ".join(decisive["label"])
    title = f"Challenged ballots could change the result in {headline} elections" + (f": {names}" if k else "")
    every = charts.timeline_data(ds)
    missing = every.loc[~every["election_id"].isin(data["election_id"]), "label"].tolist()
    subtitle = (
        "Each election's margin between yes and no against its challenged ballots. The challenged ballots could "
        "change the result on or above the dashed line for a leading union, above it for a trailing one."
        + (f" Not shown (challenged ballots not reported): {', '.join(missing)}." if missing else "")
    )
    points = "; ".join(
        f"{lab}: margin {fmt_int(m)}, {fmt_int(ch)} challenged{' (determinative)' if d else ''}"
        for lab, m, ch, d in zip(data["label"], data["margin"], data["challenged"], data["determinative"])
    )
    alt = (f"Scatter chart of the margin between yes and no votes against the number of challenged ballots "
           f"in {n} elections at Amazon; the challenged ballots could change the result in {headline}. {points}.")
    return ChartSpec("challenged-margin", title, subtitle, headline, alt,
                     election_source_ids(ds, data["election_id"]), data, lambda: charts.challenged_margin(ds))


def timeline_spec(ds: Dataset) -> ChartSpec:
    """Every election on a time line coloured by outcome, with its words."""
    data = charts.timeline_data(ds)
    n = len(data)
    counts = data["outcome"].value_counts()
    won, lost, open_ = (int(counts.get(o, 0)) for o in ("won", "lost", "undetermined"))
    headline = f"{won} of {n}"
    years = pd.to_datetime(data["count_date"]).dt.year
    title = f"Unions won {headline} elections at Amazon from {years.min()} to {years.max()}"
    subtitle = (f"Each election at the date of its count, coloured by the union's result ({won} won, {lost} lost, "
                f"{open_} undetermined), with the yes share of valid votes.")
    points = "; ".join(f"{lab} ({d}): {fmt_pct(s / 100)} yes, {o}" for lab, d, s, o in
                       zip(data["label"], data["count_date"], data["yes_share_pct"], data["outcome"]))
    alt = (f"Time line of {n} union elections at Amazon workplaces from {years.min()} to {years.max()}: unions won "
           f"{headline}, lost {lost}, and {open_} undetermined. {points}.")
    return ChartSpec("timeline", title, subtitle, headline, alt,
                     election_source_ids(ds, data["election_id"]), data, lambda: charts.timeline(ds))


def spending_by_year_spec(ds: Dataset) -> ChartSpec:
    """The employer's consultant spending by year, with its words."""
    data = charts.spending_by_year_data(ds)
    peak = data.loc[data["amount_usd"].idxmax()]
    spender = str(peak["spender"])
    what = purposes_phrase(data["purpose"])
    headline = fmt_usd(peak["amount_usd"])
    title = f"{spender}'s reported spending on {what} peaked at {headline} in {peak['year']}"
    years = f"{data['year'].min()}–{data['year'].max()}"
    total = fmt_usd(data["amount_usd"].sum())
    subtitle = (f"One reported figure per year; where reports differ, the one the data marks as preferred. "
                f"Total: {total} in {years}.")
    bars = "; ".join(f"{y}: {about(a)}{fmt_usd(v)}" for y, v, a in zip(data["year"], data["amount_usd"],
                                                                       data["approximate"]))
    alt = (f"Bar chart of {spender}'s reported spending on {what} by year, {years}, peaking at "
           f"{headline} in {peak['year']}. {bars}. Total {total}.")
    return ChartSpec("spending-by-year", title, subtitle, headline, alt, tuple(dict.fromkeys(data["source_id"])),
                     data, lambda: charts.spending_by_year(ds))


def employer_vs_union_spec(ds: Dataset) -> ChartSpec:
    """Both sides' money on a log scale, headlined by the employer-to-union ratio over the union's campaign.

    The ratio compares like with like: the employer's figures are pro-rated to the days of the union's campaign,
    assuming even spending through each figure's period (`analysis.prorated_spending`).
    """
    data = charts.employer_vs_union_data(ds)
    ratio = union_campaign_ratio(ds)
    period = period_label(ratio["period_start"], ratio["period_end"])
    parts = prorated_spending(ds, ratio["period_start"], ratio["period_end"])
    employer_rows, union_rows = parts[parts["side"] == "employer"], parts[parts["side"] == "union"]
    employer, union = employer_rows["spender"].iloc[0], union_rows["spender"].iloc[0]
    what = purposes_phrase(employer_rows["purpose"])
    headline = f"{ratio['ratio']:,.0f} times"
    times = f"{about(ratio['approximate'])}{headline}"
    title = f"Over the {union}'s campaign, {employer} spent {times} as much as the union"
    figures = ", ".join(f"{about(a)}{fmt_usd(v)} in {period_label(s, e)}" for v, a, s, e in
                        zip(employer_rows["amount_usd"], employer_rows["approximate"], employer_rows["period_start"],
                            employer_rows["period_end"]))
    union_money = f"{about(union_rows['approximate'].any())}{fmt_usd(ratio['union_usd'])}"
    spread = (f"{employer}'s figures for {what} ({figures}), spread evenly over their periods, give "
              f"{fmt_usd(ratio['employer_usd'])} for the campaign's days ({period}), against {union_money} for the "
              "union")
    subtitle = f"{spread}. Bars: every amount either side reported spending or raising."
    bars = "; ".join(f"{s}, {pu}, {p}: {about(a)}{fmt_usd(v)}" for s, pu, p, v, a in
                     zip(data["spender"], data["purpose"], data["period"], data["amount_usd"], data["approximate"]))
    alt = (f"Bar chart on a logarithmic scale of money spent or raised by {employer} and the {union}. Over the "
           f"union's campaign {employer} spent {times} as much: {spread}. {bars}.")
    return ChartSpec("employer-vs-union", title, subtitle, headline, alt, tuple(dict.fromkeys(data["source_id"])),
                     data, lambda: charts.employer_vs_union(ds))


def organizers_spec(ds: Dataset) -> ChartSpec:
    """Eligible voters and organizers for every election with an `organizers` count, with its words."""
    data = charts.organizers_data(ds)
    lead = data[data["outcome"] == "won"]
    first = (lead if len(lead) else data).iloc[0]
    others = data[data["election_id"] != first["election_id"]]

    def organizers(r: pd.Series) -> str:
        return about(r["organizers_approximate"]) + fmt_int(r["organizers"])

    headline = organizers(first)
    title = (f"{first['label']} ({first['outcome']}) had {headline} organizers for {fmt_int(first['eligible_voters'])} "
             "eligible voters" + "".join(f"; {r['label']} had {organizers(r)} for {fmt_int(r['eligible_voters'])}"
                                         for _, r in others.iterrows()))
    approximate = data["organizers_approximate"]
    note = (" (organizer counts are approximate)" if approximate.all()
            else " (some organizer counts are approximate)" if approximate.any() else "")
    subtitle = f"Workers eligible to vote and union organizers, as reported{note}."
    parts = "; ".join(
        f"{r['label']}: {fmt_int(r['eligible_voters'])} eligible, {organizers(r)} organizers "
        f"(one per {fmt_int(r['eligible_voters_per_organizer'])} workers)"
        for _, r in data.iterrows()
    )
    alt = (f"Two bar charts comparing workers eligible to vote and union organizers; {first['label']} had {headline}. "
           f"{parts}.")
    counts = organizers_per_voter(ds)
    counts = counts[counts["election_id"].isin(data["election_id"])]
    sources = (*election_source_ids(ds, data["election_id"]), *counts["source_id"].astype(str))
    return ChartSpec("organizers", title, subtitle, headline, alt, tuple(dict.fromkeys(sources)), data,
                     lambda: charts.organizers(ds))


# ---------------------------------------------------------------- the registry

def chart_specs(ds: Dataset) -> list[ChartSpec]:
    """Every chart of this data folder: the overview charts, then each election's own charts by count date.

    Money and people charts appear when the data has their rows; an election's "what it would take" chart
    appears when it reported challenged ballots, and its scenario heat map when they are determinative
    (elsewhere every cell of the map would be the same colour).
    """
    specs = [vote_shares_all_spec(ds), timeline_spec(ds)]
    margins = charts.challenged_margin_data(ds)
    if len(margins):
        specs.append(challenged_margin_spec(ds, margins))
    if len(charts.spending_by_year_data(ds)):
        specs.append(spending_by_year_spec(ds))
    money = charts.employer_vs_union_data(ds)
    if {"employer", "union"} <= set(money["side"]):
        specs.append(employer_vs_union_spec(ds))
    if len(charts.organizers_data(ds)):
        specs.append(organizers_spec(ds))
    challenged = margins.set_index("election_id")
    for election_id in summary(ds)["election_id"]:  # by count date
        specs.append(vote_shares_spec(ds, election_id))
        specs.append(turnout_spec(ds, election_id))
        if election_id in challenged.index and int(challenged.at[election_id, "challenged"]) > 0:
            specs.append(what_it_would_take_spec(ds, election_id))
            if challenged.at[election_id, "determinative"]:
                specs.append(scenario_heatmap_spec(ds, election_id))
    return specs
