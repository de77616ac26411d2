"""End to end: a real `streamlit run app.py` driven by headless Debian Chromium via Playwright.

One server and one browser serve the whole module; each test opens its own page and saves a
full-page screenshot to test-output/screenshots/ for a human to look at.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.models import piece_id
from tests.support.appserver import streamlit_app
from tests.support.runs import HOSTILE_SOURCE, OLD_DRAFTS, add_running_run, fill_store

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
#: The first check a server runs loads the engine (the trained pipeline when installed): with
#: the rest of the suite on both cores that took over 30 s once in a fresh-clone run.
ENGINE_LOAD_MS = 120_000
BETH_COLOR = "#c2410c"

#: The marks of every browser test module: one xdist group (one browser at a time on 2 cores),
#: skipped with a reason where Debian's Chromium is missing.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not "
                       "installed; `make chromium` installs it"),
]
pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("e2e") / "runs.db"
    add_running_run(db)
    fill_store(db, name="last month", drafts=OLD_DRAFTS)
    time.sleep(1.1)  # runs sort by creation time, to the second
    return db, fill_store(db, name="this month")


@pytest.fixture(scope="module")
def server(stored: tuple[Path, str]) -> Iterator[str]:
    with streamlit_app(stored[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _settle(page: Any) -> None:
    """Wait until Streamlit has finished the rerun: no 'running' status, no loading skeletons."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stSpinner\"]')",
        timeout=30_000)
    page.wait_for_timeout(600)


def _screenshot(page: Any, name: str) -> Path:
    """Grow the window to the app's full height (Streamlit scrolls an inner element), then shoot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(2, 2)  # no tooltip in the picture
    _settle(page)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height) + 40, 8000))})
    _settle(page)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_check_a_draft_highlights_cues(server: str, page: Any) -> None:
    page.goto(f"{server}/check")
    box = page.get_by_label("Draft copy")
    box.fill("Request a demo with our solutions team before procurement signs off.\n\n"
             "Start free in minutes. No sales calls.")
    page.get_by_role("button", name="Check this draft").click()
    mark = page.locator('mark.ap-cue[data-persona="beth-bureaucrat"]').first
    mark.wait_for(timeout=ENGINE_LOAD_MS)
    assert BETH_COLOR in (mark.get_attribute("style") or "").lower()
    texts = page.locator('mark.ap-cue[data-persona="beth-bureaucrat"]').all_inner_texts()
    assert any("Request a demo" in t for t in texts)
    assert "Beth the Bureaucrat" in (mark.get_attribute("title") or "")
    page.get_by_text("Suggested rewrites").wait_for()
    _screenshot(page, "check-a-draft")


def test_a_draft_no_cue_decides_shows_its_wording_lean(server: str, page: Any) -> None:
    page.goto(f"{server}/check")
    page.get_by_label("Draft copy").fill(
        "We tailor every message using what we know about each shopper: the pages viewed, "
        "their past orders and where they live.")
    page.get_by_role("button", name="Check this draft").click()
    page.get_by_text("wording as a whole").first.wait_for(timeout=ENGINE_LOAD_MS)
    page.get_by_text("No single phrase to rewrite").wait_for()
    _screenshot(page, "check-a-draft-wording")


def test_try_an_example_on_a_fresh_load_checks_it(server: str, page: Any) -> None:
    """The first click on a fresh page used to raise StreamlitWidgetAlreadyInstantiatedError
    (the text box's state was written after the box existed) and left the Upload tab blank."""
    page.goto(f"{server}/check")
    page.get_by_role("button", name="Try an example").click()
    page.locator('mark.ap-cue[data-persona="beth-bureaucrat"]').first.wait_for(timeout=ENGINE_LOAD_MS)
    assert "stakeholder alignment" in page.get_by_label("Draft copy").input_value()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text("Suggested rewrites").wait_for()
    _screenshot(page, "check-example")
    page.get_by_role("tab", name="Upload a file").click()
    page.locator('[data-testid="stFileUploader"]').wait_for(state="visible")
    page.get_by_text("A draft file (txt, md, html or eml)").wait_for(state="visible")
    _screenshot(page, "check-example-upload-tab")


def test_check_an_uploaded_file_shows_its_markup_as_text(server: str, page: Any, tmp_path: Path) -> None:
    draft = tmp_path / "hostile-draft.txt"
    draft.write_text('Use coupon code SAVE50 <img src=x onerror="window.__pwned=1"> for the lowest price.\n',
                     encoding="utf-8")
    page.goto(f"{server}/check")
    page.get_by_role("tab", name="Upload a file").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(draft))
    page.get_by_text("hostile-draft.txt").first.wait_for()
    _settle(page)  # the upload's own rerun: a click during it can be lost
    page.get_by_role("button", name="Check this draft").click()
    page.get_by_text("Checked the uploaded file").wait_for(timeout=ENGINE_LOAD_MS)
    block = page.locator(".ap-draft").filter(has_text="onerror").first
    assert '<img src=x onerror="window.__pwned=1">' in block.inner_text()
    assert page.locator('mark.ap-cue[data-persona="bargain-hunter"]').count() >= 1
    assert page.evaluate("() => typeof window.__pwned") == "undefined"


def test_report_heatmap_click_filters_table(server: str, stored: tuple[Path, str], page: Any) -> None:
    _, run_id = stored
    page.goto(server)  # the root lands on the newest run's report (what `make run` opens)
    page.get_by_text("Pieces audited").wait_for()
    page.wait_for_url(re.compile(rf"/report\?run={run_id}"))
    count = page.locator(".ap-count").first
    count.wait_for()
    assert "of 10 pieces" in count.inner_text()
    _screenshot(page, "report")
    # Vega draws the heat map as SVG; each cell's aria-label names its persona and channel.
    cell = page.locator('[data-testid="stVegaLiteChart"] '
                        'path[aria-label*="Beth the Bureaucrat; Channel: landing;"]')
    cell.first.wait_for()
    box = cell.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 6, box["y"] + 6)  # corner: away from the label
    page.wait_for_function("() => { const c = document.querySelector('.ap-count');"
                           " return c && /of 2 pieces/.test(c.innerText); }")
    note = page.locator(".ap-count").first.inner_text()
    assert "channel landing" in note and "Beth the Bureaucrat" in note
    # The address bar follows the view, so the link restores it.
    page.wait_for_function("() => /[?&]channel=landing/.test(location.search)"
                           " && /[?&]persona=beth-bureaucrat/.test(location.search)")
    _screenshot(page, "report-filtered")


def test_hostile_page_text_does_not_run(server: str, stored: tuple[Path, str], page: Any) -> None:
    _, run_id = stored
    pid = piece_id(HOSTILE_SOURCE)
    page.goto(f"{server}/report?run={run_id}&piece={pid}")
    page.get_by_text("The copy, with every cue highlighted").wait_for()
    draft = page.locator(".ap-draft").filter(has_text="window.__pwned").first
    draft.wait_for()
    text = draft.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator('.ap-draft script, .ap-draft img').count() == 0
    _screenshot(page, "report-piece-hostile")


def test_report_compares_with_last_month(server: str, stored: tuple[Path, str], page: Any) -> None:
    _, run_id = stored
    page.goto(f"{server}/report?run={run_id}")
    page.get_by_text("Compare with an earlier run").wait_for()
    _settle(page)
    # Scrolled to first, as a user would: a dropdown opened by the click that scrolls the page
    # closes again on that scroll, and one opened while the page still renders closes too.
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Earlier run")
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box.click()
    page.get_by_role("option").filter(has_text="last month").click()
    page.get_by_text("Wrong audience now").wait_for()
    page.get_by_text("Pieces that changed").wait_for()
    page.wait_for_function("() => /[?&]compare=/.test(location.search)")  # the link keeps it
    assert "compare=" in page.locator('[data-testid="stCode"]').last.inner_text()
    _screenshot(page, "report-compare")
    # The shot resizes the window and the app lays out again: settle, and bring the button
    # into view, before clicking (on a loaded machine the click had landed mid-rerun and no
    # download came).
    _settle(page)
    button = page.get_by_role("button", name="Download CSV")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as got:
        button.click()
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("id,source,channel") and "https://evil.example/hostile" in csv_text


def test_other_pages_render(server: str, page: Any) -> None:
    page.goto(f"{server}/run")
    page.get_by_role("button", name="Start the audit").wait_for()
    page.get_by_text("Allow internal / local addresses").wait_for()
    page.get_by_role("button", name="Open report").first.wait_for()
    page.get_by_text("124 of 400 sources").wait_for()  # the running run's live progress
    _screenshot(page, "run-an-audit")
    page.goto(f"{server}/personas")
    page.get_by_text("Tone that pulls toward this pack").first.wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    _screenshot(page, "personas")


def test_run_list_refreshes_when_a_run_ends(server: str, stored: tuple[Path, str], page: Any) -> None:
    """Runs last in this module: it ends the 'nightly crawl' the other tests watch running.
    The page is not reloaded: its progress poll redraws the list when a run's status changes."""
    from audit import Store

    db, _ = stored
    page.goto(f"{server}/run")
    page.get_by_text("124 of 400 sources").wait_for()
    page.get_by_text("0 pieces · running").wait_for()
    with Store(db) as store:
        (nightly,) = [r for r in store.runs() if r["name"] == "nightly crawl"]
        store.finish_run(nightly["id"], "failed")
    page.get_by_text("0 pieces · failed").wait_for(timeout=15_000)
    # Streamlit redraws element by element: the ended run's progress line goes in the same
    # redraw as its status, but may leave the page a moment after the new status arrives.
    page.get_by_text("124 of 400 sources").wait_for(state="detached", timeout=5_000)
    assert page.get_by_text("124 of 400 sources").count() == 0
    _screenshot(page, "run-list-refreshed")
