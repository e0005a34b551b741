"""In a real browser: a city official fills in the city needs survey in Ukrainian, skip logic
taking effect as she answers (htmx); a manager then compares the cities."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinlink.accounts.mfa import activate_totp
from kinlink.accounts.models import Office
from kinlink.questionnaires import services
from kinlink.questionnaires.models import FormPurpose, Response

from ..conftest import make_user
from .conftest import DESKTOP, PHONE
from .test_case_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURVEY = Path(__file__).resolve().parents[2] / (
    "src/kinlink/questionnaires/forms/city_needs_survey.xlsx"
)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_city_official_answers_in_ukrainian_and_manager_compares(
    world, live_server, new_page, artifacts, viewport
):
    label = "phone" if viewport == PHONE else "desktop"

    def shot(page, name):
        page.screenshot(path=str(artifacts / f"city-{label}-{name}.png"), full_page=True)

    version = services.form_install(data=SURVEY.read_bytes(), purpose=FormPurpose.CITY_SURVEY)
    lviv = Office.objects.create(agency=world.kz, name="Lviv", code="LVI", city="Львів")
    lena = make_user("lena", "city_official", world.kz, lviv, language="uk")
    # another city has answered already
    world.cleo.office = world.almaty
    world.cleo.save()
    other = services.response_start(actor=world.cleo, version_id=version.pk)
    services.response_save(
        actor=world.cleo,
        response_id=other.pk,
        answers={
            "city_name": "Almaty",
            "refugee_children": "12",
            "coordination_body": "no",
            "guardianship": "yes",
            "training_needs": "trauma interpreters",
            "training_priority": "interpreters",
        },
        submit=True,
    )

    base = live_server.url
    page = new_page(viewport)
    sign_in(page, base, "lena", activate_totp(lena), lambda p, n: None)
    page.goto(f"{base}/forms/")
    assert page.locator("html").get_attribute("lang") == "uk"
    shot(page, "01-forms")
    page.click("a[href$='/start/']")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/forms/responses/[0-9a-f-]{36}/fill/"))

    # page 1, city profile: 'of whom unaccompanied' only once there are refugee children
    assert page.get_by_text("Профіль міста").first.is_visible()
    assert page.locator("h1").inner_text() == "Опитування про потреби міст: прийом дітей-біженців"
    page.fill("#q-city_name", "Львів")
    assert page.locator("#q-uasc").count() == 0
    page.fill("#q-refugee_children", "40")
    page.locator("#q-refugee_children").press("Tab")
    page.locator("#q-uasc").wait_for()
    page.fill("#q-uasc", "6")
    page.locator("#q-uasc").press("Tab")
    page.get_by_text("Без супроводу або розлучені: 15 %").wait_for()
    shot(page, "02-profile-skip-logic")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*\?page=1$"))

    # page 2, governance: meeting frequency appears after 'yes'
    assert page.locator("#q-coordination_frequency-monthly").count() == 0
    page.check("#q-coordination_body-yes")
    page.locator("#q-coordination_frequency-monthly").wait_for()
    page.check("#q-coordination_frequency-monthly")
    shot(page, "03-governance-skip-logic")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*\?page=2$"))
    for n in (3, 4):
        page.click("button[value=next]")
        page.wait_for_url(re.compile(rf".*\?page={n}$"))
    page.check("#q-guardianship-no")
    page.locator("#q-guardianship-no").wait_for()
    for n in (5, 6):
        page.click("button[value=next]")
        page.wait_for_url(re.compile(rf".*\?page={n}$"))

    # workforce: the priority question offers only the topics chosen (choice filter)
    page.check("#q-training_needs-trauma")
    page.locator("#q-training_needs-trauma:checked").wait_for()
    page.check("#q-training_needs-data")
    page.locator("#q-training_priority-data").wait_for()
    assert page.locator("input[name=training_priority]").count() == 2
    page.check("#q-training_priority-data")
    page.locator("#q-training_priority-data:checked").wait_for()
    shot(page, "04-training-needs")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*\?page=7$"))
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*\?page=8$"))
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r".*/forms/responses/[0-9a-f-]{36}/$"))
    shot(page, "05-submitted")
    mine = Response.objects.system("test").get(respondent=lena)
    assert mine.status == "submitted" and mine.city == "Львів"
    assert mine.answers["coordination_frequency"] == "monthly"
    assert mine.answers["uasc_share"] == "15"

    # the manager compares the two cities, training needs ranked
    manager = new_page(viewport)
    sign_in(manager, base, "max", activate_totp(world.max), lambda p, n: None)
    manager.goto(f"{base}/forms/cities/")
    header = manager.locator("#city-comparison thead").inner_text()
    assert "Almaty" in header and "Львів" in header
    first = manager.locator("#training-needs tbody tr").first.inner_text()
    assert "Trauma-informed practice" in first and "2" in first
    shot(manager, "06-comparison")


def test_nested_repeats_in_the_browser(world, live_server, new_page, artifacts):
    """With JavaScript on: instances of a repeat inside a repeat are added and removed, skip
    logic works per instance, and the answers are submitted nested."""
    from ..questionnaires.test_nested_repeats import SETTINGS, SURVEY
    from ..questionnaires.xlsx import YN, workbook

    version = services.form_import(actor=world.ada, data=workbook(SURVEY, YN, SETTINGS))
    services.version_publish(actor=world.ada, version_id=version.pk)
    base = live_server.url
    page = new_page(DESKTOP)

    def settle():
        """Leave the field (its change posts the form with htmx) and let that refresh finish
        before the next click, so two saves of the draft do not race."""
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.wait_for_timeout(900)
        page.wait_for_load_state("networkidle")

    sign_in(page, base, "alice", activate_totp(world.alice), lambda p, n: None)
    page.goto(f"{base}/forms/versions/{version.pk}/start/")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/forms/responses/[0-9a-f-]{36}/fill/"))
    page.fill("#q-hh_name", "Home")
    page.fill("#q-members-0-m_name", "Zoe")
    page.fill("#q-members-0-m_age", "7")
    page.locator("#q-members-0-m_age").press("Tab")
    # a 7-year-old: the school question appears in her instance only
    page.locator("#q-members-0-enrolled-yes").wait_for()
    page.check("#q-members-0-enrolled-yes")
    page.fill("#q-members-0-visits-0-v_date", "2025-01-01")
    settle()
    page.click("button[value='add:members/0/visits']")
    page.locator("#q-members-0-visits-1-v_date").wait_for()
    assert page.locator("#q-members-0-visits-0-v_date").input_value() == "2025-01-01"
    # position(..) > 1: the note shows in the second visit, not the first
    page.locator("#q-members-0-visits-1-v_note").wait_for()
    assert page.locator("#q-members-0-visits-0-v_note").count() == 0
    page.fill("#q-members-0-visits-1-v_date", "2025-02-01")
    page.fill("#q-members-0-visits-1-v_age", "9")  # older than Zoe
    settle()
    page.click("button[value='add:members']")
    page.locator("#q-members-1-m_name").wait_for()
    settle()
    page.click("button[value='remove:members:1']")
    page.wait_for_load_state()
    assert page.locator("#q-members-1-m_name").count() == 0
    page.click("button[value=submit]")
    page.locator("#form-errors").wait_for()
    assert "members[0].visits[1].v_age" in page.locator("#form-errors").inner_text()
    page.screenshot(path=str(artifacts / "nested-repeats-error.png"), full_page=True)
    page.fill("#q-members-0-visits-1-v_age", "6")
    settle()
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r".*/forms/responses/[0-9a-f-]{36}/$"))
    done = Response.objects.system("test").get(respondent=world.alice)
    visits = done.answers["members"][0]["visits"]
    assert [v["v_date"] for v in visits] == ["2025-01-01", "2025-02-01"]
    assert done.answers["n_visits"] == "2"
