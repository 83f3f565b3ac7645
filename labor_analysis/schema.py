"""The data contract: every file, column, type, allowed value and default, in one place.

`data/datapackage.json` and the tables in `data/README.md` describe the same contract; the tests check
that they agree with this module, so the three never drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Field:
    """One column: its Table Schema type, meaning, whether it may be empty or left out, bounds and default.

    `default` is the cell text a column takes when its cell is empty or the whole column is absent from the
    file (only allowed for an `optional_column`), so a file without the column loads exactly as one with it
    empty. None: an empty cell stays missing.
    """

    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, boolean, date
    description: str
    required: bool = True  # the cell may not be empty
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # regular expression the whole non-empty cell must match
    optional_column: bool = False  # the header may leave the column out
    default: str | None = None  # cell text filled in for an empty cell or an absent column


@dataclass(frozen=True)
class Table:
    """One CSV file of the data folder."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())  # (column, table, column)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


SOURCE_FK = ("source_id", "sources", "source_id")
ELECTION_FK = ("election_id", "elections", "election_id")

#: Stages of a count, in order: `initial` < `revised-1` < `revised-2` < ... < `final`.
STAGE_PATTERN = "initial|revised-[1-9][0-9]*|final"
CHOICES = ("yes", "no", "void", "challenged")
VOTING_METHODS = ("in_person", "mail", "mixed")
ELECTION_KINDS = ("initial", "rerun", "runoff")
#: What the NLRB decided about an election after its count (elections.csv `status`).
ELECTION_STATUSES = ("certified", "results_certified", "set_aside")
#: Who in the NLRB made that decision (elections.csv `status_by`).
STATUS_DECIDERS = ("regional_director", "hearing_officer", "administrative_law_judge", "board")
#: The NLRB's certification that closed an election: `won` a certification of representative (the union
#: represents the unit; in an RD decertification case it keeps its certification), `lost` a certification of
#: results (no union represents the unit; in an RD case the union is decertified). Always the union's side, like
#: `outcome`.
CERTIFIED_RESULTS = ("won", "lost")
SIDES = ("employer", "union")
SPENDING_MEASURES = ("spent", "raised", "cash_on_hand")
WORKFORCE_MEASURES = (
    "organizers",
    "outside_organizers",
    "employees",
    "eligible_voters",
    "ballots_returned",
    "showing_of_interest_pct",
    "states_contacting_union",
)
#: `<lower-case facility code>-<4-digit year of the count>`; the code may itself hold dashes (`wfm-phl-2025`).
ELECTION_ID_PATTERN = "([a-z0-9]+-)+[0-9]{4}"
#: Web addresses: http or https with a host, nothing else (no `javascript:`, `data:` or relative links). Written
#: so that a string matches in one way only: validation checks a whole column in one pass of the pattern, and
#: an ambiguous pattern would backtrack for ever over a column with one bad cell.
URL_PATTERN = "https?://[^\\s/?#]+([/?#][^\\s]*)?"
#: Every date lies between the National Labor Relations Act (signed 1935-07-05) and this far-off bound.
DATE_MIN, DATE_MAX = "1935-07-05", "2100-12-31"
#: Largest count of people or ballots: far above any bargaining unit, far below integer overflow.
MAX_COUNT = 10_000_000
MAX_USD = 1_000_000_000_000
BOOLEAN_TRUE, BOOLEAN_FALSE = "true", "false"


def _note(description: str) -> Field:
    """The optional free-text `note` column every file may carry."""
    return Field("note", "string", description, required=False, optional_column=True)


def _flag(name: str, description: str) -> Field:
    """An optional true/false column that is false unless the file says otherwise."""
    return Field(name, "boolean", description, required=False, optional_column=True, default=BOOLEAN_FALSE)


#: How an outlet qualified an approximate figure (spending and workforce `qualifier`).
QUALIFIERS = ("about", "over", "up_to")


def _qualifier() -> Field:
    """The optional `qualifier` column: the word an approximate figure was reported with."""
    return Field(
        "qualifier",
        "string",
        "How an approximate figure was reported: `about`, `over` or `up_to` (up to), so the words repeat it; "
        "empty on an approximate row means `about`.",
        required=False,
        enum=QUALIFIERS,
        optional_column=True,
    )


def _preferred(group: str) -> Field:
    """The `preferred` column of spending and workforce: which of several disagreeing rows the charts use."""
    return Field(
        "preferred",
        "boolean",
        f"The row charts and helpers use when outlets disagree: exactly one `true` per {group}. When the column "
        "is absent or a cell empty, a row alone in its group is the preferred one; a group of several rows must "
        "mark one `true`.",
        required=False,
        optional_column=True,
    )


TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        "Every publication or record a figure comes from. Each row of the other files cites one.",
        (
            Field("source_id", "string", "Short stable identifier cited by the other files."),
            Field("publisher", "string", "Outlet or body that published the figure."),
            Field("title", "string", "Title of the article, record or page."),
            Field(
                "url",
                "string",
                "Web address, `http://` or `https://` only; empty where none was recorded.",
                required=False,
                pattern=URL_PATTERN,
                optional_column=True,
            ),
            Field("published", "date", "Publication date; empty where unknown.", required=False, optional_column=True),
            _note("Which figures come from this source, and caveats."),
        ),
        ("source_id",),
    ),
    Table(
        "elections",
        "One row per NLRB representation election (a rerun or run-off is an election of its own).",
        (
            Field(
                "election_id",
                "string",
                "`<facility code in lower case>-<year of the count>`, e.g. `jfk8-2022`; the year is the count date's. "
                "A second election at one workplace in one year adds a part to the code (`jfk8-runoff-2022`).",
                pattern=ELECTION_ID_PATTERN,
            ),
            Field("employer", "string", "Employer named on the petition."),
            Field(
                "company",
                "string",
                "The company the employer belongs to, as readers know it (`Amazon` for Amazon.com Services LLC "
                "and for Whole Foods Market, its subsidiary). Titles, labels and prose name it when every election "
                "shares one; empty: the employer",
                required=False,
                optional_column=True,
            ),
            Field("facility", "string", "Facility code (or the workplace's name)."),
            Field("city", "string", "City of the workplace; empty where the record does not give it.", required=False),
            Field(
                "state",
                "string",
                "Two-letter US state code; empty where the record does not give it.",
                required=False,
                pattern="[A-Z]{2}",
            ),
            Field(
                "union",
                "string",
                "Petitioning union (short name); on a ballot with several unions, the one "
                "named first (tallies.csv names each).",
            ),
            Field(
                "voting_method",
                "string",
                "How ballots were cast; empty where unknown.",
                required=False,
                enum=VOTING_METHODS,
                optional_column=True,
            ),
            Field(
                "vote_start", "date", "First day of voting; empty where unknown.", required=False, optional_column=True
            ),
            Field(
                "vote_end",
                "date",
                "Last day of voting (or mail ballots due); empty where unknown.",
                required=False,
                optional_column=True,
            ),
            Field("count_date", "date", "Day the NLRB counted the ballots."),
            Field(
                "eligible_voters",
                "integer",
                "Workers eligible to vote in the unit; empty where unknown.",
                required=False,
                minimum=1,
                maximum=MAX_COUNT,
            ),
            _flag("eligible_approximate", "True when the eligible count was reported as approximate."),
            Field(
                "case_number",
                "string",
                "NLRB case number; empty where not confirmed.",
                required=False,
                optional_column=True,
            ),
            Field(
                "unit",
                "string",
                "The NLRB's voting unit or group within the case, such as `A`; empty when the case has one.",
                required=False,
                optional_column=True,
            ),
            Field(
                "kind",
                "string",
                "`initial` (the first election of a petition), `rerun` (ordered after the "
                "first was set aside) or `runoff` (between the two leading choices of a ballot no choice won).",
                required=False,
                enum=ELECTION_KINDS,
                optional_column=True,
                default="initial",
            ),
            Field(
                "certified",
                "string",
                "The result the NLRB certified, from the union's side like the count's `outcome`: `won` (a "
                "certification of representative: the union represents the unit; in an RD decertification case it "
                "keeps its certification) or `lost` (a certification of results: no union represents the unit; in "
                "an RD case the union is decertified, in an RM case the employer's petition ends without one); "
                "empty where no certification is on record (unknown, not a loss)",
                required=False,
                enum=CERTIFIED_RESULTS,
                optional_column=True,
            ),
            _flag(
                "self_determination",
                "True for a self-determination (Armour-Globe) vote, in which a group "
                "chooses whether to join an existing unit.",
            ),
            Field(
                "status",
                "string",
                "What the NLRB decided after the count, the latest decision on record: `certified` (the union "
                "certified as the workers' representative), `results_certified` (the result certified: no union) "
                "or `set_aside` (the election set aside and a new one ordered); empty: no decision on record. The "
                "words after a count come from these `status` columns, never from `note`.",
                required=False,
                enum=ELECTION_STATUSES,
                optional_column=True,
            ),
            Field(
                "status_date",
                "date",
                "Day of the decision in `status`; empty where unknown.",
                required=False,
                optional_column=True,
            ),
            Field(
                "status_by",
                "string",
                "Who in the NLRB made the decision in `status`; empty where not recorded.",
                required=False,
                enum=STATUS_DECIDERS,
                optional_column=True,
            ),
            _flag("status_appealed", "True when the decision in `status` has been appealed and the appeal is pending."),
            Field(
                "status_source_id",
                "string",
                "Source of the decision in `status`; empty when `status` is empty.",
                required=False,
                optional_column=True,
            ),
            Field("source_id", "string", "Source of the election's details and eligible voters."),
            _note("Caveats and what happened after the count."),
        ),
        ("election_id",),
        (SOURCE_FK, ("status_source_id", "sources", "source_id")),
    ),
    Table(
        "tallies",
        "Ballots by choice: one row per election, stage, choice and union. Every stage of an election has one "
        "`no`, one `void` and one `challenged` row and a `yes` row per union on the ballot.",
        (
            Field("election_id", "string", "Election the ballots belong to."),
            Field(
                "stage",
                "string",
                "`initial`: the count on count day; `revised-1`, `revised-2`, ...: each "
                "revised tally (after challenged ballots were opened, or corrected), numbered from 1 without "
                "gaps; `final`: the tally that closed the count. The latest stage is `final` when present, "
                "else the highest revision, else `initial`.",
                pattern=STAGE_PATTERN,
            ),
            Field(
                "choice",
                "string",
                "`yes` (votes for a union) and `no` (for no union) are valid votes; `void` "
                "ballots count toward turnout only; `challenged` ballots are set aside unopened.",
                enum=CHOICES,
            ),
            Field(
                "union",
                "string",
                "On a ballot with several unions, the union a `yes` row counts, each "
                "named once per stage and the same in every stage; empty on a single-union ballot (the "
                "election's union) and on `no`, `void` and `challenged` rows.",
                required=False,
                optional_column=True,
                default="",
            ),
            Field(
                "ballots",
                "integer",
                "Number of ballots; empty where the figure was never reported.",
                required=False,
                minimum=0,
                maximum=MAX_COUNT,
            ),
            Field("source_id", "string", "Source of this figure."),
            _note("Caveats."),
        ),
        ("election_id", "stage", "choice", "union"),
        (ELECTION_FK, SOURCE_FK),
    ),
    Table(
        "spending",
        "Money spent or raised by each side, one row per reported figure.",
        (
            Field("spender", "string", "Who spent or raised the money."),
            Field("side", "string", "Side of the campaign.", enum=SIDES),
            Field("purpose", "string", "What the money was for, as reported."),
            Field(
                "measure",
                "string",
                "`spent`, `raised` or `cash_on_hand` (a balance on `period_end`).",
                required=False,
                enum=SPENDING_MEASURES,
                optional_column=True,
                default="spent",
            ),
            Field("period_start", "date", "First day the figure covers."),
            Field("period_end", "date", "Last day the figure covers."),
            Field("amount_usd", "integer", "Amount in US dollars.", minimum=0, maximum=MAX_USD),
            _flag("approximate", "True when reported as about, over or up to the amount."),
            _qualifier(),
            _flag("unconfirmed", "True when no second report confirms the figure."),
            _preferred("spender, measure and period"),
            Field("source_id", "string", "Source of this figure."),
            _note("Caveats, and why a row is or is not preferred."),
        ),
        ("spender", "purpose", "measure", "period_start", "period_end", "source_id"),
        (SOURCE_FK,),
    ),
    Table(
        "workforce",
        "Worker counts around each election (organizers, employees, showing of interest), one row per reported figure.",
        (
            Field("election_id", "string", "Election the count belongs to."),
            Field(
                "measure",
                "string",
                "What is counted: `organizers` (the union's worker-organizers), `outside_organizers` (organizers "
                "a union brought in), `employees`, `eligible_voters` (where outlets disagree with elections.csv), "
                "`ballots_returned` (mail ballots), `showing_of_interest_pct` (percent of the unit that signed "
                "cards when the petition was filed) or `states_contacting_union`.",
                enum=WORKFORCE_MEASURES,
            ),
            Field(
                "value",
                "integer",
                "The count (or percent, for `showing_of_interest_pct`).",
                minimum=0,
                maximum=MAX_COUNT,
            ),
            _flag("approximate", "True when reported as about or over the value."),
            _qualifier(),
            _flag("unconfirmed", "True when no second report confirms the figure."),
            _preferred("election and measure"),
            Field("source_id", "string", "Source of this figure."),
            _note("Caveats."),
        ),
        ("election_id", "measure", "source_id"),
        (ELECTION_FK, SOURCE_FK),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: The columns of spending and workforce that group rows disagreeing about one figure (one preferred per group).
PREFERRED_GROUPS: dict[str, tuple[str, ...]] = {
    "spending": ("spender", "measure", "period_start", "period_end"),
    "workforce": ("election_id", "measure"),
}

#: The rank of `final`: above any revision.
FINAL_RANK = 2**31
_REVISION = re.compile(r"revised-([1-9][0-9]*)")


def _rank(stage: object) -> int:
    """The order of one stage text; -1 for anything that is not a stage."""
    if stage == "initial":
        return 0
    if stage == "final":
        return FINAL_RANK
    match = _REVISION.fullmatch(stage) if isinstance(stage, str) else None
    return min(int(match.group(1)), FINAL_RANK - 1) if match else -1


def stage_rank(stage: str | pd.Series | np.ndarray) -> int | np.ndarray:
    """The order of stages: `initial` 0, `revised-N` N, `final` FINAL_RANK (above any revision); -1 otherwise.

    The latest stage of an election is the one of highest rank. Takes one stage or a Series/array of them
    (vectorised: each distinct text is parsed once; a loaded `tallies.stage`, categorical, costs nothing) and
    returns an int or an int64 array.
    """
    if isinstance(stage, str):
        return _rank(stage)
    categorical = stage.array if isinstance(stage, pd.Series) else stage
    if isinstance(categorical, pd.Categorical):
        codes, distinct = np.asarray(categorical.codes), np.asarray(list(categorical.categories), dtype=object)
    else:
        codes, distinct = pd.factorize(np.asarray(stage, dtype=object))
    ranks = np.array([_rank(s) for s in distinct] + [-1], dtype=np.int64)  # the last slot answers code -1 (empty)
    return ranks[codes]


#: Package-level metadata of `data/datapackage.json`.
PACKAGE_NAME = "amazon-union-elections"
PACKAGE_TITLE = "NLRB union elections at Amazon's US workplaces"
PACKAGE_DESCRIPTION = (
    "Tallies, eligible voters, campaign money and organizer counts of the union elections at Amazon "
    "warehouses and stores, every row citing its source. The data dictionary is README.md beside this file."
)


def presence(f: Field) -> str:
    """Whether a column may be left out of the header and its cells left empty, and what empty means."""
    if f.required:
        return "Required."
    if not f.optional_column:
        return "May be empty."
    if f.default:
        return f"Optional column; empty or absent means `{f.default}`."
    return "Optional column; may be empty."


def _field_descriptor(f: Field) -> dict:
    """One field as a Frictionless Table Schema field descriptor."""
    out: dict = {"name": f.name, "type": f.type, "description": f"{f.description.rstrip('.')}. {presence(f)}"}
    if f.type == "date":
        out["format"] = "default"  # ISO 8601: YYYY-MM-DD
    if f.type == "boolean":
        out["trueValues"] = [BOOLEAN_TRUE]
        out["falseValues"] = [BOOLEAN_FALSE]
    constraints: dict = {"required": f.required}
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.type == "date":
        constraints["minimum"], constraints["maximum"] = DATE_MIN, DATE_MAX
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if f.maximum is not None:
        constraints["maximum"] = f.maximum
    if f.pattern:
        constraints["pattern"] = f.pattern
    out["constraints"] = constraints
    return out


def datapackage() -> dict:
    """The Frictionless Data Package descriptor of the data folder, derived from TABLES (`data/datapackage.json`)."""
    resources = []
    for t in TABLES:
        schema: dict = {
            "fields": [_field_descriptor(f) for f in t.fields],
            # Columns are matched by name: their order is free, extra columns are allowed and the optional
            # columns may be left out (each field's description says which).
            "fieldsMatch": "partial",
            "missingValues": [""],
            "primaryKey": list(t.primary_key),
        }
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": table, "fields": ref}}
                for column, table, ref in t.foreign_keys
            ]
        resources.append(
            {
                "name": t.name,
                "path": t.filename,
                "profile": "tabular-data-resource",
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "resources": resources,
    }


def _type_label(f: Field) -> str:
    """How a field's type reads in the data dictionary."""
    return {"date": "date (YYYY-MM-DD)", "boolean": "boolean (`true`/`false`)"}.get(f.type, f.type)


def _dictionary_cell(f: Field) -> str:
    """A field's description in the data dictionary: meaning, allowed values, bounds, presence and default."""
    parts = [f.description.rstrip(".") + "."]
    if f.enum:
        parts.append("Allowed values: " + ", ".join(f"`{v}`" for v in f.enum) + ".")
    if f.minimum is not None and f.maximum is not None:
        parts.append(f"A whole number from {f.minimum:,} to {f.maximum:,}.")
    if f.pattern:
        parts.append(f"Must match `{f.pattern}`.")
    parts.append(presence(f))
    return " ".join(parts).replace("|", "\\|")


def markdown_table(table: Table) -> str:
    """The data-dictionary section of one file, as it appears in `data/README.md`."""
    key = ", ".join(f"`{c}`" for c in table.primary_key)
    lines = [
        f"### `{table.filename}`",
        "",
        table.description,
        "",
        f"One row per distinct ({key}).",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {_type_label(f)} | {_dictionary_cell(f)} |" for f in table.fields]
    return "\n".join(lines) + "\n"


def markdown_tables() -> str:
    """The data dictionary of every file, in TABLES order (the tests check `data/README.md` contains it)."""
    return "\n".join(markdown_table(t) for t in TABLES)
