"""The copy desk's word check (tests/public_words.py) over every title, subtitle, alt text and report sentence the
package writes: for our data, for an import of the NLRB's real files (as `charts` selects at its defaults), and for
generated folders."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from public_words import passages_problems, spec_problems, word_problems
from strategies import data_folders

from labor_analysis import load, story
from labor_analysis.charts import chart_plan
from labor_analysis.cli.charts import MAX_ELECTIONS
from labor_analysis.gallery import chosen_elections, only_elections
from labor_analysis.nlrb import import_files
from labor_analysis.paths import nlrb_records_dir

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
