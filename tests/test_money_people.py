"""Money and people helpers: always from the preferred rows, checked against the published figures."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from labor_analysis import employer_union_ratio, load, organizers_per_voter, spending_per_voter
from labor_analysis.analysis import preferred, prorated_spending, summary, union_campaign_ratio


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


def _days(start: str, end: str) -> int:
    """Days from start to end, counting both (the convention of `prorated_spending`)."""
    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1


def test_employer_union_ratio_over_2021_prorates_the_union_campaign(ds):
    ratio = employer_union_ratio(ds, "2021-01-01", "2021-12-31")
    # Amazon's preferred 2021 figure lies wholly inside 2021; the ALU's campaign (2021-04-20 to 2022-03-01)
    # only partly, so only its 2021 days count, assuming even spending.
    assert ratio["employer_usd"] == 4_300_000
    union = 100_000 * _days("2021-04-20", "2021-12-31") / _days("2021-04-20", "2022-03-01")
    assert _days("2021-04-20", "2021-12-31") == 256 and _days("2021-04-20", "2022-03-01") == 316
    assert ratio["union_usd"] == pytest.approx(union)
    assert ratio["ratio"] == pytest.approx(4_300_000 / union)
    assert ratio["approximate"]  # the union's figure is flagged approximate


def test_union_campaign_ratio_compares_like_with_like(ds):
    ratio = union_campaign_ratio(ds)
    assert (ratio["period_start"], ratio["period_end"]) == (pd.Timestamp("2021-04-20"), pd.Timestamp("2022-03-01"))
    in_2021 = 4_300_000 * _days("2021-04-20", "2021-12-31") / _days("2021-01-01", "2021-12-31")
    in_2022 = 14_200_000 * _days("2022-01-01", "2022-03-01") / _days("2022-01-01", "2022-12-31")
    assert _days("2022-01-01", "2022-03-01") == 60
    assert ratio["employer_usd"] == pytest.approx(in_2021 + in_2022)
    assert ratio["union_usd"] == pytest.approx(100_000)
    assert ratio["ratio"] == pytest.approx((in_2021 + in_2022) / 100_000)
    assert 53 < ratio["ratio"] < 54  # not the 185 of adding both whole years
    parts = prorated_spending(ds, ratio["period_start"], ratio["period_end"])
    assert parts["overlap_days"].tolist() == [256, 60, 316]
    assert 4_200_000 not in set(parts["amount_usd"])  # preferred rows only


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


def test_organizers_come_only_from_organizers_rows(ds):
    # The Bessemer count of outside organizers is another measure and is not compared.
    table = organizers_per_voter(ds)
    organizers = preferred(ds.workforce)
    assert set(table["election_id"]) == set(organizers.loc[organizers["measure"] == "organizers", "election_id"])
    assert "bhm1-2021" not in set(table["election_id"])


def test_summary_is_cached_per_dataset_but_returns_copies(ds):
    first = summary(ds)
    first.loc[0, "yes"] = -1
    assert summary(ds).loc[0, "yes"] != -1
    assert summary(load(ds.data_dir)).equals(summary(ds))
