"""The dashboard's refresh button queues the refresh task (never runs it in the request), says
so, shows the pending refresh until a refresh that started after it has finished, and does not
queue a second one meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from kinlink.core.models import AuditEvent
from kinlink.stats import services
from kinlink.stats.models import CaseFact, FactsRefresh

from ..conftest import register


@pytest.fixture
def queue(settings):
    """A task backend that only records what is enqueued (as when the worker has not yet run)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    got = []

    def seen(sender, task_result, **kwargs):
        got.append(task_result.task.module_path)

    task_enqueued.connect(seen)
    yield got
    task_enqueued.disconnect(seen)


def test_the_button_queues_the_task_and_the_dashboard_shows_it(world, login, queue):
    register(world.alice)
    client = login(world.stan)
    response = client.post(reverse("stats:refresh"), {"confirm": "1"})
    assert response.status_code == 302
    assert queue == ["kinlink.stats.tasks.refresh_facts"]
    assert not CaseFact.objects.system("t").exists()  # nothing ran in the request
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("was queued" in m for m in text)
    assert AuditEvent.objects.filter(
        object_type="stats.casefact", detail__refresh="queued", actor=world.stan
    ).exists()
    page = client.get(reverse("stats:dashboard")).content.decode()
    assert 'id="refresh-queued"' in page

    # a second press while it waits queues nothing more
    response = client.post(reverse("stats:refresh"), {"confirm": "1"})
    assert queue == ["kinlink.stats.tasks.refresh_facts"]
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("already queued" in m for m in text)

    # the worker runs it: the figures are new and nothing is pending any more
    services.facts_refresh()
    assert CaseFact.objects.system("t").count() == 1
    assert services.facts_refresh_queued_at() is None
    assert 'id="refresh-queued"' not in client.get(reverse("stats:dashboard")).content.decode()


def test_a_refresh_that_started_before_the_request_leaves_it_pending(world, queue):
    now = timezone.now()
    FactsRefresh.objects.create(
        pk=1, refreshed_at=now, seconds=30.0, rows=0, queued_at=now - timedelta(seconds=10)
    )
    assert services.facts_refresh_queued_at() == now - timedelta(seconds=10)
    assert not services.facts_refresh_queue(actor=world.stan)  # already waiting
    assert queue == []
    # a request nobody ran for hours may be queued again (the worker was down)
    FactsRefresh.objects.filter(pk=1).update(queued_at=now - timedelta(hours=3))
    assert services.facts_refresh_queue(actor=world.stan)
    assert queue == ["kinlink.stats.tasks.refresh_facts"]


def test_only_statisticians_queue_a_refresh(world, login, queue):
    with pytest.raises(PermissionDenied):
        services.facts_refresh_queue(actor=world.rita)
    assert login(world.rita).post(reverse("stats:refresh"), {"confirm": "1"}).status_code == 403
    assert queue == []
