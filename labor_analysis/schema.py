"""The data contract: every file, column, type and allowed value, in one place.

`data/datapackage.json` and the tables in `data/README.md` describe the same contract; the tests check
that they agree with this module, so the three never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One column: its Table Schema type, whether it may be empty, allowed values and meaning."""

    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, boolean, date
    description: str
    required: bool = True  # the cell may not be empty
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    pattern: str | None = None  # regular expression the whole non-empty cell must match


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

STAGES = ("initial", "final")
CHOICES = ("yes", "no", "void", "challenged")
VOTING_METHODS = ("in_person", "mail")
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
ELECTION_ID_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*-[0-9]{4}"

TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        "Every publication or record a figure comes from. Each row of the other files cites one.",
        (
            Field("source_id", "string", "Short stable identifier cited by the other files."),
            Field("publisher", "string", "Outlet or body that published the figure."),
            Field("title", "string", "Title of the article, record or page."),
            Field("url", "string", "Web address; empty where none was recorded.", required=False),
            Field("published", "date", "Publication date (YYYY-MM-DD); empty where unknown.", required=False),
            Field("note", "string", "Which figures come from this source, and caveats.", required=False),
        ),
        ("source_id",),
    ),
    Table(
        "elections",
        "One row per NLRB representation election at an Amazon workplace.",
        (
            Field(
                "election_id", "string",
                "`<facility code in lower case>-<year of the count>`, e.g. `jfk8-2022`; the year is the count date's.",
                pattern=ELECTION_ID_PATTERN,
            ),
            Field("employer", "string", "Employer named on the petition."),
            Field("facility", "string", "Amazon's facility code (or the store's name)."),
            Field("city", "string", "City of the workplace."),
            Field("state", "string", "Two-letter US state code.", pattern="[A-Z]{2}"),
            Field("union", "string", "Petitioning union (short name)."),
            Field("voting_method", "string", "How ballots were cast.", enum=VOTING_METHODS),
            Field("vote_start", "date", "First day of voting; empty where unknown.", required=False),
            Field("vote_end", "date", "Last day of voting (or mail ballots due); empty where unknown.", required=False),
            Field("count_date", "date", "Day the NLRB counted the ballots."),
            Field("eligible_voters", "integer", "Workers eligible to vote in the unit.", minimum=1),
            Field("eligible_approximate", "boolean", "True when the eligible count was reported as approximate."),
            Field("case_number", "string", "NLRB case number; empty where not confirmed.", required=False),
            Field("source_id", "string", "Source of the election's details and eligible voters."),
            Field("note", "string", "Caveats and what happened after the count.", required=False),
        ),
        ("election_id",),
        (SOURCE_FK,),
    ),
    Table(
        "tallies",
        "Ballots by choice: one row per election, stage and choice (all four choices for every stage).",
        (
            Field("election_id", "string", "Election the ballots belong to."),
            Field("stage", "string", "`initial`: the count on count day; `final`: after challenges were resolved or the tally revised.", enum=STAGES),
            Field("choice", "string", "`yes` and `no` are valid votes; `void` ballots count toward turnout only; `challenged` ballots are set aside unopened.", enum=CHOICES),
            Field("ballots", "integer", "Number of ballots; empty where the figure was never reported.", required=False, minimum=0),
            Field("source_id", "string", "Source of this figure."),
            Field("note", "string", "Caveats.", required=False),
        ),
        ("election_id", "stage", "choice"),
        (ELECTION_FK, SOURCE_FK),
    ),
    Table(
        "spending",
        "Money spent or raised by each side, one row per reported figure.",
        (
            Field("spender", "string", "Who spent or raised the money."),
            Field("side", "string", "Side of the campaign.", enum=SIDES),
            Field("purpose", "string", "What the money was for, as reported."),
            Field("measure", "string", "`spent`, `raised` or `cash_on_hand` (a balance on `period_end`).", enum=SPENDING_MEASURES),
            Field("period_start", "date", "First day the figure covers."),
            Field("period_end", "date", "Last day the figure covers."),
            Field("amount_usd", "integer", "Amount in US dollars.", minimum=0),
            Field("approximate", "boolean", "True when reported as about, over or up to the amount."),
            Field("unconfirmed", "boolean", "True when no second report confirms the figure."),
            Field("preferred", "boolean", "The row charts and helpers use when outlets disagree (one per spender, measure and period)."),
            Field("source_id", "string", "Source of this figure."),
            Field("note", "string", "Caveats, and why a row is or is not preferred.", required=False),
        ),
        ("spender", "purpose", "measure", "period_start", "period_end", "source_id"),
        (SOURCE_FK,),
    ),
    Table(
        "workforce",
        "Worker counts around each election (organizers, employees, showing of interest), one row per reported figure.",
        (
            Field("election_id", "string", "Election the count belongs to."),
            Field("measure", "string", "What is counted: `organizers` (the union's worker-organizers), `outside_organizers` (organizers a union brought in), `employees`, `eligible_voters` (where outlets disagree with elections.csv), `ballots_returned` (mail ballots), `showing_of_interest_pct` (percent of the unit that signed cards when the petition was filed) or `states_contacting_union`.", enum=WORKFORCE_MEASURES),
            Field("value", "integer", "The count (or percent, for `showing_of_interest_pct`).", minimum=0),
            Field("approximate", "boolean", "True when reported as about or over the value."),
            Field("unconfirmed", "boolean", "True when no second report confirms the figure."),
            Field("preferred", "boolean", "The row charts and helpers use when outlets disagree (one per election and measure)."),
            Field("source_id", "string", "Source of this figure."),
            Field("note", "string", "Caveats.", required=False),
        ),
        ("election_id", "measure", "source_id"),
        (ELECTION_FK, SOURCE_FK),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Package-level metadata of `data/datapackage.json`.
PACKAGE_NAME = "amazon-union-elections"
PACKAGE_TITLE = "NLRB union elections at Amazon's US workplaces"
PACKAGE_DESCRIPTION = (
    "Tallies, eligible voters, campaign money and organizer counts of the union elections at Amazon "
    "warehouses and stores, every row citing its source. The data dictionary is README.md beside this file."
)
BOOLEAN_TRUE, BOOLEAN_FALSE = "true", "false"


def _field_descriptor(f: Field) -> dict:
    """One field as a Frictionless Table Schema field descriptor."""
    out: dict = {"name": f.name, "type": f.type, "description": f.description}
    if f.type == "date":
        out["format"] = "default"  # ISO 8601: YYYY-MM-DD
    if f.type == "boolean":
        out["trueValues"] = [BOOLEAN_TRUE]
        out["falseValues"] = [BOOLEAN_FALSE]
    constraints: dict = {"required": f.required}
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
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
            "fieldsMatch": "subset",  # columns are matched by name; their order is free and extra columns are allowed
            "missingValues": [""],
            "primaryKey": list(t.primary_key),
        }
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": table, "fields": ref}}
                for column, table, ref in t.foreign_keys
            ]
        resources.append({
            "name": t.name,
            "path": t.filename,
            "profile": "tabular-data-resource",
            "description": t.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": schema,
        })
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
    """A field's description in the data dictionary: meaning, allowed values and whether it may be empty."""
    parts = [f.description.rstrip(".") + "."]
    if f.enum:
        parts.append("Allowed values: " + ", ".join(f"`{v}`" for v in f.enum) + ".")
    if f.minimum is not None:
        parts.append(f"At least {f.minimum}.")
    if f.pattern:
        parts.append(f"Must match `{f.pattern}`.")
    parts.append("Required." if f.required else "May be empty.")
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
