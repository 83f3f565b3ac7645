"""Execute the story notebooks in parallel into executed notebooks and HTML reports, skipping unchanged ones.

A notebook is skipped when its inputs (the notebook file, every file of the data folder, the package's
source and the injected parameters) hash to the key of its last successful run. nbclient and nbconvert are
imported only when something has to run, so an unchanged rerun stays light.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .safe_csv import write_atomic

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

    @property
    def name(self) -> str:
        return self.source.stem


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


def shared_inputs_digest(data_dir: Path) -> bytes:
    """A hash of the inputs every notebook shares: the data files and the package source."""
    digest = hashlib.sha256()
    _hash_tree(digest, "data", data_dir, "*")
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
    injected = nbformat.v4.new_code_cell(parameters_source(parameters), metadata={"tags": [INJECTED_TAG]})
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


def _kernel_transport(sockets: Path) -> Any:
    """Kernel settings: private Unix sockets in `sockets` where the platform has them, else local TCP.

    The socket path must be absolute: the kernel runs in the notebook's folder, not in ours.
    """
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


def execute_notebook(job: NotebookJob) -> RunResult:
    """Run one notebook with nbclient (kernel cwd = its folder) and write the executed copy and the HTML report.

    A failing cell does not raise: the partial notebook is still written and the failure is returned.
    """
    import nbformat
    from nbclient import NotebookClient

    started = time.perf_counter()
    nb = nbformat.read(job.source, as_version=4)
    injected_index = inject_parameters(nb, job.parameters)
    current: dict[str, int] = {}

    def remember_cell(cell: Any, cell_index: int, **_: Any) -> None:
        current["index"] = cell_index

    env = dict(os.environ, **{paths.DATA_ENV: str(job.data_dir)})
    failure = None
    with tempfile.TemporaryDirectory(prefix="labor-analysis-kernel-") as sockets:
        client = NotebookClient(
            nb,
            kernel_name=KERNEL_NAME,
            timeout=CELL_TIMEOUT_SECONDS,
            resources={"metadata": {"path": str(job.source.parent)}},
            store_widget_state=True,
            on_cell_execute=remember_cell,
            config=_kernel_transport(Path(sockets)),
        )
        try:
            client.execute(env=env)
        except Exception as exc:  # noqa: BLE001 - any failure of the run is reported, never raised
            failure = _failure(nb, exc, current.get("index"), injected_index)

    notebook_out, html_out = report_paths(job.out_dir, job.name)
    write_atomic(notebook_out, nbformat.writes(nb))
    write_atomic(html_out, report_html(nb, job.name))
    return RunResult(
        name=job.name,
        source=job.source,
        status=FAILED if failure else RAN,
        notebook_out=notebook_out,
        html_out=html_out,
        seconds=time.perf_counter() - started,
        failure=failure,
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


def report_html(nb: Any, name: str) -> str:
    """The HTML report of an executed notebook for editors: no code, nothing loaded from the network.

    Live widgets are left out (from a copy of `nb`): without a kernel and the widget manager's scripts they
    would show only their Python repr. Notebook 02 shows its offline explorer for that (`labor_analysis.explorer`).
    """
    import copy

    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_loaders=[DictLoader({_REPORT_TEMPLATE_NAME: REPORT_TEMPLATE})],
        template_file=_REPORT_TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    report = copy.deepcopy(nb)
    report.metadata.pop("widgets", None)
    for cell in report.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if _WIDGET_VIEW not in o.get("data", {})]
    body, _ = exporter.from_notebook_node(report, resources={"metadata": {"name": name}})
    return body


def read_cache(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The rerun cache of `out_dir`: notebook name -> {key, status, error, seconds}; empty when missing or unreadable."""
    try:
        data = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _update_cache(cache: dict[str, dict[str, Any]], result: RunResult, key: str) -> None:
    """Record a run: its input key when it succeeded (so the next rerun can skip it), its error when it failed."""
    if result.status == SKIPPED:
        return
    error = result.failure.describe() if result.failure else None
    key_if_ok = key if result.status == RAN else None
    cache[result.name] = {"key": key_if_ok, "status": result.status, "error": error, "seconds": round(result.seconds, 2)}


def _notebook_title(notebook: Path) -> str | None:
    """The text of a notebook's first Markdown heading, if it has one."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            if source.startswith("#"):
                return source.splitlines()[0].lstrip("#").strip()
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

    return (f'body {{ font-family: "{FONT}", Verdana, sans-serif; color: {COLORS["text"]}; margin: 2rem auto; '
            "max-width: 720px; padding: 0 1rem; line-height: 1.45; }\n"
            f'a {{ color: {COLORS["yes"]}; }}\n'
            f'.failed {{ color: {COLORS["lost"]}; }}\n'
            f'.note {{ color: {COLORS["muted_text"]}; }}')


def write_index(out_dir: Path, cache: Mapping[str, Mapping[str, Any]]) -> Path:
    """Write `index.html`: a link to each HTML report in `out_dir` (and if its last run failed), and the gallery."""
    items = []
    for name in sorted(cache):
        if not (out_dir / f"{name}.html").is_file():
            continue
        entry = cache[name]
        status = ("" if entry.get("status") != FAILED else
                  f' &mdash; <strong class="failed">FAILED</strong> at {html.escape(entry.get("error") or "")}')
        label = html.escape(_notebook_title(out_dir / f"{name}.ipynb") or name)
        items.append(f'<li><a href="{html.escape(name)}.html">{label}</a>{status}</li>')
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Notebook reports: union elections at Amazon</title>\n<style>\n{_index_css()}\n</style>\n</head>\n"
        "<body>\n<main>\n<h1>Notebook reports</h1>\n"
        '<p class="note">The story notebooks, run on the data folder: every chart and table, without the code. '
        "Each report works offline.</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n"
        f'<p>Every chart, with its data, alt text and the interactive explorers: '
        f'<a href="{html.escape(_gallery_href(out_dir))}">the chart gallery</a> '
        '<span class="note">(written by <code>labor-analysis charts</code>)</span>.</p>\n'
        "</main>\n</body>\n</html>\n"
    )
    return write_atomic(out_dir / INDEX_FILE, page)


def _run_jobs(jobs_to_run: list[NotebookJob], workers: int) -> list[RunResult]:
    """Execute `jobs_to_run`, `workers` at a time, with a progress bar on stderr."""
    from tqdm import tqdm

    results: list[RunResult] = []
    if workers <= 1:
        with tqdm(total=len(jobs_to_run), desc="notebooks", unit="nb", file=sys.stderr) as bar:
            for job in jobs_to_run:
                results.append(execute_notebook(job))
                bar.update()
        return results
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    if context.get_start_method() == "fork":
        import nbclient  # noqa: F401 - imported once here, inherited by every forked worker
        import nbconvert  # noqa: F401
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(execute_notebook, job) for job in jobs_to_run]
        with tqdm(total=len(futures), desc="notebooks", unit="nb", file=sys.stderr) as bar:
            for future in as_completed(futures):
                results.append(future.result())
                bar.update()
    return results


def rerun(
    notebooks: Sequence[str | os.PathLike[str]] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    parameters: Mapping[str, Any] | None = None,
) -> list[RunResult]:
    """Execute `notebooks` (default: all) against `data_dir` into `out_dir`, in parallel; one result per notebook.

    `parameters` adds to the injected `data_dir` and `charts_dir` (e.g. `{"election_id": "bhm1-2021"}`).
    Unchanged notebooks are skipped unless `force`; failures are returned, never raised.
    """
    sources = find_notebooks(notebooks)
    data = paths.resolve_data_dir(data_dir)
    if not data.is_dir():
        raise FileNotFoundError(f"data folder not found: {data}")
    out = paths.ensure_outside_data(out_dir if out_dir is not None else paths.notebooks_out_dir(), data,
                                    "notebook outputs")
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {workers}")

    cache = read_cache(out)
    shared = shared_inputs_digest(data)
    results: dict[str, RunResult] = {}
    keys: dict[str, str] = {}
    pending: list[NotebookJob] = []
    for source in sources:
        job_parameters = {"data_dir": str(data), "charts_dir": str(out / "charts" / source.stem), **(parameters or {})}
        job = NotebookJob(source, out, data, job_parameters)
        keys[job.name] = input_key(source, data, job_parameters, shared)
        notebook_out, html_out = report_paths(out, job.name)
        entry = cache.get(job.name, {})
        unchanged = entry.get("status") == RAN and entry.get("key") == keys[job.name]
        if unchanged and not force and notebook_out.is_file() and html_out.is_file():
            results[job.name] = RunResult(job.name, source, SKIPPED, notebook_out, html_out)
        else:
            pending.append(job)

    if pending:
        # Longest first (by the last run's duration, unknown ones first), so no core idles at the end.
        pending.sort(key=lambda job: -cache.get(job.name, {}).get("seconds", float("inf")))
        for result in _run_jobs(pending, min(workers, len(pending))):
            results[result.name] = result
            _update_cache(cache, result, keys[result.name])
        write_atomic(out / CACHE_FILE, json.dumps(cache, indent=2, sort_keys=True) + "\n")
        write_index(out, cache)
    return [results[source.stem] for source in sources]
