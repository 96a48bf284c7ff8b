"""The indicator page's charts and a meeting's agenda item in presentation, in a real headless Chromium, at
1920×1080 and on a 1280×720 projector: every chart text at least 20 px / 16 px (getComputedStyle), no two tick
labels of a chart over each other (their boxes), the peer chart readable with a peer group of eight offices,
and an agenda item on one screen, without scrolling.

Screenshots of each go to STATBOARD_TEST_SHOTS (or a temporary folder), to be looked at by a person.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from loader.load import load_extract
from queries.warehouse import Warehouse
from tests.agency import Agency
from tests.browser import WAIT_S, chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.extracts import write_extract
from tests.test_present_browser import meeting_with_agenda
from tests.web import ensure_user, make_app, signed_in_client

SIZES = [(1920, 1080, 20), (1280, 720, 16)]  # window, and the smallest text allowed there (as the scorecard's)
CHARTS = ("indicator-ranking", "indicator-variation", "indicator-trend", "indicator-peers")
INDICATOR = "/indicator/timely_response_immediate?parent=bureau:B01&present=1"
PEER_GROUP = 8  # offices in one peer group: from six, names in one row per group printed over each other

# Every non-empty text of each chart, with its computed size and its box; and whether the charts are drawn (not
# withheld, each with its labels).
CHART_TEXTS = """
const out = {};
for (const id of arguments[0]) {
    const chart = document.getElementById(id);
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const texts = chart ? Array.from(chart.querySelectorAll('svg text')).filter(t => t.textContent.trim()) : [];
    out[id] = {
        texts: texts.map(t => ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize),
                                box: box(t.getBoundingClientRect())})),
        yticks: texts.filter(t => t.closest('.ytick, .ytick2, .yaxislayer-above'))
                     .map(t => ({text: t.textContent, box: box(t.getBoundingClientRect())})),
    };
}
return out;
"""
DRAWN = """
const charts = document.getElementById('indicator-charts');
return !!charts && !charts.classList.contains('charts-withheld') && arguments[0].every(
    id => document.querySelectorAll('#' + id + ' .ytick text, #' + id + ' .xtick text').length > 0);
"""
NO_SCROLL = "return [document.scrollingElement.scrollHeight, window.innerHeight]"
# The shown item's charts drawn to their boxes' size (Dash resizes a chart drawn while its item was hidden, shortly
# after it shows).
SETTLED = """
return Array.from(document.querySelectorAll('.meeting-item .present-chart')).filter(g => g.offsetParent !== null)
    .every(g => Math.abs(g.getBoundingClientRect().height - g.querySelector('.js-plotly-plot')._fullLayout.height) < 2);
"""
VISIBLE_ITEMS = ("return Array.from(document.querySelectorAll('#meeting-agenda .meeting-item'))"
                 ".filter(e => e.offsetParent !== null).map(e => e.id)")


def shoot(driver, path: Path, element_id: str | None = None) -> None:
    """A screenshot of the whole page (beyond the window), or of one element of it, into `path`."""
    x, y, width, height = driver.execute_script(
        "const e = arguments[0] ? document.getElementById(arguments[0]) : document.documentElement;"
        "const r = e.getBoundingClientRect();"
        "return [r.left + window.scrollX, r.top + window.scrollY, r.width, e.scrollHeight || r.height];", element_id)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
        "x": x, "y": y, "width": width, "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))


def overlapping(labels: list[dict], slack: float = 1.0) -> list[tuple[str, str]]:
    """The pairs of `labels` whose boxes overlap by more than `slack` px both ways."""
    pairs = []
    for n, a in enumerate(labels):
        for b in labels[n + 1:]:
            across = min(a["box"]["right"], b["box"]["right"]) - max(a["box"]["left"], b["box"]["left"])
            down = min(a["box"]["bottom"], b["box"]["bottom"]) - max(a["box"]["top"], b["box"]["top"])
            if across > slack and down > slack:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("STATBOARD_TEST_SHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def site(demo_instance, tmp_path_factory):
    """The small demo, and a meeting of North Bureau with two cells and a kudos on its agenda."""
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "exec", "executive")
    meeting_id = meeting_with_agenda(signed_in_client(app, "exec", "executive"))
    with serving(app.server) as url:
        yield url, meeting_id


def crowded_agency() -> Agency:
    """Nine offices, eight of them in one peer group, with immediate referrals in November 2024 whose timely
    shares bunch together (several offices at the same value): the peer chart's hardest case."""
    a = Agency()
    rows = a.rows
    for n in range(3, 3 + PEER_GROUP - 1):
        rows["offices"].append({"office_id": f"O{n}", "office_name": f"Office number {n} of the valley",
                                "bureau_id": "B1", "peer_group": "urban"})
        rows["units"].append({"unit_id": f"U{n}", "unit_name": f"Unit {n}", "office_id": f"O{n}"})
        rows["workers"].append({"worker_id": f"W{n}", "worker_name": f"Worker {n}", "unit_id": f"U{n}",
                                "hire_date": "2000-01-01", "end_date": None})
    rows["offices"].append({"office_id": "O99", "office_name": "Lone", "bureau_id": "B2", "peer_group": "rural"})
    rows["units"].append({"unit_id": "U99", "unit_name": "Lone 1", "office_id": "O99"})
    rows["workers"].append({"worker_id": "W99", "worker_name": "Lou", "unit_id": "U99", "hire_date": "2000-01-01",
                            "end_date": None})
    workers = ["W1", "W2", *(f"W{n}" for n in range(3, 3 + PEER_GROUP - 1)), "W99"]
    for w, worker in enumerate(workers):
        timely = 6 - w % 3  # 6, 5 or 4 of 6 in time: three values shared by nine offices
        for r in range(6):
            contact = "2024-11-05T12:00" if r < timely else None
            a.referral(f"R{worker}-{r}", f"C{worker}-{r}", "2024-11-05T08:00", contact=contact, worker=worker)
    return a


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    root = tmp_path_factory.mktemp("crowded")
    warehouse = Warehouse(f"duckdb:///{root / 'instance' / 'warehouse.duckdb'}")
    load_extract(write_extract(root / "extract", crowded_agency().rows, as_of="2024-12-31"), warehouse)
    warehouse.dispose()
    app = make_app(root / "instance", root / "statboard.db")
    ensure_user(app, "exec", "executive")
    with serving(app.server) as url:
        yield url


def _driver(url):
    driver = chromium_or_skip()
    sign_in_with_the_form(driver, url, "exec")
    return driver


@pytest.fixture(scope="module")
def driver(site):
    driver = _driver(site[0])
    yield driver
    driver.quit()


def _charts(driver, address: str, width: int, height: int) -> dict:
    driver.set_window_size(width, height)
    driver.get(address)
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(DRAWN, list(CHARTS)), "the charts were not drawn")
    return driver.execute_script(CHART_TEXTS, list(CHARTS))


@pytest.mark.parametrize("width,height,smallest", SIZES)
def test_presented_indicator_charts_have_large_text_and_no_label_over_another(driver, site, shots, width, height,
                                                                              smallest):
    charts = _charts(driver, site[0] + INDICATOR, width, height)
    shoot(driver, shots / f"indicator-presented-{width}x{height}.png")
    for chart, seen in charts.items():
        sizes = {t["text"][:30]: t["px"] for t in seen["texts"]}
        assert sizes and min(sizes.values()) >= smallest, (chart, {k: v for k, v in sizes.items() if v < smallest})
        assert seen["yticks"] or chart == "indicator-variation", chart  # the variation has no y labels
        assert not overlapping(seen["yticks"]), (chart, overlapping(seen["yticks"]))
    # The lines' labels above the ranking and the variation sit in rows of their own, whatever their size.
    for chart in ("indicator-ranking", "indicator-variation"):
        assert not overlapping(charts[chart]["texts"]), (chart, overlapping(charts[chart]["texts"]))
    assert not console_errors(driver)


def test_the_indicator_page_not_presented_keeps_its_desk_size_text(driver, site):
    charts = _charts(driver, site[0] + INDICATOR.replace("&present=1", ""), 1920, 1080)
    assert max(t["px"] for t in charts["indicator-ranking"]["texts"]) < 20  # presentation is what makes it large


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presented"])
def test_a_peer_group_of_eight_offices_names_each_office_clear_of_the_others(crowded, shots, present):
    driver = _driver(crowded)
    try:
        for width, height, smallest in SIZES:
            address = crowded + "/indicator/timely_response_immediate?month=2024-11&parent=bureau:B1"
            peers = _charts(driver, address + ("&present=1" if present else ""), width, height)["indicator-peers"]
            shown = "presented" if present else "normal"
            shoot(driver, shots / f"peers-{shown}-{width}x{height}.png", "indicator-peers")
            assert not overlapping(peers["texts"]), overlapping(peers["texts"])  # no text over another
            names = [t["text"] for t in peers["yticks"] if t["text"].startswith("Office number")]
            assert len(names) == PEER_GROUP - 1, names  # every office named, none dropped for want of room
            if present:
                assert min(t["px"] for t in peers["texts"]) >= smallest
        assert not console_errors(driver)
    finally:
        driver.quit()


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_a_presented_agenda_item_fits_the_screen_without_scrolling(driver, site, shots, width, height):
    url, meeting_id = site
    driver.set_window_size(width, height)
    driver.get(f"{url}/meeting?id={meeting_id}&present=1")
    WebDriverWait(driver, WAIT_S).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#meeting-agenda .meeting-item .js-plotly-plot .main-svg"))
        >= 2, "the agenda was never drawn")
    items = driver.execute_script("return Array.from(document.querySelectorAll('#meeting-agenda .meeting-item'))"
                                  ".map(e => e.id)")
    for n, item in enumerate(items):
        WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(VISIBLE_ITEMS) == [item], f"{item} not shown")
        WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(SETTLED), f"{item}'s charts not redrawn")
        driver.save_screenshot(str(shots / f"meeting-item-{n + 1}-presented-{width}x{height}.png"))
        scroll, window = driver.execute_script(NO_SCROLL)
        assert scroll <= window + 1, f"{item} needs {scroll - window} px of scrolling at {width}×{height}"
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert not console_errors(driver)
