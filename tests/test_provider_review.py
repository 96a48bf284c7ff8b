"""A provider's performance review: a Stat meeting whose entity is a provider, on the `small` demo agency with its
providers, contracts (with contacts and managers) and the providers' reported figures. Its agenda from the
contract, actions owned by the provider or the contract manager carried over, the follow-up mailed to a real SMTP
server, the data book; and the provider role confined to its own reviews, tried as an attacker would."""
from __future__ import annotations

import datetime as dt
import json
import io

import pytest

from access.roles import reader_for
from access.scope import EntityRef, OutsideScope
from measures.catalogue import load_catalogue
from measures.contracts import read_contracts
from queries.providers import providers
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument
from settings import Settings
from store import meeting_acts, meetings
from store.aggregates import import_aggregates
from store.contracts import load_contracts
from store.meeting_book import assemble
from store.meeting_numbers import prepare, suggestions
from store.meetings import MeetingError
from tests.web import callback_body, copy_instance, engine_of, ensure_user, make_app, signed_in_client

SEPTEMBER = dt.date(2026, 9, 1)
EVE = reader_for("eve", "executive", None)
ANALYST = reader_for("ann", "analyst", None)
FFA05, FFA07, FFA08 = (EntityRef("provider", p) for p in ("FFA05", "FFA07", "FFA08"))
NAMES = {"FFA05": "New Horizons Children's Services", "FFA07": "Bright Futures Family Agency",
         "FFA08": "Open Door Foster Care"}


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    """The demo warehouse (a copy), the demo's contracts loaded and the providers' reported figures imported."""
    instance = copy_instance(demo_instance, tmp_path_factory.mktemp("review") / "instance")
    app = make_app(instance)
    extract = demo_instance.parent / "extract"
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    ids = set(providers(warehouse.snapshot()).provider_id)
    warehouse.dispose()
    engine = engine_of(app)
    load_contracts(engine, read_contracts(extract / "contracts.toml", load_catalogue(), ids), "test")
    import_aggregates(engine, extract / "provider-reported.csv", "generic", load_catalogue(), "test",
                      "provider-reports")
    return app


@pytest.fixture(scope="module")
def run(app):
    return app.server.extensions["statboard"]


def _review(run, entity, held_on, reader=EVE, month=SEPTEMBER, attendees="Pat Moss <pat.moss@county.example.org>"):
    snapshot = run.warehouse.snapshot()
    name, ids, month = prepare(snapshot, meetings.change_scope(reader), entity, month, run.store)
    return meetings.create_meeting(run.store, reader, entity, name, ids, month, snapshot.version.version_id,
                                   snapshot.version.as_of, held_on, attendees=attendees)


def _book(run, meeting_id, reader=EVE):
    return assemble(run.warehouse, run.store, reader, meeting_id, load_instrument(run.settings.instrument_path))


@pytest.fixture(scope="module")
def reviews(run):
    """FFA05's review (agenda from two suggestions, an action of the provider's and one of the contract manager's),
    FFA08's, and an organisation meeting."""
    ffa05 = _review(run, FFA05, "2026-10-14", reader=ANALYST)
    offered = suggestions(_book(run, ffa05.id).numbers, [], (), ffa05.held_on)
    floor = next(s for s in offered if s.kind == "floor" and s.published_source is None)
    reported = next(s for s in offered if s.published_source is not None)
    meeting_acts.accept_suggestion(run.warehouse, run.store, ANALYST, ffa05.id, floor.kind, floor.indicator_id, FFA05)
    meeting_acts.accept_suggestion(run.warehouse, run.store, ANALYST, ffa05.id, reported.kind,
                                   reported.indicator_id, FFA05)
    own, _ = meeting_acts.agree_action(run.warehouse, run.store, EVE, ffa05.id, "Stabilise the first placements",
                                       NAMES["FFA05"], "2026-11-30", floor.indicator_id, FFA05)
    managed, _ = meeting_acts.agree_action(run.warehouse, run.store, EVE, ffa05.id, "Monthly check-in call",
                                           "Dana Whitfield (the contract manager)", "2026-12-15",
                                           reported.indicator_id, FFA05)
    ffa08 = _review(run, FFA08, "2026-10-14")
    other, _ = meeting_acts.agree_action(run.warehouse, run.store, EVE, ffa08.id, "Recruit two respite homes",
                                         NAMES["FFA08"], "2026-11-30", "placement_stability_0_12", FFA08)
    snapshot = run.warehouse.snapshot()
    office = EntityRef("office", "O001")
    name, ids, month = prepare(snapshot, EVE.data_scope(), office, SEPTEMBER)
    org = meetings.create_meeting(run.store, EVE, office, name, ids, month, snapshot.version.version_id,
                                  snapshot.version.as_of, "2026-10-14")
    return {"ffa05": ffa05, "ffa08": ffa08, "org": org, "floor": floor, "reported": reported, "own": own,
            "managed": managed, "other": other}


# -- the review -------------------------------------------------------------------------------------------------

def test_a_review_reads_its_providers_contract_and_suggests_floor_first_saying_which(run, reviews):
    ffa05 = reviews["ffa05"]
    assert ffa05.title == "New Horizons Children's Services performance review, September 2026"
    assert ffa05.entity == FFA05 and ffa05.is_review
    fresh = _review(run, FFA05, "2026-10-20")
    book = _book(run, fresh.id)
    review = book.numbers.review
    assert (review.contract_id, review.program) == ("C-2025-FFA05", "Foster care")
    assert [line.indicator_id for line in review.lines] == [
        "placement_stability_0_12", "reported_permanency_12m", "reported_placement_stability", "reunify_12m_entry"]
    stability = review.line("placement_stability_0_12")
    assert (stability.target, stability.floor, stability.status) == (90.0, 80.0, "red")
    offered = suggestions(book.numbers, [], (), fresh.held_on)
    kinds = [s.kind for s in offered]
    assert kinds == sorted(kinds, key=["floor", "target", "unreported", "due"].index)  # the remedy first
    assert offered[0].reason.startswith("below the contract's floor of 80.0% — remedy: ")
    assert all(s.entity == FFA05 for s in offered)
    # the carried-over actions of the earlier review open it, and the one due by its day is suggested
    assert {a.id for a in book.carried} == {reviews["own"].id, reviews["managed"].id}


def test_a_reported_metric_due_and_missing_is_suggested_as_not_reported(run):
    ffa12 = _review(run, EntityRef("provider", "FFA12"), "2026-10-14")
    offered = suggestions(_book(run, ffa12.id).numbers, [], (), ffa12.held_on)
    unreported = [s for s in offered if s.kind == "unreported"]
    assert [s.indicator_id for s in unreported] == ["reported_permanency_12m"]
    assert unreported[0].reason.startswith("not reported: the figure for Jul – Sep 2026 was due")
    assert unreported[0].published_source == "provider-reports"


def test_agenda_items_are_the_providers_cells_with_the_target_and_the_programs_line(run, reviews):
    book = _book(run, reviews["ffa05"].id)
    kinds = [(i.kind, i.indicator_id, i.entity, i.source) for i in book.items]
    assert kinds == [("indicator", reviews["floor"].indicator_id, FFA05, "floor"),
                     ("published", reviews["reported"].indicator_id, FFA05, reviews["reported"].kind)]
    numbers = book.numbers.items[book.items[0].id]
    assert set(numbers.trend.series.line) <= {"entity", "program"} and "peers" not in set(numbers.trend.series.line)
    from components.provider_review import review_trend_figure
    figure = review_trend_figure(numbers.trend, book.numbers.review.line(book.items[0].indicator_id), "Foster care")
    assert [t["name"] for t in figure["data"]] == ["Foster care program (all providers)", NAMES["FFA05"]]
    assert "target 90.0%" in [n["text"] for n in figure["layout"]["annotations"]]
    assert book.published[book.items[1].id].entity == FFA05


def test_a_review_discusses_its_own_provider_and_contract_only(run, reviews):
    ffa05 = reviews["ffa05"].id
    with pytest.raises(MeetingError, match="discusses its own provider"):
        meeting_acts.flag_cell(run.warehouse, run.store, EVE, ffa05, "placement_stability_0_12", FFA08)
    with pytest.raises(MeetingError, match="is not a metric of contract C-2025-FFA05"):
        meeting_acts.flag_cell(run.warehouse, run.store, EVE, ffa05, "timely_contacts", FFA05)
    with pytest.raises(MeetingError, match="no other provider's"):
        meeting_acts.flag_published(run.store, EVE, ffa05, "provider-reports", "reported_permanency_12m", "provider",
                                    "FFA08")
    with pytest.raises(MeetingError, match="no contract in force in May 2024"):
        _review(run, FFA05, "2024-06-10", month=dt.date(2024, 5, 1))


def test_open_actions_carry_over_to_the_next_review_of_the_same_provider_only(run, reviews):
    later = _review(run, FFA05, "2026-11-20", month=dt.date(2026, 10, 1))
    carried, new = meetings.meeting_actions(run.store, EVE, later)
    assert {a.id for a in carried} == {reviews["own"].id, reviews["managed"].id} and new == []
    ffa08_later = _review(run, FFA08, "2026-11-20", month=dt.date(2026, 10, 1))
    assert {a.id for a in meetings.meeting_actions(run.store, EVE, ffa08_later)[0]} == {reviews["other"].id}
    offered = suggestions(_book(run, later.id).numbers, [], carried, later.held_on)
    assert any(s.kind == "due" and s.indicator_id == reviews["own"].indicator_id for s in offered) or \
        reviews["own"].indicator_id in {s.indicator_id for s in offered}


def test_the_followup_goes_to_the_attendees_and_the_contracts_contacts_and_manager_once_each(run, reviews, smtp_server):
    from dataclasses import replace
    from web.mail import send_and_record
    inbox, url = smtp_server()
    settings = replace(run.settings, smtp_url=url, mail_from="stat@county.example.org")
    ffa05 = _review(run, FFA05, "2026-10-21",
                    attendees="Pat Moss <pat.moss@county.example.org>\nDirector <DIRECTOR@ffa05.example.org>")
    sent = send_and_record(settings, run.store, EVE, _book(run, ffa05.id))
    _sender, to, message = inbox.received[0]
    assert sorted(a.lower() for a in to) == ["dana.whitfield@county.example.org", "director@ffa05.example.org",
                                             "pat.moss@county.example.org", "quality@ffa05.example.org"]
    assert len(sent) == 4
    assert message["Subject"] == ("Follow-up: New Horizons Children's Services performance review, September 2026 "
                                  "(21 October 2026)")
    body = message.get_content()
    assert "Contract C-2025-FFA05 (Foster care, quarterly reviews)" in body
    assert "below floor — remedy" in body
    for other in ("FFA08", NAMES["FFA08"], NAMES["FFA07"]):
        assert other not in body


def test_the_data_book_holds_the_contract_each_items_trend_and_the_actions(run, reviews, tmp_path):
    import databook
    from pypdf import PdfReader
    pdf = databook.build(_book(run, reviews["ffa05"].id), "pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Provider performance review" in text and "Contract C-2025-FFA05" in text
    assert "below floor — remedy" in text and "Contract target: 90.0%" in text
    assert "Stabilise the first placements" in text and "Monthly check-in call" in text
    assert NAMES["FFA08"] not in text


# -- who sees what, tried as an attacker ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def clients(app):
    return {"ffa05": signed_in_client(app, "ffa05-staff", "provider", "provider:FFA05"),
            "ffa07": signed_in_client(app, "ffa07-staff", "provider", "provider:FFA07"),
            "office": signed_in_client(app, "o1-manager", "manager", "office:O001"),
            "exec": signed_in_client(app, "exec", "executive")}


def _post(client, output, values, trigger=None):
    """The status and the answer's text (its JSON's escapes undone, so "—" reads as written)."""
    body = callback_body(client, output, values, trigger)
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    text = response.get_data(as_text=True)
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        pass
    return response.status_code, text


def _show(client, meeting_id):
    return _post(client, "meeting-title.children", {"meeting-query.data": {"id": str(meeting_id)},
                                                    "meeting-changed.data": {"n": 0}})


def test_a_provider_reads_its_own_review_read_only(clients, reviews):
    status, text = _show(clients["ffa05"], reviews["ffa05"].id)
    assert status == 200 and "New Horizons Children's Services performance review" in text
    assert "Contract C-2025-FFA05" in text and "below floor — remedy" in text
    assert NAMES["FFA08"] not in text
    shown = json.loads(text)["response"]
    assert shown["meeting-edit-areas"]["style"] == {"display": "none"}  # no form to change it
    assert shown["meeting-followup-save"]["style"] == {"display": "none"} and shown["meeting-followup"]["readOnly"]
    executive = json.loads(_show(clients["exec"], reviews["ffa05"].id)[1])["response"]
    assert executive["meeting-followup-save"]["style"] is None and not executive["meeting-followup"]["readOnly"]


@pytest.mark.parametrize("which", ["ffa08", "org"])
def test_another_providers_review_and_an_organisation_meeting_are_refused_as_not_there(clients, reviews, which):
    status, text = _show(clients["ffa07"], reviews[which].id)
    assert status == 200 and "there is no meeting" in text
    assert NAMES["FFA08"] not in text and "Alder Office" not in text and "FFA08" not in text
    _, nothing = _show(clients["ffa07"], 999_999)
    assert json.loads(nothing)["response"]["meeting-banner"] == json.loads(text)["response"]["meeting-banner"] \
        or str(reviews[which].id) in text  # refused alike: only the id asked for differs


def test_the_meetings_list_holds_only_the_providers_own_reviews(clients, reviews):
    status, text = _post(clients["ffa05"], "meetings-list.children", {"meetings-query.data": {}})
    assert status == 200 and "New Horizons Children's Services performance review" in text
    for other in (NAMES["FFA08"], "Alder Office", "Stat, September"):
        assert other not in text
    status, text = _post(clients["ffa05"], "meetings-list.children", {"meetings-query.data": {"entity": "provider:FFA08"}})
    assert status == 200 and NAMES["FFA08"] not in text
    status, text = _post(clients["office"], "meetings-list.children", {"meetings-query.data": {}})
    assert status == 200 and "performance review" not in text


@pytest.mark.parametrize("fmt", ["pdf", "pptx"])
def test_another_reviews_data_book_and_follow_up_are_refused(clients, reviews, fmt):
    for path in (f"/export/meeting/{reviews['ffa08'].id}/databook.{fmt}",
                 f"/export/meeting/{reviews['ffa08'].id}/followup.txt",
                 f"/export/meeting/{reviews['org'].id}/followup.txt"):
        response = clients["ffa07"].get(path)
        assert response.status_code == 403, path
        assert NAMES["FFA08"] not in response.get_data(as_text=True)


def test_a_provider_downloads_its_own_follow_up(clients, reviews):
    response = clients["ffa05"].get(f"/export/meeting/{reviews['ffa05'].id}/followup.txt")
    assert response.status_code == 200 and "Contract C-2025-FFA05" in response.get_data(as_text=True)


def _update(client, reviews, action, status, note):
    return _post(client, "meeting-said.children", {
        "meeting-update-save.n_clicks": 1, "meeting-update-action.value": str(action),
        "meeting-update-status.value": status, "meeting-update-note.value": note,
        "meeting-query.data": {"id": str(reviews["ffa05"].id)}, "meeting-changed.data": {"n": 0}},
        trigger="meeting-update-save.n_clicks")


def test_a_provider_notes_on_its_own_action_and_nothing_more(clients, reviews, run):
    status, text = _update(clients["ffa05"], reviews, reviews["own"].id, "keep", "Two new respite homes opened")
    assert status == 200 and "is open" in text
    action = next(a for a in _book(run, reviews["ffa05"].id).new if a.id == reviews["own"].id)
    assert action.status == "open" and action.updates[-1].note == "Two new respite homes opened"
    _, text = _update(clients["ffa05"], reviews, reviews["own"].id, "done", "")
    assert "Nothing was changed" in text and "is for the review's chair" in text
    _, text = _update(clients["ffa05"], reviews, reviews["managed"].id, "keep", "We called")
    assert "Nothing was changed" in text and "not by New Horizons" in text
    _, text = _update(clients["ffa07"], reviews, reviews["other"].id, "keep", "We called")  # FFA08's action
    assert "Nothing was changed" in text and "there is no action" in text and NAMES["FFA08"] not in text
    with pytest.raises(OutsideScope, match="preparing and changing a review is the department's"):
        meeting_acts.agree_action(run.warehouse, run.store, reader_for("ffa05-staff", "provider", "provider:FFA05"),
                                  reviews["ffa05"].id, "x", "y", "2026-12-01", "placement_stability_0_12", FFA05)


def test_a_provider_crafting_changes_to_another_review_is_refused_naming_nothing(clients, reviews):
    for values, output, trigger in (
            ({"meeting-flag-cell.data": {"indicator": "placement_stability_0_12", "entity": "provider:FFA08"}},
             "meeting-said.children", "meeting-flag-cell.data"),
            ({"meeting-action-add.n_clicks": 1, "meeting-action-what.value": "x", "meeting-action-owner.value": "y",
              "meeting-action-due.value": "2026-12-01",
              "meeting-action-cell.value": "placement_stability_0_12|provider:FFA08"},
             "meeting-said.children", "meeting-action-add.n_clicks")):
        values = {**values, "meeting-query.data": {"id": str(reviews["ffa08"].id)}, "meeting-changed.data": {"n": 0}}
        status, text = _post(clients["ffa07"], output, values, trigger)
        assert status == 200 and "Nothing was changed" in text and NAMES["FFA08"] not in text


def test_an_office_manager_cannot_open_a_provider_review(clients, reviews):
    status, text = _show(clients["office"], reviews["ffa05"].id)
    assert status == 200 and "there is no meeting" in text and NAMES["FFA05"] not in text
    assert clients["office"].get(f"/export/meeting/{reviews['ffa05'].id}/followup.txt").status_code == 403


def test_the_executive_prepares_a_review_from_the_meetings_page(clients):
    status, text = _post(clients["exec"], "meetings-list.children", {"meetings-query.data": {}})
    options = json.loads(text)["response"]["meeting-new-entity"]["options"]
    assert {"label": "Bright Futures Family Agency (provider performance review)", "value": "provider:FFA07"} in options
    status, text = _post(clients["exec"], "meeting-new-said.children", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "provider:FFA07",
        "meeting-new-month.value": "2026-08", "meeting-new-date.value": "2026-09-15",
        "meeting-new-title.value": "", "meeting-new-attendees.value": ""})
    assert status == 200 and "prepared" in text, text[:400]
    status, text = _post(clients["office"], "meeting-new-said.children", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "provider:FFA07",
        "meeting-new-month.value": "2026-08", "meeting-new-date.value": "2026-09-16",
        "meeting-new-title.value": "", "meeting-new-attendees.value": ""})
    assert "No meeting was prepared" in text and "outside what you may see" in text


# -- in a real browser --------------------------------------------------------------------------------------------

def test_an_executive_opens_a_review_sees_its_agenda_and_agrees_an_action_in_chromium(app, run, reviews):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    from tests.browser import WAIT_S, choose_containing, chromium_or_skip, serving, sign_in_with_the_form
    ensure_user(app, "eve-browser", "executive")
    with serving(app.server) as site:
        driver = chromium_or_skip()
        try:
            driver.set_window_size(1280, 900)
            sign_in_with_the_form(driver, site, "eve-browser", path=f"/meeting?id={reviews['ffa05'].id}")
            WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element(
                (By.ID, "meeting-title"), "New Horizons Children's Services performance review"))
            WebDriverWait(driver, WAIT_S).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".meeting-item")) == 2)
            cards = driver.find_elements(By.CSS_SELECTOR, ".meeting-item")
            assert "below floor — remedy" in cards[0].text and "Contract target 90.0%" in cards[0].text
            assert "Contract C-2025-FFA05" in driver.find_element(By.ID, "meeting-facts").text
            # the contract's table to flag from: one row, the provider's, a cell per metric
            WebDriverWait(driver, WAIT_S).until(
                lambda d: len(d.find_elements(By.CSS_SELECTOR, "#meeting-heatmap button.scorecard-flag")) == 4)
            for ident, text in (("meeting-action-what", "Weekly call on the remedy plan"),
                                ("meeting-action-owner", NAMES["FFA05"]), ("meeting-action-due", "2026-12-01")):
                box = driver.find_element(By.ID, ident)
                driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", box)
                box.send_keys(text)
            owners = [o.get_attribute("value") for o in
                      driver.find_elements(By.CSS_SELECTOR, "#meeting-action-owner-choices option")]
            assert owners == [NAMES["FFA05"], "Dana Whitfield (the contract manager)"]
            choose_containing(driver, "meeting-action-cell", "Exit to reunification")
            driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "meeting-action-add"))
            WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element((By.ID, "meeting-said"), "agreed"))
            WebDriverWait(driver, WAIT_S).until(ec.text_to_be_present_in_element(
                (By.ID, "meeting-new-actions"), "Weekly call on the remedy plan"))
        finally:
            driver.quit()
