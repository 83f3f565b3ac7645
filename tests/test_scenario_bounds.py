"""`labor-analysis scenario` and `rules.win_probability` on any input (issue #21, reproducers 6 and 7): numbers
checked with the data files' rules and bounds, and the cost bounded for every count the contract allows."""

from __future__ import annotations

import math
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from labor_analysis import rules
from labor_analysis.cli import main
from labor_analysis.schema import MAX_COUNT

CLI = str(Path(sys.executable).with_name("labor-analysis"))


@pytest.mark.parametrize(
    "value",
    ["1_000", "+5", " 5", "5 ", "\u0665", "\uff15", "5e3", "5.0", "-5", "0x5", "", str(MAX_COUNT + 1), "9" * 20],
)
@pytest.mark.parametrize("option", ["--yes", "--no", "--challenged"])
def test_counts_follow_the_data_files_rules(capsys, option, value):
    """Reproducer 7: `1_000`, Arabic-Indic digits, `+5`, `" 5"` and counts past the bound were accepted."""
    argv = {"--yes": "10", "--no": "5", "--challenged": "3"}
    argv[option] = value
    assert main(["scenario", *(x for kv in argv.items() for x in kv)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"labor-analysis scenario: error: argument {option}")


@pytest.mark.parametrize("value", ["nan", "inf", "1e-1", "-0.5", "+0.5", " 0.5", "1.5", "0,5", "\u0660.5"])
def test_shares_are_plain_decimals_between_0_and_1(capsys, value):
    assert main(["scenario", "--yes", "10", "--no", "10", "--challenged", "3", "--overruled", value]) == 2
    assert "argument --overruled" in capsys.readouterr().err


def test_the_bound_itself_is_accepted(capsys):
    assert main(["scenario", "--yes", "0", "--no", "0", "--challenged", str(MAX_COUNT), "--yes-share", "0.5"]) == 0
    out = capsys.readouterr().out
    assert f"{MAX_COUNT:,} challenged" in out and "wins with probability" in out


@pytest.mark.parametrize("challenged", ["99999999999999999999", "3000000000"])
def test_huge_counts_are_refused_without_allocating(challenged):
    """Reproducer 6: a traceback for 10^20 challenged ballots, 23 GB allocated for 3,000,000,000."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [CLI, "scenario", "--yes", "10", "--no", "5", "--challenged", challenged], capture_output=True, text=True
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "10,000,000" in done.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss <= max(before, 500 * 1024)


def test_the_largest_count_stays_within_500_mb():
    """The worst input the contract allows, in a fresh process: peak memory (not time: machines are noisy)."""
    done = subprocess.run(
        [CLI, "scenario", "--yes", "1", "--no", "1", "--challenged", str(MAX_COUNT), "--overruled", "0.5"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 500 * 1024


def test_win_probability_refuses_more_than_the_contract():
    with pytest.raises(ValueError, match="at most 10,000,000"):
        rules.win_probability(1, 1, MAX_COUNT + 1, 0.5)
    with pytest.raises(ValueError, match="at most 10,000,000"):
        rules.win_probability(np.array([1, 1]), np.array([1, 1]), np.array([3, 3e9]), 0.5)


def test_the_window_covers_at_most_the_stated_mass():
    c = np.array([float(MAX_COUNT)])
    for p in (0.0, 0.01, 0.5, 1.0):
        lo, hi = rules._yes_window(c, np.array([p]))
        half = (hi - lo) / 2
        assert 0 <= lo[0] <= c[0] * p <= hi[0] <= c[0]
        # Hoeffding: P(|Y - cp| >= t) <= 2 exp(-2 t^2 / c); the window's half-width t makes that the stated mass
        t = min(c[0] * p - lo[0], hi[0] - c[0] * p) if 0 < p < 1 else half[0]
        if 0 < p < 1:
            assert 2 * math.exp(-2 * t**2 / c[0]) <= rules.WINDOW_MASS_LEFT_OUT


@pytest.mark.parametrize("challenged", [rules.FULL_SUM_MAX + 1, 250_000, 600_000])
def test_the_windowed_sum_matches_the_full_sum_where_both_run(monkeypatch, challenged):
    """Beyond FULL_SUM_MAX the sum runs over a window; the full sum still runs at these sizes, and agrees."""
    rng = np.random.default_rng(challenged)
    lead = rng.integers(-challenged // 200, challenged // 200, size=6)
    yes, no = np.maximum(lead, 0), np.maximum(-lead, 0)
    c = np.full(6, challenged)
    q, u = rng.uniform(0.45, 0.55, size=6), rng.uniform(0.2, 1.0, size=6)
    windowed = rules.win_probability(yes, no, c, q, u)
    monkeypatch.setattr(rules, "FULL_SUM_MAX", 10**9)
    full = rules.win_probability(yes, no, c, q, u)
    assert np.max(np.abs(windowed - full)) <= 1e-15


def test_the_largest_count_against_scipy():
    """An independent computation: with every challenge overruled, the union wins when Y > (c - lead) / 2."""
    from scipy.stats import binom

    for lead, q in ((1, 0.5), (-3000, 0.5002), (0, 0.4999)):
        got = rules.win_probability(max(lead, 0), max(-lead, 0), MAX_COUNT, q, 1.0)
        expected = binom.sf(math.floor((MAX_COUNT - lead) / 2), MAX_COUNT, q)
        assert got == pytest.approx(expected, rel=1e-7)


def test_the_grid_window_matches_the_full_sum(monkeypatch):
    """scenario_grid sums over the window beyond GRID_FULL_SUM_MAX; at 20,000 challenged ballots both run."""
    shares = np.linspace(0.4, 0.6, 5)
    windowed = rules.scenario_grid(100, 150, 20_000, yes_shares=shares, overruled_shares=shares)
    monkeypatch.setattr(rules, "GRID_FULL_SUM_MAX", 10**9)
    full = rules.scenario_grid(100, 150, 20_000, yes_shares=shares, overruled_shares=shares)
    assert np.max(np.abs(windowed["win_probability"] - full["win_probability"])) <= 1e-15
    with pytest.raises(ValueError, match="at most 10,000,000"):
        rules.scenario_grid(1, 1, MAX_COUNT + 1)
