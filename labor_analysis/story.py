"""The words of the story notebooks, built from the data at run time so a corrected CSV changes the text too.

Each step returns a finding (`Passage`): the numbers as a DataFrame (`table`, from `la.results` and the other
helpers), the sentence written from them and the source_ids of the rows it used; it shows as the table, then the
words. A notebook shows the table (`finding.table`), then the words (`page.say(finding)`) and the chart
(`page.chart`); a `Page` exports the charts through `export.finalise` and ends with the list of every source used.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import paths
from .analysis import election_row as analysis_election_row
from .analysis import (
    organizers_per_voter,
    overlapping,
    preferred,
    spending_per_voter,
    summary,
)
from .elections import election_source_ids, results
from .loading import Dataset, load
from .rules import SHOWING_OF_INTEREST_MINIMUM, meets_showing_of_interest
from .safe_html import escape_html, escape_markdown, html_link, markdown_link
from .scenario import Scenario
from .text import (
    about,
    as_large,
    at_company,
    capitalised,
    case_type,
    challenged_ballots_sentence,
    end_sentence,
    fmt_int,
    fmt_pct,
    fmt_pct_or,
    fmt_usd,
    long_date,
    outcome_phrase,
    period_label,
    qualified,
    round_like,
    round_sig,
    significant_digits,
    standing,
    status_sentence,
    tidy,
    union_name,
    where_counted,
)

#: What the notebooks export of each chart: the web size, as PNG (shown in the notebook) and SVG.
NOTEBOOK_FORMATS = ("png", "svg")
NOTEBOOK_SIZES = ("web",)


class Citation(NamedTuple):
    """A source as readers see it cited: publisher, title (its ISO dates written out), url and publication date."""

    source_id: str
    publisher: str
    title: str
    url: str
    published: str


def citations(ds: Dataset, source_ids: Iterable[str]) -> tuple[Citation, ...]:
    """The sources.csv rows of `source_ids` as citations, each once, in the order given (unknown ids: KeyError)."""
    from .export import cited_sources  # export brings matplotlib: only when sources are cited

    published = ds.sources.set_index("source_id")["published"]
    cited = []
    for src in cited_sources(ds, source_ids):
        # a title's ISO dates as readers write dates ('download of April 17, 2023')
        title = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", lambda m: long_date(m.group(0)), src["title"])
        date = published[src["source_id"]]
        when = long_date(date) if pd.notna(date) else ""
        cited.append(Citation(src["source_id"], src["publisher"], title, src["url"], when))
    return tuple(cited)


@dataclass(frozen=True)
class FindingChart:
    """The chart of a finding: a registered chart's name, the dataset and election it is drawn for. Drawn only when
    the finding is shown (matplotlib is not imported before), or replaced by a sentence saying why it cannot be."""

    name: str
    ds: Dataset = field(compare=False, repr=False)
    election_id: str | None = None
    #: The chart drawn where the data cannot support `name` (a time line of too many elections: the count by year)
    instead: str | None = None

    def image(self) -> tuple[bytes, str] | str:
        """The chart's web-size PNG and its alt text, or the sentence saying why the data cannot support it (nor
        the chart `instead`)."""
        from .charts import ChartUnavailable, chart

        try:
            finished = chart(self.name, self.ds, election_id=self.election_id)
        except ChartUnavailable as why:
            if self.instead is None:
                return f"No {self.name.replace('-', ' ')} chart: {why}."
            return replace(self, name=self.instead, instead=None).image()
        return finished.image(), str(finished.spec.alt_text)


@dataclass(frozen=True)
class Passage:
    """A finding: the numbers as a table, the sentence written from them, its chart and the sources behind them.

    Shows in Jupyter as the table, then the words, then its chart (`chart`, set by `charting`) with its alt text,
    then its sources by outlet and title (`sources`, filled by `citing`); every value from the data escaped, for
    Markdown (`_repr_markdown_`) and for HTML (`_repr_html_`).
    """

    text: str
    source_ids: tuple[str, ...] = ()
    table: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    sources: tuple[Citation, ...] = field(default=(), compare=False, repr=False)
    chart: FindingChart | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", tidy(self.text))  # 'N.Y.' ending a sentence: one period, not two

    def citing(self, ds: Dataset) -> Passage:
        """This passage with its source_ids resolved to the sources.csv rows of `ds`, so it can name them."""
        return replace(self, sources=citations(ds, self.source_ids))

    def charting(self, ds: Dataset, name: str, election_id: str | None = None, instead: str | None = None) -> Passage:
        """This passage with its chart: the registered chart `name` of `ds` (for `election_id`), drawn when shown;
        the chart `instead` where the data cannot support `name`."""
        return replace(self, chart=FindingChart(name, ds, election_id, instead))

    def _repr_markdown_(self) -> str:
        parts = [markdown_table(self.table)] if self.table is not None else []
        parts.append(self.text)
        if self.chart is not None:
            drawn = self.chart.image()
            if isinstance(drawn, str):
                parts.append(f"*{escape_markdown(drawn)}*")
            else:
                png, alt = drawn
                data = base64.b64encode(png).decode("ascii")
                parts.append(f"![{escape_markdown(alt)}](data:image/png;base64,{data})")
                parts.append(f"*Alt text:* {escape_markdown(alt)}")
        if self.sources:
            parts.append("Sources:\n\n" + "\n".join(f"- {_markdown_citation(c)}" for c in self.sources))
        return "\n\n".join(parts)

    def _repr_html_(self) -> str | None:
        """The table, the words and the sources as HTML; None (Jupyter then shows the Markdown) without mistune,
        the Markdown renderer that comes with Jupyter's nbconvert."""
        try:
            import mistune
        except ImportError:
            return None
        # The words are Markdown whose data values escape_markdown already made text (entities, backslashes), as in
        # the reports nbconvert renders; mistune's escape=True would escape those entities a second time.
        words = mistune.create_markdown(escape=False)(self.text)
        parts = [html_table(self.table)] if self.table is not None else []
        parts.append(str(words))
        if self.chart is not None:
            parts.append(_html_chart(self.chart))
        if self.sources:
            items = "".join(f"<li>{_html_citation(c)}</li>" for c in self.sources)
            parts.append(f'<p class="sources">Sources:</p><ul class="sources">{items}</ul>')
        return '<div class="finding">' + "\n".join(parts) + "</div>"


def _html_chart(finding_chart: FindingChart) -> str:
    """The chart as an inline PNG with its alt text, or the escaped sentence saying why it cannot be drawn."""
    drawn = finding_chart.image()
    if isinstance(drawn, str):
        return f'<p class="chart-unavailable"><em>{escape_html(drawn)}</em></p>'
    png, alt = drawn
    return (
        f'<figure class="finding-chart"><img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
        f'alt="{escape_html(alt)}" style="width: 100%; max-width: 640px; height: auto">'
        f"<figcaption><em>Alt text:</em> {escape_html(alt)}</figcaption></figure>"
    )


def _html_citation(source: Citation) -> str:
    """'Publisher: <a href="...">Title</a>, April 1, 2022', every part escaped, the link only when http(s)."""
    date = f", {escape_html(source.published)}" if source.published else ""
    return f"{escape_html(source.publisher)}: {html_link(source.url, source.title)}{date}"


def _markdown_citation(source: Citation) -> str:
    """'Publisher: [Title](<url>), April 1, 2022', every part escaped for Markdown, the link only when http(s)."""
    date = f", {source.published}" if source.published else ""
    return f"{escape_markdown(source.publisher)}: {markdown_link(source.url, source.title)}{date}"


def _cells(table: pd.DataFrame, escape: Callable[[str], str]) -> list[list[str]]:
    """A DataFrame's header and rows as display strings: its index as columns, counts with separators, dates
    written out, missing cells blank, every text value passed through `escape`."""

    def cell(value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
            return ""
        if isinstance(value, pd.Timestamp):
            return long_date(value)
        if isinstance(value, bool | np.bool_):
            return str(bool(value))
        if isinstance(value, int | np.integer):
            return f"{int(value):,}"
        if isinstance(value, float | np.floating):
            return f"{float(value):,.4g}"
        return escape(str(value))

    frame = table.reset_index() if table.index.name or not isinstance(table.index, pd.RangeIndex) else table
    return [[cell(str(c)) for c in frame.columns], *([cell(v) for v in row] for row in frame.itertuples(index=False))]


def markdown_table(table: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table: its index and columns, every cell escaped (missing cells left blank)."""
    header, *rows = _cells(table, lambda text: escape_markdown(text).replace("|", "\\|"))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def html_table(table: pd.DataFrame) -> str:
    """A DataFrame as an HTML table: its index and columns, every cell escaped (missing cells left blank)."""
    header, *rows = _cells(table, escape_html)
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in header) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="finding-table"><thead>{head}</thead><tbody>{body}</tbody></table>'


def election_row(ds: Dataset, election_id: str) -> pd.Series:
    """The election's row (`analysis.election_row`) with every text value escaped for Markdown.

    Story text is Markdown rendered as HTML in the reports: a facility or union named `<script>` must show as text.
    """
    row = analysis_election_row(ds, election_id)
    row["union"] = union_name(row["union"])  # as readers see it: no capitals, never cut short
    return _escaped(row)


def _escaped(row: pd.Series) -> pd.Series:
    """`row` with every text value escaped for Markdown, so data text reaches readers as text."""
    return row.map(lambda value: escape_markdown(value) if isinstance(value, str) else value)


def _count(value: Any, missing: str = "an unreported number of") -> str:
    """A count with thousands separators, or `missing` when it was not reported."""
    return missing if pd.isna(value) else fmt_int(value)


def _eligible(row: pd.Series) -> str:
    """'about 6,153', or 'an unreported number of' when the election's eligible voters are not on record."""
    if pd.isna(row["eligible_voters"]):
        return _count(row["eligible_voters"])
    return about(row["eligible_approximate"]) + fmt_int(row["eligible_voters"])


def _several_choices(row: pd.Series) -> bool:
    """Whether the ballot was more than one union against no union: several unions on it, or no choice won outright
    (a run-off). The yes-or-no sentences do not fit such a ballot; these words come from the NLRB's own rules."""
    return int(row["unions"]) > 1 or row["outcome"] == "runoff"


def _choices(ds: Dataset, row: pd.Series) -> str:
    """The latest count of a ballot with several choices: '20 for A, 16 for B and 8 for no union'."""
    tallies = ds.tallies
    yes = tallies[
        (tallies["election_id"] == row["election_id"])
        & (tallies["stage"].astype(str) == str(row["stage"]))
        & (tallies["choice"].astype(str) == "yes")
    ]
    parts = [
        f"{_count(n)} for {escape_markdown(union_name(u)) or row['union']}"
        for u, n in zip(yes["union"], yes["ballots"])
    ]
    parts.append(f"{_count(row['no'])} for no union")
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _outcome_words(row: pd.Series) -> str:
    """The count's result on a ballot with several choices, in the NLRB's terms."""
    if row["outcome"] == "won":
        return f"{escape_markdown(union_name(row['winner']))} won, with a majority of the valid votes"
    if row["outcome"] == "runoff":
        return "no choice had a majority of the valid votes, so the NLRB holds a run-off between the two with the most"
    if row["outcome"] == "lost":
        rerun = " (this was the run-off, and the NLRB holds only one)" if row["kind"] == "runoff" else ""
        return f"no union had a majority of the valid votes, so none won{rerun}"
    return "the challenged ballots could change the result"


def _named(ds: Dataset, election_id: str) -> pd.Series:
    """`election_row` with how readers see the election named: `name` ('JFK8, Staten Island, N.Y.') and `at`."""
    row = election_row(ds, election_id)
    named = results(ds).set_index("election_id").loc[election_id]
    names = named[["name", "at", "at_mid", "with_code"]]
    return pd.concat([row, _escaped(names), named[["status", "case_number"]].drop(row.index, errors="ignore")])


def site(ds: Dataset, election_id: str) -> str:
    """How a title names an election's workplace: its code where the code tells two sites of one place apart
    (`JFK8`), else its city (`Bessemer`), else its facility."""
    row = results(ds).set_index("election_id").loc[election_id]
    city = "" if pd.isna(row["city"]) else str(row["city"])
    return str(row["facility"]) if bool(row["with_code"]) or not city else city


def heading(ds: Dataset, election_id: str, words: str = "{site}") -> Passage:
    """A notebook's title written from its parameters: `words` with `{site}` filled in (see `site`), and the year
    where the site held several elections: `heading(ds, "jfk8-2022", "02 · {site}'s challenged ballots")` ->
    '# 02 · JFK8's challenged ballots', and for bhm1-2022 '# 02 · Bessemer's challenged ballots, 2022'."""
    row = results(ds).set_index("election_id").loc[election_id]
    year = f", {pd.Timestamp(row['count_date']).year}" if bool(row["year_needed"]) else ""
    # Letters, digits, spaces and a place name's punctuation only: a heading becomes the report's title and its
    # anchor, so nothing else from the data goes into it.
    place = re.sub(r"[^\w\s.,'\u2019-]", "", site(ds, election_id)).strip() or "this election"
    return Passage(f"# {escape_markdown(words.format(site=place) + year)}", ())


def title(ds: Dataset, election_id: str) -> Passage:
    """A bold line naming the election: where, which union, when it was counted."""
    row = _named(ds, election_id)
    return Passage(
        f"**{row['name']}** · {row['union']} · counted {long_date(row['count_date'])}",
        election_source_ids(ds, [election_id]),
    )


#: The numbers behind each election finding: `la.results` columns.
COUNT_COLUMNS = ["yes", "no", "void", "challenged", "valid_votes", "yes_share", "margin", "outcome"]
TURNOUT_COLUMNS = ["eligible_voters", "ballots_cast", "valid_votes", "void", "challenged", "turnout"]
CHALLENGED_COLUMNS = ["yes", "no", "challenged", "margin", "determinative", "yes_needed", "outcome"]


def numbers(ds: Dataset, election_ids: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """The rows of `la.results` for these elections (by id), with these columns: a finding's table."""
    from .results import results as tidy_results

    return tidy_results(ds).set_index("election_id").loc[list(election_ids), list(columns)]


def result(ds: Dataset, election_id: str) -> Passage:
    """Who won and by how much, from the union's side, under the NLRB rules (undetermined while challenges matter)."""
    finding = _with_table(_result(ds, election_id), numbers(ds, [election_id], COUNT_COLUMNS), ds)
    return finding.charting(ds, "vote-shares", election_id)


def _with_table(passage: Passage, table: pd.DataFrame, ds: Dataset) -> Passage:
    """The passage with the numbers it was written from, and its sources as `ds` names them (a finding)."""
    return replace(passage, table=table).citing(ds)


def _result(ds: Dataset, election_id: str) -> Passage:
    row = election_row(ds, election_id)
    if _several_choices(row):
        text = f"Workers voted {_choices(ds, row)}: {_outcome_words(row)}."
        if row["outcome"] == "undetermined":
            text = (
                f"Workers voted {_choices(ds, row)}, but {fmt_int(row['challenged'])} ballots were challenged: "
                "enough to change the result, so the count did not settle it."
            )
        return Passage(text, election_source_ids(ds, [election_id]))
    votes = f"{fmt_int(row['yes'])} yes to {fmt_int(row['no'])} no"
    share = f"{fmt_pct(row['yes_share'])} of the valid votes"
    if pd.isna(row["yes_share"]):  # no valid vote: no share to give, and no majority for the union
        text = f"Workers voted {votes}: no valid vote was counted, so the union had no majority and lost."
    elif row["outcome"] == "won":
        text = f"Workers voted {votes} for the union: {share}, a margin of {fmt_int(row['margin'])}. The union won."
    elif row["outcome"] == "lost":
        text = f"Workers voted {votes}. The union got {share} and lost by {fmt_int(-row['margin'])}."
    else:
        text = (
            f"On the count the union {standing(row['margin'])}, {votes} ({share}), but "
            f"{fmt_int(row['challenged'])} ballots were challenged: enough to change the result, so the count "
            "did not settle it."
        )
    after = _after_count(ds, election_id)
    if after:
        text += f" After the count: {after}"
    return Passage(text, election_source_ids(ds, [election_id]))


#: The numbers behind what the NLRB decided after the count: elections.csv's `status` columns, and how many
#: elections of the case were held up to this one (so a set-aside says which election it ordered).
AFTERMATH_COLUMNS = ["case_number", "status", "status_date", "status_by", "status_appealed", "elections_in_case"]


def decisions(ds: Dataset, election_ids: Sequence[str]) -> pd.DataFrame:
    """What the NLRB decided after the count of these elections (by id): the `AFTERMATH_COLUMNS` of each."""
    return results(ds).set_index("election_id").loc[list(election_ids), AFTERMATH_COLUMNS]


def _after_count(ds: Dataset, election_id: str) -> str:
    """What the NLRB decided after the count, from elections.csv's structured `status` columns ('' if none)."""
    return _decision_words(decisions(ds, [election_id]).loc[election_id])


def _decision_words(row: pd.Series) -> str:
    """The sentence of one `decisions` row ('' when no decision is recorded)."""
    return status_sentence(row, int(row["elections_in_case"]))


def turnout(ds: Dataset, election_id: str) -> Passage:
    """How many of the eligible workers voted, and how many ballots were void or challenged."""
    finding = _with_table(_turnout(ds, election_id), numbers(ds, [election_id], TURNOUT_COLUMNS), ds)
    return finding.charting(ds, "turnout", election_id)


def _turnout(ds: Dataset, election_id: str) -> Passage:
    row = _named(ds, election_id)
    where = row["at"]
    where = where[0].upper() + where[1:]
    if pd.isna(row["eligible_voters"]):
        counted = row["ballots_cast"] if pd.notna(row["ballots_cast"]) else row["valid_votes"]
        first = (
            f"{where}, {_count(counted)} workers cast a "
            f"{'ballot' if pd.notna(row['ballots_cast']) else 'valid vote'}; how many were eligible to vote is "
            "not on record, so the turnout is not known."
        )
    elif pd.notna(row["ballots_cast"]):
        first = (
            f"{where}, {fmt_int(row['ballots_cast'])} of the {_eligible(row)} eligible "
            f"workers cast a ballot, a turnout of {fmt_pct(row['turnout'])}."
        )
    else:
        first = (
            f"{where}, {_count(row['valid_votes'])} of the {_eligible(row)} eligible "
            "workers cast a valid vote; the total of ballots cast was not reported."
        )
    rest = (
        f" Valid votes (yes plus no) numbered {_count(row['valid_votes'])}; there were {_count(row['void'])} void "
        f"and {_count(row['challenged'])} challenged ballots."
    )
    return Passage(first + rest, election_source_ids(ds, [election_id]))


def challenged(ds: Dataset, election_id: str) -> Passage:
    """Whether the challenged ballots could change the result, and how many the union would need as yes votes."""
    finding = _with_table(_challenged(ds, election_id), numbers(ds, [election_id], CHALLENGED_COLUMNS), ds)
    return finding.charting(ds, "what-it-would-take", election_id)


def _challenged(ds: Dataset, election_id: str) -> Passage:
    row = election_row(ds, election_id)
    sources = election_source_ids(ds, [election_id])
    if pd.isna(row["challenged"]):
        return Passage("The number of challenged ballots was not reported.", sources)
    if _several_choices(row):
        return Passage(_challenged_several_choices(row), sources)
    text = challenged_ballots_sentence(int(row["yes"]), int(row["no"]), int(row["challenged"]))
    return Passage(text, sources)


def _challenged_several_choices(row: pd.Series) -> str:
    """Whether the challenged ballots of a ballot with several choices could change the result (summary's rule)."""
    challenged = int(row["challenged"])
    if challenged == 0:
        return f"No ballots were challenged, so the count decided it: {_outcome_words(row)}."
    ballots = f"{fmt_int(challenged)} challenged ballot" + ("s are" if challenged != 1 else " is")
    if row["outcome"] == "undetermined":
        return (
            f"The {ballots} determinative: opened and counted for any choice, or not counted, they could "
            "change the result."
        )
    return f"The {ballots} not determinative, so the count decided it: {_outcome_words(row)}."


def chance(ds: Dataset, election_id: str, yes_share: float | None = None, overruled: float = 1.0) -> Passage:
    """The union's chance of winning once the challenged ballots are resolved, with the assumptions stated.

    `yes_share` defaults to the yes share of the counted ballots, and the text says so.
    """
    row = election_row(ds, election_id)
    sources = election_source_ids(ds, [election_id])
    if pd.isna(row["challenged"]):
        return Passage("The number of challenged ballots was not reported, so no chance can be worked out.", sources)
    if int(row["challenged"]) == 0:
        return Passage("With no challenged ballots, there is nothing left to chance.", sources)
    if _several_choices(row):
        return Passage(
            "The chance is worked out for a ballot with one union against no union; this ballot had "
            "several choices, so no probability is given.",
            sources,
        )
    if yes_share is None and pd.isna(row["yes_share"]):
        return Passage(
            "No valid vote was counted, so there is no yes share to assume for the challenged ballots.", sources
        )
    assumed = float(row["yes_share"]) if yes_share is None else yes_share
    why = " (the yes share of the counted ballots)" if yes_share is None else ""
    scenario = Scenario(
        int(row["yes"]), int(row["no"]), int(row["challenged"]), overruled, assumed, yes_share_reason=why
    )
    table = pd.DataFrame(
        {"overruled": [overruled], "yes_share": [assumed], "win_probability": [scenario.probability]},
        index=pd.Index([election_id], name="election_id"),
    )
    return _with_table(Passage(scenario.probability_text, sources), table, ds).charting(
        ds, "scenario-heatmap", election_id
    )


def showing(ds: Dataset, election_id: str) -> pd.DataFrame:
    """The election's showing of interest against the NLRB's minimum, and its yes votes as a share of the eligible.

    One row (index `election_id`): `showing_share` (the preferred `showing_of_interest_pct` figure as a share, NaN
    when none is on record), `approximate`, `minimum`, `meets_minimum`, `yes`, `eligible_voters` and
    `yes_of_eligible` (NaN when either count is unreported or no worker was eligible), and the figure's `source_id`.
    """
    row = analysis_election_row(ds, election_id)
    workforce = preferred(ds.workforce)
    rows = workforce[(workforce["election_id"] == election_id) & (workforce["measure"] == "showing_of_interest_pct")]
    share = float(rows["value"].iloc[0]) / 100 if not rows.empty else np.nan
    yes, eligible = row["yes"], row["eligible_voters"]
    known = pd.notna(yes) and pd.notna(eligible) and int(eligible) > 0
    return pd.DataFrame(
        {
            "showing_share": [share],
            "approximate": [bool(rows["approximate"].iloc[0]) if not rows.empty else pd.NA],
            "minimum": [SHOWING_OF_INTEREST_MINIMUM],
            "meets_minimum": [meets_showing_of_interest(share) if not rows.empty else pd.NA],
            "yes": [yes],
            "eligible_voters": [eligible],
            "yes_of_eligible": [int(yes) / int(eligible) if known else np.nan],
            "source_id": [str(rows["source_id"].iloc[0]) if not rows.empty else pd.NA],
        },
        index=pd.Index([election_id], name="election_id"),
    )


def showing_of_interest(ds: Dataset, election_id: str) -> Passage:
    """The share of the unit reported to have backed the petition, against the NLRB's 30% minimum."""
    table = showing(ds, election_id)
    numbers_ = table.loc[election_id]
    minimum = (
        f"Before it holds an election, the NLRB needs a showing of interest from at least "
        f"{fmt_pct(numbers_['minimum'], 0)} of the workers in the unit."
    )
    if pd.isna(numbers_["showing_share"]):
        words = Passage(minimum + " The data holds no showing-of-interest figure for this election.")
        return _with_table(words, table, ds)
    verdict = "meets" if numbers_["meets_minimum"] else "falls short of"
    yes_of_eligible = (
        f" By the count, {fmt_int(numbers_['yes'])} workers, {fmt_pct(numbers_['yes_of_eligible'], 0)} of those "
        "eligible, voted yes."
        if pd.notna(numbers_["yes_of_eligible"])
        else ""
    )
    text = (
        f"{minimum} The {election_row(ds, election_id)['union']}'s showing was reported as "
        f"{about(bool(numbers_['approximate']))}{fmt_pct(numbers_['showing_share'], 0)} when it filed, which "
        f"{verdict} that minimum.{yes_of_eligible}"
    )
    words = Passage(text, (str(numbers_["source_id"]), *election_source_ids(ds, [election_id])))
    return _with_table(words, table, ds)


def aftermath(ds: Dataset, election_id: str) -> Passage:
    """What the NLRB decided about the election after the count, from elections.csv's `status` columns."""
    table = decisions(ds, [election_id])
    after = _decision_words(table.loc[election_id])
    if not after:
        return _with_table(
            Passage("No decision by the NLRB after the count is on record for this election."), table, ds
        )
    status_source = ds.elections.set_index("election_id").at[election_id, "status_source_id"]
    sources = (*([str(status_source)] if pd.notna(status_source) else []), *election_source_ids(ds, [election_id]))
    return _with_table(Passage(f"After the count: {after}", tuple(dict.fromkeys(sources))), table, ds)


def same_facility(ds: Dataset, election_id: str) -> list[str]:
    """The other elections held at the same facility, by count date."""
    table = summary(ds)
    facility = table.loc[table["election_id"] == election_id, "facility"].iloc[0]
    return [e for e in table.loc[table["facility"] == facility, "election_id"] if e != election_id]


#: The numbers behind the other votes at a facility (`earlier_and_later`): `la.results` columns.
OTHER_VOTES_COLUMNS = ["count_date", "yes", "no", "yes_share", "turnout", "challenged", "outcome"]


def earlier_and_later(ds: Dataset, election_id: str) -> Passage:
    """How each other election at the same facility went, for comparison."""
    others = same_facility(ds, election_id)
    row = _named(ds, election_id)
    if not others:
        words = Passage(f"No other election {row['at']} is on record.")
        return _with_table(words, numbers(ds, [election_id], OTHER_VOTES_COLUMNS), ds)

    def line(name: str, r: pd.Series) -> str:
        if _several_choices(r):
            return (
                f"- {name}: {_choices(ds, r)}, turnout {fmt_pct_or(r['turnout'])}, {_count(r['challenged'])} "
                f"challenged ballots; result: {_result_words(r)}."
            )
        return (
            f"- {name}: {fmt_int(r['yes'])} yes to {fmt_int(r['no'])} no ({_yes_share(r)}), "
            f"turnout {fmt_pct_or(r['turnout'])}, {_count(r['challenged'])} challenged ballots; "
            f"result: {_result_words(r)}."
        )

    lines = []
    for other in others:
        o = _named(ds, other)
        when = "earlier" if o["count_date"] < row["count_date"] else "later"
        lines.append(line(f"The {when} vote {where_counted(o['at_mid'], o['count_date'])}", o))
    lines.append(line(f"This vote, counted {long_date(row['count_date'])}", row))
    words = Passage("\n".join(lines), election_source_ids(ds, [election_id, *others]))
    return _with_table(words, numbers(ds, [*others, election_id], OTHER_VOTES_COLUMNS), ds)


def _yes_share(row: pd.Series) -> str:
    """'55.5% yes', or 'no valid vote' when none was counted."""
    return "no valid vote" if pd.isna(row["yes_share"]) else f"{fmt_pct(row['yes_share'])} yes"


def _result_words(row: pd.Series) -> str:
    """'the union won', 'the union lost', 'undecided on the count, as the challenged ballots could change it', with
    ', later set aside' where the NLRB set the election aside."""
    aside = ", later set aside" if str(row.get("status")) == "set_aside" else ""
    if row["outcome"] == "undetermined":
        return "undecided on the count, as the challenged ballots could change it" + aside
    if _several_choices(row):
        return _outcome_words(row) + aside
    return outcome_phrase(row["outcome"], row.get("case_number")) + aside


def _short(row: pd.Series) -> str:
    """How a sentence names an election after its first mention: the facility code where the place has several."""
    return str(row["facility"]) if row["with_code"] else row["name"]


def _then(first: pd.Series, second: pd.Series) -> str:
    """Where the second of two elections was held, once the first's place has been said: 'at JFK8' for a site of
    the same place, never 'at LDJ5 on Staten Island, N.Y., ... at JFK8 on Staten Island, N.Y.'; else its full
    'at' words."""
    same = all(str(first[c]) == str(second[c]) for c in ("city", "state"))
    return f"at {_short(second)}" if same and second["with_code"] else str(second["at_mid"]).rstrip(",")


#: The numbers behind two elections side by side (`comparison`): `la.results` columns.
COMPARISON_COLUMNS = ["eligible_voters", "turnout", "yes_share"]


def comparison(ds: Dataset, election_id: str, other_id: str) -> Passage:
    """Two elections side by side: eligible voters, turnout and yes share."""
    a, b = _named(ds, election_id), _named(ds, other_id)
    sa, sb = _short(a), _short(b)
    known = pd.notna(a["eligible_voters"]) and pd.notna(b["eligible_voters"]) and int(a["eligible_voters"]) > 0
    larger = f", a unit {as_large(int(b['eligible_voters']) / int(a['eligible_voters']))}" if known else ""
    if pd.notna(a["turnout"]) and pd.notna(b["turnout"]):
        turnouts = f"{fmt_pct(a['turnout'])} against {fmt_pct(b['turnout'])}."
    else:
        turnouts = f"{fmt_pct_or(a['turnout'])} at {sa} and {fmt_pct_or(b['turnout'])} at {sb}."
    text = (
        f"{capitalised(a['at_mid'])}{',' if a['at_mid'][-1:].isdigit() else ''} {_eligible(a)} workers were eligible "
        "to vote, against "
        f"{_eligible(b)} {_then(a, b)}{larger}. The union got "
        f"{fmt_pct_or(a['yes_share'])} of the valid votes at {sa} against {fmt_pct_or(b['yes_share'])} at {sb}, and "
        f"turnout was {turnouts}"
    )
    words = Passage(text, election_source_ids(ds, [election_id, other_id]))
    return _with_table(words, numbers(ds, [election_id, other_id], COMPARISON_COLUMNS), ds)


def organizers(ds: Dataset, election_id: str, other_id: str) -> Passage:
    """Union organizers at two elections, and how many eligible workers each organizer had to reach."""
    table = organizers_per_voter(ds).set_index("election_id")
    a, b = (_named(ds, e) for e in (election_id, other_id))
    missing = [r["name"] for r, e in ((a, election_id), (b, other_id)) if e not in table.index]
    if missing:
        return Passage(f"No organizer count is on record for {' or '.join(missing)}.")
    ta, tb = table.loc[election_id], table.loc[other_id]

    def count(t: pd.Series) -> str:
        return qualified(t["approximate"], t.get("qualifier")) + fmt_int(t["organizers"])

    text = f"The campaign {a['at_mid']} had {count(ta)} organizers, against {count(tb)} {_then(a, b)}"
    if pd.notna(ta["eligible_voters_per_organizer"]) and pd.notna(tb["eligible_voters_per_organizer"]):
        text += (
            f": {_per_organizer(ta)} organizer for every {fmt_int(_rough(ta))} eligible workers at "
            f"{_short(a)} and {_per_organizer(tb)} for every {fmt_int(_rough(tb))} at {_short(b)}."
        )
    else:  # no organizer, or eligible voters not on record: no workers per organizer to give
        text += "."
    others = _other_counts(ds, [election_id, other_id])
    if not others.empty:
        publishers = ds.sources.set_index("source_id")["publisher"]
        text += " Other reports differ: " + "; ".join(
            f"{escape_markdown(str(publishers[r['source_id']]))} counted "
            f"{qualified(r['approximate'], r['qualifier'])}{fmt_int(r['value'])} organizers "
            f"{_then(a, _named(ds, r['election_id']))}"
            for _, r in others.iterrows()
        )
        text = end_sentence(text) + " Organizer counts are rough, and each outlet may count differently."
    organizer_sources = (
        *table.loc[[election_id, other_id], "source_id"].astype(str),
        *others["source_id"].astype(str),
    )
    return Passage(text, (*organizer_sources, *election_source_ids(ds, [election_id, other_id])))


def _rough(t: pd.Series) -> float:
    """Workers per organizer to no more significant digits than the organizer count (about 10 -> one digit)."""
    return round_sig(t["eligible_voters_per_organizer"], significant_digits(t["organizers"], t["approximate"]))


def _per_organizer(t: pd.Series) -> str:
    return "roughly one" if t["approximate"] else "one"


def _other_counts(ds: Dataset, election_ids: Sequence[str]) -> pd.DataFrame:
    """The organizer counts of these elections the charts do not use (outlets disagree), so both are said."""
    rows = ds.workforce[
        (ds.workforce["measure"].astype(str) == "organizers") & ds.workforce["election_id"].isin(election_ids)
    ]
    return rows[~rows.index.isin(preferred(rows).index)]


#: What makes two spending rows the same figure: outlets disagreeing about it report it differently.
SAME_FIGURE = ["spender", "measure", "period_start", "period_end"]


def disputed_spending(ds: Dataset) -> pd.DataFrame:
    """Every spending figure reported differently by two or more rows (same `SAME_FIGURE`), each row with its
    `publisher` and whether the charts use it (`charts_use`: the first preferred row of its figure)."""
    money = ds.spending
    disputed = money[money.groupby(SAME_FIGURE, observed=True, dropna=False)["amount_usd"].transform("size") > 1]
    chosen = preferred(disputed).drop_duplicates(SAME_FIGURE).index
    table = disputed.sort_values(SAME_FIGURE, kind="stable").assign(
        publisher=lambda t: t["source_id"].map(ds.sources.set_index("source_id")["publisher"]),
        charts_use=lambda t: t.index.isin(chosen),
    )
    columns = [*SAME_FIGURE, "amount_usd", "purpose", "publisher", "unconfirmed", "charts_use", "source_id"]
    return table[columns].reset_index(drop=True)


def disputed_figures(ds: Dataset) -> Passage:
    """Where outlets reported different amounts for the same spending, both figures and which one the charts use."""
    table = disputed_spending(ds)
    if table.empty:
        words = Passage("Every spending figure in the data comes from a single report; none is disputed.")
        return _with_table(words, table, ds)
    lines = []
    for (spender, _, start, end), group in table.groupby(SAME_FIGURE, observed=True, sort=False, dropna=False):
        figures = "; ".join(
            f"{fmt_usd(r['amount_usd'])} for {escape_markdown(r['purpose'])}, reported by "
            f"{escape_markdown(r['publisher'])}{' and unconfirmed elsewhere' if r['unconfirmed'] else ''}"
            for _, r in group.iterrows()
        )
        pick = group[group["charts_use"]]
        use = (
            f" The charts use {escape_markdown(pick['publisher'].iloc[0])}'s {fmt_usd(pick['amount_usd'].iloc[0])}."
            if not pick.empty
            else ""
        )
        lines.append(f"- {escape_markdown(spender)}, {period_label(start, end)}: {figures}.{use}")
    words = Passage("\n".join(lines), tuple(table["source_id"].astype(str)))
    return _with_table(words, table, ds).charting(ds, "spending-by-year")


def money_ratio(ds: Dataset) -> Passage:
    """The employer's company-wide yearly spending beside what the union says its campaign cost, each as reported.

    The two are not like with like (all workplaces for a year against one campaign), so the words say so and
    give no ratio more precise than the rougher figure (`charts.money.campaign_figures`).
    """
    from .charts import ChartUnavailable
    from .charts.money import OUTLETS_WITH_THE, campaign_figures, outlet, rough_ratio

    try:
        data = campaign_figures(ds)
    except ChartUnavailable as why:
        return Passage(f"There is no spending to set side by side: {why}.")
    employer, union = data.loc[0], data.loc[1]
    publishers = ds.sources.set_index("source_id")["publisher"]
    said_by = outlet(str(publishers[union["source_id"]]))
    said_by = f"the {said_by}" if said_by in OUTLETS_WITH_THE else said_by
    year = employer["scope"].split(", ", 1)[1]
    times = rough_ratio(data)
    text = (
        f"{escape_markdown(employer['spender'])} reported spending "
        f"{qualified(employer['approximate'], employer['qualifier'])}{fmt_usd(employer['amount_usd'])} on "
        f"{escape_markdown(employer['purpose'])} across all its workplaces in {year}. The "
        f"{escape_markdown(union['spender'])} said its campaign ({union['scope'].split(', ', 1)[1]}) cost "
        f"{qualified(union['approximate'], union['qualifier'])}{fmt_usd(union['amount_usd'])}, as reported by "
        f"{escape_markdown(said_by)}"
        + ("; no other report confirms that figure" if union["unconfirmed"] else "")
        + ". "
        "The two are not like with like: one covers every workplace for a year, the other one campaign."
        + (f" The company's figure is roughly {times} times the union's." if times >= 2 else "")
    )
    words = Passage(text, tuple(dict.fromkeys(data["source_id"])))
    return _with_table(words, data.reset_index(drop=True), ds).charting(ds, "employer-vs-union")


def _per(value: Any, amount: Any, word: str) -> str:
    """A dollars-per figure no more precise than the amount it divides: '$12' ($100,000 over 8,325 workers), 'about
    $1,710' ($14.2 million: three significant digits, not '$1,706'), 'over $150' (over $750,000: rounded down, so
    'over' stays true; 'up to' rounds up); 'an unknown amount' where its count is not on record or zero. `word` is
    the amount's own ('over ', 'about ', ...)."""
    if pd.isna(value):
        return "an unknown amount"
    value = float(value)
    digits = max(2, len(str(round(float(amount))).rstrip("0")))  # the amount's significant digits, two at least
    step = 10.0 ** max(0, math.floor(math.log10(value)) - digits + 1) if value > 0 else 1.0
    rounding = {"over ": math.floor, "up to ": math.ceil}.get(word, round)
    shown = rounding(value / step) * step
    return f"{word or ('about ' if shown != round(value) else '')}${shown:,.0f}"


def money_per_worker(ds: Dataset, election_ids: Sequence[str]) -> Passage:
    """Each side's preferred money in the years of the given elections, per eligible worker and per valid vote.

    Only figures whose period overlaps the calendar years of the elections' counts are set against them.
    """
    counted = summary(ds).set_index("election_id").loc[list(election_ids), "count_date"]
    start = pd.Timestamp(year=counted.min().year, month=1, day=1)
    end = pd.Timestamp(year=counted.max().year, month=12, day=31)
    table = overlapping(spending_per_voter(ds, list(election_ids)), start, end)
    names = " and ".join(_named(ds, e)["name"] for e in election_ids)
    if table.empty:
        return Passage(
            f"No money figure on record covers {period_label(start, end)}, the years of the votes at {names}.",
            election_source_ids(ds, election_ids),
        )
    lines = []
    for _, r in table.iterrows():
        approx = qualified(r["approximate"], r["qualifier"])
        lines.append(
            f"- {escape_markdown(r['spender'])}, {escape_markdown(r['purpose'])} "
            f"({period_label(r['period_start'], r['period_end'])}): {approx}"
            f"{fmt_usd(r['amount_usd'])}, or {_per(r['usd_per_eligible_voter'], r['amount_usd'], approx)} per "
            f"eligible worker and {_per(r['usd_per_valid_vote'], r['amount_usd'], approx)} per valid vote."
        )
    first = table.iloc[0]
    head = (
        f"The money reported for {period_label(start, end)}, set against the {_count(first['eligible_voters'])} "
        f"workers eligible to vote and the {_count(first['valid_votes'])} valid votes at {names}. The employer's "
        "figures cover all its campaigns of the period, so per worker here they are an upper bound, not what was "
        "spent at this one site:"
    )
    words = Passage(
        head + "\n\n" + "\n".join(lines),
        (*table["source_id"].astype(str), *election_source_ids(ds, election_ids)),
    )
    columns = ["spender", "purpose", "amount_usd", "eligible_voters", "valid_votes", "usd_per_eligible_voter"]
    return _with_table(words, table[columns].reset_index(drop=True), ds)


def overview(ds: Dataset) -> Passage:
    """How many elections the data holds, over which years, how they ended, and how many workers could vote.

    Workers are counted once per workplace, at its latest vote, so a rerun does not count them twice.
    """
    table = results(ds)
    counts = table["outcome"].astype(str).value_counts()
    years = table["count_date"].dt.year
    unions = table["union"].nunique()
    set_aside = table["status"].astype(str) == "set_aside"
    open_ = int(((table["outcome"].astype(str) == "undetermined") & ~set_aside).sum())
    aside = int(set_aside.sum())
    runoffs = int(counts.get("runoff", 0))
    latest = table.drop_duplicates(["facility", "city", "state"], keep="last")
    latest = latest[latest["eligible_voters"].notna()]
    approx = about(bool(latest["eligible_approximate"].any()))
    span = f"from {years.min()} to {years.max()}" if years.min() != years.max() else f"in {years.min()}"
    undecided_aside = int(((table["outcome"].astype(str) == "undetermined") & set_aside).sum())
    rd = table["case_number"].map(case_type).eq("RD")
    kept, removed = (int((rd & table["outcome"].astype(str).eq(o)).sum()) for o in ("won", "lost"))
    organizing = table[~rd]["outcome"].astype(str)
    text = (
        f"The data holds {fmt_int(len(table))} NLRB elections{escape_markdown(at_company(ds.elections))}, "
        f"counted {span}, with {fmt_int(unions)} different {'union' if unions == 1 else 'unions'} on the ballot. "
        f"Unions won {fmt_int(organizing.eq('won').sum())} and lost {fmt_int(organizing.eq('lost').sum())}"
        + (
            f"; in {fmt_int(kept + removed)} decertification {'vote' if kept + removed == 1 else 'votes'}, workers "
            f"kept the union in {fmt_int(kept)} and removed it in {fmt_int(removed)}"
            if kept + removed
            else ""
        )
        + (f"; {runoffs} went to a run-off" if runoffs else "")
        + (f"; in {open_}, challenged ballots could still change the result" if open_ else "")
        + (f"; the count did not decide {undecided_aside}" if undecided_aside else "")
        + (f"; the NLRB later set {aside} of these elections aside" if aside else "")
        + ". "
        f"Counting each of the {fmt_int(len(latest))} workplaces once, at its latest vote, {approx}"
        f"{fmt_int(_eligible_total(latest))} workers were eligible to vote."
    )
    outcomes = counts.rename_axis("outcome").rename("elections").to_frame()
    return _with_table(Passage(text, election_source_ids(ds, table["election_id"])), outcomes, ds)


def _eligible_total(latest: pd.DataFrame) -> int:
    """The eligible voters of these workplaces added up, rounded no finer than the roughest approximate count."""
    approximate = latest.loc[latest["eligible_approximate"].astype(bool), "eligible_voters"]
    return round_like(latest["eligible_voters"].sum(), approximate)


def results_table(ds: Dataset) -> pd.DataFrame:
    """Every election's result for display: counts, shares as percentages, outcome; missing figures left blank."""
    table = results(ds)
    return pd.DataFrame(
        {
            "Election": table["name"],
            "Union": table["union"],
            "Counted": [long_date(d) if pd.notna(d) else "" for d in table["count_date"]],
            "Yes": [_count_or(v) for v in table["yes"]],
            "No": [_count_or(v) for v in table["no"]],
            "Challenged": [_count_or(v) for v in table["challenged"]],
            "Yes share": [fmt_pct_or(s) for s in table["yes_share"]],
            "Turnout": [fmt_pct_or(t) for t in table["turnout"]],
            "Outcome": [_result_words(r) for _, r in table.iterrows()],
        }
    ).set_index("Election")


#: Columns of shares (0 to 1), shown as percentages by `readable`.
_SHARE_COLUMN = re.compile(r"share|rate|turnout|percent", re.IGNORECASE)


def readable(frame: pd.DataFrame, missing: str = "") -> pd.DataFrame:
    """A table as a reader sees it, the same rows and columns in words: counts with thousands separators
    ('16,585', not '16585.0'), shares (columns named for a share, rate or turnout) as percentages, other fractions
    to one decimal, dates in AP style, and a value not on record as `missing` (a blank by default, or 'not
    reported'), never '<NA>' or 'NaN'. Text from the data is left as it is."""

    def cell(value: Any, share: bool) -> Any:
        if isinstance(value, str | bool | np.bool_):
            return value
        if value is None or pd.isna(value):
            return missing
        if isinstance(value, pd.Timestamp):
            return long_date(value)
        if isinstance(value, int | float | np.integer | np.floating):
            number = float(value)
            if share:
                return fmt_pct(number)
            return fmt_int(number) if number.is_integer() else f"{number:,.1f}"
        return value

    return pd.DataFrame(
        {column: [cell(v, bool(_SHARE_COLUMN.search(str(column)))) for v in frame[column]] for column in frame.columns},
        index=frame.index,
    )


def _count_or(value: Any) -> str:
    """A count with separators, or 'not reported' where the data has none (never '<NA>')."""
    return "not reported" if pd.isna(value) else fmt_int(value)


def sources_list(ds: Dataset, source_ids: Iterable[str]) -> Passage:
    """A Markdown list citing every source: publisher, title (linked when its url is http or https), date."""
    cited = citations(ds, source_ids)
    lines = [f"- {_markdown_citation(src)}" for src in cited]
    return Passage("\n".join(lines), tuple(src.source_id for src in cited))


def charts_folder(charts_dir: str | os.PathLike[str] | None, notebook: str) -> Path:
    """Where a notebook exports its charts: `charts_dir` when given, else build/notebook-charts/<notebook>."""
    if charts_dir is not None:
        return Path(charts_dir).expanduser().resolve()
    return paths.build_dir() / "notebook-charts" / notebook


class Page:
    """One notebook's story: its dataset, where its charts go, and every source its words and charts used."""

    def __init__(
        self,
        notebook: str,
        data_dir: str | os.PathLike[str] | None = None,
        charts_dir: str | os.PathLike[str] | None = None,
        selection: dict[str, Any] | None = None,
    ) -> None:
        self.ds = load(data_dir) if not selection else load(data_dir).select(**selection)
        self.charts_dir = charts_folder(charts_dir, notebook)
        self.source_ids: list[str] = []

    def _cite(self, source_ids: Iterable[str]) -> None:
        self.source_ids.extend(s for s in source_ids if s not in self.source_ids)

    def say(self, *passages: Passage) -> None:
        """Show the passages as one Markdown output and remember their sources."""
        from IPython.display import Markdown, display

        for passage in passages:
            self._cite(passage.source_ids)
        display(Markdown("\n\n".join(p.text for p in passages)))

    def chart(self, name: str | Passage, election_id: str | None = None) -> None:
        """Export the chart `name` (for `election_id`), or a finding's chart, into the page's folder and show its web
        PNG and alt text.

        A chart the data cannot support is replaced by the finding's stand-in chart, if it has one, else by a
        sentence saying why.
        """
        from IPython.display import Image, Markdown, display

        from .charts import ChartUnavailable, chart

        instead = None
        if isinstance(name, Passage):
            drawn = name.chart
            if drawn is None:
                raise ValueError("this finding has no chart: give the chart's name")
            name, election_id, instead = drawn.name, drawn.election_id or election_id, drawn.instead

        try:
            finished = chart(name, self.ds, election_id=election_id)
        except ChartUnavailable as why:
            if instead is not None:  # the finding's own stand-in (a count by year for too long a time line)
                return self.chart(instead, election_id)
            display(Markdown(f"*No {name.replace('-', ' ')} chart: {escape_markdown(str(why))}.*"))
            return
        spec = finished.spec
        record = finished.export(self.charts_dir, formats=NOTEBOOK_FORMATS, sizes=NOTEBOOK_SIZES)
        self._cite(spec.source_ids)
        png = self.charts_dir / record.files["web.png"]
        display(Image(filename=str(png), width=640, alt=spec.alt_text))
        display(Markdown(f"*Alt text:* {escape_markdown(spec.alt_text)}"))

    def sources(self) -> None:
        """Show the list of every source cited so far."""
        from IPython.display import Markdown, display

        display(Markdown(sources_list(self.ds, self.source_ids).text))
