"""The chart gallery: export every chart of a data folder (and its explorers), then index.json and index.html.

Text from the data is escaped on the page and a source's url becomes a link only when it is http(s)
(`safe_html`). One run at a time writes into an output folder, and chart workers end with their parent.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .explorer import write_explorers
from .export import ChartRecord
from .output_lock import claim_output_dir
from .safe_csv import write_atomic
from .safe_html import escape_html, html_link
from .text import at_company

if TYPE_CHECKING:
    from .charts import ChartSpec, LeftOut
    from .loading import Dataset

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"

_CSS = """
body {
  font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 720px; color: #222; padding: 0 1rem;
}
figure { margin: 0 0 3rem; padding-bottom: 1.5rem; border-bottom: 1px solid #ddd; }
img { width: 100%; max-width: 640px; height: auto; display: block; }
figcaption { font-size: 0.9rem; color: #444; }
figcaption p { margin: 0.4rem 0; }
.slug, code { font-family: monospace; color: #555; }
nav ol { padding-left: 1.2rem; } nav li { margin: 0.2rem 0; }
.left-out li { margin: 0.3rem 0; }
""".strip()

#: The gallery's groups, in order: a chart's group comes from its name (`group_of`).
GROUPS = (("overview", "Overview"), ("election", "Each election"), ("national", "Against the nation"))


def group_of(name: str, election_id: str | None) -> str:
    """'national' for the charts against the national record, 'election' for a chart of one election, else
    'overview'."""
    if name.startswith("national-"):
        return "national"
    return "election" if election_id is not None else "overview"


def _call(name: str, election_id: str | None) -> str:
    """How a notebook asks for this chart: `la.chart("vote-shares", ds, election_id="jfk8-2022")`."""
    return f'la.chart("{name}", ds, election_id="{election_id}")' if election_id else f'la.chart("{name}", ds)'


def index_entries(
    records: Sequence[ChartRecord], explorers: Mapping[str, str] | None = None
) -> list[dict[str, object]]:
    """One JSON-ready entry per chart, in export order; `explorers` (chart slug -> file) adds an `explorer` key."""
    explorers = explorers or {}
    return [{**r.to_dict(), **({"explorer": explorers[r.slug]} if r.slug in explorers else {})} for r in records]


def _preview_file(record: ChartRecord) -> str | None:
    """The image a browser shows best: the web PNG, else any web image, else any PNG or SVG."""
    for key in ("web.png", "web.svg", *sorted(k for k in record.files if k.endswith((".png", ".svg")))):
        if key in record.files:
            return record.files[key]
    return None


def _figure_html(record: ChartRecord, explorer: str | None = None, call: str = "") -> str:
    """One chart: its image (which carries the title: the title is not said twice), subtitle, links and name."""
    esc = escape_html
    preview = _preview_file(record)
    image = f'<img src="{esc(preview)}" alt="{esc(record.alt_text)}">' if preview else f"<p>{esc(record.alt_text)}</p>"
    source_links = "; ".join(f"{html_link(s['url'], s['title'])} ({esc(s['publisher'])})" for s in record.sources)
    downloads = " · ".join(f'<a href="{esc(name)}">{esc(key)}</a>' for key, name in record.files.items())
    return "\n".join(
        [
            f'<figure id="{esc(record.slug)}">',
            image,
            f"<p>{esc(record.subtitle)}</p>",
            *(
                [
                    f'<p class="explorer"><a href="{esc(explorer)}">Open the interactive version: move the sliders '
                    "(works offline)</a></p>"
                ]
                if explorer
                else []
            ),
            "<figcaption>",
            f'<p class="source">{esc(record.source_line)}</p>',
            f"<p>Cited: {source_links}</p>",
            f'<p>Data: <a href="{esc(record.data_file)}">{esc(record.data_file)}</a> · '
            f'Alt text: <a href="{esc(record.alt_text_file)}">{esc(record.alt_text_file)}</a></p>',
            f"<p>Files: {downloads}</p>",
            f'<p class="slug">{esc(call or record.slug)}</p>',
            "</figcaption>",
            "</figure>",
        ]
    )


def gallery_html(
    records: Sequence[ChartRecord],
    explorers: Mapping[str, str] | None = None,
    at: str = "",
    calls: Mapping[str, tuple[str, str | None]] | None = None,
    left_out: Sequence[LeftOut] = (),
) -> str:
    """The gallery page: a table of contents, then the charts in groups (overview, each election, against the
    nation), each with its web image (which carries its title), subtitle, source line, data and explorer links and
    the name `la.chart` takes; then the charts left out, each with its reason. `calls` maps a slug to its chart
    name and election (`charts.chart_call`); `at` names the elections' company (' at Amazon')."""
    esc = escape_html
    explorers, calls = explorers or {}, calls or {}
    grouped: dict[str, list[ChartRecord]] = {key: [] for key, _ in GROUPS}
    for r in records:
        name, election_id = calls.get(r.slug, (r.slug, None))
        grouped[group_of(name, election_id)].append(r)
    toc, body = [], []
    for key, heading in GROUPS:
        if not grouped[key]:
            continue
        items = "".join(f'<li><a href="#{esc(r.slug)}">{esc(r.title)}</a></li>' for r in grouped[key])
        toc.append(f'<li><a href="#{key}">{heading}</a> ({len(grouped[key])})<ol>{items}</ol></li>')
        body.append(f'<section id="{key}">\n<h2>{heading}</h2>')
        body += [
            _figure_html(r, explorers.get(r.slug), _call(*calls.get(r.slug, (r.slug, None)))) for r in grouped[key]
        ]
        body.append("</section>")
    if left_out:
        toc.append(f'<li><a href="#left-out">Left out</a> ({len(left_out)})</li>')
        items = "".join(f"<li><code>{esc(lo.slug)}</code>: {esc(lo.reason)}</li>" for lo in left_out)
        body.append(
            f'<section id="left-out" class="left-out">\n<h2>Left out</h2>\n'
            f"<p>Charts this data cannot support, and why.</p>\n<ul>{items}</ul>\n</section>"
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Charts: union elections{esc(at)}</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>Charts: union elections{esc(at)}</h1>\n"
        f"<p>{len(records)} charts, each with its data (CSV), alt text and sources"
        + (f"; {len(left_out)} left out, with the reason" if left_out else "")
        + ".</p>\n"
        f'<nav aria-label="Contents"><ol>{"".join(toc)}</ol></nav>\n' + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _previous_files(out_dir: Path) -> set[str]:
    """Files the last run listed in index.json (to remove the ones this run no longer makes)."""
    try:
        entries = json.loads((out_dir / INDEX_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    names: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            names.update(str(v) for v in dict(entry.get("files", {})).values())
            names.update(str(entry[k]) for k in ("data", "alt_text_file", "explorer") if k in entry)
    return {n for n in names if n and Path(n).name == n}  # plain names in out_dir only


def write_gallery(
    records: Sequence[ChartRecord],
    out_dir: str | os.PathLike[str],
    explorers: Mapping[str, str] | None = None,
    at: str = "",
    calls: Mapping[str, tuple[str, str | None]] | None = None,
    left_out: Sequence[LeftOut] = (),
) -> tuple[Path, Path]:
    """Write index.json and index.html atomically, and delete files an earlier run listed but this one did not make.

    `explorers` maps a chart's slug to the interactive explorer file written beside it (see `labor_analysis.explorer`);
    `at` names the elections' company in the page's title (' at Amazon'); `calls` and `left_out` as in
    `gallery_html`.
    """
    out = Path(out_dir)
    explorers = {slug: name for slug, name in (explorers or {}).items() if slug in {r.slug for r in records}}
    current = {name for r in records for name in (*r.files.values(), r.data_file, r.alt_text_file)}
    current |= set(explorers.values())
    for stale in sorted(_previous_files(out) - current):
        (out / stale).unlink(missing_ok=True)
    text = json.dumps(index_entries(records, explorers), indent=2, ensure_ascii=False) + "\n"
    json_path = write_atomic(out / INDEX_JSON, text)
    html_path = write_atomic(out / INDEX_HTML, gallery_html(records, explorers, at, calls, left_out))
    return json_path, html_path


#: Each worker process's data and chart registry, loaded once by `_start_worker`.
_WORKER: dict[str, Any] = {}


def only_elections(ds: Dataset, election_ids: Sequence[str]) -> Dataset:
    """The Dataset restricted to `election_ids` (their tallies and workforce rows; spending and sources whole)."""
    from .loading import Dataset

    keep = list(election_ids)
    return Dataset(
        data_dir=ds.data_dir,
        elections=ds.elections[ds.elections["election_id"].isin(keep)],
        tallies=ds.tallies[ds.tallies["election_id"].isin(keep)],
        spending=ds.spending,
        workforce=ds.workforce[ds.workforce["election_id"].isin(keep)],
        sources=ds.sources,
    )


def chosen_elections(ds: Dataset, elections: Sequence[str] | None, max_elections: int | None) -> list[str] | None:
    """The elections to chart: those named (a KeyError names unknown ones, or ones without a valid vote, which
    the per-election charts cannot show), else, in a folder of more than `max_elections`, that many of the
    largest single-union units with valid votes (most eligible voters, then latest count); None for all."""
    from .analysis import summary

    results = summary(ds).set_index("election_id")
    if elections:
        unknown = sorted(set(elections) - set(results.index))
        if unknown:
            raise KeyError(f"unknown election(s): {', '.join(unknown)}")
        empty = [e for e in elections if not results.at[e, "valid_votes"] > 0]
        if empty:
            raise KeyError(f"no valid votes to chart in: {', '.join(empty)}")
        return list(dict.fromkeys(elections))
    if max_elections is None or len(results) <= max_elections:
        return None
    yes_rows = ds.tallies[ds.tallies["choice"] == "yes"].groupby(["election_id", "stage"], observed=True).size()
    several = set(yes_rows[yes_rows > 1].index.get_level_values("election_id"))
    drawable = results[(results["valid_votes"] > 0).fillna(False) & ~results.index.isin(several)].reset_index()
    ranked = drawable.sort_values(
        ["eligible_voters", "count_date", "election_id"], ascending=[False, False, True], na_position="last"
    )
    return ranked["election_id"].head(max_elections).tolist()


def selection_left_out(ds: Dataset, per_election: Sequence[str]) -> LeftOut:
    """What `--max-elections` left out, in words: the elections without charts of their own, and which were kept."""
    from .charts import LeftOut

    total = len(ds.elections)
    return LeftOut(
        "per-election charts",
        f"{total - len(per_election):,} of the {total:,} elections get no charts of their own: --max-elections keeps "
        f"the {len(per_election):,} largest single-union units with valid votes (most eligible voters); the overview "
        "charts cover every election",
    )


def _start_worker(
    data_dir: str, election_ids: Sequence[str] | None = None, per_election: Sequence[str] | None = None
) -> None:
    """Process-pool initializer: load the data (restricted to `election_ids`) and the chart registry once, as
    `build_gallery` did (`per_election`: the elections with charts of their own).

    A worker forked from the run (Linux) finds them already in `_WORKER`, with every module imported: it loads
    and plans nothing again.
    """
    from .charts import chart_plan
    from .loading import load

    if _WORKER.get("plan") == (data_dir, election_ids, per_election):
        return
    ds = load(data_dir)
    if election_ids is not None:
        ds = only_elections(ds, election_ids)
    _WORKER["ds"] = ds
    _WORKER["specs"] = {spec.slug: spec for spec in chart_plan(ds, per_election)[0]}
    _WORKER["plan"] = (data_dir, election_ids, per_election)


def _ready_to_fork(ds: Dataset, specs: Sequence[ChartSpec], plan: tuple[Any, ...]) -> None:
    """Leave the run's data, chart specs and renderers in this process for the workers forked from it to share."""
    import importlib

    for renderer in ("backend_pdf", "backend_svg", "_backend_pdf_ps"):  # the latter imports fontTools' subsetter
        importlib.import_module(f"matplotlib.backends.{renderer}")  # once here, not in every worker

    _WORKER.update(ds=ds, specs={spec.slug: spec for spec in specs}, plan=plan)


def _export_one(
    spec: ChartSpec, ds: Dataset, out_dir: str, formats: Sequence[str], sizes: Sequence[str]
) -> ChartRecord:
    """Draw one chart and finalise it into `out_dir` (through `Chart.export`, the one way a chart is written)."""
    from .charts import Chart

    return Chart(spec, ds).export(out_dir, formats=formats, sizes=sizes)


def _export_in_worker(slug: str, out_dir: str, formats: Sequence[str], sizes: Sequence[str]) -> ChartRecord:
    return _export_one(_WORKER["specs"][slug], _WORKER["ds"], out_dir, formats, sizes)


def build_gallery(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    formats: Sequence[str],
    sizes: Sequence[str],
    jobs: int = 1,
    progress: bool = True,
    elections: Sequence[str] | None = None,
    max_elections: int | None = None,
    within: Sequence[str] | None = None,
    on_left_out: Callable[[LeftOut], None] | None = None,
) -> list[ChartRecord]:
    """Export every chart of `data_dir` into `out_dir` (in `jobs` processes), then write index.json and index.html.

    `elections` and `max_elections` limit the charts to some elections (see `chosen_elections`): a national
    folder of thousands of elections would otherwise get thousands of charts and unreadable overviews.
    `within` narrows the whole gallery to a selection (a company, a state) first; `max_elections` still limits
    the charts of its own that each election gets, so a selection of hundreds draws tens of charts, not hundreds.
    The output does not depend on `jobs`: each chart is exported on its own and the index keeps the registry's order.
    Every figure is drawn on its own Agg canvas, so the caller's matplotlib backend is left alone. Raises
    ValueError for an output folder in the data or in `notebooks/`, OutputFolderBusyError while another run
    writes into it. Each chart the data cannot support is listed on the gallery page with its reason, and passed to
    `on_left_out` (the command line prints it).
    """
    from tqdm import tqdm

    from .charts import chart_call, chart_plan
    from .loading import load
    from .paths import ensure_output_dir
    from .workers import process_pool, run_task

    ds = load(data_dir)
    out = ensure_output_dir(out_dir, ds.data_dir, "charts")
    if within is not None:
        ds = only_elections(ds, within)
    chosen = chosen_elections(ds, elections, max_elections)
    named = chosen if elections else None  # elections asked for by name: the whole gallery is about them
    per_election = chosen if chosen is not None and not elections else None  # a selection by size: said below
    if named is not None:
        ds = only_elections(ds, named)
    specs, left_out = chart_plan(ds, per_election)
    if per_election is not None:
        left_out.append(selection_left_out(ds, per_election))
    if on_left_out is not None:
        for skipped in left_out:
            on_left_out(skipped)
    calls = {spec.slug: chart_call(spec.slug, ds.elections["election_id"]) for spec in specs}
    jobs = max(1, min(jobs, len(specs)))
    by_slug: dict[str, ChartRecord] = {}
    explorers: dict[str, str] = {}

    def export_explorers() -> None:
        links = write_explorers(ds if per_election is None else only_elections(ds, per_election), out)
        explorers.update({link.chart_slug: link.file_name for link in links})

    with (
        claim_output_dir(out),
        tqdm(total=len(specs), desc="charts", unit="chart", file=sys.stderr, disable=not progress) as bar,
    ):
        if jobs == 1:
            for spec in specs:
                by_slug[spec.slug] = _export_one(spec, ds, str(out), formats, sizes)
                bar.update()
            export_explorers()
        else:
            plan = (str(ds.data_dir), named, per_election)
            _ready_to_fork(ds, specs, plan)
            try:
                with process_pool(jobs, _start_worker, plan) as pool:
                    futures = [
                        pool.submit(run_task, _export_in_worker, spec.slug, str(out), formats, sizes) for spec in specs
                    ]
                    export_explorers()  # here, while the workers draw the charts
                    for future in as_completed(futures):
                        record = future.result()
                        by_slug[record.slug] = record
                        bar.update()
            finally:
                _WORKER.clear()
        records = [by_slug[spec.slug] for spec in specs]
        write_gallery(records, out, explorers, at_company(ds.elections), calls, left_out)
    return records
