"""Execute the story notebooks in parallel into executed notebooks and HTML reports, skipping unchanged ones.

The data folder is validated once, before any kernel starts. A notebook is skipped when its inputs (the
notebook file, every file of the data folder, the package's source and the injected parameters) hash to the
key of its last successful run AND every output that run wrote (executed notebook, HTML report, charts) is
still there with the hash it was recorded with. A run's key is recorded only after its outputs were written
in full, and dropped before they are replaced, so an interrupted run is redone, never served. One run at a
time writes into an output folder (`output_lock`). Reruns of unchanged inputs write byte-identical files.

An unchanged rerun only hashes: it neither validates the data again (the recorded key covers the data's bytes
and the package's source, so validation would find what it found then) nor imports pandas, nbclient or nbconvert.
When something has to run, kernels are forked from a process that imported the notebooks' libraries and loaded
their data once, started while the data is validated (`warm_kernels`, `kept_data`), rather than each started cold.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .output_lock import claim_output_dir
from .safe_html import escape_html

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
CACHE_FILE = ".rerun-cache.json"
INDEX_FILE = "index.html"
KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600

RAN, SKIPPED, FAILED = "ran", "skipped", "failed"


class UnknownNotebookError(ValueError):
    """A notebook name or path that matches no notebook."""


@dataclass(frozen=True)
class CellFailure:
    """Where and why a notebook stopped: the cell as an editor finds it, and the error it raised."""

    cell: int | None  # 1-based position in the notebook as stored; None when no cell of the notebook was running
    execution_count: int | None  # the `In [n]` shown in the executed notebook
    error_name: str
    error_message: str

    def describe(self) -> str:
        """One line: `cell 3 (In [4]): ZeroDivisionError: division by zero`."""
        where = "start (injected parameters or kernel)" if self.cell is None else f"cell {self.cell}"
        if self.execution_count is not None:
            where += f" (In [{self.execution_count}])"
        return f"{where}: {self.error_name}: {self.error_message}"


@dataclass(frozen=True)
class RunResult:
    """What happened to one notebook in a rerun."""

    name: str
    source: Path
    status: str  # RAN, SKIPPED or FAILED
    notebook_out: Path
    html_out: Path
    seconds: float = 0.0
    failure: CellFailure | None = None
    #: Every file the run wrote, relative to the output folder (POSIX), with its SHA-256: what a skip checks.
    outputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != FAILED


@dataclass(frozen=True)
class NotebookJob:
    """Everything a worker process needs to execute one notebook."""

    source: Path
    out_dir: Path
    data_dir: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    variant: str = ""  # `variant_name` of the parameters a user set: the reports of each parameter set apart
    kernels: str | None = None  # the socket of the warm-kernel server (`warm_kernels`); None: a cold kernel

    @property
    def name(self) -> str:
        return f"{self.source.stem}--{self.variant}" if self.variant else self.source.stem

    @property
    def charts_dir(self) -> Path | None:
        """The injected charts folder when it lies inside the output folder (its files are outputs of the run)."""
        charts = self.parameters.get("charts_dir")
        if charts is None:
            return None
        folder = Path(charts)
        return folder if self.out_dir in folder.parents else None


def find_notebooks(names: Sequence[str | os.PathLike[str]] | None = None) -> list[Path]:
    """The notebooks to run: each name is a path to a notebook or the name of one in `notebooks/`; all when None."""
    if not names:
        return sorted(paths.notebooks_dir().glob("*.ipynb"))
    found: list[Path] = []
    for name in names:
        candidate = Path(name).expanduser()
        if candidate.suffix == ".ipynb" and candidate.is_file():
            found.append(candidate.resolve())
            continue
        stem = candidate.name.removesuffix(".ipynb")
        in_folder = paths.notebooks_dir() / f"{stem}.ipynb"
        if not in_folder.is_file():
            known = ", ".join(p.stem for p in sorted(paths.notebooks_dir().glob("*.ipynb")))
            raise UnknownNotebookError(f"no notebook named {str(name)!r} (known: {known})")
        found.append(in_folder)
    stems = [p.stem for p in found]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise UnknownNotebookError(f"two notebooks would write the same report: {', '.join(duplicates)}")
    return list(dict.fromkeys(found))


def _hash_tree(digest: Any, label: str, root: Path, pattern: str) -> None:
    """Feed every file under `root` matching `pattern` (relative name and bytes, in sorted order) to `digest`."""
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{label}:{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _national_folders(data_dir: Path) -> list[tuple[str, Path]]:
    """The folders the national notebooks read whatever the data folder (the national record, the derived tables),
    where they exist and lie outside `data_dir` (inside it, they are hashed with it)."""
    folders = [("national", paths.national_dir)]
    if paths.PROJECT_ROOT is not None:
        folders.append(("derived", paths.derived_dir))
    data = data_dir.resolve()
    found = []
    for label, where in folders:
        folder = where().resolve()
        if folder.is_dir() and data != folder and data not in folder.parents:
            found.append((label, folder))
    return found


def shared_inputs_digest(data_dir: Path) -> bytes:
    """A hash of the inputs every notebook shares: the data files, the national record and derived tables the
    national notebooks read whatever the data folder, and the package source."""
    digest = hashlib.sha256()
    _hash_tree(digest, "data", data_dir, "*")
    for label, folder in _national_folders(data_dir):
        _hash_tree(digest, label, folder, "*")
    _hash_tree(digest, "package", paths.PACKAGE_DIR, "*.py")
    return digest.digest()


def input_key(notebook: Path, data_dir: Path, parameters: Mapping[str, Any], shared: bytes | None = None) -> str:
    """A hash of everything a notebook's run depends on: its bytes, the data files, the package source, the parameters.

    `shared` is `shared_inputs_digest(data_dir)` when the caller already has it (one per rerun, not per notebook).
    """
    digest = hashlib.sha256()
    digest.update(b"notebook\0" + hashlib.sha256(notebook.read_bytes()).digest())
    digest.update(b"shared\0" + (shared_inputs_digest(data_dir) if shared is None else shared))
    digest.update(json.dumps(dict(parameters), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def parameters_source(parameters: Mapping[str, Any]) -> str:
    """The code of the injected-parameters cell: one Python assignment per parameter."""
    lines = ["# Parameters injected by `labor-analysis rerun`"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    return "\n".join(lines) + "\n"


def inject_parameters(nb: Any, parameters: Mapping[str, Any]) -> int:
    """Insert a cell tagged `injected-parameters` after the `parameters` cell (at the top if none); return its index.

    Works on an nbformat notebook in place, the way papermill does, so the notebook's defaults stay visible.
    """
    import nbformat

    position = 0
    for index, cell in enumerate(nb.cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            position = index + 1
            break
    injected = nbformat.v4.new_code_cell(
        parameters_source(parameters), metadata={"tags": [INJECTED_TAG]}, id=INJECTED_TAG
    )  # a fixed id, not a random one: reruns stay identical
    nb.cells.insert(position, injected)
    return position


def _stored_position(executed_index: int | None, injected_index: int) -> int | None:
    """The 1-based position of a cell in the notebook as stored, from its index in the injected copy."""
    if executed_index is None or executed_index == injected_index:
        return None
    return executed_index + (0 if executed_index > injected_index else 1)


def _failure(nb: Any, exc: BaseException, cell_index: int | None, injected_index: int) -> CellFailure:
    """A CellFailure from the exception nbclient raised while running cell `cell_index` of `nb`."""
    count = nb.cells[cell_index].get("execution_count") if cell_index is not None else None
    name = getattr(exc, "ename", None) or type(exc).__name__
    message = getattr(exc, "evalue", None)
    if message is None:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return CellFailure(_stored_position(cell_index, injected_index), count, name, message)


def report_paths(out_dir: Path, name: str) -> tuple[Path, Path]:
    """Where the executed notebook and its HTML report go."""
    return out_dir / f"{name}.ipynb", out_dir / f"{name}.html"


def variant_name(parameters: Mapping[str, Any]) -> str:
    """The part of a report's name that tells its parameter set apart: `company-amazon-1a2b3c` for
    `{"company": "Amazon"}`, '' for none. Readable words, then a hash of the exact values, so two parameter sets
    never share a name (`Whole Foods` and `whole-foods` differ) and a rerun of one never overwrites another's.
    """
    if not parameters:
        return ""
    exact = json.dumps(dict(parameters), sort_keys=True, default=str)
    words = "-".join(f"{name}-{value}" for name, value in sorted(parameters.items()))
    readable = re.sub(r"[^a-z0-9]+", "-", words.casefold()).strip("-")[:60].strip("-")
    return f"{readable}-{hashlib.sha256(exact.encode()).hexdigest()[:6]}"


def report_title(nb: Any) -> str | None:
    """The title of an executed notebook: its first Markdown heading, in a Markdown cell or in a cell's Markdown
    output (notebooks about one election write theirs from the data, so a report for JFK8 is titled for JFK8)."""
    for cell in nb.get("cells", []):
        texts = [cell.get("source", "")] if cell.get("cell_type") == "markdown" else []
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            texts.append(output.get("data", {}).get("text/markdown", ""))
        for text in texts:
            text = "".join(text)
            if text.startswith("#"):
                return text.splitlines()[0].lstrip("#").strip()
    return None


def _kernel_transport(sockets: Path) -> Any:
    """Kernel settings: private Unix sockets in `sockets` where the platform has them, else local TCP.

    The socket path must be absolute: the kernel runs in the notebook's folder, not in ours.
    """
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _number_widget_models(nb: Any) -> Any:
    """`nb` with its widget model ids (random in the kernel) replaced by ids numbered in creation order.

    The ids appear in the saved widget state, in each widget-view output and in references between models
    (`IPY_MODEL_<id>`); all are replaced together, so the widgets still render from the saved state.
    """
    import nbformat

    state = nb.metadata.get("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb
    text = json.dumps(nb)
    for number, model_id in enumerate(list(state), start=1):
        text = text.replace(model_id, f"{number:032x}")
    return nbformat.from_dict(json.loads(text))


def _reproducible(nb: Any) -> Any:
    """`nb` with nothing that changes from one run of the same inputs to the next: widget ids numbered, cell ids set.

    Execution timestamps are not recorded (`record_timing=False`); cells without an id get one from their position.
    """
    nb = _number_widget_models(nb)
    if nb.nbformat == 4 and nb.nbformat_minor >= 5:
        for index, cell in enumerate(nb.cells):
            cell.setdefault("id", f"cell-{index}")
    return nb


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: str | bytes) -> Path:
    """`safe_csv.write_atomic`, imported when something is written (it brings pandas: an unchanged rerun writes
    nothing, so it never imports it)."""
    from .safe_csv import write_atomic

    return write_atomic(path, data)


def _file_hashes(out_dir: Path, folder: Path | None) -> dict[str, str]:
    """Every file under `folder` (relative to `out_dir`, POSIX) with its SHA-256; empty when there is no folder."""
    if folder is None or not folder.is_dir():
        return {}
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(out_dir).as_posix(): _sha256(p.read_bytes()) for p in files}


def _stop_kernel(client: Any) -> None:
    """Kill the kernel of an interrupted run at once (it would otherwise notice its parent is gone a second later)."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


def _execute_in_thread(client: Any, env: Mapping[str, str]) -> BaseException | None:
    """`client.execute(env=env)` in a thread of its own; what it raised, if anything.

    In the main thread nbclient replaces the process's SIGINT and SIGTERM handlers while it runs (and merely
    shuts the kernel down on them), so Ctrl-C would not stop a run. Here the main thread keeps its handlers:
    an interruption kills the kernel, waits for the thread to notice, and propagates.
    """
    from .workers import STOP_GRACE_SECONDS

    outcome: dict[str, BaseException] = {}

    def target() -> None:
        try:
            client.execute(env=env)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="nbclient", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except BaseException:
        _stop_kernel(client)
        thread.join(STOP_GRACE_SECONDS)
        raise
    return outcome.get("error")


def execute_notebook(job: NotebookJob) -> RunResult:
    """Run one notebook with nbclient (kernel cwd = its folder) and write the executed copy and the HTML report.

    A failing cell does not raise: the partial notebook is still written and the failure is returned. Both
    files are written atomically; the result lists them and the notebook's charts with their hashes.
    """
    import nbformat
    from nbclient import NotebookClient

    from . import warm_kernels
    from .workers import raise_if_terminated, stop_with

    started = time.perf_counter()
    nb = nbformat.read(job.source, as_version=4)
    injected_index = inject_parameters(nb, job.parameters)
    current: dict[str, int] = {}

    def remember_cell(cell: Any, cell_index: int, **_: Any) -> None:
        current["index"] = cell_index

    env = dict(os.environ, **{paths.DATA_ENV: str(job.data_dir)})
    failure = None
    with tempfile.TemporaryDirectory(prefix="labor-analysis-kernel-") as sockets:
        config = _kernel_transport(Path(sockets))
        client = NotebookClient(
            nb,
            km=warm_kernels.kernel_manager(job.kernels, KERNEL_NAME, config),
            kernel_name=KERNEL_NAME,
            timeout=CELL_TIMEOUT_SECONDS,
            resources={"metadata": {"path": str(job.source.parent)}},
            store_widget_state=True,
            record_timing=False,
            on_cell_execute=remember_cell,
            config=config,
        )
        client.owns_km = True  # its kernel is this run's alone: nbclient shuts it down as if it had made it
        with stop_with(lambda: _stop_kernel(client)):  # a worker's SIGTERM kills the kernel; execute() then ends
            error = _execute_in_thread(client, env)
        if isinstance(error, Exception):  # any failure of the run is reported, never raised
            failure = _failure(nb, error, current.get("index"), injected_index)
        elif error is not None:
            raise error
    raise_if_terminated()  # stopped by SIGTERM: write nothing

    nb = _reproducible(nb)
    notebook_out, html_out = report_paths(job.out_dir, job.name)
    notebook_bytes = nbformat.writes(nb).encode("utf-8")
    html_bytes = report_html(nb, report_title(nb) or job.name).encode("utf-8")
    _write_atomic(notebook_out, notebook_bytes)
    _write_atomic(html_out, html_bytes)
    outputs = {
        notebook_out.name: _sha256(notebook_bytes),
        html_out.name: _sha256(html_bytes),
        **_file_hashes(job.out_dir, job.charts_dir),
    }
    return RunResult(
        name=job.name,
        source=job.source,
        status=FAILED if failure else RAN,
        notebook_out=notebook_out,
        html_out=html_out,
        seconds=time.perf_counter() - started,
        failure=failure,
        outputs=outputs,
    )


#: The reports' nbconvert template: JupyterLab's, without what it would fetch from CDNs (require.js, MathJax,
#: mermaid, the widget manager). Charts are embedded images and tables HTML, so a report opened offline shows
#: every one of them.
REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_REPORT_TEMPLATE_NAME = "labor-analysis-report.html.j2"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@functools.cache
def _report_exporter() -> Any:
    """The reports' HTMLExporter, one per process: its template is compiled once, not once per report (a rerun
    makes it before its workers fork, so they inherit it compiled; `warm_up_reports`)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_loaders=[DictLoader({_REPORT_TEMPLATE_NAME: REPORT_TEMPLATE})],
        template_file=_REPORT_TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def warm_up_reports() -> None:
    """Compile the report template and import what rendering needs (Markdown, highlighting), once."""
    import nbformat

    report_html(nbformat.v4.new_notebook(), "warm-up")


def report_html(nb: Any, name: str) -> str:
    """The HTML report of an executed notebook for editors: no code, nothing loaded from the network, ids numbered.

    Live widgets are left out (from a copy of `nb`): without a kernel and the widget manager's scripts they
    would show only their Python repr. Notebook 02 shows its offline explorer for that (`labor_analysis.explorer`).
    """
    import copy

    exporter = _report_exporter()
    counter = itertools.count(1)  # nbconvert's template ids, numbered from 1 in every report
    exporter.environment.globals["uuid4"] = lambda: f"output-{next(counter)}"
    report = copy.deepcopy(nb)
    report.metadata.pop("widgets", None)
    for cell in report.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if _WIDGET_VIEW not in o.get("data", {})]
    body, _ = exporter.from_notebook_node(report, resources={"metadata": {"name": name}})
    return body


def read_cache(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The rerun cache of `out_dir`: notebook name -> {key, status, error, seconds, outputs}; empty when unreadable."""
    try:
        data = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: entry for name, entry in data.items() if isinstance(entry, dict)}


def _write_cache(out_dir: Path, cache: Mapping[str, Mapping[str, Any]]) -> None:
    _write_atomic(out_dir / CACHE_FILE, json.dumps(cache, indent=2, sort_keys=True) + "\n")


def _cache_entry(result: RunResult, key: str, about: str | None) -> dict[str, Any]:
    """What the cache keeps of a run: its input key and outputs when it succeeded, its error when it failed, and
    the company its report is about (None: unknown, or several)."""
    ok = result.status == RAN
    return {
        "key": key if ok else None,
        "status": result.status,
        "error": result.failure.describe() if result.failure else None,
        "seconds": round(result.seconds, 2),
        "outputs": dict(result.outputs) if ok else {},
        "about": about,
    }


def outputs_current(out_dir: Path, name: str, entry: Mapping[str, Any], key: str) -> bool:
    """Whether the cache entry of `name` is a successful run of inputs `key` whose outputs are all intact.

    Intact: the executed notebook and the report are among the recorded outputs, and every recorded file
    exists with the recorded SHA-256 (a half-written, older or edited report is not).
    """
    outputs = entry.get("outputs")
    if entry.get("status") != RAN or entry.get("key") != key or not isinstance(outputs, dict):
        return False
    notebook_out, html_out = report_paths(out_dir, name)
    if not {notebook_out.name, html_out.name} <= outputs.keys():
        return False
    for relative, digest in outputs.items():
        path = out_dir / relative
        try:
            if _sha256(path.read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _notebook_title(notebook: Path) -> str | None:
    """The title (`report_title`) of an executed notebook file, if it has one."""
    try:
        return report_title(json.loads(notebook.read_text(encoding="utf-8")))
    except (OSError, ValueError, AttributeError):
        return None


def _gallery_href(out_dir: Path) -> str:
    """The chart gallery's address relative to `out_dir` (where `labor-analysis charts` writes it by default)."""
    gallery = paths.charts_dir() / "index.html"
    try:
        return Path(os.path.relpath(gallery, out_dir.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return gallery.as_uri()


def _index_css() -> str:
    """A minimal house style for the index page: the charts' font and colours."""
    from .style import COLORS, FONT

    return (
        f'body {{ font-family: "{FONT}", Verdana, sans-serif; color: {COLORS["text"]}; margin: 2rem auto; '
        "max-width: 720px; padding: 0 1rem; line-height: 1.45; }\n"
        f"a {{ color: {COLORS['yes']}; }}\n"
        f".failed {{ color: {COLORS['lost']}; }}\n"
        f".note {{ color: {COLORS['muted_text']}; }}"
    )


def index_at(subjects: Sequence[str | None]) -> str:
    """How the index page's title names the companies its reports are about: ' at Amazon', ' at Amazon and
    Starbucks'; '' when a report's company is unknown, when there are more than two, or when there is no report."""
    distinct = sorted(set(subjects), key=lambda name: (name is None, str(name)))
    if not distinct or None in distinct or len(distinct) > 2:
        return ""
    return " at " + " and ".join(str(name) for name in distinct)


def write_index(out_dir: Path, cache: Mapping[str, Mapping[str, Any]]) -> Path:
    """Write `index.html`: a link to each HTML report in `out_dir` (and if its last run failed), and the gallery;
    the page title names the company the listed reports are about (each cache entry's `about`: `index_at`)."""
    items = []
    subjects = []
    for name in sorted(cache):
        if not (out_dir / f"{name}.html").is_file():
            continue
        entry = cache[name]
        subjects.append(entry.get("about"))
        status = (
            ""
            if entry.get("status") != FAILED
            else f' &mdash; <strong class="failed">FAILED</strong> at {escape_html(entry.get("error") or "")}'
        )
        label = escape_html(_notebook_title(out_dir / f"{name}.ipynb") or name)
        items.append(f'<li><a href="{escape_html(name)}.html">{label}</a>{status}</li>')
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Notebook reports: union elections{escape_html(index_at(subjects))}</title>\n"
        f"<style>\n{_index_css()}\n</style>\n</head>\n"
        "<body>\n<main>\n<h1>Notebook reports</h1>\n"
        '<p class="note">The story notebooks, run on the data folder: every chart and table, without the code. '
        "Each report works offline.</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n"
        f"<p>Every chart, with its data, alt text and the interactive explorers: "
        f'<a href="{escape_html(_gallery_href(out_dir))}">the chart gallery</a> '
        '<span class="note">(written by <code>labor-analysis charts</code>)</span>.</p>\n'
        "</main>\n</body>\n</html>\n"
    )
    return _write_atomic(out_dir / INDEX_FILE, page)


def _run_jobs(jobs_to_run: list[NotebookJob], workers: int) -> Iterator[RunResult]:
    """Execute `jobs_to_run`, `workers` at a time, yielding each result as it completes; progress bar on stderr.

    Workers end with this process; an interruption stops them at once (`workers.process_pool`).
    """
    from tqdm import tqdm

    from .jupyter_libs import import_jupyter_libraries

    import_jupyter_libraries()  # once, here: every forked worker inherits them
    warm_up_reports()  # before the workers fork: they inherit the compiled template
    with tqdm(total=len(jobs_to_run), desc="notebooks", unit="nb", file=sys.stderr) as bar:
        if workers <= 1:
            for job in jobs_to_run:
                yield execute_notebook(job)
                bar.update()
            return

        from .workers import process_pool, run_task

        with process_pool(workers) as pool:
            futures = [pool.submit(run_task, execute_notebook, job) for job in jobs_to_run]
            for future in as_completed(futures):
                yield future.result()
                bar.update()


def validate_data(data_dir: Path) -> str | None:
    """Load the data folder once, before any kernel starts: DataValidationError lists every problem. Returns the
    company its elections belong to ('Amazon'; None when they belong to several)."""
    from .loading import load
    from .text import company

    return company(load(data_dir).elections)


def notebook_defaults(notebook: Path) -> dict[str, Any]:
    """The values the notebook's `parameters` cell assigns (`company = "Starbucks"`), those Python can read as
    literals; {} when it has no such cell or cannot be read."""
    import ast

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    for cell in cells:
        if cell.get("cell_type") == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse("".join(cell.get("source", "")))
            except SyntaxError:
                return {}
            defaults: dict[str, Any] = {}
            for statement in tree.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target = statement.targets[0]
                    if isinstance(target, ast.Name):
                        with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                            defaults[target.id] = ast.literal_eval(statement.value)
            return defaults
    return {}


def report_subject(notebook: Path, parameters: Mapping[str, Any], data_company: str | None) -> str | None:
    """The company a notebook's report is about: its `company` parameter (as set, else the notebook's default),
    else the one company its `selection` names, else the data folder's (None: several or unknown)."""
    effective = {**notebook_defaults(notebook), **parameters}
    chosen = effective.get("company")
    if isinstance(chosen, str) and chosen.strip():
        return chosen.strip()
    selected = effective.get("selection")
    named = selected.get("company") if isinstance(selected, Mapping) else None
    if isinstance(named, str):
        named = [named]
    if isinstance(named, list) and len(named) == 1 and isinstance(named[0], str) and named[0].strip():
        return named[0].strip()
    return data_company


@dataclass
class _Plan:
    """What a rerun will do: each notebook's job and input key, the cache as read, what is current and what not."""

    jobs: list[NotebookJob]
    keys: dict[str, str]
    cache: dict[str, dict[str, Any]]
    skipped: dict[str, RunResult]
    pending: list[NotebookJob]


def _plan(
    sources: list[Path], data: Path, out: Path, force: bool, parameters: Mapping[str, Any], kernels: str | None
) -> _Plan:
    """Hash every notebook's inputs and sort the notebooks into current (skipped) and to run; reads, writes nothing."""
    cache = read_cache(out)
    shared = shared_inputs_digest(data)
    variant = variant_name(parameters)
    plan = _Plan([], {}, cache, {}, [])
    for source in sources:
        name = f"{source.stem}--{variant}" if variant else source.stem
        job_parameters = {"data_dir": str(data), "charts_dir": str(out / "charts" / name), **parameters}
        job = NotebookJob(source, out, data, job_parameters, variant, kernels)
        plan.jobs.append(job)
        plan.keys[job.name] = input_key(source, data, job_parameters, shared)
        entry = cache.get(job.name, {})
        if not force and outputs_current(out, job.name, entry, plan.keys[job.name]):
            notebook_out, html_out = report_paths(out, job.name)
            plan.skipped[job.name] = RunResult(
                job.name, source, SKIPPED, notebook_out, html_out, outputs=entry["outputs"]
            )
        else:
            plan.pending.append(job)
    return plan


def rerun(
    notebooks: Sequence[str | os.PathLike[str]] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    parameters: Mapping[str, Any] | None = None,
) -> list[RunResult]:
    """Execute `notebooks` (default: all) against `data_dir` into `out_dir`, in parallel; one result per notebook.

    `parameters` adds to the injected `data_dir` and `charts_dir` (e.g. `{"election_id": "bhm1-2021"}`); the
    reports of a parameter set are named apart (`<notebook>--<variant_name(parameters)>`), so one never
    overwrites another's, and each is titled by the notebook's own heading, written from its parameters.
    Unchanged notebooks with intact outputs are skipped unless `force`; failing cells are returned, never raised.
    Raises, before writing anything: MissingDataFolderError, DataValidationError (bad data), ValueError (an output
    folder in the data, in `notebooks/` or where a notebook lives; bad `jobs`), OutputFolderBusyError.
    """
    sources = find_notebooks(notebooks)
    data = paths.existing_data_dir(data_dir)
    out = paths.ensure_output_dir(
        out_dir if out_dir is not None else paths.notebooks_out_dir(), data, "notebook outputs"
    )
    for source in sources:
        if source.parent.resolve() == out:
            raise ValueError(f"refusing to write notebook outputs beside the notebook {source}: {out}")
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {workers}")
    chosen = dict(parameters or {})
    if not force and _all_current(sources, data, out, chosen):
        with claim_output_dir(out):  # checked again under the lock: another run may have started meanwhile
            plan = _plan(sources, data, out, force, chosen, None)
            if not plan.pending and (out / INDEX_FILE).is_file():
                return [plan.skipped[job.name] for job in plan.jobs]

    from . import warm_kernels

    # It imports the notebooks' libraries and loads their data (the data folder, the national record) while the
    # data is validated here
    with warm_kernels.server([data, paths.national_dir()]) as kernels:
        data_company = validate_data(data)
        with claim_output_dir(out):
            plan = _plan(sources, data, out, force, chosen, kernels.socket_path if kernels else None)
            return _rerun_claimed(plan, out, workers, data_company)


def _all_current(sources: list[Path], data: Path, out: Path, parameters: Mapping[str, Any]) -> bool:
    """Whether every notebook's outputs are current and the index is there (nothing to run, nothing to write)."""
    if not (out / INDEX_FILE).is_file():
        return False
    return not _plan(sources, data, out, False, parameters, None).pending


def _rerun_claimed(plan: _Plan, out: Path, workers: int, data_company: str | None) -> list[RunResult]:
    """`rerun` once the output folder is this process's: run what is not current, record each as it ends."""
    cache = plan.cache
    results: dict[str, RunResult] = dict(plan.skipped)
    pending = list(plan.pending)
    if pending:
        # Longest first (by the last run's duration, unknown ones first), so no core idles at the end.
        pending.sort(key=lambda job: -cache.get(job.name, {}).get("seconds", float("inf")))
        for job in pending:  # what is about to be replaced is no longer current, whatever happens next
            cache.pop(job.name, None)
            if job.charts_dir is not None:
                shutil.rmtree(job.charts_dir, ignore_errors=True)
        _write_cache(out, cache)
        jobs_by_name = {job.name: job for job in pending}
        for result in _run_jobs(pending, min(workers, len(pending))):
            results[result.name] = result
            job = jobs_by_name[result.name]
            about = report_subject(job.source, job.parameters, data_company)
            cache[result.name] = _cache_entry(result, plan.keys[result.name], about)
            _write_cache(out, cache)  # recorded as soon as its outputs are complete
    if pending or not (out / INDEX_FILE).is_file():
        write_index(out, cache)
    return [results[job.name] for job in plan.jobs]
