"""Objects for the questionnaire URLs in the permission matrix: the shipped city survey, a
draft and a submitted answer of Cleo's (given the Almaty office, so she answers for a city)."""

from __future__ import annotations

from pathlib import Path

from kinlink.questionnaires import services
from kinlink.questionnaires.models import FormPurpose

SURVEY = Path(__file__).resolve().parents[2] / (
    "src/kinlink/questionnaires/forms/city_needs_survey.xlsx"
)

PK_FOR = {
    "questionnaires:version": "q_version",
    "questionnaires:version_publish": "q_version",
    "questionnaires:responses_import": "q_version",
    "questionnaires:export": "q_version",
    "questionnaires:start": "q_version",
    "questionnaires:response": "q_submitted",
    "questionnaires:fill": "q_draft",
    "questionnaires:discard": "q_draft",
    "questionnaires:case_assessment_start": "q_assessment",
    "questionnaires:export_start": "q_version",
    "questionnaires:job": "q_job",
    "questionnaires:job_download": "q_job",
}


def build(world, base, capture) -> dict:
    version = services.form_install(data=SURVEY.read_bytes(), purpose=FormPurpose.CITY_SURVEY)
    world.cleo.office = world.almaty
    world.cleo.save()
    submitted = services.response_start(actor=world.cleo, version_id=version.pk)
    services.response_save(
        actor=world.cleo,
        response_id=submitted.pk,
        answers={
            "city_name": "Almaty",
            "refugee_children": "3",
            "coordination_body": "no",
            "guardianship": "no",
            "training_needs": "trauma",
        },
        submit=True,
    )
    draft = services.response_start(actor=world.cleo, version_id=version.pk)
    # a deployment's own assessment (XLSForm) and Alice's answer to it on her case
    from .xlsx import q, workbook

    form = services.form_import(
        actor=world.ada,
        data=workbook(
            [q("text", "safe_place", required="yes")], settings={"form_id": "home_visit"}
        ),
        purpose=FormPurpose.ASSESSMENT,
    )
    services.version_publish(actor=world.ada, version_id=form.pk)
    # Ada's finished export of the city survey (a background job)
    from kinlink.questionnaires import jobs

    with capture(execute=True):
        job = jobs.export_start(actor=world.ada, version_id=version.pk, file_format="csv")
    return {
        "q_job": job.pk,
        "q_version": version.pk,
        "q_submitted": submitted.pk,
        "q_draft": draft.pk,
        "q_assessment": form.pk,
    }
