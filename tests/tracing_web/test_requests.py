"""Tracing requests: list, create (with bad input re-rendered), the request page and its
tracing actions; who may use the pages."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from kinlink.tracing.models import TracingAction, TracingRequest


def _post(**overrides):
    data = {
        "inquiry_date": date.today().isoformat(),
        "enquirer_given_name": "Зарина",
        "enquirer_family_name": "Рахимова",
        "enquirer_relationship": "mother",
        "enquirer_phone": "+992 900 11 22 33",
        "separation_cause": "migration",
        "separation_place": "Tashkent bus station",
        "child-TOTAL_FORMS": "2",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "0",
        "child-MAX_NUM_FORMS": "6",
        "child-0-given_name": "Muhammad",
        "child-0-family_name": "Rakhimov",
        "child-0-other_names": "Mukhammed\nМухаммад",
        "child-0-sex": "male",
        "child-0-age_years": "11",
        "child-0-age_estimated": "on",
        "child-0-mother_name": "Zarina",
        "child-1-sex": "unknown",
        "child-1-age_estimated": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["alice", "olga", "sam", "oscar", "max"])
def test_request_list_renders_for_case_roles(world, login, who):
    assert login(getattr(world, who)).get(reverse("tracing:requests")).status_code == 200


@pytest.mark.parametrize("who", ["stan", "rita", "pia", "cleo", "tara", "sys", "carl"])
def test_tracing_pages_refuse_other_roles(world, login, who):
    client = login(getattr(world, who))
    for name in (
        "tracing:requests",
        "tracing:request_create",
        "tracing:matches",
        "tracing:duplicates",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_manager_reads_but_does_not_create(world, login):
    client = login(world.max)
    assert client.get(reverse("tracing:request_create")).status_code == 403
    assert client.post(reverse("tracing:request_create"), _post()).status_code == 403
    assert not TracingRequest.objects.system("test").exists()


def test_list_shows_own_requests_only(world, login, tracing_request):
    html = login(world.olga).get(reverse("tracing:requests")).content.decode()
    assert tracing_request.number in html and "Muhammad Rakhimov" in html
    assert "1 match to review" in html
    html = login(world.alice).get(reverse("tracing:requests")).content.decode()
    assert tracing_request.number not in html


def test_create_request_with_two_spellings_and_go_to_its_page(world, login, run, child):
    client = login(world.olga)
    assert client.get(reverse("tracing:request_create")).status_code == 200
    response = run(client.post, reverse("tracing:request_create"), _post())
    assert response.status_code == 302
    req = TracingRequest.objects.system("test").get()
    trace = req.traces.get()  # the empty second child form is ignored
    assert trace.other_names == "Mukhammed, Мухаммад" and trace.age_years == 11
    assert req.enquirer_phone == "+992 900 11 22 33" and req.owner == world.olga
    assert response["Location"] == reverse("tracing:request", args=[req.pk])
    html = client.get(response["Location"]).content.decode()
    assert f"Tracing request {req.number} was registered." in html
    assert "Potential matches" in html and "Likely" in html  # matched on commit


def test_bad_input_re_renders_with_errors_and_creates_nothing(world, login):
    client = login(world.olga)
    bad = _post(
        **{
            "enquirer_given_name": "",
            "inquiry_date": (date.today() + timedelta(days=3)).isoformat(),
            "child-0-given_name": "",
            "child-0-family_name": "",
            "child-0-other_names": "",
            "child-0-date_of_birth": "2090-01-01",
        }
    )
    response = client.post(reverse("tracing:request_create"), bad)
    assert response.status_code == 200
    assert response.context["form"].errors["enquirer_given_name"]
    assert not TracingRequest.objects.system("test").exists()
    # form-level checks pass, the service's rules fail: shown on the right fields
    bad = _post(
        **{
            "inquiry_date": (date.today() + timedelta(days=3)).isoformat(),
            "child-0-given_name": "",
            "child-0-family_name": "",
            "child-0-other_names": "",
            "child-0-date_of_birth": "2090-01-01",
        }
    )
    response = client.post(reverse("tracing:request_create"), bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This date is in the future." in html
    assert "Give at least one name." in html and "The date of birth is in the future." in html
    assert response.context["form"].errors["inquiry_date"]
    assert not TracingRequest.objects.system("test").exists()


def test_request_without_any_child_is_refused(world, login):
    data = _post(
        **{
            "child-0-given_name": "",
            "child-0-family_name": "",
            "child-0-other_names": "",
            "child-0-sex": "unknown",
            "child-0-age_years": "",
            "child-0-mother_name": "",
        }
    )
    response = login(world.olga).post(reverse("tracing:request_create"), data)
    assert response.status_code == 200
    assert "Describe at least one child being sought." in response.content.decode()
    assert not TracingRequest.objects.system("test").exists()


@pytest.mark.parametrize("who", ["olga", "oscar", "max"])
def test_request_page_renders_in_scope(world, login, tracing_request, who):
    response = login(getattr(world, who)).get(reverse("tracing:request", args=[tracing_request.pk]))
    assert response.status_code == 200
    assert tracing_request.number in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "sam", "umid", "kemal"])
def test_request_page_is_404_outside_scope(world, login, tracing_request, who):
    url = reverse("tracing:request", args=[tracing_request.pk])
    assert login(getattr(world, who)).get(url).status_code == 404


def test_forged_request_id_is_404_and_statistician_403(world, login, tracing_request):
    assert login(world.olga).get(reverse("tracing:request", args=[uuid.uuid4()])).status_code == 404
    url = reverse("tracing:request", args=[tracing_request.pk])
    assert login(world.stan).get(url).status_code == 403


def _action_post(trace, **kw):
    p = f"t-{trace.pk.hex[:8]}"
    data = {
        f"{p}-done_on": date.today().isoformat(),
        f"{p}-method": "phone",
        f"{p}-description": "Called the uncle in Khujand",
        f"{p}-outcome": "pending",
    }
    data.update({f"{p}-{k}": v for k, v in kw.items()})
    return data


def test_tracing_action_on_a_trace(world, login, tracing_request):
    trace = tracing_request.traces.get()
    url = reverse("tracing:trace_action", args=[tracing_request.pk, trace.pk])
    client = login(world.olga)
    response = client.post(url, _action_post(trace, description=""))
    assert response.status_code == 200 and response.context["open_form"] == f"trace-{trace.pk}"
    assert not TracingAction.objects.system("test").exists()
    response = client.post(url, _action_post(trace))
    assert response.status_code == 302
    trace.refresh_from_db()
    assert trace.status == "tracing_in_progress"
    html = client.get(reverse("tracing:request", args=[tracing_request.pk])).content.decode()
    assert "Called the uncle in Khujand" in html and "Tracing in progress" in html


def test_tracing_action_outside_scope_or_role(world, login, tracing_request):
    trace = tracing_request.traces.get()
    url = reverse("tracing:trace_action", args=[tracing_request.pk, trace.pk])
    assert login(world.alice).post(url, _action_post(trace)).status_code == 404
    assert login(world.max).post(url, _action_post(trace)).status_code == 403
    assert not TracingAction.objects.system("test").exists()


def test_list_and_request_page_reads_are_audited(world, login, tracing_request):
    from kinlink.core.models import AuditEvent

    client = login(world.olga)
    client.get(reverse("tracing:requests"))
    event = AuditEvent.objects.filter(actor=world.olga, action="search").last()
    assert event.object_type == "tracing.tracingrequest"
    assert event.detail["request_ids"] == [str(tracing_request.pk)]
    client.get(reverse("tracing:request", args=[tracing_request.pk]))
    assert AuditEvent.objects.filter(
        actor=world.olga, action="view", object_id=str(tracing_request.pk)
    ).exists()
