"""Need-to-know: every query on child data is scoped, and an unscoped one fails closed."""

import pytest

from kinlink.cases.models import Assessment, Case, Child, FamilyMember
from kinlink.core.models import UnscopedQueryError

from ..conftest import register


def test_unscoped_query_raises():
    with pytest.raises(UnscopedQueryError):
        list(Case.objects.all())
    with pytest.raises(UnscopedQueryError):
        Child.objects.filter(given_name="x").count()
    with pytest.raises(UnscopedQueryError):
        Assessment.objects.exists()
    with pytest.raises(UnscopedQueryError):
        FamilyMember.objects.first()


def test_system_read_needs_a_reason():
    with pytest.raises(ValueError):
        Case.objects.system("")


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("alice", {"alice"}),
        ("bob", set()),
        ("sam", {"alice", "sam_own"}),
        ("oscar", {"olga"}),
        ("olga", {"olga"}),
        ("ada", {"alice", "sam_own", "olga"}),
        ("max", {"alice", "sam_own", "olga"}),
        ("nina", {"alice", "sam_own", "olga", "kemal"}),
        ("carl", set()),
        ("pia", set()),
        ("stan", set()),
        ("rita", set()),
        ("cleo", set()),
        ("tara", set()),
        ("sys", set()),
        ("umid", {"umid"}),
        ("kemal", {"kemal"}),
    ],
)
def test_view_scope_per_role(world, persona, sees):
    cases = {
        "alice": register(world.alice),
        "sam_own": register(world.sam, given="Ivan"),
        "olga": register(world.olga, given="Aigerim"),
        "kemal": register(world.kemal, given="Dana"),
        "umid": register(world.umid, given="Shahnoza"),
    }
    user = getattr(world, persona)
    visible = set(Case.objects.restrict(user, "view").values_list("id", flat=True))
    assert visible == {cases[k].pk for k in sees}
    children = set(Child.objects.restrict(user, "view").values_list("id", flat=True))
    assert children == {cases[k].child_id for k in sees}


@pytest.mark.parametrize(
    "persona, can_change",
    [
        ("alice", True),
        ("bob", False),
        ("sam", True),
        ("oscar", False),
        ("ada", False),
        ("max", False),
        ("nina", False),
        ("umid", False),
    ],
)
def test_change_scope_per_role(world, persona, can_change):
    case = register(world.alice)
    user = getattr(world, persona)
    assert Case.objects.restrict(user, "change").filter(pk=case.pk).exists() is can_change


def test_inactive_user_sees_nothing(world):
    case = register(world.alice)
    world.alice.is_active = False
    world.alice.save()
    assert not Case.objects.restrict(world.alice, "view").filter(pk=case.pk).exists()


def test_related_access_through_scoped_parent_is_allowed(world):
    case = register(world.alice)
    scoped = Case.objects.restrict(world.alice, "view").get(pk=case.pk)
    assert scoped.assessments.count() == 1
