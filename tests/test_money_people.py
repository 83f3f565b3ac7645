"""Money and people helpers: always from the preferred rows, checked against the published figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from labor_analysis import employer_union_ratio, load, organizers_per_voter, spending_per_voter


@pytest.fixture(scope="module")
def ds(project_data_dir):
    return load(project_data_dir)


def test_spending_per_voter_uses_the_preferred_2021_figure(ds):
    table = spending_per_voter(ds, ["jfk8-2022"])
    amazon_2021 = table[(table["spender"] == "Amazon") & (table["period_start"].dt.year == 2021)]
    assert amazon_2021["amount_usd"].tolist() == [4_300_000]  # not the unconfirmed 4.2 million
    row = amazon_2021.iloc[0]
    assert row["usd_per_eligible_voter"] == pytest.approx(4_300_000 / 8325)
    assert row["usd_per_valid_vote"] == pytest.approx(4_300_000 / (2654 + 2131))


def test_spending_per_voter_sums_the_chosen_elections(ds):
    table = spending_per_voter(ds, ["jfk8-2022", "ldj5-2022"])
    assert set(table["eligible_voters"]) == {8325 + 1633}
    assert set(table["valid_votes"]) == {2654 + 2131 + 380 + 618}
    assert "cash_on_hand" not in set(table["measure"])
    assert table["approximate"].dtype == bool


def test_spending_per_voter_rejects_unknown_elections(ds):
    with pytest.raises(KeyError, match="nope-2020"):
        spending_per_voter(ds, ["nope-2020"])


def test_employer_union_ratio_over_2021(ds):
    ratio = employer_union_ratio(ds, "2021-01-01", "2021-12-31")
    # Amazon's preferred 2021 figure against the ALU's campaign money (its period overlaps 2021).
    assert ratio["employer_usd"] == 4_300_000
    assert ratio["union_usd"] == 100_000
    assert ratio["ratio"] == pytest.approx(43.0)


def test_employer_union_ratio_without_union_spending_is_nan(ds):
    ratio = employer_union_ratio(ds, "2024-01-01", "2024-12-31")
    assert ratio["employer_usd"] == 12_700_000 and ratio["union_usd"] == 0
    assert math.isnan(ratio["ratio"])


def test_organizers_per_voter_uses_the_preferred_jfk8_count(ds):
    table = organizers_per_voter(ds).set_index("election_id")
    assert table.loc["jfk8-2022", "organizers"] == 30  # about 30, not the core of about 20
    assert table.loc["jfk8-2022", "eligible_voters_per_organizer"] == pytest.approx(8325 / 30)
    assert table.loc["ldj5-2022", "organizers_per_eligible_voter"] == pytest.approx(10 / 1633)
    assert table.index.is_unique


def test_preferred_flag_decides(data_copy):
    workforce = pd.read_csv(data_copy / "workforce.csv", dtype=str, keep_default_na=False)
    jfk8 = (workforce["election_id"] == "jfk8-2022") & (workforce["measure"] == "organizers")
    workforce.loc[jfk8, "preferred"] = workforce.loc[jfk8, "preferred"].map({"true": "false", "false": "true"})
    workforce.to_csv(data_copy / "workforce.csv", index=False)
    table = organizers_per_voter(load(data_copy)).set_index("election_id")
    assert table.loc["jfk8-2022", "organizers"] == 20
