"""The pages' layout in a real headless Chromium, as the people who read them hold them: an executive's phone
(390×844, Chromium's mobile emulation), a tablet (1024×768), a 1280×720 projector, a 1920×1080 screen, and
presentation mode in a meeting room. One served app and one browser for the whole module; each test sets its
own viewport. The phone and tablet tests save their screenshots under the test's tmp dir."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import WAIT_S, chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.scorecard_dom import table_ready
from tests.test_present_browser import meeting_with_agenda
from tests.web import ensure_user, make_app, signed_in_client

SCORECARD = "scorecard-heatmap"
UNITS = "/scorecard?parent=office:O001&level=unit"
MEMBERS = "/members?indicator=timely_response_immediate&month=2026-10&entity=office:O001"


@pytest.fixture(scope="module")
def site(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "exec", "executive")
    meeting_id = meeting_with_agenda(signed_in_client(app, "exec", "executive"))
    with serving(app.server) as url:
        yield url, meeting_id


@pytest.fixture(scope="module")
def driver(site):
    browser = chromium_or_skip()
    sign_in_with_the_form(browser, site[0], "exec")
    yield browser
    browser.quit()


@pytest.fixture
def screen(driver, site):
    """Open a path at a screen's size (`mobile`: as a phone's browser lays it out); the test fails if the browser
    console logged an error."""
    console_errors(driver)

    def open_at(path, width, height, mobile=False):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": mobile})
        driver.get(site[0] + path)
    yield open_at
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    errors = console_errors(driver)
    assert not errors, f"the browser console logged errors: {errors}"


def _wait(driver, condition, message):
    return WebDriverWait(driver, WAIT_S).until(condition, message)


def _scorecard(driver):
    return _wait(driver, table_ready(SCORECARD), "the scorecard never drew its rows")


# -- 12. the home page names the data month and its as-of date first ---------------------------------------

def test_the_home_page_says_the_data_month_and_as_of_date_first(driver, screen):
    screen("/", 1280, 720)
    stamp = _wait(driver, lambda d: d.find_element(By.ID, "home-as-of").text, "no data stamp")
    assert stamp.startswith("October 2026 data, as of 10 November 2026"), stamp
    first = driver.execute_script("return document.querySelector('h1').nextElementSibling.id")
    assert first == "home-as-of"  # the first thing under the heading


# -- 17. a unit-level scorecard fits 1920; the members list starts above a projector's fold ----------------

def test_a_unit_level_scorecard_does_not_overflow_1920_by_1080(driver, screen):
    screen(UNITS, 1920, 1080)
    _scorecard(driver)
    width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


def test_the_members_list_starts_above_the_fold_of_a_1280_by_720_projector(driver, screen):
    screen(MEMBERS, 1280, 720)
    row = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".members-grid .ag-center-cols-container "
                                                                   "[role='row']"), "no members listed")[0]
    top = driver.execute_script("return arguments[0].getBoundingClientRect().bottom", row)
    assert top < 720, f"the first member's row ends at y = {top}"
    picker = driver.find_element(By.CSS_SELECTOR, "#pick-card summary")  # the picker is folded under its heading
    assert picker.text == "Pick cases for review"
    picker.click()
    _wait(driver, lambda d: d.find_element(By.ID, "pick-button").is_displayed(), "the picker did not open")


# -- 18. presentation mode: no form controls, no editing buttons, nothing under 18 px ----------------------

PRESENT_JS = """
const shown = e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && e.getClientRects().length > 0;
const controls = Array.from(document.querySelectorAll(
    'select, input:not([type=hidden]), textarea, .Select, .dash-dropdown, [role=combobox], [role=listbox]'))
    .filter(shown).map(e => e.outerHTML.slice(0, 120));
// A link may stay (the presenter follows it), but not drawn as a button: no border, no fill.
const drawnAsButton = e => {
  const style = getComputedStyle(e);
  return e.tagName !== 'A' || parseFloat(style.borderTopWidth) > 0 || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
};
const buttons = Array.from(document.querySelectorAll('button, .btn, [role=button]'))
    .filter(e => shown(e) && !e.closest('.present-nav') && drawnAsButton(e))
    .map(e => e.textContent.trim() || e.outerHTML.slice(0, 80));
const small = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const e = node.parentElement;
  if (!node.textContent.trim() || !e || !shown(e)) continue;
  const px = parseFloat(getComputedStyle(e).fontSize);
  if (px < 18) small.push([node.textContent.trim().slice(0, 40), px, e.className.baseVal ?? e.className]);
}
return {controls, buttons, small, members: document.body.innerText.includes('List its members'),
        share: document.body.innerText.includes('What to share')};
"""


def _present_pages(site):
    url, meeting_id = site
    return [("/scorecard?parent=bureau:B01&present=1", "#scorecard-heatmap td[data-domain]"),
            ("/indicator/timely_response_immediate?parent=bureau:B01&present=1", "#indicator-ranking .main-svg"),
            ("/entity/office/O001?present=1", "#entity-story table"),
            (f"/meeting?id={meeting_id}&present=1", "#meeting-agenda .meeting-item .js-plotly-plot .main-svg")]


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_presentation_shows_no_form_controls_and_no_text_under_18_px(driver, site, screen, width, height):
    for path, drawn in _present_pages(site):
        screen(path, width, height)
        _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, drawn), f"{path} never drew {drawn}")
        _wait(driver, lambda d: d.execute_script("return document.body.classList.contains('presenting')"),
              "not presenting")
        said = driver.execute_script(PRESENT_JS)
        assert not said["controls"], f"{path} shows form controls: {said['controls']}"
        assert not said["buttons"], f"{path} shows buttons: {said['buttons']}"
        assert not said["members"] and not said["share"], f"{path} shows desk words"
        assert not said["small"], f"{path} has text under 18 px at {width}: {said['small'][:12]}"


def test_a_practice_in_presentation_shows_what_was_shared_without_its_form_label(driver, site, screen):
    screen(f"/meeting?id={site[1]}&present=1", 1280, 720)
    _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#meeting-agenda .meeting-item")) == 3, "no agenda")
    for _ in range(2):  # the kudos is the third item
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    text = _wait(driver, lambda d: (lambda t: t if "safety plan" in t else False)(
        d.find_element(By.ID, "meeting-agenda").text), "the kudos was not shown")
    assert "Alder Office held every first safety plan on time" in text and "What to share" not in text


# -- 21. the executive's phone, and a tablet ----------------------------------------------------------------

VISIBLE_JS = "return arguments[0].checkVisibility() && arguments[0].getBoundingClientRect().height > 0"
PHONE_JS = """
const nav = document.querySelector('.statboard-navbar').getBoundingClientRect();
const row = document.querySelector('#scorecard-heatmap tbody tr').getBoundingClientRect();
return {nav: nav.height, row: row.top, width: [document.documentElement.scrollWidth, window.innerWidth],
        controls: document.querySelector('.scorecard-controls').getBoundingClientRect().height};
"""
STICKY_JS = """
const box = document.getElementById(arguments[0]);
box.scrollLeft = 400;
const name = box.querySelector('tbody th[data-entity]').getBoundingClientRect();
const cell = box.querySelector('tbody td').getBoundingClientRect();
return {scrolled: box.scrollLeft, nameLeft: name.left, boxLeft: box.getBoundingClientRect().left,
        nameRight: name.right, cellLeft: cell.left};
"""
SHOWN_VALUES_JS = """
// The dropdowns on screen (the Data selector is out of sight until a published source is imported).
return Array.from(document.querySelectorAll('.scorecard-controls .dash-dropdown'))
    .filter(d => d.getClientRects().length).map(d => {
  const r = d.getBoundingClientRect(), value = d.querySelector('.dash-dropdown-value');
  return {text: d.innerText.trim(), width: r.width, right: r.right,
          clipped: !value || value.scrollWidth > value.clientWidth + 1};
});
"""


def test_on_a_phone_the_scorecard_s_first_row_is_on_the_first_screen(driver, screen, tmp_path):
    screen("/scorecard", 390, 844, mobile=True)
    _scorecard(driver)
    driver.save_screenshot(str(tmp_path / "scorecard-phone-390x844.png"))
    at = driver.execute_script(PHONE_JS)
    assert at["nav"] <= 70, f"the navigation bar is {at['nav']} px tall"  # collapsed: brand and toggler
    assert at["controls"] == 0, "the controls are not folded away"
    assert at["row"] < 844, f"the first row starts at y = {at['row']}"
    assert at["width"][0] <= at["width"][1], f"the page scrolls sideways: {at['width']}"  # the table scrolls
    # The navigation opens from its toggler.
    menu = driver.find_element(By.ID, "nav-collapse")
    meetings = driver.find_element(By.CSS_SELECTOR, ".statboard-navbar a[href='/meetings']")
    driver.find_element(By.CSS_SELECTOR, ".statboard-navbar .navbar-toggler").click()
    _wait(driver, lambda d: menu.get_attribute("class").split() == ["navbar-collapse", "collapse", "show"]
          and d.execute_script(VISIBLE_JS, meetings), "the menu did not open")
    driver.find_element(By.CSS_SELECTOR, ".statboard-navbar .navbar-toggler").click()
    _wait(driver, lambda d: not d.execute_script(VISIBLE_JS, meetings),
          "the menu did not close")
    # The controls unfold behind one button, their dropdowns showing their values in full.
    button = driver.find_element(By.ID, "scorecard-controls-toggle")
    assert button.text == "Month, sort and filters"
    button.click()
    _wait(driver, lambda d: d.find_element(By.ID, "scorecard-month").is_displayed(), "the controls did not open")
    driver.save_screenshot(str(tmp_path / "scorecard-phone-controls-390x844.png"))
    values = driver.execute_script(SHOWN_VALUES_JS)
    assert [v["text"] for v in values] == ["October 2026", "Name (A–Z)"], values
    assert all(v["right"] <= 390 and v["width"] >= 250 and not v["clipped"] for v in values), values
    # Sideways, the indicators scroll while the entity column stays at the left edge.
    at = driver.execute_script(STICKY_JS, SCORECARD)
    assert at["scrolled"] > 0, at
    assert abs(at["nameLeft"] - at["boxLeft"]) <= 2 and at["cellLeft"] < at["nameRight"], at


def test_on_a_tablet_the_scorecard_s_first_rows_show_without_scrolling(driver, screen, tmp_path):
    screen("/scorecard", 1024, 768, mobile=True)
    _scorecard(driver)
    driver.save_screenshot(str(tmp_path / "scorecard-tablet-1024x768.png"))
    rows = driver.execute_script("return Array.from(document.querySelectorAll('#scorecard-heatmap tbody tr'))"
                                 ".slice(0, 2).map(r => r.getBoundingClientRect().bottom)")
    assert max(rows) < 768, f"the first rows end at {rows}"
    assert driver.find_element(By.ID, "scorecard-month").is_displayed()  # a tablet has room for the controls
