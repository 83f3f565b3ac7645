"""Warm kernels for `labor-analysis rerun`: IPython kernels forked from one process that has already imported
what every story notebook imports (IPython's kernel, pandas, matplotlib, labor_analysis and its charts).

A cold kernel is a new interpreter that spends about a second of CPU on those imports before a notebook's first
cell runs, and a rerun of seven notebooks pays it seven times. Here a server process, started while the rerun
validates the data, imports them once; each notebook then gets a kernel forked from it, sharing the imported
modules (copy-on-write). The kernel is still IPython's own (`IPKernelApp`, with the arguments, environment and
folder nbclient asked for) and its notebook starts in IPython's fresh namespace, so outputs are those of a cold
kernel: the server imports in an empty folder, with the environment of the rerun and the matplotlib backend
ipykernel would set; a kernel whose folder holds a `matplotlibrc` (which matplotlib reads at import), a
command other than the interpreter's `ipykernel_launcher`, or a server that cannot answer gets a cold kernel.

The server also loads the data folder and the national record before it forks (`kept_data`): a kernel's `load`
of either returns a copy of that Dataset while the folder's files are unchanged, rather than reading it again.

Processes: the server dies with the rerun (Linux `PR_SET_PDEATHSIG`) and each kernel with the server; the
server reaps its kernels, so their CPU time is counted as the rerun's. Linux only: elsewhere every kernel is
cold. The server stops when its standard input closes.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import importlib.util
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

#: What the server imports once: the kernel itself and what the story notebooks import. Nothing whose import
#: looks for the running IPython (ipywidgets, the inline backend: they must find the kernel's), except pandas,
#: which only asks whether a Jupyter kernel runs it (its `display.max_columns` is 20 there, 0 in a terminal) and
#: is told that one does (`_preload`).
PRELOADED = (
    "ipykernel.kernelapp",
    "labor_analysis",
    "labor_analysis.story",
    "labor_analysis.charts",
    "labor_analysis.explorer",
    "labor_analysis.widgets",
    "labor_analysis.company_story",
    "labor_analysis.nlrb.national_story",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.backends._backend_pdf_ps",  # fontTools' subsetter: `export` imports it with the first chart
    "matplotlib.style",  # the charts' style context
    "seaborn",  # the national charts' distributions (with scipy.stats): about 0.6 s of CPU, in notebook 06 alone
    "scipy.special",  # `rules.win_probability`'s binomial terms
)
#: The backend ipykernel sets (`MPLBACKEND`) when the environment names none; matplotlib reads it at import.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
LAUNCHER = "ipykernel_launcher"
#: Seconds a rerun waits for the server to import and fork before it starts a cold kernel instead.
ANSWER_TIMEOUT_SECONDS = 120.0
_PR_SET_PDEATHSIG = 1


def supported() -> bool:
    """Whether kernels can be forked here: Linux (fork, and `PR_SET_PDEATHSIG` so no kernel outlives the rerun)."""
    return sys.platform.startswith("linux")


def _die_with_parent(parent_pid: int, signum: int) -> None:
    """Have the kernel send `signum` to this process when its parent ends; exit now if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


# --- the server ---------------------------------------------------------------------------------------------


#: The server's first statements, before anything imports labor_analysis (whose package imports pandas): pandas
#: asks `get_ipython()` at import whether a Jupyter kernel runs it, and is told that one does (`_preload` then
#: takes the stand-in away; in a kernel, IPython's own `get_ipython` answers).
_BOOTSTRAP = (
    "import builtins, sys; builtins.get_ipython = type('JupyterKernelShell', (), {'kernel': True}); "
    f"from {__name__} import serve; serve(sys.argv[1], sys.argv[2:])"
)


def _preload() -> None:
    """Import `PRELOADED` as a kernel would (the server runs with ipykernel's matplotlib backend, and pandas was
    told by `_BOOTSTRAP` that a Jupyter kernel imports it), then take the stand-in shell away."""
    import builtins

    try:
        for module in PRELOADED:
            importlib.import_module(module)
    finally:
        if getattr(getattr(builtins, "get_ipython", None), "__name__", "") == "JupyterKernelShell":
            del builtins.get_ipython  # type: ignore[attr-defined]


def _become_kernel(request: Mapping[str, Any], lifeline: int, server_pid: int) -> None:
    """In a forked child of the server: become the kernel nbclient asked for, then exit with its status.

    As `jupyter_client.launcher` starts one: a session of its own (interrupts reach its process group), its
    folder, its environment, `python -m ipykernel_launcher ARGS`. Writes the exit status to `lifeline` (the
    rerun's side learns from it, or from its closing, that the kernel ended).
    """
    status = 1
    try:
        os.setsid()
        _die_with_parent(server_pid, signal.SIGKILL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the server ignores Ctrl-C; a kernel does not
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = importlib.util.find_spec(LAUNCHER)
        sys.argv = [launcher.origin if launcher and launcher.origin else LAUNCHER, *request["args"]]
        if "numpy" in sys.modules:  # its global generator was seeded when the server imported it: seed it afresh
            sys.modules["numpy"].random.seed()
        from ipykernel.kernelapp import IPKernelApp

        # Traits whose defaults ipykernel reads from the environment when it is imported (the server's, here)
        inherited = {"parent_handle": "JPY_PARENT_PID", "interrupt": "JPY_INTERRUPT_EVENT"}
        app = IPKernelApp.instance(**{trait: int(os.environ.get(var) or 0) for trait, var in inherited.items()})
        app.initialize(request["args"])
        app.start()
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()  # the kernel's own (IPython's history, temporary files), as at a normal exit
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(OSError):
            os.write(lifeline, bytes([status & 0xFF]))
        os._exit(status)


def _reap(children: set[int]) -> None:
    """Collect the kernels that have ended (their CPU time then counts as the server's children's)."""
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


def _answer(connection: socket.socket, children: set[int], listener: socket.socket) -> None:
    """Read one request (JSON, with the lifeline's write end), fork its kernel, reply with the kernel's pid."""
    with connection:
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 1)
        if len(fds) != 1:
            connection.sendall(json.dumps({"error": "no lifeline"}).encode())
            return
        lifeline = fds[0]
        server_pid = os.getpid()
        pid = os.fork()
        if pid == 0:
            listener.close()
            connection.close()
            _become_kernel(json.loads(message), lifeline, server_pid)
        os.close(lifeline)
        children.add(pid)
        connection.sendall(json.dumps({"pid": pid}).encode())


def serve(socket_path: str, data_folders: Sequence[str] = ()) -> NoReturn:
    """The server: listen on `socket_path`, import `PRELOADED`, load `data_folders` (`kept_data`), then fork a
    kernel per request until stdin closes.

    It listens before importing, so a request made meanwhile waits rather than failing. On the way out it kills
    the kernels still running (each in its own process group) and reaps them, then exits at once: tearing down
    what it imported would only make the rerun, which waits for it, wait longer (about 1.5 s under load).
    """
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython adds '' back when the kernel starts
    _die_with_parent(int(os.environ.get("LABOR_ANALYSIS_WARM_PARENT", os.getppid())), signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the rerun decides
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    os.environ.pop("LABOR_ANALYSIS_WARM_PARENT", None)
    _preload()
    from .kept_data import keep_loaded

    keep_loaded(Path(folder) for folder in data_folders)
    children: set[int] = set()
    stdin = sys.stdin.fileno()
    try:
        while True:
            ready, _, _ = select.select([listener, stdin], [], [], 0.5)
            _reap(children)
            if stdin in ready and not os.read(stdin, 4096):
                break
            if listener in ready:
                connection, _ = listener.accept()
                with contextlib.suppress(OSError):  # the rerun gave up waiting (or ended): it starts a cold kernel
                    _answer(connection, children, listener)
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# --- the rerun's side ---------------------------------------------------------------------------------------


class ForkedKernel:
    """A kernel forked by the server, with the part of `subprocess.Popen` that jupyter_client uses.

    The kernel is the server's child, not ours: it ended when its lifeline (a pipe it holds the write end of)
    closes, with the status it wrote there (-SIGKILL when it wrote none: it was killed).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, lifeline: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._lifeline = lifeline

    def _wait_for(self, timeout: float | None) -> bool:
        if self.returncode is None:
            ready, _, _ = select.select([self._lifeline], [], [], timeout)
            if not ready:
                return False
            data = os.read(self._lifeline, 1)
            os.close(self._lifeline)
            self.returncode = data[0] if data else -signal.SIGKILL
        return True

    def poll(self) -> int | None:
        self._wait_for(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._wait_for(timeout):
            raise subprocess.TimeoutExpired([LAUNCHER], timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # never signal a pid the kernel no longer holds
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _launcher_args(cmd: Sequence[str]) -> list[str] | None:
    """The arguments of `python -m ipykernel_launcher ARGS` run by this interpreter; None for any other command."""
    if len(cmd) >= 3 and list(cmd[1:3]) == ["-m", LAUNCHER] and Path(cmd[0]) == Path(sys.executable):
        return list(cmd[3:])
    return None


def fork_kernel(server: str, cmd: Sequence[str], env: Mapping[str, str], cwd: str) -> ForkedKernel | None:
    """Ask the server at `server` for the kernel `cmd` would start in `cwd` with `env`; None when it should be
    cold (another command, a `matplotlibrc` in `cwd`) or the server cannot answer."""
    args = _launcher_args(cmd)
    if args is None or (Path(cwd) / "matplotlibrc").exists():
        return None
    read_end, write_end = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(ANSWER_TIMEOUT_SECONDS)
            client.connect(server)
            request = json.dumps({"args": args, "env": dict(env), "cwd": str(cwd)}).encode()
            socket.send_fds(client, [request], [write_end])
            os.close(write_end)
            write_end = -1
            client.shutdown(socket.SHUT_WR)
            reply = json.loads(client.recv(4096) or b"{}")
    except (OSError, ValueError):
        reply = {}
    finally:
        if write_end >= 0:
            os.close(write_end)
    if not isinstance(reply.get("pid"), int):
        os.close(read_end)
        return None
    return ForkedKernel(reply["pid"], read_end)


@dataclass
class Server:
    """A running server: its process and its socket's path."""

    process: subprocess.Popen[bytes]
    socket_path: str

    def stop(self) -> None:
        """Close its standard input (it then kills and reaps its kernels and exits); kill it if it does not."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def server(data_folders: Sequence[Path] = ()) -> Iterator[Server | None]:
    """A server for the block (None where kernels cannot be forked), its kernels forked with `data_folders` loaded:
    stopped when the block ends, killed (with its kernels, which die with it) when the block raises."""
    if not supported():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="labor-analysis-warm-") as folder:
        socket_path = str(Path(folder) / "kernels")
        empty = Path(folder) / "cwd"
        empty.mkdir()
        env = dict(os.environ, LABOR_ANALYSIS_WARM_PARENT=str(os.getpid()))
        if not env.get("MPLBACKEND"):  # what ipykernel sets before any cell runs; matplotlib reads it at import
            env["MPLBACKEND"] = INLINE_BACKEND
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, socket_path, *map(str, data_folders)],
            stdin=subprocess.PIPE,
            cwd=empty,
            env=env,
        )
        running = Server(process, socket_path)
        try:
            yield running
        except BaseException:  # bad data, an interruption, a failure: no reason to wait for its imports
            process.kill()
            process.wait()
            raise
        running.stop()


def _provisioner_class() -> type:
    """jupyter_client's local provisioner, launching through the server (imported only when kernels are needed)."""
    from jupyter_client.provisioning import LocalProvisioner

    class WarmProvisioner(LocalProvisioner):
        """LocalProvisioner whose kernel is forked by the server when it can be, else started cold."""

        socket_path: str = ""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            cwd = str(kwargs.get("cwd") or Path.cwd())
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
            forked = fork_kernel(self.socket_path, cmd, env, cwd) if self.socket_path else None
            if forked is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = forked  # type: ignore[assignment]  # the part of Popen jupyter_client uses
            self.pid = self.pgid = forked.pid  # the kernel leads a process group of its own (setsid)
            self.cwd = cwd
            return self.connection_info

    return WarmProvisioner


def kernel_manager(socket_path: str | None, kernel_name: str, config: Any) -> Any:
    """An AsyncKernelManager for nbclient whose kernel comes from the server at `socket_path` (cold when None)."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    manager = AsyncKernelManager(kernel_name=kernel_name, config=config)
    if socket_path:
        manager.kernel_id = str(uuid.uuid4())
        provisioner = _provisioner_class()(kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager)
        provisioner.socket_path = socket_path
        manager.provisioner = provisioner
    return manager
