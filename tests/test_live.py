"""Live pages (web/live.py): with the scorecard and the home page open in a real Chromium, a load lands;
each redraws with the new version's numbers and "data as of" stamp, without a reload, and the scorecard keeps the
reader's place (its address and its scroll). The check answers only when the version changed, and a meeting
pinned to its version still shows its own numbers, saying newer data exists."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from demodata.generate import generate
from loader.load import load_extract
from queries.warehouse import Warehouse
from tests.browser import chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.scorecard_dom import TABLE_JS
from tests.test_meeting_pages import new_meeting
from tests.web import ensure_user, make_app, post_callback, signed_in_client

LIVE_S = 1  # the check's interval here (a minute in production)
REDRAWN_S = 30  # how long the page may take to show a load that landed


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("live-extracts")
    for version, (seed, as_of) in {1: (42, dt.date(2026, 11, 10)), 2: (43, dt.date(2026, 11, 15)),
                                   3: (44, dt.date(2026, 11, 20)), 4: (45, dt.date(2026, 11, 25))}.items():
        generate(root / f"v{version}", "small", seed, as_of)
    return root


@pytest.fixture(scope="module")
def live(extracts, tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    load_extract(extracts / "v1", warehouse)
    app = make_app(instance, tmp_path_factory.mktemp("store") / "statboard.db", live_seconds=LIVE_S)
    ensure_user(app, "exec", "executive")
    with serving(app.server) as url:
        yield app, url, warehouse
    warehouse.dispose()


@pytest.fixture(scope="module")
def driver(live):
    driver = chromium_or_skip()
    driver.set_window_size(1280, 720)
    sign_in_with_the_form(driver, live[1], "exec")
    yield driver
    driver.quit()


STATE_JS = """
const box = document.getElementById('scorecard-heatmap');
const stamp = document.getElementById(arguments[0]);
return {stamp: stamp ? stamp.textContent : null, top: box ? box.scrollTop : null, url: location.href,
        cells: box ? Array.from(box.querySelectorAll('td a'), a => a.textContent) : []};
"""


def test_an_open_scorecard_redraws_when_a_load_lands_and_keeps_the_readers_place(live, driver, extracts):
    app, url, warehouse = live
    path = "/scorecard?parent=bureau:B01&level=worker&tier=1"  # a long listing, scrolled down
    driver.get(url + path)
    WebDriverWait(driver, REDRAWN_S).until(lambda d: (d.execute_script(TABLE_JS, "scorecard-heatmap") or {})
                                           .get("y"), "the scorecard was never drawn")
    driver.execute_script("document.getElementById('scorecard-heatmap').scrollTop = 400")
    before = driver.execute_script(STATE_JS, "scorecard-as-of")
    assert "version 1" in before["stamp"] and before["top"] == 400
    time.sleep(3 * LIVE_S)  # checks that find nothing new change nothing
    assert driver.execute_script(STATE_JS, "scorecard-as-of") == before
    load_extract(extracts / "v2", warehouse)
    WebDriverWait(driver, REDRAWN_S).until(
        lambda d: "version 2" in (d.execute_script(STATE_JS, "scorecard-as-of")["stamp"] or ""),
        "the scorecard did not notice the new version")
    WebDriverWait(driver, REDRAWN_S).until(lambda d: d.execute_script(STATE_JS, "scorecard-as-of")["cells"]
                                           != before["cells"], "the cells were not redrawn")
    after = driver.execute_script(STATE_JS, "scorecard-as-of")
    assert "15 November 2026" in after["stamp"]
    assert after["url"] == url + path and after["top"] == 400  # the same listing, at the same place
    assert console_errors(driver) == []


def test_the_home_page_redraws_when_a_load_lands(live, driver, extracts):
    app, url, warehouse = live
    driver.get(url + "/")
    WebDriverWait(driver, REDRAWN_S).until(lambda d: "version 2" in d.find_element(By.ID, "home-as-of").text,
                                           "the home page was never drawn")
    load_extract(extracts / "v3", warehouse)
    WebDriverWait(driver, REDRAWN_S).until(lambda d: "version 3" in d.find_element(By.ID, "home-as-of").text,
                                           "the home page did not notice the new version")
    assert "20 November 2026" in driver.find_element(By.ID, "home-as-of").text
    assert driver.current_url == url + "/" and console_errors(driver) == []


def test_an_open_meeting_keeps_its_numbers_and_says_new_data_landed(live, driver, extracts):
    app, url, warehouse = live
    client = signed_in_client(app, "exec", "executive")
    meeting_id = new_meeting(client)
    driver.get(f"{url}/meeting?id={meeting_id}")
    WebDriverWait(driver, REDRAWN_S).until(lambda d: d.find_element(By.ID, "meeting-title").text,
                                           "the meeting was never drawn")
    facts = driver.find_element(By.ID, "meeting-facts").text
    assert driver.find_element(By.ID, "meeting-newer-notice").text == ""
    load_extract(extracts / "v4", warehouse)
    WebDriverWait(driver, REDRAWN_S).until(
        lambda d: "New data landed while this page was open: version 4, as of 25 November 2026"
        in d.find_element(By.ID, "meeting-newer-notice").text, "the meeting did not say new data landed")
    assert driver.find_element(By.ID, "meeting-facts").text == facts  # still its own version's
    assert "Data version 3" in facts and console_errors(driver) == []


def test_the_check_answers_only_when_the_version_changed(live):
    app, _url, warehouse = live
    client = signed_in_client(app, "exec", "executive")

    def check(shown):
        response = post_callback(client, "scorecard-live-newer.data", {"scorecard-live-tick.n_intervals": 1,
                                                                       "scorecard-live-shown.data": shown})
        assert response.status_code == 200
        return response.get_json()["response"].get("scorecard-live-newer", {}).get("data")
    current = check(None)
    assert current["version"].startswith(f"{warehouse.snapshot().version.version_id}@")
    assert check(current) is None  # nothing new: no update, nothing redrawn
    assert check({"version": "1@2026-11-10T00:00:00"}) == current  # an older one: the page redraws
