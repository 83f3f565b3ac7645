"""The offline explorer and notebook 02's report in a real browser: headless Chromium, driven by Playwright, no network.

Each page is opened from disk with every request that is not for a local file refused and recorded; a test
fails if any was attempted. The sliders are moved with the keyboard, and the chance, the sentence and the
marker are checked against `rules.win_probability` at the precision the page shows. Screenshots go to
build/browser-screenshots/ for a person to look at.

The browser is Debian's `chromium` (/usr/bin/chromium, or $LABOR_ANALYSIS_CHROMIUM); `.ci/run` installs it.
Without it these tests skip on a developer's machine and fail in CI (CI=true), so CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from labor_analysis import load, paths, rules
from labor_analysis.explorer import STEPS, what_it_takes, write_explorer
from labor_analysis.text import fmt_probability

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("LABOR_ANALYSIS_CHROMIUM", "/usr/bin/chromium")
#: Flags for a headless Chromium on a machine without network: no sandbox as root, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = paths.build_dir() / "browser-screenshots"
ELECTION = "bhm1-2022"
YES, NO, CHALLENGED = 875, 993, 416


def _unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where the browser must be there."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run the browser tests: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A browser page that may load local files only: every other request is refused and kept in `attempts`."""

    def __init__(self, browser, width: int):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.attempts: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.attempts.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()
        assert self.attempts == [], f"the page tried the network: {self.attempts}"
        assert self.errors == [], f"script errors: {self.errors}"


@pytest.fixture
def offline(browser):
    pages: list[OfflinePage] = []

    def open_page(width: int = 1000) -> OfflinePage:
        pages.append(OfflinePage(browser, width))
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def explorer_file(tmp_path_factory) -> Path:
    return write_explorer(load(), ELECTION, tmp_path_factory.mktemp("explorer"))


def _screenshot(page, name: str) -> None:
    """A full-page screenshot for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _check_setting(frame, overruled: int, yes_share: int) -> None:
    """The sliders read these values, and the chance, the sentence and the marker say what the rules give for them."""
    assert frame.locator("#overruled").input_value() == str(overruled)
    assert frame.locator("#yes-share").input_value() == str(yes_share)
    expected = fmt_probability(rules.win_probability(YES, NO, CHALLENGED, yes_share / 100, overruled / 100))
    assert frame.locator("#chance").text_content() == expected
    assert f"wins with probability {expected}." in frame.locator("#scenario").text_content()
    assert frame.locator("#what-it-takes").text_content() == what_it_takes(YES, NO, CHALLENGED, overruled)
    assert frame.locator("#overruled").get_attribute("aria-valuetext") == f"{overruled}%"
    image = frame.locator("svg image").bounding_box()
    ring = frame.locator("#marker circle").first.bounding_box()
    centre = (ring["x"] + ring["width"] / 2, ring["y"] + ring["height"] / 2)
    expected_centre = (
        image["x"] + (yes_share + 0.5) * image["width"] / STEPS,
        image["y"] + (STEPS - 1 - overruled + 0.5) * image["height"] / STEPS,
    )
    assert centre == pytest.approx(expected_centre, abs=0.75), (overruled, yes_share)


def _move(frame, page, slider: str, keys: list[str]) -> None:
    frame.locator(f"#{slider}").focus()
    for key in keys:
        page.keyboard.press(key)


def test_explorer_from_disk_follows_the_keyboard_with_the_rules_answers(offline, explorer_file):
    tab = offline(1000)
    page = tab.page
    page.goto(explorer_file.as_uri())
    start_yes = round(100 * YES / (YES + NO))
    _check_setting(page, 100, start_yes)
    _screenshot(page, "explorer-start.png")

    _move(page, page, "overruled", ["PageDown", "PageDown", "PageDown"])
    _check_setting(page, 70, start_yes)
    _move(page, page, "overruled", ["ArrowRight"])
    _check_setting(page, 71, start_yes)
    _move(page, page, "yes-share", ["PageUp", "PageUp"])
    _check_setting(page, 71, start_yes + 20)
    _move(page, page, "yes-share", ["ArrowRight", "ArrowRight"])
    _check_setting(page, 71, start_yes + 22)
    _move(page, page, "yes-share", ["End"])
    _check_setting(page, 71, 100)
    _screenshot(page, "explorer-moved.png")
    assert page.locator("h1").text_content().startswith("The union needs 268 of the 416 challenged ballots")


def test_explorer_fits_a_phone_screen(offline, explorer_file):
    tab = offline(375)
    page = tab.page
    page.goto(explorer_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    assert page.locator("svg").bounding_box()["width"] <= 375
    _move(page, page, "yes-share", ["PageUp"])
    _check_setting(page, 100, round(100 * YES / (YES + NO)) + 10)
    _screenshot(page, "explorer-phone.png")


@pytest.fixture(scope="module")
def bessemer_report(tmp_path_factory) -> Path:
    """Notebook 02 executed into its HTML report (in a fresh folder, so it really runs)."""
    from labor_analysis.rerun import rerun

    out = tmp_path_factory.mktemp("reports")
    [result] = rerun(["02-bessemer-challenged-ballots"], out_dir=out, jobs=1)
    assert result.ok, result.failure
    return result.html_out


def test_notebook_report_offline_shows_every_chart_and_a_working_explorer(offline, bessemer_report):
    tab = offline(1000)
    page = tab.page
    page.goto(bessemer_report.as_uri())
    text = page.locator("body").inner_text()
    assert "Warning" not in text and "VBox(" not in text  # no stray repr of the live widget, no warning
    images = page.locator("img")
    assert images.count() >= 2
    for i in range(images.count()):  # every chart is embedded and shows
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), i
    frame_element = page.locator("iframe")
    assert frame_element.count() == 1
    frame = page.frame_locator("iframe")
    start_yes = round(100 * YES / (YES + NO))
    _check_setting(frame, 100, start_yes)
    _move(frame, page, "overruled", ["PageDown", "ArrowLeft"])
    _check_setting(frame, 89, start_yes)
    _move(frame, page, "yes-share", ["PageUp", "ArrowRight"])
    _check_setting(frame, 89, start_yes + 11)
    height = frame_element.bounding_box()["height"]
    content = frame.locator("html").evaluate("root => root.scrollHeight")
    assert abs(height - content) <= 2  # the frame grew to its page: nothing cut off
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame_element.screenshot(path=str(SCREENSHOTS / "report-02-explorer.png"))
    _screenshot(page, "report-02.png")
