"""Every page in a real headless Chromium, checked by axe-core: no serious or critical violations.

axe-core's script comes inside the `axe-selenium-python` package (a test extra) and is injected from that file:
nothing is fetched at run time. The data is the `small` demo warehouse, read only; the selection, the review and
the meeting the pages show are made first: the selection and the meeting through the app's callbacks, as a user's
clicks make them, the review by the function the selection page's Assign calls.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from store import case_reviews
from access.roles import reader_for
from tests.browser import WAIT_S, chromium_or_skip, serving, sign_in_with_the_form
from tests.web import callback_body, ensure_user, make_app, post_callback, signed_in_client

axe_selenium_python = pytest.importorskip("axe_selenium_python", reason="pip install -e '.[test]' (axe-core)")

BLOCKING = ("serious", "critical")
# Findings in other libraries' markup that no page can change, each with why it is no barrier: (rule, a piece of
# the flagged element's HTML or of axe-core's summary of it).
KNOWN = [
    # Dash 4's dcc.Dropdown takes Tab on a hidden proxy input that hands focus at once to its button.
    ("aria-hidden-focus", '<input class="dash-dropdown-focus-target"'),
    # AG Grid's containers for pinned and full-width rows are empty rowgroups when there are none; axe-core 3.1
    # flags an empty rowgroup, axe-core 4 does not.
    ("aria-required-children", 'role="rowgroup"'),
    # axe-core 3.1 cannot read AG Grid's theme colours (it reports a background of "#0NaN0NaN0NaN"); axe-core 4
    # reads them and finds the contrast sufficient.
    ("color-contrast", "contrast of NaN"),
]
# axe-selenium-python bundles axe-core: 2.1.6 (the last release for Python 3.11) has 3.1.1, 3.0.0 (Python 3.12 and
# later) has 4.10.2. Another axe.min.js (npm's axe-core package) can be named here.
AXE_SCRIPT = os.environ.get("STATBOARD_TEST_AXE_SCRIPT")

# Dash's own requests: none asked for, none running (what dash.testing waits for); and the page drawn.
SETTLED_JS = """
if (!window.store || document.readyState !== 'complete') return false;
const state = window.store.getState();
if (state.isLoading) return false;
const callbacks = Object.assign({}, state.callbacks);
delete callbacks.stored; delete callbacks.completed;
if ([].concat(...Object.values(callbacks)).length) return false;
return document.querySelectorAll('[data-dash-is-loading="true"]').length === 0;
"""


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "admin", "admin")
    return app


@pytest.fixture(scope="module")
def made(app):
    """A selection of two cases, a review of one, and a bureau's meeting, made as the executive would make them."""
    client = signed_in_client(app, "exec", "executive")
    picked = post_callback(client, "pick-message.children", {
        "members-query.data": {"indicator": "timely_contacts_cases", "month": "2026-10", "entity": "office:O001"},
        "pick-button.n_clicks": 1, "pick-n.value": "2", "pick-stratify.value": "unit", "pick-only.value": "all",
        "pick-within.value": "", "pick-seed.value": "a11y"})
    assert picked.status_code == 200, picked.get_data(as_text=True)[:500]
    selection_id = int(picked.get_json()["response"]["members-url"]["href"].split("=")[1])
    engine = app.server.extensions["statboard"].store
    [review, *_] = case_reviews.open_reviews(engine, reader_for("exec", "executive", None), selection_id, "exec",
                                             dt.date(2099, 12, 31))
    return {"selection": selection_id, "review": review.id, "meeting": _new_meeting(client)}


def _new_meeting(client) -> int:
    body = callback_body(client, "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01",
        "meeting-new-month.value": "2026-09", "meeting-new-date.value": "2026-10-15",
        "meeting-new-title.value": "", "meeting-new-attendees.value": "Ann <ann@example.org>"})
    body["changedPropIds"] = ["meeting-new-create.n_clicks"]
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    said = json.dumps(response.get_json())
    assert response.status_code == 200 and "prepared" in said, said[:500]
    return int(said.split("Meeting ")[1].split(" ")[0])


@pytest.fixture(scope="module")
def site(app, made):
    with serving(app.server) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site):
    driver = chromium_or_skip()
    driver.signed_in_as = None
    yield driver
    driver.quit()


def _as(driver, site, username):
    """The browser signed in as `username` (None: signed out); a new session only when it changes."""
    if driver.signed_in_as == username:
        return
    if driver.signed_in_as is not None:  # signed out with the app's own form
        driver.get(site + "/logout")
        driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button[type=submit]").click()
        WebDriverWait(driver, WAIT_S).until(lambda d: "signed_out=1" in d.current_url, "sign-out did not finish")
    if username is not None:
        sign_in_with_the_form(driver, site, username)
    driver.signed_in_as = username


# (name, who, path, a CSS selector that shows the page's own content is drawn)
PAGES = [
    ("sign-in form", None, "/login", "#username"),
    ("home", "exec", "/", "#_pages_content *"),
    ("scorecard, department", "exec", "/scorecard", "#scorecard-heatmap [data-entity], #scorecard-heatmap .ytick"),
    ("scorecard, a bureau", "exec", "/scorecard?parent=bureau:B01",
     "#scorecard-heatmap [data-entity], #scorecard-heatmap .ytick"),
    ("indicator", "exec", "/indicator/reentry", "#indicator-title"),
    ("entity", "exec", "/entity/office/O001", "#entity-title"),
    ("members", "exec", "/members?indicator=timely_contacts_cases&entity=office:O001", "#members-title"),
    ("selection", "exec", "/selection?id={selection}", "#selection-title"),
    ("review", "exec", "/review?id={review}", "#review-title"),
    ("reviews", "exec", "/reviews", ".reviews-queue"),
    ("meetings", "exec", "/meetings", "#meetings-list *"),
    ("meeting", "exec", "/meeting?id={meeting}", "#meeting-title"),
    ("admin", "admin", "/admin", "#admin-users *"),
    ("not found", "exec", "/no-such-page", "#_pages_content *"),
]


@pytest.mark.parametrize("who, path, drawn", [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_no_serious_or_critical_axe_violations(browser, site, made, who, path, drawn):
    _as(browser, site, who)
    browser.get(site + path.format(**made))
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(lambda d: any(e.text.strip() or e.tag_name == "input" for e in d.find_elements(By.CSS_SELECTOR, drawn)),
               f"{path}: {drawn} never showed")
    if who is not None:
        wait.until(lambda d: d.execute_script(SETTLED_JS), f"{path}: Dash's callbacks never settled")
    axe = axe_selenium_python.Axe(browser, *([AXE_SCRIPT] if AXE_SCRIPT else []))
    axe.inject()
    found = _blocking(axe.run()["violations"])
    assert not found, f"{browser.current_url}: axe-core found serious or critical violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} ({v['helpUrl'].split('?')[0]})\n" + "\n".join(
            f"    at {' '.join(n['target'])}: {n['html'][:160]}\n      {_summary(n)}" for n in v['nodes'])
        for v in found)


def _blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical violations, each with only its elements that KNOWN does not explain."""
    found = []
    for violation in violations:
        nodes = [n for n in violation["nodes"] if not any(
            violation["id"] == rule and (part in n["html"] or part in _summary(n)) for rule, part in KNOWN)]
        if violation["impact"] in BLOCKING and nodes:
            found.append({**violation, "nodes": nodes})
    return found


def _summary(node) -> str:
    """What axe-core says is wrong with one element, on one line."""
    return " ".join((node.get("failureSummary") or "").split())[:300]


SIZES = [(1920, 1080), (1280, 720)]
OVERFLOW_JS = "return document.documentElement.scrollWidth - window.innerWidth;"
CHROME_JS = ("const bar = document.querySelector('nav.navbar');"
             "return bar !== null && bar.getBoundingClientRect().height > 0 && getComputedStyle(bar).display !== 'none';")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go: STATBOARD_TEST_SHOTS, or a temporary folder (its path is printed)."""
    import os
    from pathlib import Path
    folder = Path(os.environ.get("STATBOARD_TEST_SHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presented"])
@pytest.mark.parametrize("who, path, drawn", [p[1:] for p in PAGES if p[1] is not None],
                         ids=[p[0] for p in PAGES if p[1] is not None])
def test_every_page_at_both_sizes_normal_and_presented(browser, site, made, shots, who, path, drawn, present):
    """Each page drawn at 1920×1080 and 1280×720, normal and presented: a screenshot of each (looked at by a
    person; kept in `shots`), a clean console, the page itself never wider than the window (a wide table
    scrolls inside its own box), and in presentation no navigation chrome."""
    from tests.browser import console_errors
    _as(browser, site, who)
    address = path.format(**made)
    address += ("&" if "?" in address else "?") + "present=1" if present else ""
    console_errors(browser)
    for width, height in SIZES:
        browser.set_window_size(width, height)
        browser.get(site + address)
        wait = WebDriverWait(browser, WAIT_S)
        wait.until(lambda d: any(e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, drawn)),
                   f"{address}: {drawn} never showed at {width}×{height}")
        wait.until(lambda d: d.execute_script(SETTLED_JS), f"{address}: Dash's callbacks never settled")
        name = "-".join(filter(None, [re.sub(r"[^A-Za-z0-9]+", "_", path.split("{")[0]).strip("_") or "home",
                                      "presented" if present else "", f"{width}x{height}"]))
        browser.save_screenshot(str(shots / f"{name}.png"))
        assert browser.execute_script(OVERFLOW_JS) <= 1, f"{address} is wider than a {width}-px window"
        assert browser.execute_script(CHROME_JS) is (not present), f"{address}: navigation shown {not present}"
    browser.set_window_size(1600, 1100)
    assert not console_errors(browser), f"{address}: the browser console logged errors"
