"""One challenged-ballot scenario: what the challenged ballots of one election could do, worded one way.

`scenario(ds, "bhm1-2022", overruled=1.0, yes_share=0.65)` returns a `Scenario`: the exact chance of a union win
(`rules.win_probability`), the yes votes it needs (`rules.yes_needed`), whether the challenged ballots are
determinative (`rules.is_determinative`), the grid over both shares (`rules.scenario_grid`) and its heat map. The
command line, the ipywidgets explorer, the offline explorer and the story use its words, in the NLRB's terms: a
challenge is *overruled* (the ballot is opened and counted) or *sustained* (the ballot is not counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .rules import is_determinative, scenario_grid, win_probability, yes_needed
from .safe_html import escape_markdown
from .text import challenged_ballots_sentence, fmt_int, fmt_pct, fmt_probability

if TYPE_CHECKING:
    from .loading import Dataset


def share_words(share: float) -> str:
    """An assumed share as a percentage: '65%' when it is a whole percentage, else '46.8%'."""
    return f"{round(100 * share):d}%" if abs(100 * share - round(100 * share)) < 1e-9 else fmt_pct(share)


def probability_template(challenged: int, yes_share_reason: str = "", *, overruled: str = "some") -> str:
    """The chance of a union win in one sentence, with `{overruled}`, `{yes_share}` and `{chance}` left to fill in
    (the offline explorer fills them in its page as the sliders move; `Scenario.probability_text` here). Each
    challenge is overruled with the chance `{overruled}`, independently. `overruled`: "some" for that sentence,
    "all" for a chance of 100% (every challenged ballot counted) and "none" for 0% (none counted), so no sentence
    says 'the challenges to 100%' or 'overruled with probability 0%, so its ballot is opened'."""
    one, n = challenged == 1, fmt_int(challenged)
    counted = f"{{yes_share}}{yes_share_reason}, " + ("" if one else "independently of the others, ")
    if overruled == "none":
        sustained = (
            "the challenge is sustained, so the challenged ballot is not"
            if one
            else f"all {n} challenges are sustained, so no challenged ballot is"
        )
        return f"If {sustained} counted, the union wins with probability {{chance}}."
    if overruled == "all":
        opened = (
            "the challenge is overruled, so the challenged ballot is opened and counted, and it is"
            if one
            else f"all {n} challenges are overruled, so every challenged ballot is opened and counted, and each is"
        )
        return f"If {opened} a yes vote with probability {counted}the union wins with probability {{chance}}."
    if one:
        return (
            "If the one challenge is overruled with probability {overruled}, so the ballot is opened and counted "
            f"(if sustained, it is not), and the ballot, if counted, is a yes vote with probability {counted}the "
            "union wins with probability {chance}."
        )
    return (
        f"If each of the {n} challenges is overruled with probability {{overruled}}, so its ballot is opened and "
        "counted (the ballot of a sustained challenge is not), and each counted ballot is a yes vote with probability "
        f"{counted}the union wins with probability {{chance}}."
    )


def extreme(share: float) -> str:
    """`probability_template`'s case for a chance of overruling: "all" (100%), "none" (0%) or "some"."""
    return "all" if share >= 1.0 else "none" if share <= 0.0 else "some"


@dataclass(frozen=True)
class Scenario:
    """The challenged ballots of one count under stated assumptions: `overruled`, the share of challenges
    overruled (those ballots are opened and counted; the rest are sustained and not counted), and `yes_share`,
    the chance that a counted ballot is a yes vote. Build it with `scenario(ds, election_id, ...)`, or from counts.

    >>> s = Scenario(yes=875, no=993, challenged=416, overruled=1.0, yes_share=0.65)
    >>> round(s.probability, 3), s.yes_needed, s.determinative
    (0.619, 268, True)
    """

    yes: int
    no: int
    challenged: int
    overruled: float = 1.0
    yes_share: float = 0.5
    label: str = "the count"  # how the words name the election, e.g. 'Bessemer, Ala., 2022'
    yes_share_reason: str = ""  # why this yes share, e.g. ' (the yes share of the counted ballots)'
    election_id: str | None = None
    ds: Dataset | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("yes", "no", "challenged"):
            if int(getattr(self, name)) < 0:
                raise ValueError(f"{name} must not be negative (got {getattr(self, name)})")
        for name in ("overruled", "yes_share"):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1 (got {value!r})")

    @property
    def probability(self) -> float:
        """The exact chance the union wins once the challenges are resolved (`rules.win_probability`)."""
        return float(win_probability(self.yes, self.no, self.challenged, self.yes_share, self.overruled))

    @property
    def determinative(self) -> bool:
        """Whether some way of resolving the challenged ballots changes the result (`rules.is_determinative`)."""
        return bool(is_determinative(self.yes, self.no, self.challenged))

    @property
    def overruled_ballots(self) -> int:
        """The challenged ballots opened and counted at this share of challenges overruled, rounded."""
        return round(self.challenged * self.overruled)

    @property
    def yes_needed(self) -> int | None:
        """Of the ballots opened and counted, the fewest that must be yes for a union win; None when none suffice."""
        needed = yes_needed(self.yes, self.no, self.overruled_ballots)
        return None if needed is None else int(needed)

    @property
    def what_it_takes(self) -> str:
        """Whether the challenged ballots are determinative and what the union needs of them, in plain words."""
        return challenged_ballots_sentence(self.yes, self.no, self.challenged, self.overruled)

    @property
    def probability_text(self) -> str:
        """The assumptions and the resulting chance of a union win, in one sentence."""
        words = probability_template(self.challenged, self.yes_share_reason, overruled=extreme(self.overruled))
        return words.format(
            overruled=share_words(self.overruled),
            yes_share=share_words(self.yes_share),
            chance=fmt_probability(self.probability),
        )

    def sentence(self) -> str:
        """The scenario as a reader meets it: the count, then its chance in one sentence (or, when the challenged
        ballots cannot change the result, that the count decided it)."""
        count = (
            f"{self.label[:1].upper()}{self.label[1:]}: {fmt_int(self.yes)} yes, {fmt_int(self.no)} no, "
            f"{fmt_int(self.challenged)} challenged."
        )
        return f"{count} {self.probability_text if self.determinative else self.what_it_takes}"

    def grid(self, yes_shares: Any = None, overruled_shares: Any = None) -> pd.DataFrame:
        """The chance and expected counts over both shares (`rules.scenario_grid`; 0, 5, ..., 100% by default)."""
        return scenario_grid(self.yes, self.no, self.challenged, yes_shares, overruled_shares)

    def chart(self) -> Any:
        """The heat map of the union's chance over both shares (the `scenario-heatmap` chart of this election)."""
        if self.ds is None or self.election_id is None:
            raise ValueError("a scenario built from counts has no election to chart; use la.scenario(ds, election_id)")
        from .charts import chart

        return chart("scenario-heatmap", self.ds, election_id=self.election_id)

    def __str__(self) -> str:
        return self.sentence()

    def _repr_markdown_(self) -> str:
        return escape_markdown(self.sentence())

    def _repr_html_(self) -> str:
        import html

        return f"<p>{html.escape(self.sentence())}</p>"


def scenario(ds: Dataset, election_id: str, overruled: float = 1.0, yes_share: float = 0.5) -> Scenario:
    """What the challenged ballots of `election_id` (its latest tally) could do, if each challenge is overruled
    with probability `overruled` and each counted ballot is yes with probability `yes_share`.

    >>> import labor_analysis as la
    >>> s = la.scenario(la.load(), "bhm1-2022", overruled=1.0, yes_share=0.65)
    >>> round(s.probability, 2), s.yes_needed
    (0.62, 268)

    A ValueError says why when the election's ballot has several unions (the chance covers one union against no
    union) or a count was never reported; a KeyError names the known elections.
    """
    from .elections import results

    table = results(ds).set_index("election_id")
    if election_id not in table.index:
        raise KeyError(f"unknown election {election_id!r}; known: {', '.join(table.index)}")
    row = table.loc[election_id]
    if pd.notna(row["unions"]) and int(row["unions"]) > 1:
        raise ValueError(
            f"{election_id} has several unions on the ballot; the chance of a win covers one union against no union"
        )
    for choice in ("yes", "no", "challenged"):
        if pd.isna(row[choice]):
            raise ValueError(f"the {choice} ballots of {election_id} were never reported")
    return Scenario(
        yes=int(row["yes"]),
        no=int(row["no"]),
        challenged=int(row["challenged"]),
        overruled=overruled,
        yes_share=yes_share,
        label=str(row["name"]),
        election_id=election_id,
        ds=ds,
    )
