"""The story notebooks: stored clean, executed end to end with the project's data and with a corrected copy."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: each xdist worker then runs the shared fixtures itself
    fcntl = None

import itertools

import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from public_words import problems
from strategies import data_folders

from labor_analysis import load, paths, rules
from labor_analysis import rerun as engine
from labor_analysis import results as la_results
from labor_analysis.text import fmt_int

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
NAMES = [nb.stem for nb in NOTEBOOKS]
CONSOLE_SCRIPT = Path(sys.executable).with_name("labor-analysis")
#: 02 must work for every election with challenged ballots, through its election_id parameter.
CHALLENGED_ELECTIONS = ["bhm1-2021", "jfk8-2022", "alb1-2022", "rdu1-2025"]


def text_outputs(notebook: Path) -> str:
    """Every Markdown, plain-text and stream output of an executed notebook, joined."""
    nb = nbformat.read(notebook, as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            for kind in ("text/markdown", "text/plain", "text/html"):
                if kind in output.get("data", {}):
                    parts.append(output["data"][kind])
    return "\n".join(parts)


def errors_in(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    return [
        f"{o['ename']}: {o['evalue']}"
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


# --- the stored notebooks ---------------------------------------------------------------------------------------


def test_the_story_notebooks_exist():
    assert NAMES == [
        "01-jfk8-staten-island",
        "02-bessemer-challenged-ballots",
        "03-ldj5-rematch",
        "04-david-and-goliath-spending",
        "05-every-amazon-election",
        "06-amazon-against-the-nation",
        "07-company-against-the-nation",
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NAMES)
def test_stored_without_outputs_or_execution_counts(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NAMES)
def test_first_code_cell_is_the_parameters_cell(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    namespace: dict = {}
    exec(code[0].source, namespace)
    assert namespace["data_dir"] is None and namespace["charts_dir"] is None
    if notebook.stem[:2] in {"01", "02", "03"}:
        assert "election_id" in namespace


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NAMES)
def test_no_figure_is_typed_into_a_markdown_cell(notebook):
    """Every number in the prose is rendered from the data; only the title carries the notebook's number."""
    nb = nbformat.read(notebook, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    written = [c.source for c in nb.cells if c.cell_type == "code" and re.search(r"story\.heading\(|\"# \d", c.source)]
    if written:  # a title written from the parameters (the election's place): no title typed in Markdown
        assert re.search(rf'"(# )?{notebook.stem[:2]} · \D+"', written[0])
        prose = markdown
    else:
        title, rest = markdown[0].split("\n", 1)
        assert re.fullmatch(rf"# {notebook.stem[:2]} · \D+", title)
        prose = [rest, *markdown[1:]]
    for source in prose:
        assert not re.search(r"\d", source), source


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NAMES)
def test_the_story_charts_through_the_package_and_cites_its_sources(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[-1].strip() == "page.sources()"
    assert any("page.chart(" in source for source in code)  # charts go out through the package


#: Notebooks that show the computation behind their numbers (issue 18): all of them.
SHOW_THEIR_ANALYSIS = NOTEBOOKS


@pytest.mark.parametrize("notebook", SHOW_THEIR_ANALYSIS, ids=[nb.stem for nb in SHOW_THEIR_ANALYSIS])
def test_each_finding_shows_its_numbers_before_its_words(notebook):
    """The words of a finding come after a cell that shows the table they were written from, and the notebook
    shows a pandas step of its own on `la.results` (the selection a reader can change)."""
    nb = nbformat.read(notebook, as_version=4)
    code = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
    shows = re.compile(r"(?:story\.readable\()?finding\.table\)?(?:  #.*)?")  # the table, or as a reader sees it
    for before, source in itertools.pairwise(code):
        if "page.say(finding)" in source or re.search(r"page\.say\([^)]*\bfinding\)", source):
            assert shows.fullmatch(before.splitlines()[-1]), source
    assert any(shows.fullmatch(source.splitlines()[-1]) or "la.results(ds)" in source for source in code)


# --- executed ---------------------------------------------------------------------------------------------------


HEADLINES = {
    "01-jfk8-staten-island": ["2,654 yes to 2,131 no", "margin of 523", "not determinative", "30%", "8,325"],
    "02-bessemer-challenged-ballots": [
        "needs 268 of them",
        "416 challenged ballots are determinative",
        "738 yes to 1,798 no",
        "probability",
    ],
    "03-ldj5-rematch": [
        "380 yes to 618 no",
        "about 10 organizers",
        "about 30 at JFK8:",
        "1,633",
        "At JFK8 on Staten Island, N.Y., 4,869",
    ],
    "04-david-and-goliath-spending": [
        "$4.3 million",
        "$4.2 million",
        "The charts use HuffPost's $4.3 million",
        "per eligible worker",
    ],
    "05-every-amazon-election": ["7 NLRB elections", "Bessemer, Ala., 2022", "Garner, N.C."],
    "06-amazon-against-the-nation": [
        "06 · Amazon against the nation",
        "**2 of 6**",
        "8,325",
        "Of them, 3 are Amazon's own, left out of the national baseline",
    ],
    "07-company-against-the-nation": ["07 · Starbucks against the nation", "The national record holds"],
}


def run_once(name: str, request: pytest.FixtureRequest, produce: Callable[[Path], dict]) -> tuple[Path, dict]:
    """`produce(folder)` run once per test session, even when pytest-xdist spreads the tests over workers.

    Returns the folder and what `produce` returned (kept as JSON beside it for the other workers). Workers
    share the parent of their temporary folders; a file lock makes the first one run and the others wait.
    """
    tmp_path_factory = request.getfixturevalue("tmp_path_factory")
    if not hasattr(request.config, "workerinput") or fcntl is None:  # one process: nothing to share
        folder = tmp_path_factory.mktemp(name)
        return folder, produce(folder)
    shared = tmp_path_factory.getbasetemp().parent
    folder, outcome = shared / name, shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            folder.mkdir()
            outcome.write_text(json.dumps(produce(folder)), encoding="utf-8")
    return folder, json.loads(outcome.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cli_rerun(request) -> Path:
    """All five notebooks rerun once through the console script, started in notebooks/; the output folder."""

    def produce(out: Path) -> dict:
        done = subprocess.run(
            [str(CONSOLE_SCRIPT), "rerun", "--out", str(out)], cwd=paths.notebooks_dir(), capture_output=True, text=True
        )
        return {"returncode": done.returncode, "output": done.stdout + done.stderr}

    out, done = run_once("cli-rerun", request, produce)
    assert done["returncode"] == 0, done["output"]
    return out


@pytest.mark.slow
def test_rerun_from_the_notebooks_folder_executes_every_notebook_into_a_report(cli_rerun):
    out = cli_rerun
    index = (out / engine.INDEX_FILE).read_text(encoding="utf-8")
    for name in NAMES:
        assert errors_in(out / f"{name}.ipynb") == [], name
        report = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "page.say(" not in report, name  # editors' reports hide the code
        assert f'href="{name}.html"' in index
        title = engine.report_title(nbformat.read(out / f"{name}.ipynb", as_version=4))
        assert title and title in html.unescape(index)  # the index names each report by its title
        charts = out / "charts" / name
        assert any(charts.glob("*-web.png")) and any(charts.glob("*.csv")) and any(charts.glob("*.txt")), name

    explorer = nbformat.read(out / "02-bessemer-challenged-ballots.ipynb", as_version=4)
    views = [
        o
        for c in explorer.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 1
    assert explorer.metadata.get("widgets")  # widget state saved for the HTML report


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_executed_notebook_states_its_headline_figures(cli_rerun, name):
    text = text_outputs(cli_rerun / f"{name}.ipynb")
    for figure in HEADLINES[name]:
        assert figure in text, figure


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_executed_notebook_says_nothing_a_reader_should_not_see(cli_rerun, name):
    """No facility code without its place, no 'upheld', no internal words, no ISO dates in the prose."""
    text = text_outputs(cli_rerun / f"{name}.ipynb")
    prose = re.sub(r"data:image/[^\"]+", "", text)
    assert not problems(prose, load()), problems(prose, load())
    markdown = [
        o["data"]["text/markdown"]
        for c in nbformat.read(cli_rerun / f"{name}.ipynb", as_version=4).cells
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    assert not [m for m in markdown if re.search(r"\b\d{4}-\d{2}-\d{2}\b", m)]


def _execute_from_repo_root(notebook: Path, build: Path) -> Path:
    """Run a notebook as Jupyter would with the kernel started in the repo root: no injected parameters, no env."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != paths.DATA_ENV}
    env[paths.BUILD_ENV] = str(build)
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(paths.PROJECT_ROOT)}}
    ).execute(env=env)
    target = build / notebook.name
    nbformat.write(nb, target)
    return target


#: Run from the repo root with their own defaults: the notebook with the headline test below and one with charts.
FROM_REPO_ROOT = ["01-jfk8-staten-island", "02-bessemer-challenged-ballots"]


@pytest.mark.slow
def test_notebooks_run_from_the_repo_root_with_their_own_defaults(tmp_path):
    """Every notebook builds its page the same way, so two of them show the defaults work from another folder."""
    notebooks = [paths.notebooks_dir() / f"{name}.ipynb" for name in FROM_REPO_ROOT]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        executed = list(pool.map(lambda nb: _execute_from_repo_root(nb, tmp_path), notebooks))
    for path in executed:
        assert errors_in(path) == [], path.name
    assert "needs 268 of them" in text_outputs(tmp_path / "02-bessemer-challenged-ballots.ipynb")
    assert any((tmp_path / "notebook-charts" / "01-jfk8-staten-island").glob("*-web.png"))


#: The Bessemer 2022 yes count in the corrected copy of the data.
CORRECTED_YES = 900


@pytest.fixture(scope="session")
def corrected_rerun(request, project_data_dir) -> dict:
    """One engine rerun on a copy of the data with Bessemer 2022's yes count corrected: notebook 02 as stored,
    and one copy of it per other election with challenged ballots (those elections are unchanged in the copy)."""

    def produce(folder: Path) -> dict:
        data = folder / "data"
        shutil.copytree(project_data_dir, data)
        tallies = pd.read_csv(data / "tallies.csv", dtype=str, keep_default_na=False)
        tallies.loc[(tallies["election_id"] == "bhm1-2022") & (tallies["choice"] == "yes"), "ballots"] = str(
            CORRECTED_YES
        )
        tallies.to_csv(data / "tallies.csv", index=False)
        source = nbformat.read(paths.notebooks_dir() / "02-bessemer-challenged-ballots.ipynb", as_version=4)
        notebooks = [paths.notebooks_dir() / "02-bessemer-challenged-ballots.ipynb"]
        for election_id in CHALLENGED_ELECTIONS:
            nb = nbformat.from_dict(json.loads(json.dumps(source)))
            params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
            params.source = re.sub(r"election_id = (['\"])[^'\"]*\1", f"election_id = {election_id!r}", params.source)
            notebooks.append(folder / "nbs" / f"02-{election_id}.ipynb")
            notebooks[-1].parent.mkdir(exist_ok=True)
            nbformat.write(nb, notebooks[-1])
        results = engine.rerun(notebooks, data, folder / "out")
        return {
            r.name: {"status": r.status, "failure": r.failure and r.failure.describe(), "notebook": str(r.notebook_out)}
            for r in results
        }

    folder, results = run_once("corrected-rerun", request, produce)
    for name, result in results.items():
        assert result["status"] == engine.RAN, (name, result["failure"])
    return {
        "data": folder / "data",
        "out": folder / "out",
        "text": {name: text_outputs(Path(r["notebook"])) for name, r in results.items()},
    }


@pytest.mark.slow
def test_notebook_02_works_for_every_election_with_challenged_ballots(corrected_rerun):
    tallies = pd.read_csv(corrected_rerun["data"] / "tallies.csv")
    for election_id in CHALLENGED_ELECTIONS:
        rows = tallies[tallies["election_id"] == election_id].set_index("choice")["ballots"]
        text = corrected_rerun["text"][f"02-{election_id}"]
        assert f"{fmt_int(rows['yes'])} yes to {fmt_int(rows['no'])} no" in text, election_id
        assert f"{fmt_int(rows['challenged'])} challenged" in text, election_id


#: Elections notebook 02 has no scenario for, and why: no ballot challenged, challenged ballots never reported,
#: several unions on the ballot (a run-off between two unions with one challenged ballot).
NOTHING_TO_EXPLORE = {
    "ldj5-2022": "no ballot was challenged",
    "wfm-phl-2025": "its yes, no and challenged ballots are not all on record",
    "lenzner-runoff-2019": "several unions were on the ballot",
}


@pytest.mark.slow
def test_notebook_02_says_why_an_election_has_no_scenario_and_shows_what_it_can(tmp_path, project_data_dir):
    """Run for an election without challenged ballots, or with several unions on the ballot, notebook 02 shows the
    count and says in one sentence why there is nothing to explore, instead of failing."""
    from test_any_folder import every_ballot_folder

    data = every_ballot_folder(project_data_dir, tmp_path / "data")
    table = la_results(load(data)).set_index("election_id")
    for election_id, reason in NOTHING_TO_EXPLORE.items():
        [result] = engine.rerun(
            ["02-bessemer-challenged-ballots"], data, tmp_path / "out", 1, parameters={"election_id": election_id}
        )
        assert result.status == engine.RAN, (election_id, result.failure and result.failure.describe())
        assert errors_in(result.notebook_out) == [], election_id
        text = text_outputs(result.notebook_out)
        nb = nbformat.read(result.notebook_out, as_version=4)
        outputs = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
        said = [
            d["text/markdown"]
            for d in outputs
            if "text/markdown" in d and "No scenario to explore" in d["text/markdown"]
        ]
        assert len(said) == 1 and reason in said[0], election_id  # said once, by the self-contained explorer's cell
        assert f"{fmt_int(table.loc[election_id, 'no'])} for no union" in text or (
            f"to {fmt_int(table.loc[election_id, 'no'])} no" in text
        )
        views = [d for d in outputs if "application/vnd.jupyter.widget-view+json" in d]
        assert views == [], election_id  # no live explorer for a scenario there is not


@pytest.mark.slow
def test_a_corrected_tally_changes_the_executed_text(corrected_rerun):
    expected = rules.yes_needed(CORRECTED_YES, 993, 416)
    text = corrected_rerun["text"]["02-bessemer-challenged-ballots"]
    assert f"needs {fmt_int(expected)} of them" in text
    assert "needs 268 of them" not in text
    assert f"{CORRECTED_YES} yes to 993 no" in text
    assert not (corrected_rerun["data"] / "charts").exists() and (corrected_rerun["out"] / "charts").is_dir()


@pytest.mark.slow
@settings(
    max_examples=1,
    derandomize=True,
    deadline=None,
    phases=[Phase.generate],  # one notebook run per example: no shrinking
    suppress_health_check=list(HealthCheck),
)
@given(folder=data_folders(max_elections=3))
def test_every_story_notebook_runs_on_a_generated_folder_and_prints_its_numbers(folder):
    """Notebooks 01-05 on a folder drawn by the strategies, for its own elections: no error, and the counts they
    print are the folder's (so every number in the prose is computed when the notebook runs). Notebook 02 runs for
    an election with challenged ballots on a one-union ballot, as its parameter says, when the folder has one."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = folder.write(Path(tmp) / "data")
        ds = load(data)
        table = la_results(ds).set_index("election_id")
        first, last = table.index[0], table.index[-1]
        runs = [([n for n in NAMES if n[:2] in {"01", "03", "04", "05"}], {"election_id": first, "compare_with": last})]
        explorable = table[(table["challenged"].fillna(0) > 0) & (table["unions"] == 1) & table["yes_share"].notna()]
        if len(explorable):
            runs.append((["02-bessemer-challenged-ballots"], {"election_id": explorable.index[0]}))
        executed = []
        for names, params in runs:
            executed += engine.rerun(names, data, Path(tmp) / "out", 2, parameters=params)
        for result in executed:
            assert result.status == engine.RAN, (result.name, result.failure and result.failure.describe())
            assert errors_in(result.notebook_out) == [], result.name
        row = table.loc[first]
        text = text_outputs(executed[0].notebook_out)  # 01, about `first`
        for choice in ("yes", "no"):  # yes is every union's votes together: checked on a one-union ballot
            if pd.notna(row[choice]) and (choice == "no" or row["unions"] == 1):
                assert fmt_int(row[choice]) in text, choice


@pytest.mark.parametrize("company", ["Amazon", "Starbucks", "Whole Foods Market"])
def test_notebook_07_suggests_rerunning_it_for_another_company_than_its_own(company):
    """Its intro never suggests '-p company=Amazon' to a reader of the notebook run for Amazon."""
    from labor_analysis import story
    from labor_analysis.safe_html import escape_markdown

    nb = nbformat.read(paths.notebooks_dir() / "07-company-against-the-nation.ipynb", as_version=4)
    intro = next(c for c in nb.cells if c.get("id") == "intro")
    said: list[str] = []
    page = type("Page", (), {"say": staticmethod(lambda passage: said.append(passage.text))})
    exec(intro.source, {"company": company, "page": page, "story": story, "escape_markdown": escape_markdown})
    assert len(said) == 1 and "Rerun it for another company" in said[0]
    assert f"company={company} " not in said[0] and f"such as {company}," not in said[0]
