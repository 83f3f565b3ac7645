"""The copy desk's word check (tests/public_words.py) over every title, subtitle, alt text and report sentence the
package writes: for our data, for an import of the NLRB's real files (as `charts` selects at its defaults), and for
generated folders."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from nlrb_synthetic import foia_row, report_row, report_sheets, write_foia, write_workbook
from public_words import TITLE_MAX, passages_problems, spec_problems, word_problems
from strategies import data_folders

from labor_analysis import load, results, story
from labor_analysis.charts import chart, chart_plan, national
from labor_analysis.charts.national import SMALL_GROUP
from labor_analysis.cli.charts import MAX_ELECTIONS
from labor_analysis.gallery import chosen_elections, only_elections
from labor_analysis.nlrb import import_files
from labor_analysis.paths import national_dir, nlrb_records_dir
from labor_analysis.text import (
    EMPLOYER_ACRONYMS,
    at_site,
    display_name,
    long_date,
    period_label,
    short_employer,
    union_name,
    unverified_sentence,
    year_span,
)

RECORDS = nlrb_records_dir()
RECENT = "recent_election_results_region06_2023-04-17.csv"


def report_sentences(ds) -> list[tuple[str, str]]:
    """Every story passage the notebooks print for `ds`, by name."""
    out = [("overview", story.overview(ds).text), ("money ratio", story.money_ratio(ds).text)]
    out.append(("disputed figures", story.disputed_figures(ds).text))
    ids = list(ds.elections["election_id"])
    for eid in ids:
        for name in ("title", "result", "turnout", "challenged", "aftermath", "earlier_and_later"):
            out.append((f"{name} {eid}", getattr(story, name)(ds, eid).text))
        out.append((f"money per worker {eid}", story.money_per_worker(ds, [eid]).text))
    for a, b in itertools.pairwise(ids):
        out.append((f"comparison {a} {b}", story.comparison(ds, a, b).text))
        out.append((f"organizers {a} {b}", story.organizers(ds, a, b).text))
    table = story.results_table(ds)
    out += [(f"results table {i} {c}", str(v)) for i, row in table.reset_index().iterrows() for c, v in row.items()]
    return out


def chart_words_problems(ds) -> list[str]:
    specs, left_out = chart_plan(ds)
    found = [p for spec in specs for p in spec_problems(spec, ds)]
    found += [f"left out {lo.slug}: {p}" for lo in left_out for p in word_problems(lo.reason)]
    # a reason is printed after a colon ("Left out X: ...", "No X chart: ..."): one of its own makes two in a row
    found += [f"left out {lo.slug}: a colon in its reason ({lo.reason!r})" for lo in left_out if ":" in lo.reason]
    return found


def test_our_charts_and_reports_pass_the_word_check():
    ds = load()
    assert chart_words_problems(ds) == []
    assert passages_problems(report_sentences(ds), ds) == []


@pytest.mark.slow
@pytest.mark.skipif(RECORDS is None or not (RECORDS / RECENT).is_file(), reason="the NLRB's files are not here")
def test_an_import_of_the_nlrb_file_passes_the_word_check_as_charts_selects_it(tmp_path):
    ds = load(import_files([RECORDS / RECENT], tmp_path / "imported").out_dir)
    chosen = chosen_elections(ds, None, MAX_ELECTIONS)
    selected = only_elections(ds, chosen) if chosen is not None else ds
    assert chart_words_problems(selected) == []
    some = selected.elections["election_id"].head(12).tolist()
    sample = only_elections(selected, some)
    assert passages_problems(report_sentences(sample), sample) == []


@given(folder=data_folders())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_generated_folders_pass_the_word_check(folder, tmp_path_factory):
    ds = load(folder.write(tmp_path_factory.mktemp("words") / "data"))
    assert chart_words_problems(ds) == []
    assert passages_problems(report_sentences(ds), ds) == []


def test_the_checker_catches_what_the_review_found():
    """Each fault the graphics editor found is caught (the checker is not vacuous)."""
    assert word_problems("Even all 1 challenged ballots could not win") == ["says 'all 1'"]
    assert word_problems("Union won at Carnegie Library of in Pittsburgh..") == ["has '..'"]
    assert word_problems("Union won at UNITED PARCEL SERVICE in Pittsburgh") != []
    assert word_problems("Union won at UPMC in Pittsburgh") == []
    listed = "Staten Island, N.Y. KCVG, Hebron, Ky."  # a facility code of the data after a place: a code, not a name
    assert word_problems(listed) != [] and word_problems(listed, codes={"KCVG"}) == []
    assert word_problems("Challenged: <NA>") != []
    assert (
        word_problems("Unions won 10763 of 16681 elections") != [] and word_problems("16681 elections, of which") != []
    )
    assert word_problems("Unions won 10,763 of 16,681 elections in 2022, case 29-RC-288020, Local 32104") == []
    assert word_problems("The earlier vote in Bessemer, Ala., in 2021 counted April 9, 2021: 738 yes") != []
    assert word_problems("The earlier vote in Bessemer, Ala., counted April 9, 2021: 738 yes") == []
    assert word_problems("x" * 121, title=True) != []
    assert word_problems("After the count: Rerun ordered Nov. 29, 2021.") != []
    # AP dates, places and counts, and a union's name that says it is a union
    assert word_problems("counted January 27, 2025") != [] and word_problems("counted Jan. 27, 2025") == []
    assert word_problems("its campaign (Apr 2021–Mar 2022)") != [] and word_problems("in April 2022") == []
    assert word_problems("at JFK8 in Staten Island, N.Y.") != [] and word_problems("at JFK8 on Staten Island") == []
    assert word_problems("unions won 0 of 3 (0.0%)") != [] and word_problems("unions won none") == []
    assert word_problems("the ALU union election") != [] and word_problems("the ALU election") == []
    assert word_problems("the Teamsters union election") == []
    assert word_problems("After the count: An NLRB administrative law judge set the election aside.") == []
    assert pd.isna(pd.NA)  # the missing value a table prints as <NA>


# ---------------------------------------------------------------- a graphics editor on an import of every file


def _import(tmp_path, rows, reports=()):
    """A data folder imported from a FOIA table of `rows` (and annual reports of (year, rows) pairs)."""
    files = [write_foia(tmp_path / "foia.xlsx", rows)]
    for year, report in reports:
        files.append(write_workbook(tmp_path / f"nlrb-election-report-fy{year}.xlsx", report_sheets(report, year)))
    return load(import_files(files, tmp_path / "imported").out_dir)


def test_dates_are_in_ap_style_everywhere():
    assert [long_date(d) for d in ("2025-01-27", "2022-04-01", "2021-09-30", "2022-03-31")] == [
        "Jan. 27, 2025",
        "April 1, 2022",
        "Sept. 30, 2021",
        "March 31, 2022",
    ]
    assert period_label("2021-04-20", "2022-03-01") == "April 2021-March 2022"  # no day: the month spelled out
    ds = load()
    whole_foods = chart("vote-shares", ds, "wfm-phl-2025").spec
    assert "counted Jan. 27, 2025" in whole_foods.subtitle
    assert word_problems("UFCW Local 1776 vote counted January 27, 2025") != []
    assert word_problems("the union's own account of its campaign (Apr 2021–Mar 2022)") != []
    assert word_problems("The NLRB certified the union on Jan. 11, 2023, after a count of April 1, 2022") == []


def test_every_range_takes_a_hyphen_as_ap_writes_it():
    """One style for ranges everywhere the package writes: '2021-2024', 'FY2011-FY2022', 'April 2021-March 2022'
    (AP's hyphen), and the word checker flags an en dash in a range, not a dash inside a name from the data."""
    assert year_span(2021, 2024) == "2021-2024" and year_span(2021, 2021) == "2021"
    assert year_span(2011, 2022, fiscal=True) == "FY2011-FY2022" and year_span(2014, 2014, fiscal=True) == "FY2014"
    for text in ("spending by year, 2021\u20132024", "its campaign (April 2021\u2013March 2022)", "FY2011\u2013FY2022"):
        assert any("en dash" in p for p in word_problems(text)), text
    assert word_problems("spending by year, 2021-2024, in FY2011-FY2022") == []
    assert word_problems("Propel Charter School \u2013 East") == []  # a name's own dash is not a range
    spending = chart("spending-by-year", load()).spec  # the chart that wrote '2021\u20132024'
    assert "\u2013" not in spending.title + spending.subtitle + spending.alt_text


def test_a_place_that_is_an_island_is_on_it():
    assert at_site("JFK8", "Staten Island", "NY", with_code=True) == "at JFK8 on Staten Island, N.Y."
    assert at_site("", "STATEN ISLAND", "NY") == "on Staten Island, N.Y."  # the NLRB's capitals too
    assert at_site("", "Whidbey Island", "WA") == "on Whidbey Island, Wash."
    assert at_site("", "Bessemer", "AL", continues=True) == "in Bessemer, Ala.,"
    assert (
        "Union won at JFK8 on Staten Island, N.Y., with 55.5%" in chart("vote-shares", load(), "jfk8-2022").spec.title
    )
    assert word_problems("Union lost at LDJ5 in Staten Island, N.Y.") != []


def test_an_unverified_source_is_marked_in_few_words():
    assert unverified_sentence(["Portside"]) == " Portside's report is unverified."
    assert (
        unverified_sentence(["Portside", "HuffPost", "Portside"])
        == " Portside's and HuffPost's reports are unverified."
    )
    assert unverified_sentence([]) == ""
    spec = chart("timeline", load()).spec
    assert spec.subtitle.endswith(" Portside's report is unverified.") and "no address" not in spec.subtitle


def test_the_first_win_is_the_first_in_the_data_not_the_first_ever(tmp_path):
    rows = [
        foia_row(f"06-RC-{100001 + i}", f"2019-0{1 + i}-15", yes=12 - 3 * i, no=6, name=f"Shop {i}") for i in range(4)
    ]
    title = chart("timeline", _import(tmp_path, rows)).spec.title
    assert title.startswith("Since the first union win in the data") and "on record" not in title
    assert word_problems("Since the first union win on record, in August 1999, unions have won 3 of 4 votes") != []


def test_vote_shares_all_states_the_years_it_counts(tmp_path):
    """In a folder holding an annual report, vote-shares-all counts the report's fiscal years, as the summary charts
    do, and says which elections it does not count; its title's years are those of the elections counted."""
    tallies = [foia_row(f"06-RC-{100001 + i}", f"201{7 + i}-03-15", yes=12, no=4, name=f"Shop {i}") for i in range(3)]
    report = [
        report_row("29-RC-280001", "Acme Corp.", "2022-03-01", 30, 10, [20], ["Workers United"], "won"),
        report_row("29-RC-280002", "Bolt Inc.", "2022-05-01", 30, 20, [5], ["Workers United"], "lost"),
    ]
    spec = chart("vote-shares-all", _import(tmp_path, tallies, [(2022, report)])).spec
    assert spec.headline == "1 of 2" and spec.title.endswith("elections in New York, FY2022")  # all in one state
    assert "Not counted here: 3 elections counted before FY2022" in spec.subtitle
    assert set(spec.data["election_id"]) == {"29-rc-280001-2022", "29-rc-280002-2022"}


def test_listed_elections_sharing_workplace_city_and_year_are_told_apart(tmp_path):
    rows = [foia_row(f"06-RC-{100001 + i}", "2019-02-15", eligible=20 + i, name=f"Shop {i}") for i in range(8)]
    rows += [
        foia_row("06-RC-200001", "2019-01-11", yes=40, no=50, challenged=3, eligible=300, name="Harvard College"),
        foia_row("06-RC-200002", "2019-04-19", yes=60, no=50, eligible=310, name="Harvard College"),
    ]
    ds = _import(tmp_path, rows)
    for name in ("vote-shares-all", "challenged-margin", "turnout-all"):
        labels = chart(name, ds).spec.data["label"].tolist()
        assert len(set(labels)) == len(labels), (name, labels)
    assert "Harvard College, January 2019" in chart("vote-shares-all", ds).spec.data["label"].tolist()
    assert "highest 75% at Shop 0 in Albany, N.Y." in chart("turnout-all", ds).spec.alt_text  # not 'in Shop 0'


def test_a_challenged_margin_chart_with_no_challenged_ballot_is_left_out_with_the_reason(tmp_path):
    rows = [foia_row(f"06-RC-{100001 + i}", f"2019-0{1 + i}-15", name=f"Shop {i}") for i in range(3)]
    _, left_out = chart_plan(_import(tmp_path, rows))
    reasons = {lo.slug: lo.reason for lo in left_out}
    assert reasons["challenged-margin"] == (
        "no ballots were challenged in the 3 yes-or-no elections that reported them, so every count decided its "
        "election"
    )


def test_the_folder_s_challenged_ballots_are_a_bar_where_it_holds_enough_elections(tmp_path):
    rows = [
        foia_row(f"06-RC-{100001 + i}", "2019-02-15", yes=10, no=9, challenged=2 if i < 3 else 0, name=f"Shop {i}")
        for i in range(SMALL_GROUP)
    ]
    spec = chart("national-determinative-challenged-ballots", _import(tmp_path, rows)).spec
    assert "a dot" not in spec.subtitle and "in the elections examined, 3 of 30" in spec.title
    ax = spec.build().axes[0]
    assert len(ax.patches) == len(spec.data)  # every national year and the folder a bar; no dot
    assert national.focus_as_dot(pd.Series({"elections": SMALL_GROUP - 1}))


def test_national_charts_are_not_set_against_the_national_record_itself(monkeypatch):
    """A folder of several companies that holds most of the national record is not compared with it (the national
    charts that draw it are left out with the reason); the charts of the national figures alone do not say the
    folder may be among them."""
    tables = national.load_tables()
    counts = tables["elections_by_fiscal_year_and_case_type"]
    counts["elections"] = 0
    counts.loc[counts.index[counts["case_type"] == "all"][-1], "elections"] = 2  # fewer than the folder holds
    monkeypatch.setattr(national, "load_tables", lambda folder=None: tables)
    monkeypatch.setattr(national, "company", lambda elections: None)  # a folder of several companies
    specs, left_out = chart_plan(load())
    reasons = {lo.slug: lo.reason for lo in left_out}
    for name in ("national-unit-sizes", "national-win-rate-by-unit-size", "national-determinative-challenged-ballots"):
        assert reasons[name].startswith("the data folder is the national record itself, or most of it"), name
    alone = {s.slug: s for s in specs if s.slug in ("national-mail-and-in-person", "national-win-rate-by-fiscal-year")}
    assert len(alone) == 2 and not [s for s in alone.values() if "may be among" in s.subtitle]


def test_employer_names_keep_their_initials_and_lose_only_whole_asides():
    assert display_name("DISNEYLAND RESORT DIVISION OF WALT DISNEY PARKS AND RESORTS, U.S., INC.").endswith(
        ", U.S., Inc."
    )
    assert short_employer("Baltimore Gas and Electric Co. (An Exelon Company)") == "Baltimore Gas and Electric"
    assert short_employer("The Boeing Company") == "Boeing" and short_employer("The Kroger Co.") == "Kroger"
    assert short_employer("The New School") == "The New School"  # no legal form left out: the name as it is
    assert short_employer("Foo Holdings (Bar Company)") == "Foo Holdings"  # never an unclosed parenthesis
    assert short_employer("The Woodlands, LLC") == "The Woodlands"  # 'The' goes only with 'Company' or 'Corp.'
    assert short_employer("SAIC (Science Applications International Corporation)") == "SAIC"
    assert short_employer("Purcell P&C, LLC") == "Purcell P&C"  # 'P&C' is not the legal form 'P.C.'


def test_small_top_size_bands_are_merged_not_drawn_hollow(tmp_path):
    rows = [foia_row(f"06-RC-{100001 + i}", "2019-02-15", yes=3, no=1, eligible=5, name=f"Shop {i}") for i in range(40)]
    rows += [foia_row(f"06-RC-{200001 + i}", "2019-02-15", eligible=15, name=f"Store {i}") for i in range(40)]
    rows += [foia_row("06-RC-300001", "2019-02-15", eligible=30, name="Mill")]
    spec = chart("win-rate-by-unit-size", _import(tmp_path, rows)).spec
    assert spec.data["size_band"].tolist() == ["1-9", "10+"] and spec.data["decided"].tolist() == [40, 41]
    assert "hollow" not in spec.subtitle


def test_names_in_capitals_are_put_in_title_case_keeping_initials():
    assert display_name("AUSTAL USA") == "Austal USA" and union_name("UFCW LOCAL 1439") == "UFCW Local 1439"
    assert union_name("UNITE HERE") == "UNITE HERE" and union_name("NYC DISTRICT COUNCIL OF CARPENTERS").startswith(
        "NYC "
    )
    assert union_name("HARVARD GRADUATE STUDENTS UNION-UAW (HGSU-UAW)").endswith("Union-UAW (HGSU-UAW)")
    assert union_name("HEALTH PROFESSIONALS & ALLIED EMPLOYEES (HPAE) AFT/AFL-CIO").endswith("(HPAE) AFT/AFL-CIO")
    assert union_name("UNITED FOOD AND COMMERCIAL WORKERS 8-GOLDEN STATE").endswith("Workers 8-Golden State")
    assert union_name("NURSES ASSOCIATION/NATIONAL NURSES UNITED") == "Nurses Association/National Nurses United"
    assert union_name("SEIU LOCAL 32BJ") == "SEIU Local 32BJ"
    whole = (
        "COLUMBIA POSTDOCTORAL WORKERS AND UNITED AUTOMOBILE, AEROSPACE AND AGRICULTURAL IMPLEMENT WORKERS OF AMERICA "
        "(CPW-UAW)"
    )
    assert union_name(whole).endswith("Workers of America (CPW-UAW)")  # 118 characters, but its end is there: not cut
    assert short_employer("Tyson Fresh Meats, a wholly-owned subsidiary of Tyson Foods") == "Tyson Fresh Meats"


def test_a_long_workplace_name_gives_way_to_the_place_in_a_title(tmp_path):
    name = "Volkswagen Group of America Chattanooga Operations and Assembly Plant Number Two Holdings"
    rows = [foia_row("10-RC-121704", "2019-02-14", yes=626, no=712, challenged=8, eligible=1506, name=name)]
    ds = _import(tmp_path, rows)
    eid = ds.elections["election_id"].iloc[0]
    titles = {c: chart(c, ds, eid).spec.title for c in ("vote-shares", "turnout", "what-it-would-take")}
    assert titles["vote-shares"] == "Union lost in Albany, N.Y., with 46.8% of valid votes"
    assert (
        titles["what-it-would-take"]
        == "Even all 8 challenged ballots could not have changed the result in Albany, N.Y."
    )
    assert all(len(t) <= TITLE_MAX for t in titles.values())


def test_a_decertification_title_gives_the_share_of_the_side_it_names(tmp_path):
    rows = [foia_row("32-RD-230993", "2018-12-13", yes=502, no=659, challenged=29, eligible=1300, name="Foster Farms")]
    ds = _import(tmp_path, rows)
    spec = chart("vote-shares", ds, ds.elections["election_id"].iloc[0]).spec
    assert spec.title.startswith("Workers voted to remove the union") and spec.title.endswith(
        "with 56.8% of valid votes"
    )
    assert spec.headline == "56.8%"  # those who removed it voted no; 43.2% voted to keep it


def test_what_it_would_take_sums_keep_clear_of_their_bars():
    """Both lines of '875 + 268\\n= 1,143' start clear of the bar's end (a leading space indented only the first)."""
    fig = chart("what-it-would-take", load(), "bhm1-2022").figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    right = max(p.get_window_extent(renderer).x1 for p in ax.patches)
    sums = [t for t in ax.texts if "\n= " in t.get_text()]
    assert len(sums) == 2 and all(t.get_window_extent(renderer).x0 > right + 2 for t in sums)


def test_small_counts_read_as_words_in_alt_text() -> None:
    """A one-election time line is not "1 union elections from 2016 to 2016"; a safe lead is not "needed 0"."""
    ds = load()
    one = ds.select(election_ids=[ds.elections["election_id"].iloc[0]])
    alt = chart("timeline", one).alt_text
    assert "Time line of one union election" in alt and " to " not in alt.split(".")[0]
    safe = results(ds).query("challenged > 0 and yes - no > challenged")
    assert len(safe)
    for election_id in safe["election_id"]:
        words = chart("what-it-would-take", ds, election_id).alt_text
        assert "needed 0 of" not in words and words.count(" led by ") == 1
        assert "would have won even if every one of them had been a no vote" in words


def test_employers_known_by_their_initials_keep_them_and_each_is_the_nlrbs_own_spelling(project_data_dir):
    """'URS FEDERAL SERVICES, INC.' is URS Federal Services, not 'Urs': the initials the NLRB's own mixed-case
    names write in capitals (and never in title case) stay in capitals, while other words in capitals still get
    title case and the word checker still flags a name left in capitals."""
    assert short_employer("URS FEDERAL SERVICES, INC.") == "URS Federal Services"
    assert display_name("GGNSC ADMINISTRATIVE SERVICES LLC") == "GGNSC Administrative Services LLC"
    assert display_name("URSULA FOODS, INC.") == "Ursula Foods, Inc."  # a word that starts like one is a word
    assert word_problems("URS Federal Services") == [] and word_problems("ABM Industries") == []
    assert word_problems("URSULA FOODS COMPANY")  # still a name in capitals
    employers = pd.read_csv(project_data_dir / "national" / "elections.csv.gz", usecols=["employer"], dtype=str)
    mixed = [n for n in employers["employer"].dropna().unique() if re.search(r"[a-z]{2}", n)]
    words = [w for n in mixed for w in re.findall(r"[A-Za-z]+", n)]
    in_capitals = Counter(w for w in words if w.isupper())
    in_title_case = {w.upper() for w in words if w[:1].isupper() and w[1:].islower()}
    for acronym in EMPLOYER_ACRONYMS:
        assert in_capitals[acronym] >= 2 and acronym not in in_title_case, acronym


def _close_and_large(i: int) -> dict:
    """A FOIA row: every third election close (a margin of 2, 5 challenged ballots), the others large and clear."""
    close = i % 3 == 0
    return foia_row(
        f"06-RC-{200001 + i}",
        f"2019-{1 + i % 12:02d}-15",
        yes=12 if close else 300 + i,
        no=10 if close else 100,
        challenged=5 if close else 1,
        eligible=30 if close else 500 + i,
        name=f"Shop {i}",
    )


def test_challenged_margin_of_a_large_folder_lists_the_close_elections_and_says_so(tmp_path):
    """Of many elections, challenged-margin lists those whose challenged ballots could change the result (the
    finding), not the largest units (which are rarely close), and says which in its words at every size."""
    ds = _import(tmp_path, [_close_and_large(i) for i in range(30)])
    spec = chart("challenged-margin", ds).spec
    assert spec.title == "Challenged ballots could change the result in 10 of 30 elections in New York, 2019"
    assert len(spec.data) < 10 and spec.data["determinative"].all()
    assert spec.selection == (
        f"Shown: the {len(spec.data)} largest units of the 10 elections where challenged ballots could change the "
        "result, by eligible voters."
    )
    assert spec.selection.rstrip(".") in spec.subtitle and spec.selection.rstrip(".") in spec.alt_text


def test_challenged_margin_says_one_election_in_its_own_words(tmp_path):
    """One election: never '0 of 1 elections'; the title says what its challenged ballots could do, and where."""
    one = _import(tmp_path, [foia_row("06-RC-300001", "2019-03-15", yes=12, no=6, challenged=3, name="Shop")])
    title = chart("challenged-margin", one).spec.title
    assert title == "The 3 challenged ballots at Shop in Albany, N.Y., could not change the result"
    assert word_problems(title) == []
    close = [foia_row("06-RC-300002", "2019-03-15", yes=12, no=10, challenged=5, name="Shop")]
    (tmp_path / "close").mkdir()
    assert chart("challenged-margin", _import(tmp_path / "close", close)).spec.title == (
        "The 5 challenged ballots at Shop in Albany, N.Y., could change the result"
    )
    two = [foia_row(f"06-RC-30000{i}", f"{2018 + i}-03-15", yes=12, no=6, challenged=3) for i in (1, 2)]
    (tmp_path / "two").mkdir()
    assert chart("challenged-margin", _import(tmp_path / "two", two)).spec.title == (
        "Challenged ballots could not change the result in any of the 2 elections at Acme, 2019-2020"
    )


def test_the_time_line_of_a_folder_too_large_to_list_is_left_out_with_its_reason(tmp_path):
    """3 dots for 17,569 elections say nothing of when the votes came: a folder the time line cannot list at least
    half of is left out, pointing to the chart that counts by year; its story chart is that one."""
    ds = _import(tmp_path, [_close_and_large(i) for i in range(30)])
    _, left_out = chart_plan(ds, [])
    reason = next(lo.reason for lo in left_out if lo.slug == "timeline")
    assert reason.startswith("a time line lists each election, and only ") and "of the 30 fit" in reason
    assert "elections-by-year counts every election by year" in reason and word_problems(reason) == []
    passage = story.Passage("Words.").charting(ds, "timeline", instead="elections-by-year")
    drawn = passage.chart.image()
    assert not isinstance(drawn, str) and drawn[1] == chart("elections-by-year", ds).alt_text
    assert chart("timeline", load()).title.startswith("Since the first union win at Amazon")  # ours: all 7 listed


def test_a_counted_vote_s_scenario_heat_map_speaks_in_the_past(tmp_path):
    """A heat map of a vote counted years ago does not say 'the union needs': it needed (would have, where set
    aside)."""
    ds = _import(tmp_path, [foia_row("06-RC-400001", "2017-03-15", yes=40, no=60, challenged=50, eligible=160)])
    eid = ds.elections["election_id"].iloc[0]
    spec = chart("scenario-heatmap", ds, election_id=eid).spec
    assert "the union needed " in spec.title and "needs" not in spec.title + spec.alt_text
    assert "the union needed " in spec.alt_text
    ours = chart("scenario-heatmap", load(), election_id="bhm1-2022").spec  # set aside
    assert "the union would have needed 64.4%" in ours.title and "needs" not in ours.alt_text


def test_a_share_that_rounds_to_nothing_is_counted_not_printed_as_zero():
    assert national._share_words(0, 147) == "none (0 of 147)"
    assert national._share_words(1, 4_000) == "under 0.1% (1 of 4,000)"
    assert national._share_words(69, 1_249) == "5.5% (69 of 1,249)"
    assert national._share_words(0, SMALL_GROUP - 1) == f"0 of {SMALL_GROUP - 1}"  # a handful: a count, no rate
    alt = chart("national-determinative-challenged-ballots", load()).alt_text
    assert "0.0%" not in alt and "Amazon: 1 of 6" in alt


def test_vote_shares_all_of_one_election_or_of_no_majority_reads_as_a_copy_desk_prints_it(tmp_path):
    """Never 'in 0 of 1 elections' nor 'in 0 of 3': the one election's own words, or 'none of the 3'."""
    lost = [foia_row(f"06-RC-50000{i}", f"2019-0{1 + i}-15", yes=4, no=10, name="Shop") for i in range(3)]
    (tmp_path / "three").mkdir()
    three = _import(tmp_path / "three", lost)
    assert chart("vote-shares-all", three).title == (
        "Unions won a majority of valid votes in none of the 3 elections at Shop, 2019"
    )
    (tmp_path / "one").mkdir()
    one = _import(tmp_path / "one", lost[:1])
    assert chart("vote-shares-all", one).title == "The union did not win a majority of valid votes at Shop, 2019"
    reasons = {lo.slug: lo.reason for lo in chart_plan(one)[1]}
    assert reasons["elections-by-year"] == "the listing charts show the one election; no summary is needed"


def test_a_unit_larger_than_nearly_all_is_never_larger_than_100_percent_of_them():
    """Duke University's 2017 unit outranks 99.9% of the nation's: 'larger than 99%', not '100%' (rounded down:
    'larger than' a rounded-up share would overstate it)."""
    duke = only_elections(load(national_dir()), ["10-rc-187957-2017"])
    title = chart("national-unit-sizes", duke).title
    assert "larger than 99% of the units" in title and "100%" not in title
    assert "larger than 96% of the units" in chart("national-unit-sizes", load()).title  # ours: 96.5%


def test_a_selection_of_one_state_says_so_in_its_titles():
    """Alabama's elections of the national record are not the nation's: their overview titles say 'in Alabama'."""
    alabama = load(national_dir()).select(state="AL")
    for name in ("elections-by-year", "elections-by-company", "vote-shares-all", "turnout-all", "challenged-margin"):
        spec = chart(name, alabama).spec
        assert " in Alabama" in spec.title and spec_problems(spec, alabama) == [], name
    assert chart("turnout-all", alabama).alt_text.startswith("Bar chart of turnout in 41 union elections in Alabama")
    assert " in Alabama" not in chart("vote-shares-all", load()).title  # ours: at Amazon, in several states
