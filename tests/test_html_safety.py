"""Text from the data reaches HTML only as text, and links only as http(s): injection payloads in every text
column, through the gallery page, the story's Markdown rendered by nbconvert as in the reports, and the
reports' index."""

from __future__ import annotations

import dataclasses
import html
import inspect
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nbformat
import pandas as pd
import pytest

from labor_analysis import load, story
from labor_analysis import rerun as engine
from labor_analysis.errors import DataValidationError
from labor_analysis.export import ChartRecord
from labor_analysis.gallery import build_gallery, gallery_html
from labor_analysis.safe_html import escape_html, escape_markdown, html_link, markdown_link, safe_href
from labor_analysis.schema import TABLES

#: Text that would run, link or format if it reached a page unescaped.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "[click me](javascript:alert(1))",
    "![pic](javascript:alert(1))",
    "<javascript:alert(1)>",
    "`code` *star* _under_ **bold**",
    "# heading\n- item\n<script>alert(1)</script>",
]
#: Link targets that must never become a live href.
BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "file:///etc/passwd",
]
MARKER = "alert("


class _PageAudit(HTMLParser):
    """What an HTML page would run or link to: script bodies, event-handler attributes, hrefs and srcs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "href" and value is not None:
                self.links.append(value)
            if name in {"src", "action", "formaction", "xlink:href"} and value is not None:
                self.sources.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def assert_safe_page(page: str) -> None:
    """No script carries a payload, no element has an event handler, every link is http(s) or relative."""
    audit = _PageAudit()
    audit.feed(page)
    assert not [s for s in audit.scripts if MARKER in s], "a payload reached a <script>"
    assert audit.handlers == []
    for href in audit.links:
        scheme = urlsplit(href).scheme.lower()
        assert scheme in {"http", "https", ""}, href
        assert not href.strip().startswith("//"), href
        assert MARKER not in href, href
    for src in audit.sources:
        assert (
            src.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,", "https://"))
            or urlsplit(src).scheme == ""
        ), src
        assert MARKER not in src, src


# --- the escaping functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_renders_as_the_same_text(payload):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert "<" not in escape_html(payload) and '"' not in escape_html(payload)
    rendered = markdown2html_mistune("Facility: " + escape_markdown(payload))
    assert_safe_page(rendered)
    assert rendered.count("<") == 2  # only the paragraph around it: <p> and </p>
    assert " ".join(payload.split()) in " ".join(_text_of(rendered).split())


def _text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_links_go_live(url):
    assert safe_href(url) is None
    assert html_link(url, "title") == "title"
    assert markdown_link(url, "title") == "title"


def test_http_links_keep_their_address():
    url = "https://www.nlrb.gov/case/29-RC-288020?a=1&b=(2)"
    assert safe_href(url) == url
    assert (
        html_link(url, "<b>x</b>")
        == '<a href="https://www.nlrb.gov/case/29-RC-288020?a=1&amp;b=(2)">&lt;b&gt;x&lt;/b&gt;</a>'
    )
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(markdown_link(url, "A [bracketed] title"))
    assert 'href="https://www.nlrb.gov/case/29-RC-288020?a=1&amp;b=(2)"' in rendered
    assert ">A [bracketed] title</a>" in rendered


# --- a dataset with a payload in every text column ----------------------------------------------------------------


def _text_columns() -> dict[str, list[str]]:
    """Per table, the free-text columns (strings with no enum or pattern that are not identifiers) and `url`.

    `url` is validated as http(s), but the pages must not rely on it: it gets bad links anyway.
    """
    ids = {"source_id", "election_id"}
    return {
        t.name: [
            f.name
            for f in t.fields
            if f.name == "url" or (f.type == "string" and f.enum is None and f.pattern is None and f.name not in ids)
        ]
        for t in TABLES
    }


def _payloads_for(values: list, column: str) -> list[str]:
    """One payload per distinct value (numbered, so distinct values stay distinct and equal ones equal)."""
    bad = BAD_URLS if column == "url" else PAYLOADS
    numbers = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return [bad[numbers[v] % len(bad)] + ("" if column == "url" else f" {numbers[v]}") for v in values]


def _poisoned(ds):
    """`ds` with a payload (numbered, so values stay distinct) in every free-text column; url gets bad links."""
    tables = {}
    for name, columns in _text_columns().items():
        frame = getattr(ds, name).copy()
        for column in (c for c in columns if c in frame):
            frame[column] = pd.Series(_payloads_for(list(frame[column]), column), index=frame.index, dtype=object)
        tables[name] = frame
    return dataclasses.replace(ds, **tables)


@pytest.fixture(scope="module")
def poisoned(project_data_dir):
    return _poisoned(load(project_data_dir))


def _passages(ds) -> list[story.Passage]:
    """Every story function that returns a Passage, called for every election (or pair) it takes."""
    ids = list(ds.elections["election_id"])
    passages = []
    for name, function in inspect.getmembers(story, inspect.isfunction):
        if function.__module__ != story.__name__ or name.startswith("_"):
            continue
        if inspect.signature(function).return_annotation not in ("Passage", story.Passage):
            continue
        params = list(inspect.signature(function).parameters)
        args = {
            "ds": ds,
            "election_id": ids[0],
            "other_id": ids[-1],
            "election_ids": ids[:1],
            "source_ids": list(ds.sources["source_id"]),
        }
        calls = [[args[p] for p in params if p in args]]
        if "election_id" in params and "other_id" not in params:
            calls = [[ds, e] for e in ids]
        for call in calls:
            try:
                passages.append(function(*call))
            except (KeyError, IndexError, ValueError):  # nothing to say for this election: not an HTML concern
                continue
    return passages


def test_every_story_passage_renders_payloads_as_text(poisoned):
    passages = _passages(poisoned)
    assert len(passages) > 20
    nb = nbformat.v4.new_notebook()
    outputs = [nbformat.v4.new_output("display_data", {"text/markdown": p.text}) for p in passages]
    outputs += [
        nbformat.v4.new_output("display_data", {"text/html": p._repr_html_()}) for p in passages if p.table is not None
    ]
    outputs.append(nbformat.v4.new_output("display_data", {"text/html": story.results_table(poisoned)._repr_html_()}))
    nb.cells = [nbformat.v4.new_code_cell("", outputs=outputs)]
    page = engine.report_html(nb, "poisoned")
    assert_safe_page(page)
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
        assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text


def test_sources_list_links_only_http_urls(poisoned, project_data_dir):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    ids = list(poisoned.sources["source_id"])
    assert_safe_page(markdown2html_mistune(story.sources_list(poisoned, ids).text))
    clean = load(project_data_dir)
    rendered = markdown2html_mistune(story.sources_list(clean, ids).text)
    assert rendered.count('href="https://') == clean.sources["url"].str.startswith("https://").sum()


def test_gallery_page_escapes_every_field_and_links_only_http():
    sources = tuple(
        {"source_id": f"s{i}", "publisher": p, "title": p, "url": u}
        for i, (p, u) in enumerate(zip(PAYLOADS, [*BAD_URLS, "https://ok.example/a?b=1&c=2"]))
    )
    record = ChartRecord(
        slug="x",
        title=PAYLOADS[0],
        subtitle=PAYLOADS[1],
        headline=PAYLOADS[2],
        alt_text=PAYLOADS[3],
        source_line=PAYLOADS[4],
        sources=sources,
        files={"web.png": "x-web.png"},
        data_file="x.csv",
        alt_text_file="x.txt",
    )
    page = gallery_html([record])
    assert_safe_page(page)
    assert 'href="https://ok.example/a?b=1&amp;c=2"' in page


def test_reports_index_escapes_error_messages(tmp_path):
    (tmp_path / "nb.html").write_text("x", encoding="utf-8")
    cache = {"nb": {"status": engine.FAILED, "error": "cell 2: NameError: <script>alert(1)</script>"}}
    assert_safe_page(engine.write_index(tmp_path, cache).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_gallery_built_from_a_poisoned_data_folder_is_safe(tmp_path, project_data_dir):
    """End to end: payloads written into the CSVs, validated, exported, gallery page audited."""
    data = tmp_path / "data"
    shutil.copytree(project_data_dir, data)
    clean = {t.name: pd.read_csv(data / t.filename, dtype=str, keep_default_na=False) for t in TABLES}
    poisoned = {name: frame.copy() for name, frame in clean.items()}
    for name, columns in _text_columns().items():
        for column in (c for c in columns if c in poisoned[name]):  # optional columns may be absent
            poisoned[name][column] = _payloads_for(list(poisoned[name][column]), column)
    for _ in range(3):  # validation may refuse some payloads (e.g. a url rule): keep every other one
        for name, frame in poisoned.items():
            frame.to_csv(data / f"{name}.csv", index=False)
        try:
            load(data)
            break
        except DataValidationError as exc:
            for problem in exc.problems:
                name = problem.file.removesuffix(".csv").rsplit("/", 1)[-1]
                if name in poisoned and problem.column in poisoned[name]:
                    poisoned[name][problem.column] = clean[name][problem.column]
    build_gallery(data, tmp_path / "out", formats=["png"], sizes=["web"], jobs=1, progress=False)
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert_safe_page(page)
    assert "&lt;script&gt;" in page or "&lt;img" in page  # some payload reached the page, as text
