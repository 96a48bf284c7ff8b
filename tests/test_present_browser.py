"""Presentation mode in a real headless Chromium: `present=1` hides the chrome and sets large type (measured with
getComputedStyle at 1920×1080 and on a 1280×720 projector), the arrow keys step through a meeting's agenda one
item at a time, Esc leaves, the navbar's Present button enters, and ids stay masked for an executive."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import WAIT_S, chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.test_meeting_pages import act, new_meeting, press, text_of
from tests.web import ensure_user, make_app, signed_in_client

SIZES = [(1920, 1080, 20), (1280, 720, 18)]  # window, and the smallest text allowed there
MEMBERS = "/members?indicator=timely_response_immediate&month=2026-10&entity=office:O001"
VISIBLE_ITEMS = ("return Array.from(document.querySelectorAll('#meeting-agenda .meeting-item'))"
                 ".filter(e => e.offsetParent !== null).map(e => e.id)")
FONT_PX = "return parseFloat(getComputedStyle(arguments[0]).fontSize)"


@pytest.fixture(scope="module")
def site(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "exec", "executive")
    meeting_id = meeting_with_agenda(signed_in_client(app, "exec", "executive"))
    with serving(app.server) as url:
        yield url, meeting_id


def meeting_with_agenda(client) -> int:
    """A meeting of North Bureau with two cells (Alder Office's and the bureau's re-entry) and a kudos on its
    agenda; its id."""
    meeting_id = new_meeting(client)
    for entity in ("office:O001", "bureau:B01"):
        assert "added to the agenda" in text_of(press(client, meeting_id, "reentry", entity))
    assert "added" in text_of(act(client, meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "kudos",
        "meeting-text-body.value": "Alder Office held every first safety plan on time"}))
    return meeting_id


@pytest.fixture(scope="module")
def driver(site):
    driver = chromium_or_skip()
    sign_in_with_the_form(driver, site[0], "exec")
    yield driver
    driver.quit()


def _meeting(driver, site, present=True):
    url, meeting_id = site
    driver.get(f"{url}/meeting?id={meeting_id}" + ("&present=1" if present else ""))
    WebDriverWait(driver, WAIT_S).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#meeting-agenda .meeting-item .js-plotly-plot .main-svg"))
        >= 2, "the agenda was never drawn")


def _visible(driver) -> list[str]:
    return driver.execute_script(VISIBLE_ITEMS)


def _press(driver, key, expected):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)
    WebDriverWait(driver, WAIT_S).until(lambda d: len(_visible(d)) == 1 and _visible(d)[0] == expected,
                                        f"after {key!r} the agenda showed {_visible(driver)}, not {expected}")


@pytest.mark.parametrize("width,height,smallest", SIZES)
def test_present_hides_the_chrome_and_the_type_is_large(driver, site, width, height, smallest):
    driver.set_window_size(width, height)
    _meeting(driver, site)
    assert not driver.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
    assert not driver.find_element(By.ID, "meeting-action-form").is_displayed()  # editing forms are gone
    assert not driver.find_elements(By.CSS_SELECTOR, "#meeting-agenda textarea")  # notes are read, not edited
    [item] = [driver.find_element(By.ID, i) for i in _visible(driver)]
    texts = item.find_elements(By.CSS_SELECTOR, "h2, p, li, .status-chip")
    sizes = {e.text[:30]: driver.execute_script(FONT_PX, e) for e in texts if e.text.strip()}
    assert sizes and min(sizes.values()) >= smallest, sizes
    ticks = item.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .xtick text, .js-plotly-plot .ytick text")
    assert ticks and min(float(t.get_attribute("style").split("font-size:")[1].split("px")[0]) for t in ticks) >= \
        smallest
    chart = item.find_element(By.CSS_SELECTOR, ".js-plotly-plot")
    assert chart.size["height"] >= 0.45 * driver.execute_script("return window.innerHeight")
    assert not console_errors(driver)


def test_the_arrows_step_through_the_agenda_one_item_at_a_time_and_esc_leaves(driver, site):
    driver.set_window_size(1280, 720)
    _meeting(driver, site)
    items = driver.execute_script("return Array.from(document.querySelectorAll('#meeting-agenda .meeting-item'))"
                                  ".map(e => e.id)")
    assert len(items) == 3 and _visible(driver) == items[:1]
    assert driver.find_element(By.ID, "present-counter").text.startswith("Item 1 of 3")
    _press(driver, Keys.ARROW_RIGHT, items[1])
    assert driver.find_element(By.ID, "present-counter").text.startswith("Item 2 of 3")
    _press(driver, Keys.PAGE_DOWN, items[2])
    _press(driver, Keys.ARROW_RIGHT, items[2])  # the last stays
    _press(driver, Keys.ARROW_LEFT, items[1])
    _press(driver, Keys.PAGE_UP, items[0])
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    WebDriverWait(driver, WAIT_S).until(lambda d: "present" not in d.current_url, "Esc did not leave")
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
                                        and len(_visible(d)) == 3, "the page did not come back")
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#meeting-agenda textarea"),
                                        "the notes are not editable again")
    assert not driver.find_element(By.ID, "present-counter").is_displayed()
    assert not console_errors(driver)


def test_the_present_button_adds_present_to_the_address(driver, site):
    driver.set_window_size(1920, 1080)
    _meeting(driver, site, present=False)
    assert len(_visible(driver)) == 3
    driver.find_element(By.ID, "present-button").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: "present=1" in d.current_url, "Present did not add present=1")
    WebDriverWait(driver, WAIT_S).until(lambda d: len(_visible(d)) == 1, "not one item at a time")
    assert not driver.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script("return document.fullscreenElement !== null"),
                                        "the click did not go full screen")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    WebDriverWait(driver, WAIT_S).until(lambda d: "present" not in d.current_url, "Esc did not leave")
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script("return document.fullscreenElement === null"),
                                        "Esc left presentation but not full screen")
    assert not console_errors(driver)


def test_in_presentation_the_members_page_masks_ids_even_for_an_executive(driver, site):
    driver.set_window_size(1920, 1080)
    driver.get(site[0] + MEMBERS + "&present=1")
    cells = WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".members-grid [col-id='member_id'][role='gridcell']"),
        "no members listed")
    assert all(c.text.startswith("••••") for c in cells if c.text)
    assert not driver.find_elements(By.CSS_SELECTOR, "#members-reveal input[value='shown']")
    assert "Download CSV" not in driver.find_element(By.TAG_NAME, "body").text
    assert not driver.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
    cell_px = driver.execute_script(FONT_PX, cells[0])
    assert cell_px >= 20, cell_px
    assert not console_errors(driver)


SHOWN = """
const cells = Array.from(document.querySelectorAll('#scorecard-heatmap td[data-domain]'))
    .filter(e => e.offsetParent !== null);
const table = document.querySelector('#scorecard-heatmap table') || document.getElementById('scorecard-heatmap');
return {domains: Array.from(new Set(cells.map(c => c.getAttribute('data-domain')))),
        smallest: Math.min(...cells.map(c => parseFloat(getComputedStyle(c.querySelector('a') || c).fontSize))),
        right: table.getBoundingClientRect().right, width: window.innerWidth};
"""


def _shown(driver) -> dict:
    """The domains whose cells show, their smallest text and the table's right edge, read at one moment (the
    table may be redrawn between two reads)."""
    return driver.execute_script(SHOWN)


@pytest.mark.parametrize("width,height,smallest", SIZES)
def test_the_scorecard_in_presentation_shows_one_domain_at_a_time_in_large_type(driver, site, width, height,
                                                                                 smallest):
    driver.set_window_size(width, height)
    driver.get(site[0] + "/scorecard?parent=bureau:B01&present=1")
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#scorecard-heatmap [data-domain], #scorecard-heatmap .main-svg"), "no scorecard drawn")
    if not driver.find_elements(By.CSS_SELECTOR, "#scorecard-heatmap [data-domain]"):
        pytest.skip("the scorecard is not the HTML table with data-domain cells yet")
    domains = []
    for n in range(4):
        shown = WebDriverWait(driver, WAIT_S).until(
            lambda d: (lambda s: s if len(s["domains"]) == 1 and s["domains"][0] not in domains else False)(
                _shown(d)), f"not one new domain after {n} steps")
        domains.append(shown["domains"][0])
        assert shown["smallest"] >= smallest, shown
        assert shown["right"] <= shown["width"], f"{domains[-1]} is wider than the screen: {shown}"
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert domains == ["Safety", "Permanency", "Well-Being", "Self-Sufficiency"]
    assert not driver.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    WebDriverWait(driver, WAIT_S).until(lambda d: len(_shown(d)["domains"]) == 4, "Esc did not show every domain")
    assert not console_errors(driver)


def test_a_link_followed_in_presentation_stays_in_presentation(driver, site):
    driver.set_window_size(1920, 1080)
    driver.get(site[0] + MEMBERS + "&present=1")
    back = WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_elements(By.XPATH, "//a[starts-with(normalize-space(.), 'Back to ')]"), "no way back")
    back[0].click()
    WebDriverWait(driver, WAIT_S).until(lambda d: d.current_url.split("?")[0].endswith("/indicator/"
                                                                                        "timely_response_immediate"),
                                        "the link was not followed")
    assert "present=1" in driver.current_url
    assert not driver.find_element(By.CSS_SELECTOR, ".statboard-navbar").is_displayed()
    assert not console_errors(driver)
