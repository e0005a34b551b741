from datetime import timedelta

from django.utils import timezone

from kinlink.core import scheduler
from kinlink.core.models import PeriodicRun


def test_jobs_run_once_per_interval(db, monkeypatch):
    ran = []

    class FakeTask:
        def enqueue(self):
            ran.append(1)

    monkeypatch.setattr(scheduler, "JOBS", [scheduler.Job("x", timedelta(hours=1), "t")])
    monkeypatch.setattr(scheduler, "import_string", lambda path: FakeTask())
    now = timezone.now()
    assert scheduler.run_due(now) == ["x"]
    assert scheduler.run_due(now + timedelta(minutes=59)) == []
    assert scheduler.run_due(now + timedelta(hours=1)) == ["x"]
    assert len(ran) == 2
    assert PeriodicRun.objects.get(name="x").last_run_at == now + timedelta(hours=1)


def test_every_job_points_at_a_real_task():
    from django.utils.module_loading import import_string

    for job in scheduler.JOBS:
        assert hasattr(import_string(job.task), "enqueue"), job.name
