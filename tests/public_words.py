"""What no public text may say: a facility code without its place, 'upheld', or the project's internal words.

Shared by the chart, story, CLI and notebook tests: each collects the text readers see and asks `problems`.
"""

from __future__ import annotations

import re

from labor_analysis.loading import Dataset
from labor_analysis.text import place

#: Words for the project's own workings, never for readers; 'upheld' reads as the opposite of the NLRB's meaning.
FORBIDDEN = ("upheld", "seed", "preferred", "the data's note")


def facility_places(ds: Dataset) -> dict[str, str]:
    """Each facility code (like 'JFK8') of the data and its place in AP style."""
    table = ds.elections.drop_duplicates("facility")
    return {
        str(f): place(c, s)
        for f, c, s in zip(table["facility"], table["city"], table["state"])
        if re.fullmatch(r"[A-Z0-9-]+", str(f)) and place(c, s)
    }


def problems(text: str, ds: Dataset) -> list[str]:
    """What is wrong with one public text: forbidden words, and codes used without their place anywhere in it."""
    found = [f"says {word!r}" for word in FORBIDDEN if re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE)]
    for code, where in facility_places(ds).items():
        if re.search(rf"\b{re.escape(code)}\b", text) and where not in text:
            found.append(f"names {code} without {where}")
    return found
