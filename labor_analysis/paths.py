"""Every path the package uses, resolved in one place so nothing depends on the working directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout's root when the package runs from a clone (editable install); None for an installed copy.
PROJECT_ROOT: Path | None = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None

DATA_ENV = "LABOR_ANALYSIS_DATA"
BUILD_ENV = "LABOR_ANALYSIS_BUILD"
#: Where the real NLRB files are, for the tests and `make national` (CI clones the project away from them).
NLRB_RECORDS_ENV = "LABOR_ANALYSIS_NLRB_RECORDS"


def default_data_dir() -> Path:
    """The data folder: $LABOR_ANALYSIS_DATA when set, else the project's `data/` (a copy ships in the wheel)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if PROJECT_ROOT is not None:
        return PROJECT_ROOT / "data"
    return PACKAGE_DIR / "bundled_data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """`data_dir` as an absolute path, or the default data folder when it is None."""
    if data_dir is None:
        return default_data_dir()
    return Path(data_dir).expanduser().resolve()


class MissingDataFolderError(FileNotFoundError):
    """The data folder does not exist: every command reports it in the same words."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        super().__init__(f"data folder not found: {data_dir}")


def existing_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """`resolve_data_dir(data_dir)` when it is a folder; MissingDataFolderError otherwise."""
    folder = resolve_data_dir(data_dir)
    if not folder.is_dir():
        raise MissingDataFolderError(folder)
    return folder


#: Files that make a folder a data folder: a command that did not create it never writes into it.
DATA_FOLDER_FILES = ("elections.csv", "tallies.csv", "spending.csv", "workforce.csv", "sources.csv", "datapackage.json")


def protected_folders() -> list[tuple[Path, str]]:
    """The folders nothing may write into, whatever the arguments and environment: the project's `data/` and
    `notebooks/` (in a clone) and the data shipped inside an installed package, each with its name."""
    folders = [(PACKAGE_DIR / "bundled_data", "the package's data folder")]
    if PROJECT_ROOT is not None:
        folders += [
            (PROJECT_ROOT / "data", "the project's data folder"),
            (PROJECT_ROOT / "notebooks", "the notebooks folder"),
        ]
    return [(folder.resolve(), name) for folder, name in folders]


def holds_data_folder(folder: Path) -> bool:
    """True when `folder` holds a data folder's files (any of DATA_FOLDER_FILES)."""
    return any((folder / name).exists() for name in DATA_FOLDER_FILES)


def check_output_dir(
    out_dir: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    what: str = "outputs",
    *,
    replace_data: bool = False,
) -> Path:
    """`out_dir` resolved (symlinks and `..` followed); ValueError when writing there could touch data.

    Refused, however the path is reached (argument, LABOR_ANALYSIS_BUILD, a symlink, `..`): the project's `data/`
    and `notebooks/` and the package's own data, or a folder inside them; `data_dir` (the data folder in use,
    when given) or a folder inside it; and a folder that holds a data folder's files (DATA_FOLDER_FILES), which
    this command did not create, unless `replace_data` (`import-nlrb --replace`, which replaces one).
    """
    out = Path(out_dir).expanduser().resolve()
    folders = protected_folders()
    if data_dir is not None:
        folders.append((Path(data_dir).expanduser().resolve(), "the data folder"))
    for folder, name in folders:
        if out == folder or folder in out.parents:
            kind = "notebooks folder" if name == "the notebooks folder" else "data folder"
            raise ValueError(f"refusing to write {what} into the {kind}: {out}")
    if out.is_dir() and holds_data_folder(out) and not replace_data:
        found = ", ".join(n for n in DATA_FOLDER_FILES if (out / n).exists())
        raise ValueError(f"refusing to write {what} into a folder that holds a data folder ({found}): {out}")
    return out


def ensure_outside_data(
    out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str], what: str = "outputs"
) -> Path:
    """`out_dir` resolved; ValueError where `check_output_dir` refuses it (nothing may write into the data)."""
    return check_output_dir(out_dir, data_dir, what)


def ensure_output_dir(out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str], what: str = "outputs") -> Path:
    """`out_dir` resolved; ValueError where `check_output_dir` refuses it (the data, `notebooks/`, a data folder).

    A run that wrote its executed notebooks into `notebooks/` would overwrite the stored ones.
    """
    return check_output_dir(out_dir, data_dir, what)


def build_dir() -> Path:
    """Where outputs go: $LABOR_ANALYSIS_BUILD when set, else `build/` in the checkout (or the working directory)."""
    env = os.environ.get(BUILD_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return (PROJECT_ROOT or Path.cwd()) / "build"


def charts_dir() -> Path:
    """Default output folder of `labor-analysis charts`."""
    return build_dir() / "charts"


def notebooks_out_dir() -> Path:
    """Default output folder of `labor-analysis rerun`."""
    return build_dir() / "notebooks"


def notebooks_dir() -> Path:
    """The story notebooks shipped with the checkout."""
    if PROJECT_ROOT is None:
        raise FileNotFoundError("The notebooks live in a clone of the project; this is an installed copy.")
    return PROJECT_ROOT / "notebooks"


def nlrb_records_dir() -> Path | None:
    """The shared folder of real NLRB files: $LABOR_ANALYSIS_NLRB_RECORDS when set, else `../shared/nlrb/` beside
    the checkout (or above a worktree), if any.

    Read only: the files are never committed; tests that need them skip when this is None.
    """
    env = os.environ.get(NLRB_RECORDS_ENV)
    if env:
        folder = Path(env).expanduser().resolve()
        return folder if folder.is_dir() else None
    if PROJECT_ROOT is None:
        return None
    for ancestor in PROJECT_ROOT.parents:
        candidate = ancestor / "shared" / "nlrb"
        if candidate.is_dir():
            return candidate
    return None


def derived_dir() -> Path:
    """The committed national tables derived from the NLRB's records (`data/derived/`; not part of the validated
    data folder, which is only its five CSV files)."""
    if PROJECT_ROOT is None:
        raise FileNotFoundError("The national tables live in a clone of the project; this is an installed copy.")
    return PROJECT_ROOT / "data" / "derived"


def not_a_regular_file(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be read as a file ("file not found", "expected a file, found a folder", "... found a named
    pipe (FIFO)", "... found a device", ...), or None for a regular file (or a link to one).

    Checked before reading: a FIFO would block the read for ever, and a device such as /dev/null reads as empty.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device (such as /dev/null)"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    found = next((name for test, name in kinds if test(mode)), "something other than a file")
    return f"expected a file, found {found}"


def national_dir() -> Path:
    """The national record: the combined import of the NLRB's files (`data/national/` in a checkout, its copy in an
    installed one), a compressed data folder of the contract that `labor_analysis.national()` loads."""
    if PROJECT_ROOT is not None:
        return PROJECT_ROOT / "data" / "national"
    return PACKAGE_DIR / "bundled_data" / "national"
