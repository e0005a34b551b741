"""Exports and imports as background jobs: started by the user, run by the worker as that user,
progress recorded, result stored encrypted, downloaded only by them while they may export,
audited; an import with a bad row imports nothing and lists the rows."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kinlink.accounts.roles import Role
from kinlink.core.models import AuditEvent
from kinlink.questionnaires import jobs, selectors, services
from kinlink.questionnaires.models import DataJob, Response

from .test_nested_repeats import SETTINGS, SURVEY, _kobo_xlsx, answers_ok
from .xlsx import YN, workbook


@pytest.fixture
def household(world):
    version = services.form_import(actor=world.ada, data=workbook(SURVEY, YN, SETTINGS))
    services.version_publish(actor=world.ada, version_id=version.pk)
    for _ in range(3):
        draft = services.response_start(actor=world.ada, version_id=version.pk)
        services.response_save(
            actor=world.ada, response_id=draft.pk, answers=answers_ok(), submit=True
        )
    return version


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run what the request queued (the test backend runs a task when it is enqueued)."""

    def _run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = fn(**kwargs)
        return DataJob.objects.system("t").get(pk=job.pk)

    return _run


def test_export_job_runs_records_progress_and_stores_the_file_encrypted(world, household, run):
    job = run(jobs.export_start, actor=world.ada, version_id=household.pk, file_format="xlsx")
    assert job.status == DataJob.Status.DONE
    assert (job.processed, job.total, job.percent) == (3, 3, 100)
    assert job.result_name == "household-v1.xlsx"
    assert b"Ana" not in bytes(job.result)  # encrypted at rest
    _job, data = jobs.job_result(user=world.ada, job_pk=job.pk)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["household", "members", "visits"]
    assert AuditEvent.objects.filter(
        action="export", object_id=str(household.pk), detail__job=str(job.pk)
    ).exists()


def test_only_the_requester_sees_the_job_and_only_while_they_may_export(
    world, household, run, login
):
    job = run(jobs.export_start, actor=world.ada, version_id=household.pk, file_format="csv")
    client = login(world.ada)
    page = client.get(reverse("questionnaires:job", args=[job.pk])).content.decode()
    assert "household-v1.csv" in page
    resp = client.get(reverse("questionnaires:job_download", args=[job.pk]))
    assert resp.status_code == 200 and b"hh_name" in resp.content
    assert 'filename="household-v1.csv"' in resp["Content-Disposition"]
    # another form manager of the same agency: not their job
    other = login(world.sys)
    assert other.get(reverse("questionnaires:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("questionnaires:job_download", args=[job.pk])).status_code == 404
    # Ada loses the role that let her export: the stored file is no longer hers to take
    world.ada.role = Role.CASEWORKER
    world.ada.save()
    resp = login(world.ada).get(reverse("questionnaires:job_download", args=[job.pk]))
    assert resp.status_code == 403


def test_export_start_refuses_roles_and_unknown_formats(world, household):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        jobs.export_start(actor=world.alice, version_id=household.pk, file_format="csv")
    with pytest.raises(ValidationError):
        jobs.export_start(actor=world.ada, version_id=household.pk, file_format="pdf")
    assert not DataJob.objects.system("t").exists()


def test_import_job_imports_all_or_nothing_with_row_errors(world, household, run, login):
    before = Response.objects.system("t").filter(version=household).count()
    bad = run(
        jobs.import_start,
        actor=world.ada,
        version_id=household.pk,
        data=_kobo_xlsx(visit_age="12"),
        filename="kobo.xlsx",
    )
    assert bad.status == DataJob.Status.FAILED and bad.created_count == 0
    assert bad.errors == [["sheet visits", 2, "v_age", "older than the member"]]
    assert bytes(bad.payload) == b""  # the upload is not kept
    assert Response.objects.system("t").filter(version=household).count() == before
    page = login(world.ada).get(reverse("questionnaires:job", args=[bad.pk])).content.decode()
    assert "sheet visits" in page and "older than the member" in page
    good = run(
        jobs.import_start,
        actor=world.ada,
        version_id=household.pk,
        data=_kobo_xlsx(),
        filename="kobo.xlsx",
    )
    assert good.status == DataJob.Status.DONE and good.created_count == 1
    assert (good.processed, good.total) == (1, 1)
    assert Response.objects.system("t").filter(version=household).count() == before + 1


def test_unreadable_import_fails_cleanly(world, household, run):
    job = run(
        jobs.import_start,
        actor=world.ada,
        version_id=household.pk,
        data=b"PK\x03\x04broken",
        filename="x.zip",
    )
    assert job.status == DataJob.Status.FAILED and "cannot be read" in job.failure


def test_a_job_runs_once(world, household, run):
    job = run(jobs.export_start, actor=world.ada, version_id=household.pk, file_format="zip")
    stamp = job.finished_at
    assert jobs.run(str(job.pk)) == DataJob.Status.DONE
    assert DataJob.objects.system("t").get(pk=job.pk).finished_at == stamp


def test_pages_start_jobs_and_list_them(
    world, household, login, django_capture_on_commit_callbacks
):
    client = login(world.ada)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("questionnaires:export_start", args=[household.pk]), {"format": "zip"}
        )
    job = DataJob.objects.system("t").get()
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "questionnaires:job", args=[job.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("questionnaires:responses_import", args=[household.pk]),
            {"file": io.BytesIO(selectors.export_csv(user=world.ada, version=household))},
        )
    assert resp.status_code == 302
    listing = client.get(reverse("questionnaires:jobs")).content.decode()
    assert listing.count(reverse("questionnaires:job", args=[job.pk])) == 1
    assert DataJob.objects.system("t").filter(kind="import", status="done").count() == 1
    # another user's list does not show them
    assert "household" not in login(world.sys).get(reverse("questionnaires:jobs")).content.decode()
