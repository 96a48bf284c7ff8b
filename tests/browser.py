"""The real app on a real warehouse, served on a free port, and a real headless Chromium to drive it.

Chromium and ChromeDriver come from Debian (`apt-get install chromium chromium-driver`; `make test`
installs them when missing). In CI a missing browser fails the run; elsewhere the browser tests skip
with a message saying what to install.
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("STATBOARD_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("STATBOARD_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_S = 20  # the longest a test waits for the page to show something before it fails


@contextmanager
def serving(flask_app):
    """Serve a Flask app on 127.0.0.1 and a free port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def chromium_or_skip():
    """A headless Chromium WebDriver that keeps the browser console's log."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) or shutil.which(p))]
    if missing:
        text = (f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
                "(apt-get install chromium chromium-driver)")
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need Chromium in CI: {text}")
        pytest.skip(text)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1100",
                     "--disable-gpu", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def console_errors(driver) -> list[str]:
    """The browser console's errors (level SEVERE) since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE",)]


def sign_in_with_the_form(driver, site: str, username: str, password: str | None = None, path: str = "/login"):
    """Open `path` (signed out: the sign-in form), type the credentials and submit; wait to leave /login."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web import PASSWORD
    driver.get(site + path)
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(By.ID, "username"), "no sign-in form")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password or PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: "/login" not in d.current_url, "still on the sign-in page")


def choose_containing(driver, dropdown_id: str, text: str):
    """Open a Dash dropdown and choose its first option whose text contains `text`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    dropdown = driver.find_element(By.ID, dropdown_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", dropdown)
    dropdown.click()
    WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_elements(By.XPATH, f"//*[@role='option' and contains(normalize-space(.), '{text}')]"),
        f"no option of {dropdown_id} with {text!r}")[0].click()
