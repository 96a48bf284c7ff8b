"""The pages in a real headless Chromium, against the real app on the `small` demo warehouse.

Every test waits for text or elements (never a fixed sleep) and ends with a clean browser console.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from queries.performance import heatmap, ordered_catalogue
from access.scope import EntityRef, Scope
from tests.browser import (WAIT_S, choose_containing, chromium_or_skip, console_errors, serving,
                           sign_in_with_the_form)
from tests.scorecard_dom import table_ready
from tests.web import ensure_user, make_app

SCORECARD = "scorecard-heatmap"
FIGURE_JS = """
const graph = document.getElementById(arguments[0]);
const plot = graph && graph.querySelector('.js-plotly-plot');
return plot && plot.data && plot.data.length ? {x: plot.data[0].x, y: plot.data[0].y} : null;
"""


@pytest.fixture(scope="module")
def site(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "exec", "executive")
    with serving(app.server) as url:
        yield url


@pytest.fixture
def snapshot(demo_snapshot):
    return demo_snapshot


@pytest.fixture(scope="module")
def driver(site):
    browser = chromium_or_skip()
    sign_in_with_the_form(browser, site, "exec")
    yield browser
    browser.quit()


@pytest.fixture
def page(driver, site):
    """The browser, with a helper to open a path; the test fails if the console logged an error."""
    console_errors(driver)  # start each test with an empty log

    class Page:
        def open(self, path):
            driver.get(site + path)

        def wait(self, condition, message):
            return WebDriverWait(driver, WAIT_S).until(condition, message)

        def title(self, element_id, contains):
            self.wait(ec.text_to_be_present_in_element((By.ID, element_id), contains),
                      f"#{element_id} never said {contains!r}")

        def figure(self, graph_id, expect_first_y=None):
            def ready(d):
                data = d.execute_script(FIGURE_JS, graph_id)
                if not data or not data["y"]:
                    return False
                return data if expect_first_y is None or data["y"][0] == expect_first_y else False
            return self.wait(ready, f"#{graph_id} never drew its data")

        def scorecard(self, expect_first_y=None):
            """The scorecard table's row and column names (and their ids), once it has drawn its rows."""
            return self.wait(table_ready(SCORECARD, expect_first_y), f"#{SCORECARD} never drew its rows")

        def follow(self, css):
            """Click the link inside the scorecard's element matching `css`, as a reader would."""
            link = self.wait(ec.presence_of_element_located((By.CSS_SELECTOR, f"#{SCORECARD} {css} a")),
                             f"no link in {css}")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", link)
            self.wait(ec.element_to_be_clickable(link), f"the link in {css} cannot be clicked")
            link.click()

    yield Page()
    errors = console_errors(driver)
    assert not errors, f"the browser console logged errors: {errors}"


def test_scorecard_renders_the_department_and_its_bureaus(page, snapshot):
    page.open("/scorecard")
    page.title("scorecard-title", "bureaus")
    data = page.scorecard()
    expected = heatmap(snapshot, Scope.everything(), None)
    assert data["y"] == expected.rows.entity_name.tolist()  # the department first, then its bureaus
    assert data["entities"] == [f"{r.level}:{r.entity_id}" for r in expected.rows.itertuples()]
    assert data["x"] == ordered_catalogue(snapshot).name.tolist()
    assert data["indicators"] == ordered_catalogue(snapshot).indicator_id.tolist() and len(data["x"]) == 28


def test_a_click_drills_from_the_department_to_a_worker_and_the_breadcrumb_climbs_back(page, driver, snapshot):
    everyone = Scope.everything()
    page.open("/scorecard")
    page.scorecard()
    path = []
    parent = EntityRef("department", "all")
    for level in ("bureau", "office", "unit", "worker"):
        rows = heatmap(snapshot, everyone, None, parent).rows
        child = rows.iloc[1]  # the first row under the parent
        page.follow(f"tbody th[data-entity='{level}:{child.entity_id}']")
        parent = EntityRef(level, child.entity_id)
        path.append(child.entity_name)
        if level == "worker":
            page.title("entity-title", f"{child.entity_name} · worker")  # a worker's name opens its page
        else:
            page.title("scorecard-title", f"{child.entity_name}: {('office', 'unit', 'worker')[len(path) - 1]}s")
            page.scorecard(expect_first_y=child.entity_name)
    assert urlparse(driver.current_url).path == f"/entity/worker/{parent.entity_id}"
    # Up again, one breadcrumb step at a time: unit, office, bureau, department.
    for name, level in zip(reversed(path[:-1]), ("worker", "unit", "office")):
        link = page.wait(ec.element_to_be_clickable((By.LINK_TEXT, name)), f"no breadcrumb link {name!r}")
        link.click()
        page.title("scorecard-title", f"{name}: {level}s")
    department = heatmap(snapshot, everyone, None).rows.entity_name.iloc[0]
    page.wait(ec.element_to_be_clickable((By.LINK_TEXT, department)), "no breadcrumb link to the department").click()
    page.title("scorecard-title", f"{department}: bureaus")


def test_a_deep_link_opens_the_same_view_and_back_returns_to_it(page, driver, snapshot):
    page.open("/scorecard?month=2025-06&parent=bureau:B02&tier=1&sort=-reentry")
    page.title("scorecard-title", "South Bureau: offices, June 2025")
    data = page.scorecard(expect_first_y="South Bureau")
    expected = heatmap(snapshot, Scope.everything(), dt.date(2025, 6, 1), EntityRef("bureau", "B02"), tier=1,
                       sort="-reentry")
    assert data["y"] == expected.rows.entity_name.tolist()
    assert data["x"] == expected.indicators.name.tolist() and len(data["x"]) < 28
    assert driver.find_element(By.CSS_SELECTOR, "#scorecard-tier input[value='1']").is_selected()
    # A changed month is a new URL that keeps the rest of the view; Back returns to June.
    page.wait(ec.element_to_be_clickable((By.CSS_SELECTOR, "#scorecard-month")), "no month picker").click()
    option = page.wait(ec.element_to_be_clickable((By.XPATH, "//*[normalize-space(text())='May 2025']")),
                       "no May 2025 in the month picker")
    option.click()
    page.title("scorecard-title", "South Bureau: offices, May 2025")
    query = parse_qs(urlparse(driver.current_url).query)
    assert query == {"month": ["2025-05"], "parent": ["bureau:B02"], "tier": ["1"], "sort": ["-reentry"]}
    driver.back()
    page.title("scorecard-title", "South Bureau: offices, June 2025")


def test_a_cell_and_a_column_name_open_the_indicator_page_and_back_returns(page, driver):
    page.open("/scorecard?parent=bureau:B01")
    page.scorecard(expect_first_y="North Bureau")
    page.follow("thead th[data-indicator='reentry']")
    page.title("indicator-title", "Re-entry into foster care")
    assert urlparse(driver.current_url).path == "/indicator/reentry"
    assert parse_qs(urlparse(driver.current_url).query) == {"parent": ["bureau:B01"]}
    page.open("/scorecard?parent=bureau:B01&tier=1")
    page.scorecard(expect_first_y="North Bureau")
    page.follow("td[data-entity='office:O001'][data-indicator='no_recurrence']")  # Alder, the first office
    page.title("indicator-title", "No recurrence of maltreatment")
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["parent"] == ["bureau:B01"] and query["entity"] == ["office:O001"]
    page.title("indicator-trend-title", "Trend: Alder Office")
    driver.back()
    page.title("scorecard-title", "North Bureau: offices")
    page.scorecard(expect_first_y="North Bureau")
    assert parse_qs(urlparse(driver.current_url).query) == {"parent": ["bureau:B01"], "tier": ["1"]}


def test_the_indicator_page_renders_its_sections(page, driver):
    page.open("/indicator/reentry?parent=bureau:B01&entity=office:O002")
    page.title("indicator-title", "Re-entry into foster care")
    page.title("indicator-trend-title", "Trend: Bayview Office, the last 24 months")
    ranking = page.figure("indicator-ranking")
    assert set(ranking["y"]) == {"Alder Office", "Bayview Office", "Cedar Office"}
    page.figure("indicator-peers")
    page.title("indicator-definition", "Why it matters")
    assert "For the Stat meeting" in driver.find_element(By.ID, "indicator-definition").text


def test_the_entity_page_tells_the_whole_story(page, driver, snapshot):
    page.open("/entity/office/O002")
    page.title("entity-title", "Bayview Office: ")
    page.wait(ec.presence_of_element_located((By.CSS_SELECTOR, "#entity-story img.sparkline")), "no sparklines")
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#entity-story tbody td:first-child a")]
    assert names == ordered_catalogue(snapshot).name.tolist()


def test_a_bad_link_says_what_was_wrong_on_the_page(page, driver):
    page.open("/scorecard?parent=office:NOPE")
    page.title("scorecard-message", "there is no office 'NOPE'")
    page.open("/indicator/no_such_indicator")
    page.title("indicator-message", "There is no indicator at this address")
    page.open("/entity/bureau/B01?month=last-june")
    page.title("entity-message", "month 'last-june' is not a month")


def test_a_clicked_bar_shows_that_entity_s_trend(page, driver):
    page.open("/indicator/no_recurrence?parent=bureau:B01")
    page.title("indicator-trend-title", "Trend: North Bureau")
    ranking = page.figure("indicator-ranking")
    first = ranking["y"][0]
    bar = page.wait(ec.presence_of_element_located((By.CSS_SELECTOR, "#indicator-ranking .point path")), "no bars")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", bar)
    ActionChains(driver).move_to_element(bar).click().perform()
    page.title("indicator-trend-title", f"Trend: {first}")
    assert "entity=office%3A" in driver.current_url or "entity=office:" in driver.current_url


def test_from_an_indicator_to_the_members_behind_its_cell_masked_then_revealed(page, driver, snapshot):
    from queries.scorecard import members_behind_cell
    page.open("/indicator/timely_response_immediate?month=2026-10&parent=office:O001")
    link = page.wait(ec.element_to_be_clickable((By.ID, "indicator-members")), "no link to the members")
    link.click()
    page.title("members-title", "members behind Alder Office")
    truth = members_behind_cell(snapshot, Scope.everything(), "timely_response_immediate", dt.date(2026, 10, 1),
                                EntityRef("office", "O001"))
    def cells(d):  # read in one go: the grid redraws its cells as it fills
        found = d.execute_script("return Array.from(document.querySelectorAll("
                                 "\"#members-grid .ag-center-cols-container .ag-cell[col-id='member_id'], "
                                 "#members-grid .ag-pinned-left-cols-container .ag-cell[col-id='member_id']\"))"
                                 ".map(e => e.textContent.trim())")
        return found if found and all(found) else False
    masked = page.wait(cells, "the grid never showed its members")
    assert len(masked) == min(len(truth), 50) and all(text.startswith("••••") for text in masked)
    driver.find_element(By.XPATH, "//label[contains(., 'Shown (written to the audit log)')]").click()
    shown = page.wait(lambda d: (lambda c: c if c and not c[0].startswith("••••") else False)(cells(d)),
                      "the identifiers were never shown")
    assert set(shown) <= set(truth.member_id)
    driver.find_element(By.XPATH, "//label[normalize-space(.)='Not met']").click()
    page.wait(lambda d: not cells(d) or len(cells(d) or []) == int((truth.numerator == 0).sum()),
              "the not-met filter never applied")


def test_a_scorecard_cell_to_a_completed_review(page, driver):
    # The toolkit's loop: a cell (Alder Office, first column), its members, a draw of two cases, their reviews
    # assigned (to oneself), the first one filled in and completed.
    page.open("/scorecard?parent=bureau:B01&tier=1")
    page.scorecard(expect_first_y="North Bureau")
    page.follow("td[data-entity='office:O001'][data-indicator='no_recurrence']")
    page.title("indicator-trend-title", "Trend: Alder Office")
    page.wait(ec.element_to_be_clickable((By.ID, "indicator-focus-members")), "no link to Alder's members").click()
    page.title("members-title", "members behind Alder Office")
    page.wait(ec.element_to_be_clickable((By.CSS_SELECTOR, "#pick-card summary")), "no case picker").click()
    page.wait(ec.visibility_of_element_located((By.ID, "pick-button")), "the case picker did not open")
    driver.find_element(By.ID, "pick-seed").send_keys("review-walk")
    driver.find_element(By.ID, "pick-n").clear()
    driver.find_element(By.ID, "pick-n").send_keys("2")
    driver.find_element(By.ID, "pick-button").click()
    page.title("selection-title", "cases for review")
    assert urlparse(driver.current_url).path == "/selection"
    page.wait(lambda d: "Seed review-walk" in d.find_element(By.ID, "selection-facts").text, "no seed shown")
    rows = driver.find_elements(By.CSS_SELECTOR, ".selection-picks tbody tr")
    assert len(rows) == 2 and all("••••" in r.text for r in rows)  # masked until shown
    choose_containing(driver, "selection-reviewer", "exec —")
    driver.find_element(By.ID, "selection-due").send_keys("12312099")  # a date input types its own way
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "selection-assign"))
    page.title("selection-assigned", "2 reviews assigned")
    driver.execute_script("arguments[0].click()", driver.find_element(By.LINK_TEXT, "The review queue"))
    page.wait(ec.presence_of_element_located((By.CSS_SELECTOR, ".reviews-queue")), "no review queue")
    driver.execute_script("arguments[0].click()", driver.find_elements(By.LINK_TEXT, "Open")[0])
    page.title("review-title", "assigned")
    strengths = page.wait(lambda d: d.find_elements(
        By.XPATH, "//div[contains(@class,'review-item')]//label[normalize-space(.)='Strength']"), "no review form")
    assert len(strengths) == 18
    for label in strengths:
        driver.execute_script("arguments[0].click()", label)
    complete = driver.find_element(By.ID, "review-complete")
    driver.execute_script("arguments[0].click()", complete)
    page.title("review-said", "Not completed: ")  # every problem at once, each beside its question, nothing lost
    assert "'What went well' is not answered" in driver.find_element(By.ID, "review-form").text
    for n, box in enumerate(driver.find_elements(By.CSS_SELECTOR, "textarea[id*='review-question']")[:2]):
        box.send_keys(["The family was seen every month.", "A caseworker left mid-year."][n])
    driver.execute_script("arguments[0].click()", complete)
    page.title("review-title", "completed")


# -- the scorecard's layout, as a meeting room sees it -------------------------------------------------

@pytest.fixture
def viewport(driver):
    """Set the page's viewport to width × height (as a screen of that size shows it); undone afterwards.

    Through Chromium's device metrics, not the window's size: a headless window may not grow past its screen.
    """
    def size(width, height):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == [width, height]
    yield size
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


LAYOUT_JS = """
const box = document.getElementById(arguments[0]);
const table = box.querySelector('table');
const rows = Array.from(table.querySelectorAll('tbody tr'));
const name = table.querySelector('tbody th[data-entity] a');
const headers = Array.from(table.querySelectorAll('thead th[data-indicator]'));
return {
  box: [box.scrollWidth, box.clientWidth], page: [document.documentElement.scrollWidth, window.innerWidth],
  rowTops: rows.slice(0, 3).map(r => r.getBoundingClientRect().bottom),
  cellFonts: Array.from(table.querySelectorAll('td a')).map(a => parseFloat(getComputedStyle(a).fontSize)),
  nameClipped: name.scrollWidth > name.clientWidth + 1 || name.scrollHeight > name.clientHeight + 1,
  headers: headers.map(th => ({
    text: th.querySelector('a').textContent.replace(/[\\u00ad\\u200b]/g, ''),
    label: th.querySelector('a').getAttribute('aria-label'),
    unit: (th.querySelector('.scorecard-unit') || {}).textContent,
    transform: getComputedStyle(th.querySelector('a')).transform + getComputedStyle(th).transform,
    writing: getComputedStyle(th).writingMode, width: th.getBoundingClientRect().width,
    lines: Math.round(th.querySelector('a').getBoundingClientRect().height /
                      parseFloat(getComputedStyle(th).lineHeight))})),
};
"""


def test_a_bureau_and_its_offices_fit_1920_by_1080_with_readable_headers_and_units(page, driver, viewport):
    viewport(1920, 1080)
    for path in ("/scorecard?parent=bureau:B01", "/scorecard"):  # the department's long name, too
        page.open(path)
        page.scorecard()
        layout = driver.execute_script(LAYOUT_JS, SCORECARD)
        assert layout["box"][0] <= layout["box"][1], f"{path} scrolls sideways at 1920: {layout['box']}"
        assert layout["page"][0] <= layout["page"][1]
        assert len(layout["headers"]) == 28 and min(layout["cellFonts"]) >= 14
        labels = [h["label"] for h in layout["headers"]]
        assert len(set(labels)) == 28  # every column its own name
        for header in layout["headers"]:
            # Whole: not cut, no "…"; only a closing "(… per 100,000 days)" is left to the unit line under it.
            assert header["text"] == header["label"] or (
                header["label"].startswith(header["text"] + " (") and header["unit"] in header["label"]), header
            assert header["lines"] <= 8, header  # hyphenated between syllables, not a word a line
            assert header["transform"] == "nonenone" and header["writing"] == "horizontal-tb", header
            assert header["unit"] in ("%", "days", "count", "per 100,000 days"), header
        assert not layout["nameClipped"], "the first row's name is clipped"
    units = {h["label"]: h["unit"] for h in layout["headers"]}
    assert units["Median days in care"] == "days" and units["Foster care entry (removal)"] == "count"
    assert units["Maltreatment in foster care (victimizations per 100,000 days)"] == "per 100,000 days"


def test_the_first_rows_are_above_the_fold_of_a_1280_by_720_projector(page, driver, viewport):
    viewport(1280, 720)
    page.open("/scorecard?parent=bureau:B01")
    page.scorecard(expect_first_y="North Bureau")
    layout = driver.execute_script(LAYOUT_JS, SCORECARD)
    assert all(bottom < 720 for bottom in layout["rowTops"]), layout["rowTops"]  # the parent and two offices


STICKY_JS = """
const box = document.getElementById(arguments[0]);
box.scrollIntoView({block: 'start'});
box.scrollTop = 600; box.scrollLeft = 500;
const top = box.getBoundingClientRect();
const head = box.querySelector('thead').getBoundingClientRect();
const names = Array.from(box.querySelectorAll('tbody th[data-entity]'));
const shown = names.find(th => th.getBoundingClientRect().top >= head.bottom);
return {scrolled: [box.scrollTop, box.scrollLeft], boxTop: top.top, boxLeft: top.left, headTop: head.top,
        nameLeft: shown.getBoundingClientRect().left,
        firstColumn: box.querySelector('thead th[data-indicator]').getBoundingClientRect().left};
"""


def test_headers_and_row_names_stay_in_view_while_a_long_listing_scrolls(page, driver, viewport):
    viewport(1280, 720)
    page.open("/scorecard?parent=bureau:B01&level=worker")
    page.scorecard(expect_first_y="North Bureau")
    at = driver.execute_script(STICKY_JS, SCORECARD)
    assert at["scrolled"][0] > 0 and at["scrolled"][1] > 0, f"the listing did not scroll: {at}"
    assert abs(at["headTop"] - at["boxTop"]) <= 2, at  # the header rows stuck to the top of the box
    assert abs(at["nameLeft"] - at["boxLeft"]) <= 2, at  # and the names to its left edge
    assert at["firstColumn"] < at["boxLeft"]  # while the cells scrolled under them


def test_tab_reaches_a_cell_link_shows_where_it_is_and_enter_follows_it(page, driver):
    page.open("/scorecard?parent=bureau:B01&tier=1")
    page.scorecard(expect_first_y="North Bureau")
    driver.find_element(By.TAG_NAME, "body").click()
    focused = None
    for _ in range(150):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(
            "const a = document.activeElement; const td = a && a.closest('td[data-indicator]');"
            "return td ? {entity: td.dataset.entity, indicator: td.dataset.indicator, "
            "outline: getComputedStyle(a).outlineStyle, width: getComputedStyle(a).outlineWidth} : null;")
        if focused:
            break
    assert focused, "Tab never reached a cell's link"
    assert focused["outline"] != "none" and float(focused["width"].rstrip("px")) >= 2, focused
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    page.title("indicator-trend-title", "Trend: North Bureau")
    query = parse_qs(urlparse(driver.current_url).query)
    assert urlparse(driver.current_url).path == f"/indicator/{focused['indicator']}"
    assert query["entity"] == [focused["entity"]] == ["bureau:B01"]
