"""Exports and imports of responses in the background (``DataJob``, run by the task worker).

Starting a job checks the same permissions as the direct export or import; the worker runs it
as the user who started it (so the export holds exactly the responses they may see), records
progress, and stores the result encrypted. An import validates every submission first and
writes them in one transaction, so a failure leaves nothing half-imported. Downloading the
result checks again that the user may export the form, and is audited."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.core import audit, crypto

from . import selectors, services
from .models import DataJob, FormPurpose, FormVersion

log = logging.getLogger(__name__)

FORMATS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "zip": ("zip", "application/zip"),
}


def _enqueue(job: DataJob) -> None:
    from .tasks import run_data_job

    transaction.on_commit(lambda pk=str(job.pk): run_data_job.enqueue(pk))


@transaction.atomic
def export_start(*, actor, version_id, file_format: str) -> DataJob:
    version = FormVersion.objects.select_related("form").get(
        pk=version_id, published_at__isnull=False
    )
    if not selectors.may_export(actor, version):
        raise PermissionDenied("export")
    if file_format not in FORMATS:
        raise ValidationError(_("Unknown file format."))
    job = DataJob.objects.create(
        kind=DataJob.Kind.EXPORT, version=version, requested_by=actor, file_format=file_format
    )
    audit.record(actor=actor, action="create", obj=job, detail={"export": file_format})
    _enqueue(job)
    return job


@transaction.atomic
def import_start(*, actor, version_id, data: bytes, filename: str = "", city: str = "") -> DataJob:
    if not can(actor, "manage_forms"):
        raise PermissionDenied("manage_forms")
    version = FormVersion.objects.select_related("form").get(
        pk=version_id, published_at__isnull=False
    )
    if version.form.purpose == FormPurpose.ASSESSMENT:
        raise ValidationError(_("Case assessments are answered on the case, not imported."))
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > services.MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large (20 MB at most)."))
    job = DataJob.objects.create(
        kind=DataJob.Kind.IMPORT,
        version=version,
        requested_by=actor,
        source_name=filename[:200],
        city=city.strip()[:100],
        payload=crypto.encrypt_bytes(data),
    )
    audit.record(actor=actor, action="create", obj=job, detail={"import": filename[:200]})
    _enqueue(job)
    return job


def _progress(job_id):
    def report(done: int, total: int) -> None:
        DataJob.objects.system("progress").filter(pk=job_id).update(processed=done, total=total)

    return report


def run(job_id: str) -> str:
    """Run one job (the worker calls this); returns its final status."""
    with transaction.atomic():
        job = (
            DataJob.objects.system("worker")
            .select_for_update()
            .select_related("version__form", "requested_by")
            .get(pk=job_id)
        )
        if job.status != DataJob.Status.QUEUED:
            return job.status  # already run (a task delivered twice)
        job.status = DataJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    user = job.requested_by
    fields = ["status", "finished_at", "updated_at"]
    try:
        if not user.is_active:
            raise PermissionDenied("inactive")
        if job.kind == DataJob.Kind.EXPORT:
            export = {
                "csv": selectors.export_csv,
                "xlsx": selectors.export_xlsx,
                "zip": selectors.export_zip,
            }[job.file_format]
            data = export(user=user, version=job.version, progress=_progress(job.pk))
            ext = FORMATS[job.file_format][0]
            suffix = "-csv" if job.file_format == "zip" else ""
            job.result = crypto.encrypt_bytes(data)
            job.result_name = f"{job.version.form.form_id}-v{job.version.number}{suffix}.{ext}"
            fields += ["result", "result_name"]
            job.status = DataJob.Status.DONE
        else:
            result = services.responses_import(
                actor=user,
                version_id=job.version_id,
                data=crypto.decrypt_bytes(bytes(job.payload)),
                filename=job.source_name,
                city=job.city,
                progress=_progress(job.pk),
            )
            job.created_count = result.created
            job.errors = [list(e) for e in result.errors]
            job.status = DataJob.Status.FAILED if result.errors else DataJob.Status.DONE
            if result.errors:
                job.failure = _("Nothing was imported: some rows need correcting.")
            fields += ["created_count", "errors", "failure"]
    except PermissionDenied:
        job.status = DataJob.Status.FAILED
        job.failure = _("You may no longer do this.")
        fields.append("failure")
    except ValidationError as exc:
        job.status = DataJob.Status.FAILED
        job.failure = " ".join(exc.messages)[:500]
        fields.append("failure")
    except Exception:  # noqa: BLE001 — recorded on the job, logged for the operator
        log.exception("questionnaire data job %s failed", job_id)
        job.status = DataJob.Status.FAILED
        job.failure = _("The job failed unexpectedly; nothing was imported.")
        fields.append("failure")
    if job.kind == DataJob.Kind.IMPORT:
        job.payload = b""  # the upload is not kept once read
        fields.append("payload")
    job.finished_at = timezone.now()
    job.save(update_fields=fields)
    return job.status


def jobs_for(*, user):
    return DataJob.objects.restrict(user, "view").select_related("version__form")


def job_get(*, user, job_pk) -> DataJob:
    return jobs_for(user=user).get(pk=job_pk)


def job_result(*, user, job_pk) -> tuple[DataJob, bytes]:
    """The exported file, if the user still may export the form; audited as an export."""
    job = job_get(user=user, job_pk=job_pk)
    if job.kind != DataJob.Kind.EXPORT or job.status != DataJob.Status.DONE:
        raise DataJob.DoesNotExist
    if not selectors.may_export(user, job.version):
        raise PermissionDenied("export")
    data = crypto.decrypt_bytes(bytes(job.result))
    audit.record(
        actor=user,
        action="export",
        obj=job.version,
        detail={"job": str(job.pk), "download": job.result_name},
    )
    return job, data
