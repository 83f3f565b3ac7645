"""The story notebooks: stored clean, executed end to end with the project's data and with a corrected copy."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from labor_analysis import paths, rerun as engine, rules
from labor_analysis.charts import fmt_int

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
NAMES = [nb.stem for nb in NOTEBOOKS]
CONSOLE_SCRIPT = Path(sys.executable).with_name("labor-analysis")
#: 02 must work for every election with challenged ballots, through its election_id parameter.
CHALLENGED_ELECTIONS = ["bhm1-2021", "jfk8-2022", "alb1-2022", "rdu1-2025"]
#: The thinnest cells do one thing: load, say, chart. Logic belongs in the package.
MAX_CODE_LINES = 8


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
    return [f"{o['ename']}: {o['evalue']}" for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


# --- the stored notebooks ---------------------------------------------------------------------------------------


def test_the_five_story_notebooks_exist():
    assert NAMES == ["01-jfk8-staten-island", "02-bessemer-challenged-ballots", "03-ldj5-rematch",
                     "04-david-and-goliath-spending", "05-every-amazon-election"]


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
    title, rest = markdown[0].split("\n", 1)
    assert re.fullmatch(rf"# {notebook.stem[:2]} · \D+", title)
    for source in [rest, *markdown[1:]]:
        assert not re.search(r"\d", source), source


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NAMES)
def test_cells_are_thin_and_the_story_cites_its_sources(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert all(len(source.splitlines()) <= MAX_CODE_LINES for source in code)
    assert not any(re.search(r"\bdef |\bclass |\bfor |\bimport pandas", source) for source in code)
    assert code[-1].strip() == "page.sources()"
    assert any("page.chart(" in source for source in code)  # charts go out through the package


# --- executed ---------------------------------------------------------------------------------------------------


HEADLINES = {
    "01-jfk8-staten-island": ["2,654 yes to 2,131 no", "margin of 523", "not determinative", "30%", "8,325"],
    "02-bessemer-challenged-ballots": ["needs 268 of them", "416 challenged ballots are determinative",
                                       "738 yes to 1,798 no", "probability"],
    "03-ldj5-rematch": ["380 yes to 618 no", "about 10 organizers", "about 30 at JFK8", "1,633"],
    "04-david-and-goliath-spending": ["$4.3 million", "$4.2 million", "The charts use $4.3 million", "per eligible worker"],
    "05-every-amazon-election": ["7 union elections", "bhm1-2022", "rdu1-2025"],
}


@pytest.mark.slow
def test_rerun_from_the_notebooks_folder_runs_every_notebook_with_its_headline_figures(tmp_path):
    """One rerun of all notebooks through the console script (one test, so parallel workers run it once)."""
    out = tmp_path / "rerun"
    done = subprocess.run([str(CONSOLE_SCRIPT), "rerun", "--out", str(out)], cwd=paths.notebooks_dir(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    index = (out / engine.INDEX_FILE).read_text(encoding="utf-8")
    for name in NAMES:
        assert errors_in(out / f"{name}.ipynb") == [], name
        report = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "page.say(" not in report, name  # editors' reports hide the code
        assert f'href="{name}.html"' in index
        title = nbformat.read(paths.notebooks_dir() / f"{name}.ipynb", as_version=4).cells[0].source.splitlines()[0]
        assert title.lstrip("# ") in html.unescape(index)  # the index names each report by its title
        charts = out / "charts" / name
        assert any(charts.glob("*-web.png")) and any(charts.glob("*.csv")) and any(charts.glob("*.txt")), name
        text = text_outputs(out / f"{name}.ipynb")
        for figure in HEADLINES[name]:
            assert figure in text, (name, figure)

    explorer = nbformat.read(out / "02-bessemer-challenged-ballots.ipynb", as_version=4)
    views = [o for c in explorer.cells for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1
    assert explorer.metadata.get("widgets")  # widget state saved for the HTML report


def _execute_from_repo_root(notebook: Path, build: Path) -> Path:
    """Run a notebook as Jupyter would with the kernel started in the repo root: no injected parameters, no env."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != paths.DATA_ENV}
    env[paths.BUILD_ENV] = str(build)
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(paths.PROJECT_ROOT)}}).execute(env=env)
    target = build / notebook.name
    nbformat.write(nb, target)
    return target


@pytest.mark.slow
def test_every_notebook_runs_from_the_repo_root_with_its_own_defaults(tmp_path):
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        executed = list(pool.map(lambda nb: _execute_from_repo_root(nb, tmp_path), NOTEBOOKS))
    for path in executed:
        assert errors_in(path) == []
    assert "needs 268 of them" in text_outputs(tmp_path / "02-bessemer-challenged-ballots.ipynb")
    assert any((tmp_path / "notebook-charts" / "01-jfk8-staten-island").glob("*-web.png"))


@pytest.mark.slow
def test_notebook_02_works_for_every_election_with_challenged_ballots(tmp_path, project_data_dir):
    source = nbformat.read(paths.notebooks_dir() / "02-bessemer-challenged-ballots.ipynb", as_version=4)
    copies = []
    for election_id in CHALLENGED_ELECTIONS:
        nb = nbformat.from_dict(json.loads(json.dumps(source)))
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        params.source = re.sub(r"election_id = '[^']*'", f"election_id = {election_id!r}", params.source)
        copies.append(tmp_path / "nbs" / f"02-{election_id}.ipynb")
        copies[-1].parent.mkdir(exist_ok=True)
        nbformat.write(nb, copies[-1])
    results = engine.rerun(copies, project_data_dir, tmp_path / "out")
    summary = pd.read_csv(project_data_dir / "tallies.csv")
    for result, election_id in zip(results, CHALLENGED_ELECTIONS):
        assert result.status == engine.RAN, result.failure
        rows = summary[summary["election_id"] == election_id].set_index("choice")["ballots"]
        text = text_outputs(result.notebook_out)
        assert f"{fmt_int(rows['yes'])} yes to {fmt_int(rows['no'])} no" in text
        assert f"{fmt_int(rows['challenged'])} challenged" in text


@pytest.mark.slow
def test_a_corrected_tally_changes_the_executed_text(tmp_path, data_copy):
    tallies = pd.read_csv(data_copy / "tallies.csv", dtype=str, keep_default_na=False)
    bessemer_yes = (tallies["election_id"] == "bhm1-2022") & (tallies["choice"] == "yes")
    tallies.loc[bessemer_yes, "ballots"] = "900"
    tallies.to_csv(data_copy / "tallies.csv", index=False)
    expected = rules.yes_needed(900, 993, 416)

    [result] = engine.rerun(["02-bessemer-challenged-ballots"], data_copy, tmp_path / "out")
    assert result.status == engine.RAN, result.failure
    text = text_outputs(result.notebook_out)
    assert f"needs {fmt_int(expected)} of them" in text
    assert "needs 268 of them" not in text
    assert "900 yes to 993 no" in text
    assert not (data_copy / "charts").exists() and (tmp_path / "out" / "charts").is_dir()
