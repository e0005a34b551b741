"""Demo tracing requests: relatives in another country looking for children the demo
registered, writing the names their own way (another script or spelling), so the matching
engine has real work and the review pages have something to show."""

from __future__ import annotations

from datetime import timedelta

from kinlink.accounts.roles import Role
from kinlink.cases import choices as cc
from kinlink.cases.models import Case
from kinlink.tracing import choices as t
from kinlink.tracing import services as ts

from .names import romanise

# Which office's caseworkers lodge requests for children registered in which country.
REQUESTING_OFFICE_FOR = {"KZ": "UZ", "UZ": "KZ", "UA": "PL", "PL": "UA", "IT": "UA"}
HOW_MANY = 14


def _spell(name: str, rng) -> str:
    """The enquirer's spelling: a romanisation of a Cyrillic name, or the name as it is."""
    if not name:
        return ""
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        return romanise(name, rng.choice(["ru", "uk"]))
    return name


def load(builder) -> int:
    rng = builder.rng
    cases = list(
        Case.objects.system("demo tracing requests")
        .filter(
            status=cc.CaseStatus.OPEN,
            child__protection_status__in=[
                cc.ProtectionStatus.UNACCOMPANIED,
                cc.ProtectionStatus.SEPARATED,
            ],
            consents__for_tracing=True,
        )
        .select_related("child", "agency")
        .distinct()
        .order_by("number")
    )
    rng.shuffle(cases)
    made = 0
    for case in cases[:HOW_MANY]:
        country = REQUESTING_OFFICE_FOR.get(case.agency.country)
        requesters = [
            u
            for u in builder.users.values()
            if u.role == Role.CASEWORKER
            and u.agency_id
            and u.office_id
            and u.agency.country == country
        ]
        if not requesters:
            continue
        child = case.child
        mother = child.family.filter(relationship=cc.Relationship.MOTHER).first()
        age = child.age_on(builder.today)
        trace = ts.TraceInput(
            given_name=_spell(child.given_name, rng),
            family_name=_spell(child.family_name, rng),
            sex=child.sex,
            age_years=age if age is not None and rng.random() < 0.7 else None,
            date_of_birth=child.date_of_birth if rng.random() < 0.3 else None,
            mother_name=_spell(mother.full_name, rng) if mother else "",
            place_of_origin=child.place_of_origin,
        )
        ts.tracing_request_create(
            actor=rng.choice(requesters),
            data=ts.RequestInput(
                enquirer_given_name=_spell(mother.given_name, rng) if mother else "Relative",
                enquirer_family_name=_spell(mother.family_name, rng) if mother else "",
                enquirer_relationship=t.EnquirerRelationship.MOTHER
                if mother
                else t.EnquirerRelationship.OTHER_RELATIVE,
                inquiry_date=builder.today - timedelta(days=rng.randint(0, 60)),
                consent_to_share=True,
                consent_statistics=rng.random() < 0.8,
                separation_cause=rng.choice(
                    [
                        t.SeparationCause.MIGRATION,
                        t.SeparationCause.CONFLICT,
                        t.SeparationCause.LABOUR_MIGRATION,
                    ]
                ),
                traces=[trace],
            ),
        )
        made += 1
    builder.say(f"Lodged {made} tracing requests (matching runs in the background worker).")
    return made
