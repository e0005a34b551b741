"""Demo data of the statistics pages: the country profile's laws and policies, the figures
refreshed from the demo cases, an approved release of the last twelve months (built by the
demo statistician, approved by the demo manager) and a research extract awaiting approval.

The laws and policies are public international and national instruments named as examples;
a deployment keeps its own list on the country profile page."""

from __future__ import annotations

from datetime import date, timedelta

from kinlink.stats import extracts, profile
from kinlink.stats import services as ss

LAWS = [
    (
        "agreement",
        "Convention on the Rights of the Child",
        date(1989, 11, 20),
        "https://www.ohchr.org/en/instruments-mechanisms/instruments/convention-rights-child",
        "Best interests of the child, non-discrimination, family unity, protection from "
        "violence; the basis of every procedure in Kinlink.",
    ),
    (
        "policy",
        "Guidelines for the Alternative Care of Children (UN General Assembly resolution 64/142)",
        date(2009, 12, 18),
        "https://digitallibrary.un.org/record/673583",
        "Necessity and suitability of care; family-based care first, no residential care for "
        "the youngest children.",
    ),
    (
        "law",
        "Law on the rights of the child",
        date(2002, 8, 8),
        "",
        "Rights of children, guardianship and the duties of the authorities (example entry).",
    ),
    (
        "law",
        "Code on marriage and family",
        date(2011, 12, 26),
        "",
        "Adoption, guardianship, foster and kinship care (example entry).",
    ),
]

INDICATORS = [
    "children_registered",
    "cases_open",
    "hours_to_first_assessment",
    "referrals_made",
    "children_in_alternative_care",
    "immigration_detention",
]


def load(builder) -> int:
    users = builder.users
    statistician, manager = users.get("statistician"), users.get("manager")
    if statistician is None or manager is None or not statistician.country:
        return 0
    for kind, title, adopted, url, summary in LAWS:
        profile.law_save(
            actor=statistician,
            data=profile.LawInput(
                kind=kind, title=title, adopted_on=adopted, url=url, summary=summary
            ),
        )
    ss.facts_refresh()
    end = builder.today
    start = end - timedelta(days=365)
    release = ss.release_build(
        actor=statistician,
        data=ss.ReleaseInput(
            title="Children on the move: the last twelve months",
            period_start=start,
            period_end=end,
            indicators=INDICATORS,
            breakdowns=["protection_status", "nationality"],
        ),
    )
    ss.release_submit(actor=statistician, release_id=release.pk)
    ss.release_decide(
        actor=manager, release_id=release.pk, approve=True, comment="Checked against the SOP."
    )
    extract = extracts.extract_build(
        actor=statistician,
        data=extracts.ExtractInput(
            title="Research extract: time to case plan",
            period_start=start,
            period_end=end,
            columns=["age_band", "sex", "protection_status", "weeks_to_case_plan"],
        ),
    )
    ss.release_submit(actor=statistician, release_id=extract.pk)
    return len(LAWS) + 2
