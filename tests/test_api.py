"""The small public API (issue 18): `dir(la)` lists what a notebook user needs, `la.chart` takes a name or a slug
with ds first, and the examples in the docstrings run and say what they show, module by module."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import labor_analysis

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(labor_analysis.__path__, prefix="labor_analysis.")
    if "__main__" not in info.name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} docstring example(s) of {name} failed (see the output above)"


@pytest.mark.parametrize("name", sorted(set(labor_analysis.__all__) - {"charts"}))
def test_every_public_function_has_an_example(name: str) -> None:
    obj = getattr(labor_analysis, name)
    if not inspect.isfunction(obj):
        return  # classes (Dataset, Scenario, the errors) are met through the functions that return them
    assert ">>>" in (obj.__doc__ or ""), f"la.{name} has no example in its docstring"


def test_dir_lists_what_a_notebook_user_needs() -> None:
    listed = dir(labor_analysis)
    for name in ("load", "results", "scenario", "chart", "charts", "summary", "win_probability", "yes_needed"):
        assert name in listed


def test_chart_takes_a_name_or_a_slug_ds_first() -> None:
    ds = labor_analysis.load()
    by_name = labor_analysis.chart(ds, "vote-shares", election_id="jfk8-2022")
    for slug in ("vote-shares-jfk8-2022", "vote-shares-jfk8-2022-web.png"):
        assert labor_analysis.chart(ds, slug).slug == by_name.slug
    assert labor_analysis.chart(ds, "turnout-all").slug == "turnout-all"  # a name that looks like a slug
    assert labor_analysis.chart("timeline", ds).slug == "timeline"  # the older order still works
    with pytest.raises(KeyError, match="or a slug"):
        labor_analysis.chart(ds, "pie-jfk8-2022")


def test_the_readmes_first_screen_asks_a_question_in_five_lines_that_run() -> None:
    """The README's first code block is the five lines a reporter types to ask their own question of the national
    record (select, results, scenario, chart), and they run."""
    import ast
    import re

    from labor_analysis import paths

    readme = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("## Quickstart")]
    code = re.search(r"```python\n(.*?)```", first_screen, re.DOTALL)
    assert code is not None, "no Python block before the Quickstart"
    statements = ast.parse(code.group(1)).body
    assert len(statements) == 5
    shown: list = []
    namespace: dict = {}
    for statement in statements:  # as Jupyter runs them, one line a cell: each expression's value shown
        if isinstance(statement, ast.Expr):
            shown.append(eval(compile(ast.Expression(statement.value), "README.md", "eval"), namespace))
        else:
            exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)
    ds, (results, scenario, chart) = namespace["ds"], shown
    assert ds.data_dir == paths.national_dir() or "national" in str(ds.data_dir)
    assert len(results) > 0 and set(results["city"].str.lower()) == {"pittsburgh"}
    assert (results["count_date"] >= "2022-01-01").all()
    assert 0 <= scenario.probability <= 1 and str(scenario)
    assert chart.slug == "vote-shares-all" and chart.title
