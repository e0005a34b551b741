"""End to end in a real browser: a supervisor opens the alert board, follows the alert about a
child under 3 in residential care, records the gatekeeping review, and sees the alert clear;
and follows the statelessness alert to the referral form, legal aid already chosen."""

from __future__ import annotations

import pytest

from kinlink.accounts.mfa import activate_totp
from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.care import choices as k

from ..care.conftest import child_case, place_active, years_ago
from .conftest import DESKTOP
from .test_case_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_fixes_under3_residential_alert(world, live_server, new_page, artifacts):
    def shot(page, name):
        page.screenshot(path=str(artifacts / f"alerts-{name}.png"), full_page=True)

    case = child_case(world.alice, dob=years_ago(1, 100), given="Малика")
    placement = place_active(
        world.alice, case, k.CareType.RESIDENTIAL_INSTITUTION, emergency=True, place="Baby home"
    )
    engine.evaluate_case(case.pk)
    alert = Alert.objects.system("test").get(case=case, kind="under3_residential")
    secret = activate_totp(world.sam)

    page = new_page(DESKTOP)
    sign_in(page, live_server.url, "sam", secret, lambda *a: None)
    page.click("nav >> text=Alerts")
    page.wait_for_url(f"{live_server.url}/alerts/")
    row = page.locator("tr.alert-row[data-kind=under3_residential]")
    assert "Малика" in row.inner_text()
    shot(page, "01-board")

    row.locator("a:has-text('Record the gatekeeping review')").click()
    page.wait_for_url(f"**/cases/{case.pk}/**")
    form = page.locator(f"#action-review-{placement.pk}")
    assert form.get_attribute("open") is not None  # the fixing form is already open
    assert page.locator(".case-alert[data-kind=under3_residential]").count() == 1
    prefix = f"#id_rv-{placement.pk.hex[:8]}"
    page.select_option(f"{prefix}-outcome", "continue")
    page.fill(f"{prefix}-notes", "Visited; reintegration with the grandmother planned in May.")
    page.fill(f"{prefix}-residential_justification", "Needs daily medical care for six weeks.")
    shot(page, "02-review-form")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=The review was recorded.")
    assert page.locator(".case-alert[data-kind=under3_residential]").count() == 0
    shot(page, "03-after-review")

    page.goto(f"{live_server.url}/alerts/")
    assert page.locator("tr.alert-row[data-kind=under3_residential]").count() == 0
    shot(page, "04-board-cleared")
    alert.refresh_from_db()
    assert alert.cleared_at is not None


def test_supervisor_starts_the_legal_aid_referral_from_the_statelessness_alert(
    world, live_server, new_page, artifacts
):
    from ..conftest import register

    case = register(world.alice, given="Лейла", statelessness_risk=True)
    engine.evaluate_case(case.pk)
    alert = Alert.objects.system("test").get(case=case, kind="statelessness_risk")
    secret = activate_totp(world.sam)

    page = new_page(DESKTOP)
    sign_in(page, live_server.url, "sam", secret, lambda *a: None)
    page.goto(f"{live_server.url}/alerts/?rule=101")
    row = page.locator("tr.alert-row[data-kind=statelessness_risk]")
    assert "Лейла" in row.inner_text()
    row.locator("a:has-text('Refer to legal aid or birth registration')").click()
    page.wait_for_url(f"**/cases/{case.pk}/**")
    assert page.locator("#action-referral").get_attribute("open") is not None
    assert page.input_value("#id_referral-service_type") == "legal_aid"
    page.fill("#id_referral-agency_name", "Lawyers' association")
    page.select_option("#id_referral-timeframe", "3d")
    page.screenshot(path=str(artifacts / "alerts-05-referral-form.png"), full_page=True)
    page.locator("#action-referral button[type=submit]").click()
    page.wait_for_selector("text=The referral was sent.")
    page.goto(f"{live_server.url}/alerts/")
    assert page.locator("tr.alert-row[data-kind=statelessness_risk]").count() == 0
    alert.refresh_from_db()
    assert alert.cleared_at is not None
