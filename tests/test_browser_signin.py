"""Sign-in, scope and sign-out as a user sees them: the real app, the real /login form, a real headless Chromium.

The browser starts signed out; each test first clears its cookies so that it does not depend on the others.
Every test waits for text or elements (never a fixed sleep) and ends with a clean browser console.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from queries.performance import heatmap
from access.scope import Scope
from tests.browser import WAIT_S, chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.scorecard_dom import TABLE_JS, table_ready
from tests.web import PASSWORD, ensure_user, make_app

ALDER = "/scorecard?parent=office:O001"
BAYVIEW = "/scorecard?parent=office:O002"
LOGOUT_BUTTON = "form[action='/logout'] button[type=submit]"


@pytest.fixture(scope="module")
def site(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "mgr", "manager", "office:O001")
    ensure_user(app, "exec", "executive")
    with serving(app.server) as url:
        yield url


@pytest.fixture(scope="module")
def driver(site):
    browser = chromium_or_skip()  # starts with no cookies: signed out
    yield browser
    browser.quit()


@pytest.fixture
def browser(driver, site):
    """The browser signed out, with an empty console log.

    Signed out through the app's own /logout (which closes the session in the store), not by deleting
    cookies: a request still in flight when cookies are deleted (Chromium's own /favicon.ico fetch, a
    Dash callback) can bring the old session cookie back with its response, and the browser would still
    be signed in. A closed session stays closed whatever cookie comes back.
    """
    driver.get(site + "/logout")  # signed in: a page asking to confirm; signed out: the sign-in form
    wait(driver, lambda d: d.find_elements(By.ID, "username") or d.find_elements(By.CSS_SELECTOR, LOGOUT_BUTTON),
         "/logout showed neither the sign-in form nor a Sign out button")
    buttons = driver.find_elements(By.CSS_SELECTOR, LOGOUT_BUTTON)
    if buttons:
        buttons[0].click()
        wait(driver, lambda d: "You are signed out." in d.find_element(By.TAG_NAME, "body").text,
             "signing out did not say 'You are signed out.'")
    wait_for_sign_in_form(driver)
    console_errors(driver)  # start each test with an empty log
    return driver


def wait(driver, condition, message):
    """Wait for `condition` (an element replaced by a page load while it is read counts as not yet)."""
    return WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition, message)


def wait_for_text(driver, element_id, contains):
    wait(driver, ec.text_to_be_present_in_element((By.ID, element_id), contains),
         f"#{element_id} never said {contains!r}")


def wait_for_sign_in_form(driver):
    wait(driver, lambda d: d.find_elements(By.ID, "username") and d.find_elements(By.ID, "sign-in"),
         "no sign-in form")


def scorecard(driver, graph_id, expect_first_y=None):
    """The scorecard table's row and column names, once it has drawn its rows."""
    return wait(driver, table_ready(graph_id, expect_first_y), f"#{graph_id} never drew its data")


def assert_console_clean(driver):
    errors = console_errors(driver)
    assert errors == [], f"the browser console logged errors: {errors}"


def sign_out_with_the_button(driver):
    wait(driver, ec.element_to_be_clickable((By.ID, "sign-out")), "no Sign out button").click()
    wait(driver, lambda d: urlparse(d.current_url).path == "/login", "Sign out did not return to /login")


def test_a_deep_link_asks_to_sign_in_then_opens_the_manager_s_office(browser, site, demo_snapshot):
    browser.get(site + ALDER)
    wait_for_sign_in_form(browser)
    url = urlparse(browser.current_url)
    assert url.path == "/login"
    assert parse_qs(url.query) == {"next": ["/scorecard?parent=office:O001"]}
    assert not browser.find_elements(By.ID, "scorecard-heatmap")  # the form, not the page
    # The form's own submit keeps `next`: signing in lands back on the link that was opened.
    browser.find_element(By.ID, "username").send_keys("mgr")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in").click()
    wait(browser, lambda d: "/login" not in d.current_url, "still on the sign-in page")
    url = urlparse(browser.current_url)
    assert (url.path, parse_qs(url.query)) == ("/scorecard", {"parent": ["office:O001"]})
    wait_for_text(browser, "scorecard-title", "Alder Office: units")
    data = scorecard(browser, "scorecard-heatmap", expect_first_y="Alder Office")
    assert data["y"] == ["Alder Office", "Alder Unit 1", "Alder Unit 2", "Alder Unit 3", "Alder Unit 4"]
    assert data["entities"][0] == "office:O001" and all(e.startswith("unit:") for e in data["entities"][1:])
    signed_in_as = browser.find_element(By.ID, "signed-in-as").text
    assert signed_in_as == "mgr — Manager, Alder Office", signed_in_as
    # The breadcrumb names the department and the bureau above the office, but the manager may not open
    # them: plain text, no links. (Nor is the current office a link: it is the page itself.)
    department = heatmap(demo_snapshot, Scope.everything(), None).rows.entity_name.iloc[0]
    crumb = wait(browser, ec.presence_of_element_located((By.ID, "scorecard-breadcrumb")), "no breadcrumb")
    wait_for_text(browser, "scorecard-breadcrumb", "North Bureau")
    assert department in crumb.text and "Alder Office" in crumb.text, crumb.text
    links = [a.text for a in crumb.find_elements(By.TAG_NAME, "a")]
    assert department not in links and "North Bureau" not in links, links
    assert_console_clean(browser)


def test_a_manager_opening_another_office_sees_why_and_no_data(browser, site):
    sign_in_with_the_form(browser, site, "mgr")
    browser.get(site + BAYVIEW)
    wait_for_text(browser, "scorecard-message", "outside what you may see")
    assert "office O002" in browser.find_element(By.ID, "scorecard-message").text
    assert "Alder" not in browser.find_element(By.ID, "scorecard-title").text
    data = browser.execute_script(TABLE_JS, "scorecard-heatmap")
    assert not data or not data["y"], f"the scorecard drew data outside the manager's scope: {data}"
    assert "Bayview" not in browser.page_source
    assert_console_clean(browser)


def test_a_wrong_password_is_refused_on_the_sign_in_page(browser, site):
    browser.get(site + "/login")
    wait_for_sign_in_form(browser)
    browser.find_element(By.ID, "username").send_keys("mgr")
    browser.find_element(By.ID, "password").send_keys("not the password")
    browser.find_element(By.ID, "sign-in").click()
    wait(browser, ec.presence_of_element_located((By.ID, "login-error")), "no sign-in error shown")
    assert browser.find_element(By.ID, "login-error").text == "The username or password is wrong."
    assert urlparse(browser.current_url).path == "/login"
    wait_for_sign_in_form(browser)
    assert not browser.find_elements(By.ID, "signed-in-as")
    # The refused sign-in is answered with status 401 (the form again, with the error), and Chromium logs
    # every 4xx page it loads as a console error. That one exact entry is expected here; any other fails.
    refused = f"{site}/login?next=/ - Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"
    errors = [e for e in console_errors(browser) if e != refused]
    assert errors == [], f"the browser console logged errors: {errors}"


def test_sign_out_returns_to_the_sign_in_page_and_the_data_is_gone(browser, site):
    sign_in_with_the_form(browser, site, "mgr", path=ALDER)
    wait_for_text(browser, "scorecard-title", "Alder Office: units")
    scorecard(browser, "scorecard-heatmap", expect_first_y="Alder Office")
    sign_out_with_the_button(browser)
    assert parse_qs(urlparse(browser.current_url).query) == {"signed_out": ["1"]}
    wait(browser, lambda d: "You are signed out." in d.find_element(By.TAG_NAME, "body").text,
         "no 'You are signed out.' notice")
    wait_for_sign_in_form(browser)
    browser.get(site + ALDER)
    wait_for_sign_in_form(browser)
    url = urlparse(browser.current_url)
    assert url.path == "/login" and parse_qs(url.query) == {"next": ["/scorecard?parent=office:O001"]}
    assert not browser.find_elements(By.ID, "scorecard-heatmap")
    assert "Alder Unit" not in browser.page_source
    assert_console_clean(browser)
