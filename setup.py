"""Build hook: ship a copy of data/ inside the wheel as `labor_analysis/bundled_data`.

An installed (non-editable) copy has no checkout around it, so `paths.default_data_dir` reads that copy.
Everything else about the build is declared in pyproject.toml; an editable install reads data/ itself.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_DATA = Path("labor_analysis") / "bundled_data"
DATA_PATTERNS = ("*.csv", "*.json", "*.md")


class BuildPyWithData(build_py):
    """`build_py` that also copies the data folder's files into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / BUNDLED_DATA
        target.mkdir(parents=True, exist_ok=True)
        for pattern in DATA_PATTERNS:
            for source in sorted(DATA_DIR.glob(pattern)):
                shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": BuildPyWithData})
