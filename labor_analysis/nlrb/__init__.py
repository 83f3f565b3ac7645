"""The NLRB's own election records: read its two public table formats into the project's data contract.

One small reader per format (`foia_xlsx`, `recent_csv`), both producing the same tally-row frame
(`tally_rows.COLUMNS`); `rows` decides each input row's fate, `combine` merges files, `elections` builds
elections and stages, `importer` writes a data folder with its import report. README.md beside this file
names every quirk of each format and how it is handled.
"""

from .importer import ImportResult, import_files, render_report
from .tables import NlrbFileError, read_nlrb_file

__all__ = ["ImportResult", "NlrbFileError", "import_files", "read_nlrb_file", "render_report"]
