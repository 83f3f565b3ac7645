"""The one exception type for bad input data, listing every problem found."""

from __future__ import annotations

from dataclasses import dataclass


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
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.rule}{value}"


class DataValidationError(Exception):
    """Raised by `load()` when the data folder breaks the contract; its message lists every problem."""

    def __init__(self, problems: list[Problem], data_dir: str = "") -> None:
        self.problems = list(problems)
        self.data_dir = data_dir
        head = f"{len(self.problems)} problem(s) in the data folder {data_dir}".rstrip()
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))
