"""One whole Stat meeting in a real headless Chromium, as a manager runs it: flag cells of the scorecard (by mouse and
keyboard), pick cases behind one of them, assign and complete a review, put the selection on the agenda, agree an
action with a double click (one action), close the meeting (it asks first), download the data book, and find that
one action carried over at next month's meeting of the same bureau."""
from __future__ import annotations

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

import sqlalchemy as sa

from store.db import actions, case_reviews
from tests.browser import (WAIT_S, choose_containing, chromium_or_skip, console_errors, serving,
                           sign_in_with_the_form)
from tests.web import engine_of, ensure_user, make_app

BOOK_S = 90  # a data book draws every chart with Kaleido: seconds, more on a busy machine

def _choose(driver, dropdown_id: str, text: str):
    dropdown = driver.find_element(By.ID, dropdown_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", dropdown)
    dropdown.click()
    option = WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_elements(By.XPATH, f"//*[@id='{dropdown_id}']//*[normalize-space(text())='{text}'] | "
                                            f"//*[normalize-space(text())='{text}']"), f"no option {text!r}")
    option[-1].click()


def _type(driver, element_id: str, text: str):
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(text)


def _said(driver, contains: str):
    try:
        WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element((By.ID, "meeting-said"), contains))
    except TimeoutException:
        raise AssertionError(f"the page never said {contains!r}; it said "
                             f"{driver.find_element(By.ID, 'meeting-said').text!r}") from None


def _prepare(driver, site, month: str, held_on: str):
    driver.get(site + "/meetings")
    WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.ID, "meeting-new-create")), "no form")
    WebDriverWait(driver, WAIT_S).until(
        lambda d: "(bureau)" in d.find_element(By.ID, "meeting-new-entity").text, "no places to choose from")
    _choose(driver, "meeting-new-entity", "North Bureau (bureau)")
    _choose(driver, "meeting-new-month", month)
    _type(driver, "meeting-new-date", held_on)
    _type(driver, "meeting-new-attendees", "Ana Diaz <ana@example.org>")
    driver.find_element(By.ID, "meeting-new-create").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: "/meeting?id=" in d.current_url, "the meeting never opened")
    WebDriverWait(driver, WAIT_S).until(
        ec.text_to_be_present_in_element((By.ID, "meeting-title"), f"North Bureau Stat, {month}"), "no title")


def _press_cell(driver, column: int, row: int, key: str | None = None):
    """Press the meeting scorecard's cell in `column` (0: the first indicator) and `row` (0: the bureau itself): a
    click, or with `key` (Enter, Space) from the keyboard, the cell focused as Tab would leave it."""
    button = WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#meeting-heatmap tbody tr:nth-child({row + 1}) "
                                                   f"td:nth-of-type({column + 1}) button.scorecard-flag"),
        "no scorecard to flag from")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})",
                          button)
    if key is None:
        button.click()
        return
    driver.execute_script("arguments[0].focus()", button)
    ActionChains(driver).send_keys(key).perform()


def _focused_cell(driver) -> str | None:
    return driver.execute_script(
        "const td = document.activeElement && document.activeElement.closest('#meeting-heatmap td');"
        "return td ? td.dataset.entity + ' ' + td.dataset.indicator : null;")


def test_a_whole_meeting_flag_pick_review_agree_twice_close_book_and_next_month_opens_with_one_action(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    ensure_user(app, "north", "manager", "bureau:B01")
    with serving(app.server) as site:
        driver = chromium_or_skip()
        try:
            driver.set_window_size(1920, 1080)
            sign_in_with_the_form(driver, site, "north")
            console_errors(driver)
            _prepare(driver, site, "September 2026", "2026-10-15")
            _press_cell(driver, 0, 1)  # the first indicator for the bureau's first office, by mouse
            _said(driver, "added to the agenda")
            _agenda(driver, 1)
            _press_cell(driver, 1, 0, Keys.ENTER)  # the second for the bureau, from the keyboard
            _said(driver, "for North Bureau added to the agenda")
            cards = _agenda(driver, 2)
            # Redrawn with both cells ringed as on the agenda, the keyboard's place kept on the cell pressed.
            WebDriverWait(driver, WAIT_S).until(
                lambda d: len(d.find_elements(By.CSS_SELECTOR, "#meeting-heatmap td.scorecard-on-agenda")) == 2,
                "the cells on the agenda are not marked")
            assert (_focused_cell(driver) or "").startswith("bureau:B01 ")
            _press_cell(driver, 2, 1, Keys.SPACE)
            _said(driver, "for Alder Office added to the agenda")
            cards = _agenda(driver, 3)
            assert cards[0].text.startswith("1. ") and "Alder Office" in cards[0].text
            assert cards[1].text.startswith("2. ") and "North Bureau" in cards[1].text
            assert cards[2].text.startswith("3. ") and "Alder Office" in cards[2].text
            assert "Questions for the meeting" in cards[0].text
            meeting_url = driver.current_url
            options = _options(driver, cards)
            _review_cases_behind(driver, site, cards[0])
            driver.get(meeting_url)
            cards = _agenda(driver, 3)
            choose_containing(driver, "meeting-selection", "Selection 1: ")
            driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "meeting-selection-add"))
            _said(driver, "added to the agenda")
            reviews = WebDriverWait(driver, WAIT_S).until(_reviews_card, "the selection is not on the agenda")
            assert "Alder Office" in reviews and "completed" in reviews and "office:O001" not in reviews
            _type(driver, "meeting-action-what", "Weekly huddle on the first safety plans")
            _type(driver, "meeting-action-owner", "Ana Diaz")
            _type(driver, "meeting-action-due", "2026-11-10")
            _choose(driver, "meeting-action-cell", next(o for o in options if "Alder Office" in o))
            agree = driver.find_element(By.ID, "meeting-action-add")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", agree)
            ActionChains(driver).double_click(agree).perform()  # the impatient double click
            _said(driver, "gree")  # "agreed: ..." or "was agreed already": either way, one action
            WebDriverWait(driver, WAIT_S).until(
                ec.text_to_be_present_in_element((By.ID, "meeting-new-actions"), "Weekly huddle"), "no action listed")
            WebDriverWait(driver, WAIT_S).until(
                lambda d: d.find_element(By.ID, "meeting-action-what").get_attribute("value") == "",
                "the form kept its text after saving")
            driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "meeting-close"))
            # it asks first; the dialog's button closes it
            WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.ID, "meeting-close-confirm")),
                                                "closing did not ask first").click()
            _said(driver, "Closed")
            WebDriverWait(driver, WAIT_S).until(
                ec.text_to_be_present_in_element((By.ID, "meeting-banner"), "kept as a record"), "not closed")
            driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
            book = driver.find_element(By.XPATH, "//button[normalize-space(.)='PowerPoint']")
            driver.execute_script("arguments[0].click()", book)
            WebDriverWait(driver, BOOK_S).until(
                ec.text_to_be_present_in_element((By.ID, "meeting-databook-said"), "Done:"), "the data book never came")
            WebDriverWait(driver, WAIT_S).until(lambda d: list(tmp_path.glob("*.pptx")), "no .pptx downloaded")
            _prepare(driver, site, "October 2026", "2026-11-16")
            carried = WebDriverWait(driver, WAIT_S).until(
                ec.visibility_of_element_located((By.CSS_SELECTOR, "#meeting-carried .meeting-actions")),
                "no action carried over")
            assert "Weekly huddle on the first safety plans" in carried.text and "Ana Diaz" in carried.text
            assert len(carried.find_elements(By.CSS_SELECTOR, "tbody tr")) == 1  # the double click made one
            assert "overdue" in carried.text  # due 10 November, the meeting is on the 16th
            assert "overdue" in driver.find_element(By.ID, "meeting-banner").text
            assert not console_errors(driver)
        finally:
            driver.quit()
    with engine_of(app).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(actions)).scalar() == 1
        assert sorted(conn.execute(sa.select(case_reviews.c.status)).scalars()) == ["assigned", "completed"]


def _reviews_card(driver) -> str | bool:
    """The text of the agenda's case-review card, once it is drawn (the agenda redraws: read it in one go)."""
    return driver.execute_script(
        "const c = [...document.querySelectorAll('#meeting-agenda .meeting-item')]"
        ".find(e => e.innerText.includes('Case reviews')); return c ? c.innerText : false;")


def _review_cases_behind(driver, site, card):
    """From an agenda item to its members, a draw of two cases, their reviews assigned to the manager and the first
    one completed."""
    link = card.find_element(By.LINK_TEXT, "Members")
    driver.execute_script("arguments[0].click()", link)
    WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#pick-card summary")),
                                        "no case picker").click()
    WebDriverWait(driver, WAIT_S).until(ec.visibility_of_element_located((By.ID, "pick-button")), "no picker")
    driver.find_element(By.ID, "pick-seed").send_keys("meeting-walk")
    driver.find_element(By.ID, "pick-n").clear()
    driver.find_element(By.ID, "pick-n").send_keys("2")
    driver.find_element(By.ID, "pick-button").click()
    WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element((By.ID, "selection-title"), "cases for review"),
                                        "no selection")
    choose_containing(driver, "selection-reviewer", "north —")
    driver.find_element(By.ID, "selection-due").send_keys("12312099")  # a date input types its own way
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "selection-assign"))
    WebDriverWait(driver, WAIT_S).until(
        ec.text_to_be_present_in_element((By.ID, "selection-assigned"), "2 reviews assigned"), "not assigned")
    driver.execute_script("arguments[0].click()", driver.find_element(By.LINK_TEXT, "The review queue"))
    WebDriverWait(driver, WAIT_S).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".reviews-queue")), "no queue")
    driver.execute_script("arguments[0].click()", driver.find_elements(By.LINK_TEXT, "Open")[0])
    strengths = WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(
        By.XPATH, "//div[contains(@class,'review-item')]//label[normalize-space(.)='Strength']"), "no review form")
    for label in strengths:
        driver.execute_script("arguments[0].click()", label)
    WebDriverWait(driver, WAIT_S).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "textarea[id*='review-question']")) >= 2, "no questions")
    for n, box in enumerate(driver.find_elements(By.CSS_SELECTOR, "textarea[id*='review-question']")[:2]):
        box.send_keys(["The family was seen every month.", "A caseworker left mid-year."][n])
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "review-complete"))
    WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element((By.ID, "review-title"), "completed"),
                                        "the review was not completed")


def _agenda(driver, items: int):
    """The agenda's cards once there are `items` of them, their charts drawn (the page below has settled)."""
    def drawn(d):
        cards = d.find_elements(By.CSS_SELECTOR, "#meeting-agenda .meeting-item")
        charts = d.find_elements(By.CSS_SELECTOR, "#meeting-agenda .meeting-item .js-plotly-plot .main-svg")
        return cards if len(cards) == items and len(charts) >= items else False
    return WebDriverWait(driver, WAIT_S).until(drawn, f"the agenda never had {items} items drawn")


def _options(driver, cards) -> list[str]:
    """The 'meant to move' choices: the agenda's cells first, named as the cards name them."""
    titles = [card.text.split("\n")[0].split(". ", 1)[1] for card in cards]
    return titles
