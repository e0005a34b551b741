"""Objects the statistics URLs need in the permission matrix: an approved release of Kazakhstan
(built by Stan, approved by Max), an export format and a law of the country profile."""

from __future__ import annotations

from datetime import date

from kinlink.stats import profile
from kinlink.stats import services as ss

PK_FOR = {
    "stats:release": "release_id",
    "stats:release_submit": "release_id",
    "stats:release_decide": "release_id",
    "stats:release_export": "release_id",
    "stats:law_edit": "law_id",
}


def build(world, base, capture) -> dict:
    ss.facts_refresh()
    release = ss.release_build(
        actor=world.stan,
        data=ss.ReleaseInput(
            title="Matrix",
            period_start=date(2024, 1, 1),
            period_end=date.today(),
            indicators=["children_registered"],
        ),
    )
    ss.release_submit(actor=world.stan, release_id=release.pk)
    ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    law = profile.law_save(
        actor=world.stan,
        data=profile.LawInput(kind="law", title="Matrix law", adopted_on=date(2020, 1, 1)),
    )
    return {"release_id": release.pk, "fmt": "csv", "law_id": law.pk}
