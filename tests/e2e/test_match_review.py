"""End to end in a real browser: a mother's tracing request in Latin script finds a child
registered in Cyrillic in another office; the requesting caseworker sees why, but not who,
until the child's caseworker agrees to disclose; then she confirms the match with a reason."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kinlink.accounts.mfa import activate_totp, current_code
from kinlink.cases import services as cs
from kinlink.tracing import engine, matching
from kinlink.tracing import services as ts
from kinlink.tracing.models import PotentialMatch

from ..conftest import PASSWORD, register
from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Мухаммед Рахимов"


@pytest.fixture(autouse=True)
def fresh_engine():
    engine.reset()
    yield
    engine.reset()


def sign_in(page, base_url, username, secret, shot):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", current_code(secret))
    shot(page, f"{username}-second-factor")
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{base_url}/")


def test_match_review_with_disclosure(world, live_server, new_page, artifacts):
    def shot(page, name):
        page.screenshot(path=str(artifacts / f"tracing-{name}.png"), full_page=True)

    # --- Set up through the services: Alice's child (Almaty), Olga's request (Astana).
    case = register(world.alice, given="Мухаммед", family="Рахимов")
    cs.consent_record(
        actor=world.alice,
        case_id=case.pk,
        data=cs.ConsentInput(
            given_by="caregiver", kind="consent", given_on=date.today(), for_tracing=True
        ),
    )
    req = ts.tracing_request_create(
        actor=world.olga,
        data=ts.RequestInput(
            enquirer_given_name="Зарина",
            enquirer_relationship="mother",
            inquiry_date=date.today(),
            traces=[
                ts.TraceInput(
                    given_name="Muhammad",
                    family_name="Rakhimov",
                    sex="male",
                    age_years=date.today().year - 2014,
                )
            ],
        ),
    )
    trace = req.traces.get()
    if not PotentialMatch.objects.system("test").filter(trace=trace).exists():
        matching.match_trace(str(trace.pk))  # in case the on-commit task did not run
    match = PotentialMatch.objects.system("test").get(trace=trace, case=case)

    base = live_server.url
    olga_secret = activate_totp(world.olga)
    alice_secret = activate_totp(world.alice)

    # --- Olga (requesting side): the match, explained, without the child's identity.
    olga = new_page(PHONE)
    sign_in(olga, base, "olga", olga_secret, shot)
    olga.goto(f"{base}/tracing/matches/")
    card = olga.locator(f"#match-{match.pk}")
    card.wait_for()
    assert card.get_by_text("Family name").is_visible()
    assert card.get_by_text("Date of birth or age").is_visible()
    assert card.locator(".explanation li").count() == 8
    assert "probability" in card.inner_text()
    assert CHILD not in olga.content() and "Мухаммед" not in olga.content()
    assert case.number not in olga.content()
    shot(olga, "olga-matches-before-disclosure")
    card.get_by_role("button", name="Ask the child's caseworker to disclose").click()
    olga.get_by_text("The child's caseworker was asked to disclose").wait_for()
    assert CHILD not in olga.content()
    shot(olga, "olga-disclosure-requested")
    match.refresh_from_db()
    assert match.disclosure == "requested"

    # --- Alice (child's side): agrees to disclose.
    alice = new_page(PHONE)
    sign_in(alice, base, "alice", alice_secret, shot)
    alice.goto(f"{base}/cases/{case.pk}/#tracing")
    section = alice.locator("#tracing")
    section.get_by_text("Disclosure requests").wait_for()
    assert section.get_by_role("button", name="Agree to disclose").is_visible()
    section.screenshot(path=str(artifacts / "tracing-alice-case-section.png"))
    alice.goto(f"{base}/tracing/matches/")
    alice.get_by_text("Disclosure requests about children you work with").wait_for()
    shot(alice, "alice-disclosure-request")
    alice.locator(f"#match-{match.pk}").get_by_role("button", name="Agree to disclose").click()
    alice.get_by_text("You agreed to disclose the child's details.").wait_for()
    shot(alice, "alice-disclosure-agreed")
    match.refresh_from_db()
    assert match.disclosure == "agreed"

    # --- Olga reloads: the child's name shows; she confirms with a reason.
    olga.reload()
    card = olga.locator(f"#match-{match.pk}")
    card.get_by_text(CHILD).wait_for()
    shot(olga, "olga-matches-after-disclosure")
    card.locator("summary:has-text('Confirm or reject this match')").click()
    card.get_by_role("button", name="Confirm the match").click()  # no reason: refused
    olga.get_by_text("Give the reason for your decision.").wait_for()
    shot(olga, "olga-confirm-needs-reason")
    olga.locator(f"#match-{match.pk} textarea[name=reason]").fill(
        "The mother described the scar on his left hand; the caseworker saw it"
    )
    olga.locator(f"#match-{match.pk}").get_by_role("button", name="Confirm the match").click()
    olga.get_by_text("The match was confirmed.").wait_for()
    shot(olga, "olga-match-confirmed")
    match.refresh_from_db()
    assert match.state == "confirmed" and match.reviewed_by == world.olga
    trace.refresh_from_db()
    assert trace.status == "matched" and trace.matched_case_id == case.pk

    # --- The child was found: Olga closes the request as found.
    olga.goto(f"{base}/tracing/{req.pk}/")
    olga.locator("#close summary").click()
    olga.locator("select[name=close-outcome]").select_option("found")
    olga.locator("#close").get_by_role("button", name="Close the request").click()
    olga.get_by_text("The tracing request was closed.").wait_for()
    shot(olga, "olga-request-closed")
    req.refresh_from_db()
    assert req.status == "closed" and req.closure_outcome == "found"
