"""End to end in a real browser: register, assess, approve, switch to Arabic."""

from __future__ import annotations

import re

import pytest

from kinlink.accounts.mfa import activate_totp, current_code
from kinlink.cases.models import Approval, Assessment, Case

from ..conftest import PASSWORD
from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username, secret, shot):
    page.goto(f"{base_url}/accounts/login/")
    shot(page, f"{username}-01-login")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", current_code(secret))
    shot(page, f"{username}-02-second-factor")
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_register_assess_approve_and_arabic(world, live_server, new_page, artifacts, viewport):
    label = "phone" if viewport == PHONE else "desktop"

    def shot(page, name):
        page.screenshot(path=str(artifacts / f"{label}-{name}.png"), full_page=True)

    base = live_server.url
    alice_secret = activate_totp(world.alice)
    sam_secret = activate_totp(world.sam)

    # --- Alice, caseworker: sign in with password and TOTP, register a child.
    page = new_page(viewport)
    sign_in(page, base, "alice", alice_secret, shot)
    assert page.locator("h1").inner_text().startswith("Hello")
    shot(page, "alice-03-home")
    page.goto(f"{base}/cases/register/")
    page.fill("#id_given_name", "Zarina")
    page.fill("#id_family_name", "Usmonova")
    page.fill("#id_other_names", "Зарина")
    page.select_option("#id_sex", "female")
    page.fill("#id_date_of_birth", "2012-03-04")
    page.fill("#id_nationalities", "TJ")
    page.fill("#id_languages", "tg, ru")
    page.select_option("#id_protection_status", "unaccompanied")
    page.select_option("#id_risk_level", "high")
    page.fill("#id_protection_concerns", "Travelling alone by bus")
    page.select_option("#id_family-0-relationship", "mother")
    page.fill("#id_family-0-given_name", "Gulnora")
    shot(page, "alice-04-register-form")
    page.click("button[type=submit]:has-text('Register')")
    page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.system("test").get()
    assert page.locator("h1").inner_text() == "Zarina Usmonova"
    assert page.get_by_text(f"Case {case.number} was registered.").is_visible()
    shot(page, "alice-05-case-page")

    # --- Fill in and submit the initial assessment (an htmx form).
    page.click("summary:has-text('Fill in the assessment')")
    prefix = f"a-{Assessment.objects.system('test').get(case=case).pk.hex[:8]}"
    page.fill(f"#id_{prefix}-finding_safety", "Slept two nights at the bus station")
    page.fill(f"#id_{prefix}-finding_family", "Mother works in Russia; phone number known")
    page.fill(f"#id_{prefix}-child_views", "Wants to join her mother")
    page.select_option(f"#id_{prefix}-proposed_risk_level", "high")
    shot(page, "alice-06-assessment-form")
    page.click("button:has-text('Save and submit for approval')")
    page.get_by_text("The assessment was submitted for approval.").wait_for()
    assert Assessment.objects.system("test").get(case=case).state == "pending"
    shot(page, "alice-07-assessment-submitted")

    # --- Sam, supervisor: sign in, approve from the inbox.
    page = new_page(viewport)
    sign_in(page, base, "sam", sam_secret, shot)
    assert page.get_by_text("Waiting for your approval").first.is_visible()
    shot(page, "sam-03-home")
    page.goto(f"{base}/cases/approvals/")
    assert page.get_by_text("Zarina Usmonova").first.is_visible()
    shot(page, "sam-04-inbox")
    page.click("button:has-text('Approve')")
    page.get_by_text(f"Approved: Assessment for case {case.number}.").wait_for()
    assert Approval.objects.system("test").get(case=case).state == "approved"
    shot(page, "sam-05-approved")

    # --- Switch the interface to Arabic: right-to-left.
    page.goto(f"{base}/cases/{case.pk}/")
    page.select_option("#language-select", "ar")
    with page.expect_navigation():
        page.click("#language-form button[type=submit]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html[dir=rtl]").count() == 1
    assert page.locator("link[href*='bootstrap.rtl.min.css']").count() == 1
    shot(page, "sam-06-case-arabic")
