"""The demo loader: a realistic multi-country world, built through the services, loaded once.

The demo is loaded once for the module (it takes a few seconds) inside a transaction that is
rolled back at the end.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from kinlink.accounts.mfa import current_code
from kinlink.accounts.models import User
from kinlink.accounts.roles import Role
from kinlink.cases import choices as c
from kinlink.cases.models import (
    Approval,
    Case,
    Child,
    ChildName,
    Consent,
    Document,
    FamilyMember,
    FollowUp,
)
from kinlink.cases.selectors import possible_duplicate_count
from kinlink.core.audit import verify_chain
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.demo import DEMO_PASSWORD, load

R = "test"
# The marker makes pytest-django set up the test database (it only sets up the databases that
# marked tests use); each test then runs in a savepoint inside the module's transaction.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"not a test database: {name}"
        assert not Child.objects.system(R).exists()
        result = load()
        yield result
        transaction.set_rollback(True)


def scripts(text: str) -> set[str]:
    """Unicode scripts of the letters of ``text`` (first word of the character's name)."""
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


def test_loads_about_200_children_from_five_countries_in_five_scripts(demo):
    assert demo.created
    children = list(Child.objects.system(R).all())
    assert 180 <= len(children) <= 230
    assert set(Case.objects.system(R).values_list("agency__country", flat=True)) >= {
        "KZ",
        "UZ",
        "UA",
        "PL",
        "IT",
    }
    nationalities = {n for ch in children for n in ch.nationalities}
    assert len(nationalities) >= 5
    seen = Counter(s for ch in children for s in scripts(ch.given_name + ch.family_name))
    assert {"CYRILLIC", "LATIN", "ARABIC", "GEORGIAN", "ARMENIAN"} <= set(seen)
    # Letters particular to Kazakh/Tajik/Ukrainian/Uzbek spelling survive as written.
    names = " ".join(ch.full_name for ch in children)
    assert re.search("[әғқңөұүһіӣӯҳҷїєґʻ]", names, re.IGNORECASE)


def test_children_have_aliases_siblings_and_realistic_gaps(demo):
    children = Child.objects.system(R)
    assert children.filter(date_of_birth__isnull=True, age_years__isnull=False).exists()
    jan1 = children.filter(date_of_birth_estimated=True, date_of_birth__isnull=False)
    assert jan1.exists() and all(
        (d.month, d.day) == (1, 1) for d in jan1.values_list("date_of_birth", flat=True)
    )
    assert children.filter(statelessness_risk=True).exists()
    assert children.filter(birth_registration=c.BirthRegistration.NOT_REGISTERED).exists()
    assert children.exclude(disability__in=[c.Disability.NONE, c.Disability.UNKNOWN]).exists()
    statuses = set(children.values_list("protection_status", flat=True))
    assert {
        c.ProtectionStatus.UNACCOMPANIED,
        c.ProtectionStatus.SEPARATED,
        c.ProtectionStatus.ACCOMPANIED,
        c.ProtectionStatus.LEFT_BEHIND,
    } <= statuses
    assert len(set(children.values_list("migratory_status", flat=True))) >= 6
    # Other names in other scripts (Мухаммед / Muhammad / Magomed...).
    other = list(ChildName.objects.system(R).select_related("child"))
    assert len(other) >= 30
    assert any(scripts(o.name) != scripts(o.child.given_name) for o in other)
    # Siblings: recorded as family members, and registered as children of the same family.
    assert FamilyMember.objects.system(R).filter(relationship=c.Relationship.SIBLING).exists()
    # Left-behind children: parents abroad, a grandparent caring.
    left = FamilyMember.objects.system(R).filter(
        child__protection_status=c.ProtectionStatus.LEFT_BEHIND,
        relationship__in=[c.Relationship.MOTHER, c.Relationship.FATHER],
        alive=c.AliveStatus.ALIVE,
    )
    assert left.exclude(country__in=["KZ", "UZ", "TJ", ""]).exists()
    phones = [f.phone for f in FamilyMember.objects.system(R).exclude(phone="")[:20]]
    assert phones and all(p.startswith("+") and " 000 " in p for p in phones)
    docs = list(Document.objects.system(R).exclude(number="")[:20])
    assert docs and all(d.number_index for d in docs)


def test_cases_reach_every_stage_with_overdue_items_and_approvals(demo):
    cases = Case.objects.system(R)
    assert set(cases.values_list("stage", flat=True)) == set(c.Stage.values)
    now = timezone.now()
    assert cases.filter(status=c.CaseStatus.OPEN, next_due_at__lt=now).count() >= 10
    assert cases.filter(status=c.CaseStatus.OPEN, next_due_at__gte=now).exists()
    overdue_visits = FollowUp.objects.system(R).filter(
        done_on__isnull=True, due_on__lt=now.date(), case__status=c.CaseStatus.OPEN
    )
    assert overdue_visits.exists()
    assert FollowUp.objects.system(R).filter(done_on__isnull=False).count() >= 30
    closed = cases.filter(status=c.CaseStatus.CLOSED)
    assert len(set(closed.values_list("closure_reason", flat=True))) >= 3
    assert cases.filter(status=c.CaseStatus.OPEN).exclude(reopened_reason="").exists()
    # Four eyes: nobody decided what they had asked for.
    decided = Approval.objects.system(R).exclude(decided_by=None)
    assert decided.count() >= 100
    assert not [a for a in decided.values_list("requested_by", "decided_by") if a[0] == a[1]]
    assert Approval.objects.system(R).filter(state=c.ApprovalState.REJECTED).exists()
    # Consent by age band, and best-interests overrides both pending and approved.
    consents = Consent.objects.system(R)
    assert consents.filter(kind=c.ConsentKind.ASSENT, given_by=c.ConsentGiver.CHILD).exists()
    assert consents.filter(kind=c.ConsentKind.CONSENT, given_by=c.ConsentGiver.CHILD).exists()
    assert consents.filter(given_by=c.ConsentGiver.CAREGIVER).exists()
    overrides = consents.exclude(override_basis="")
    assert overrides.filter(override_state=c.ApprovalState.PENDING).exists()
    assert overrides.filter(override_state=c.ApprovalState.APPROVED).exists()
    assert not consents.filter(given_by=c.ConsentGiver.CHILD, child_age__lt=6).exists()
    # The demo caseworker's own list shows every stage.
    mine = cases.filter(owner__username="caseworker")
    assert set(mine.values_list("stage", flat=True)) == set(c.Stage.values)


def test_near_duplicates_trigger_the_duplicate_warning(demo):
    hits = [
        ch
        for ch in Child.objects.system(R).all()
        if possible_duplicate_count(given_name=ch.given_name, family_name=ch.family_name) > 1
    ]
    assert len(hits) >= 4
    # One of them crossed a border: registered in Ukraine and again in Poland.
    countries = {
        country
        for ch in hits
        for country in Case.objects.system(R)
        .filter(child=ch)
        .values_list("agency__country", flat=True)
    }
    assert {"UA", "PL"} <= countries


def test_a_login_per_role_with_password_and_totp(demo):
    assert {x.username for x in demo.logins} >= {r.value for r in Role}
    by_name = {x.username: x for x in demo.logins}
    for role in Role:
        login = by_name[role.value]
        user = User.objects.get(username=login.username)
        assert user.role == role.value and user.language == "en"
        assert user.check_password(DEMO_PASSWORD) and login.password == DEMO_PASSWORD
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert re.fullmatch(r"[A-Z2-7]{32}", login.totp_secret)
    assert len({x.totp_secret for x in demo.logins}) == len(demo.logins)
    staff = User.objects.exclude(username__in=by_name)
    assert set(staff.values_list("language", flat=True)) >= {"ru", "uk"}
    assert all(
        Authenticator.objects.filter(user=u, type=Authenticator.Type.TOTP).exists() for u in staff
    )
    assert SopProfile.objects.filter(active=True).count() == 1


def test_second_load_changes_nothing_and_the_audit_chain_holds(demo):
    before = (
        Child.objects.system(R).count(),
        Case.objects.system(R).count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    again = load()
    assert not again.created
    assert [(x.username, x.totp_secret) for x in again.logins] == [
        (x.username, x.totp_secret) for x in demo.logins
    ]
    after = (
        Child.objects.system(R).count(),
        Case.objects.system(R).count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert AuditEvent.objects.count() > 1000
    result = verify_chain()
    assert result.ok, result


def test_demo_command_prints_logins_and_codes(demo):
    out = io.StringIO()
    call_command("kinlink_demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "DEMO DATA ONLY" in text and "already loaded" in text
    for login in demo.logins:
        assert login.username in text and login.totp_secret in text
    assert DEMO_PASSWORD in text and "kinlink demo --code USERNAME" in text

    out, err = io.StringIO(), io.StringIO()
    call_command("kinlink_demo", "--code", "supervisor", stdout=out, stderr=err)
    secret = next(x.totp_secret for x in demo.logins if x.username == "supervisor")
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code in {current_code(secret, step) for step in (-1, 0, 1)}


def test_tracing_requests_spell_children_another_way(demo):
    from kinlink.tracing.models import Trace, TracingRequest

    requests = TracingRequest.objects.system("test")
    assert requests.count() >= 10
    # every request comes from another country than the child's case
    traces = Trace.objects.system("test").select_related("request__agency")
    assert all(tr.request.agency.country for tr in traces)
    latin = [tr for tr in traces if tr.family_name and tr.family_name.isascii()]
    assert len(latin) >= 5  # Cyrillic names looked for in Latin spellings


def test_shipped_questionnaires_are_installed(demo):
    from kinlink.questionnaires.models import FormVersion

    assert FormVersion.objects.count() >= 3
