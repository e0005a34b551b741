"""The statistics demo data: laws of the country profile, an approved release and an extract
awaiting approval, made through the services (so the dashboard and releases are populated)."""

from __future__ import annotations

from datetime import date

import pytest

from kinlink.demo import stats_data
from kinlink.stats.models import LawPolicy, Release

from .conftest import make_case

pytestmark = pytest.mark.django_db


class Builder:
    def __init__(self, world):
        self.users = {"statistician": world.stan, "manager": world.max}
        self.today = date(2024, 12, 31)


def test_demo_statistics(world):
    for k in range(6):
        make_case(
            world.alice,
            sex="female",
            dob=date(2016, 1, 1),
            registered=date(2024, 3, 1 + k),
            consent="yes",
        )
    assert stats_data.load(Builder(world)) == len(stats_data.LAWS) + 2
    assert LawPolicy.objects.filter(country="KZ", in_force=True).count() == len(stats_data.LAWS)
    release = Release.objects.get(kind="tables")
    assert release.state == "approved" and release.decided_by == world.max
    assert {t["indicator"] for t in release.tables} == set(stats_data.INDICATORS)
    registered = next(
        t
        for t in release.tables
        if t["indicator"] == "children_registered" and t["breakdown"] == "age_sex"
    )
    assert registered["values"][-1][-1] == 6  # the grand total is published
    extract = Release.objects.get(kind="extract")
    assert extract.state == "pending" and len(extract.tables[0]["records"]) == 6


def test_demo_statistics_need_the_demo_users(world):
    builder = Builder(world)
    builder.users = {}
    assert stats_data.load(builder) == 0
    assert not Release.objects.exists() and not LawPolicy.objects.exists()
