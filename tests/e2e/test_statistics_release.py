"""In a real browser: a statistician builds a release, a manager approves it, and the exported
CSV carries HXL hashtags and no cell below the threshold."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from kinlink.accounts.mfa import activate_totp
from kinlink.cases import choices as c
from kinlink.stats import services as ss

from ..stats.conftest import make_case
from .test_case_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_approve_export_release(world, live_server, new_page, artifacts):
    for sex, dob, n in [
        (c.Sex.FEMALE, date(2016, 1, 1), 9),
        (c.Sex.MALE, date(2016, 1, 1), 12),
        (c.Sex.MALE, date(2012, 1, 1), 3),
        (c.Sex.FEMALE, date(2012, 1, 1), 2),
    ]:
        for k in range(n):
            make_case(world.alice, sex=sex, dob=dob, registered=date(2024, 4, 1 + k), consent="yes")
    ss.facts_refresh()

    def shot(page, name):
        page.screenshot(path=str(artifacts / f"stats-{name}.png"), full_page=True)

    base = live_server.url
    page = new_page()
    sign_in(page, base, "stan", activate_totp(world.stan), shot)
    page.goto(f"{base}/statistics/releases/new/")
    page.fill("#id_title", "Children registered 2024")
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-12-31")
    page.check("input[name=breakdowns][value=protection_status]")
    shot(page, "01-release-form")
    page.click("button[type=submit]:has-text('Build the release')")
    page.wait_for_url(re.compile(r".*/statistics/releases/[0-9a-f-]{36}/$"))
    release_url = page.url
    assert page.locator("td[data-flag=primary]").count() > 0
    shot(page, "02-release-draft")
    page.click("button:has-text('Submit for approval')")
    page.get_by_text("The release was submitted for approval.").wait_for()

    mgr = new_page()
    sign_in(mgr, base, "max", activate_totp(world.max), shot)
    mgr.goto(release_url)
    mgr.select_option("#id_decision", "approve")
    mgr.click("button:has-text('Record the decision')")
    mgr.get_by_text("Your decision was recorded.").wait_for()
    assert mgr.locator("#release-state").inner_text() == "Approved for publication"
    shot(mgr, "03-release-approved")
    with mgr.expect_download() as info:
        mgr.click("a:has-text('Download CSV')")
    text = info.value.path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][rows[0].index("value")] == "#indicator+value+num"
    assert rows[1][0].startswith("#")
    value = rows[0].index("value")
    published = [int(r[value]) for r in rows[2:] if r[value] != ""]
    assert published, "some figures are published"
    assert all(v == 0 or v >= 5 for v in published)
    flags = {r[rows[0].index("flag")] for r in rows[2:]}
    assert "primary" in flags
    # the printable PDF of the same approved release
    with mgr.expect_download() as info:
        mgr.click("a:has-text('Download PDF')")
    assert info.value.path().read_bytes().startswith(b"%PDF-")
    # the country profile page
    mgr.goto(f"{base}/statistics/profile/")
    assert mgr.locator("#laws").count() == 1
    shot(mgr, "04-country-profile")
