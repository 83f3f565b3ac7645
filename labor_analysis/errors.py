"""The one exception type for bad input data, listing the problems found (at most MAX_SHOWN of them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Problems a DataValidationError's message lists; the rest are counted ("... and N more problems").
MAX_SHOWN = 200


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, line as an editor shows it, column), the value and the rule."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        value = "" if self.value is None else f" (value {_shortened(self.value)!r})"
        return f"{where}: {self.rule}{value}"


def _shortened(value: str, limit: int = 80) -> str:
    """A cell short enough to quote in a message (a 100 KiB cell would drown the problem)."""
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"


class DataValidationError(Exception):
    """Raised by `load()` when the data folder breaks the contract.

    `problems` holds the problems kept (the first ones of every check, in file and line order) and `total`
    counts every problem found; the message lists the first MAX_SHOWN and says how many more there are.
    """

    def __init__(self, problems: Iterable[Problem], data_dir: str = "", total: int | None = None) -> None:
        self.problems = list(problems)
        self.data_dir = data_dir
        self.total = max(total or 0, len(self.problems))
        head = f"{self.total} problem(s) in the data folder {data_dir}".rstrip()
        lines = [f"  - {p}" for p in self.problems[:MAX_SHOWN]]
        if self.total > len(lines):
            lines.append(f"  ... and {self.total - len(lines):,} more problems")
        super().__init__(head + ":\n" + "\n".join(lines))
