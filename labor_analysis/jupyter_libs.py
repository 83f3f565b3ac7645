"""Import the Jupyter libraries a rerun runs notebooks with (nbformat, nbclient, nbconvert), once, without the
part of jsonschema that nothing here uses and that costs more than all the rest.

nbformat imports jsonschema, and jsonschema, when the `rfc3987_syntax` package is installed (Jupyter's own
dependencies bring it), builds about forty lark grammars at import to check the `iri` string format: about 1.2 s
of CPU, against 0.2 s for the rest of nbformat. nbformat validates notebooks without a format checker, so the
formats are never checked in a rerun. The rerun imports these libraries in its main process before its workers
fork (they inherit them), so this is paid on every forced rerun's critical path.
"""

from __future__ import annotations

import importlib
import sys

#: The package jsonschema imports, if it can, only to check the `iri` and `iri-reference` formats.
IRI_CHECKER = "rfc3987_syntax"
#: What a rerun needs, in import order (nbformat first: it is the one that imports jsonschema).
LIBRARIES = ("nbformat", "nbclient", "nbconvert")


def import_jupyter_libraries() -> None:
    """Import `LIBRARIES`; when jsonschema is not imported yet, import it without `IRI_CHECKER`.

    The package stays importable afterwards (the block is lifted once jsonschema is in); only this process's
    jsonschema then leaves the `iri` formats unchecked, which no validation of a notebook asks for.
    """
    blocked = "jsonschema" not in sys.modules and IRI_CHECKER not in sys.modules
    if blocked:
        sys.modules[IRI_CHECKER] = None  # type: ignore[assignment]  # `import` then raises ImportError
    try:
        for name in LIBRARIES:
            importlib.import_module(name)
    finally:
        if blocked and sys.modules.get(IRI_CHECKER, False) is None:
            del sys.modules[IRI_CHECKER]
