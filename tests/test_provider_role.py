"""A delegate agency's staff (role `provider`, scope provider:FFA07) as an attacker: every callback of the app
posted with a value that draws a view for the department's readers, every page's address and every download,
answered without a fault and without a word of the organisation's or of another provider's.

(The provider's own pages and reviews have their own tests: test_provider_pages.py, test_provider_review.py.)
"""
from __future__ import annotations

import json

import pytest

from tests.test_hardening import DOWNLOADS, VALID, _dependencies, _names, _post
from tests.web import make_app, signed_in_client

MINE = "FFA07"
PAGES = ["/", "/scorecard", "/scorecard?parent=bureau:B01", "/indicator/reentry", "/entity/office/O001",
         "/members?indicator=reentry&month=2026-10&entity=office:O001",
         "/members?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA08",
         "/meetings", "/meeting?id=1", "/reviews", "/review?id=1", "/selection?id=1", "/admin", "/providers",
         "/providers/FFA08", "/providers?month=2026-09&sort=name"]
URLS = ["/export/scorecard.csv?month=2026-10&level=office", "/export/scorecard.csv?month=2026-10&level=provider",
        "/export/scorecard.csv?month=2026-10&level=unit&parent=office:O001",
        "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O001",
        "/export/members.csv?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA08",
        "/export/audit.csv"] + [f"{path}?{'&'.join(f'{k}={v}' for k, v in valid.items())}"
                                for path, (valid, _more) in DOWNLOADS.items()]


@pytest.fixture(scope="module")
def provider(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    return app, signed_in_client(app, "ffa07-staff", "provider", f"provider:{MINE}")


@pytest.fixture(scope="module")
def secrets(demo_snapshot) -> list[str]:
    """Names a provider's staff may never be shown: the organisation's bureaus, offices, units and workers, and
    every other provider."""
    names = demo_snapshot.read("select entity_name from entities where level in ('bureau', 'office', 'unit', "
                               "'worker')").entity_name.tolist()
    others = demo_snapshot.read(f"select provider_name from providers where provider_id <> '{MINE}'")
    return sorted(set(names + others.provider_name.tolist()), key=len, reverse=True)


def _leaks(text: str, secrets, asked: str) -> list[str]:
    return [name for name in secrets if name in text and name not in asked]


def test_every_callback_with_a_view_the_department_reads_gives_a_provider_nothing(provider, secrets):
    app, client = provider
    deps = _dependencies(client)
    assert len(deps) > 30
    for output, dep in deps.items():
        values = {name: VALID[name] for name in _names(dep) if name in VALID}
        paths = PAGES if "_pages_location.pathname" in values else [None]
        for path in paths:
            if path is not None:
                page, _, search = path.partition("?")
                values = {**values, "_pages_location.pathname": page,
                          "_pages_location.search": f"?{search}" if search else ""}
            response = _post(client, dep, values)
            text = response.get_data(as_text=True)
            assert response.status_code < 500, (output, path, text[:300])
            assert not _leaks(text, secrets, json.dumps(values)), (output, path, _leaks(text, secrets, ""))


@pytest.mark.parametrize("url", URLS)
def test_every_download_gives_a_provider_none_of_the_organisation_s_or_another_provider_s(provider, secrets, url):
    _app, client = provider
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 403, 404), (url, text[:300])
    assert not _leaks(text, secrets, url)
    if "level=provider" in url and response.status_code == 200:
        assert "FFA08" not in text and "FFA01" not in text
    if "entity=provider:FFA08" in url or "office" in url or "audit" in url:
        assert response.status_code != 200, url
