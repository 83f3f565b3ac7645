"""data/datapackage.json and the tables of data/README.md agree with labor_analysis.schema, the one definition."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from labor_analysis.schema import TABLES, TABLES_BY_NAME, datapackage, markdown_table, markdown_tables


@pytest.fixture(scope="module")
def descriptor(project_data_dir: Path) -> dict:
    return json.loads((project_data_dir / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readme(project_data_dir: Path) -> str:
    return (project_data_dir / "README.md").read_text(encoding="utf-8")


def test_datapackage_json_is_the_schema(descriptor: dict) -> None:
    assert descriptor == datapackage()


def test_one_resource_per_file(descriptor: dict, project_data_dir: Path) -> None:
    paths = [r["path"] for r in descriptor["resources"]]
    assert paths == [t.filename for t in TABLES]
    assert sorted(paths) == sorted(p.name for p in project_data_dir.glob("*.csv"))


def test_fields_carry_the_constraints(descriptor: dict) -> None:
    tallies = next(r for r in descriptor["resources"] if r["name"] == "tallies")["schema"]
    fields = {f["name"]: f for f in tallies["fields"]}
    assert fields["choice"]["constraints"] == {"required": True, "enum": ["yes", "no", "void", "challenged"]}
    assert fields["ballots"]["constraints"] == {"required": False, "minimum": 0, "maximum": 10_000_000}
    assert tallies["primaryKey"] == ["election_id", "stage", "choice", "union"]
    assert fields["union"]["description"].endswith("Optional column; may be empty.")
    to_elections = {"fields": "election_id", "reference": {"resource": "elections", "fields": "election_id"}}
    assert to_elections in tallies["foreignKeys"]
    assert all(f["description"] for r in descriptor["resources"] for f in r["schema"]["fields"])


def test_keys_name_real_columns() -> None:
    for table in TABLES:
        names = {f.name for f in table.fields}
        assert set(table.primary_key) <= names, table.name
        for column, target, target_column in table.foreign_keys:
            assert column in names
            assert target_column in {f.name for f in TABLES_BY_NAME[target].fields}
            assert TABLES_BY_NAME[target].primary_key == (target_column,)


def test_readme_holds_the_generated_dictionary(readme: str) -> None:
    for table in TABLES:
        assert markdown_table(table) in readme, f"data/README.md is out of date for {table.filename}"
    assert markdown_tables() in readme


def test_readme_documents_every_column_once(readme: str) -> None:
    for table in TABLES:
        section = readme.split(f"### `{table.filename}`", 1)[1].split("###", 1)[0]
        documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
        assert documented == [f.name for f in table.fields], table.filename


def test_dictionary_shows_allowed_values_and_emptiness() -> None:
    text = markdown_table(TABLES_BY_NAME["tallies"])
    assert "Allowed values: `yes`, `no`, `void`, `challenged`." in text
    assert (
        "| `ballots` | integer | Number of ballots; empty where the figure was never reported. "
        "A whole number from 0 to 10,000,000. May be empty. |"
    ) in text
    assert "| `note` | string | Caveats. Optional column; may be empty. |" in text


def test_dictionary_shows_defaults() -> None:
    elections = markdown_table(TABLES_BY_NAME["elections"])
    kinds = "Allowed values: `initial`, `rerun`, `runoff`. Optional column; empty or absent means `initial`."
    assert kinds in elections
    assert "Optional column; empty or absent means `false`." in elections
    assert "Optional column; empty or absent means `spent`." in markdown_table(TABLES_BY_NAME["spending"])


def test_every_default_is_an_allowed_value() -> None:
    for table in TABLES:
        for f in table.fields:
            if f.default:
                assert f.optional_column and not f.required, f.name
                assert f.enum is None or f.default in f.enum, f.name
                assert f.type != "boolean" or f.default in ("true", "false"), f.name


def test_readme_records_the_caveats(readme: str) -> None:
    for phrase in (
        "4.3 million",
        "4.2 million",
        "about 30",
        "about 20",
        "5,805",
        "approximate=true",
        "empty, not zero",
        "Adding an election",
        "Citing the data",
    ):
        assert phrase in readme, phrase
