"""Case actions through the case page forms, approvals, attachments."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from kinlink.cases.models import Approval, Assessment, Attachment, Case, Note
from kinlink.core.models import AuditEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


def _initial(case):
    return Assessment.objects.system("test").get(case=case, kind="initial")


def _assessment_post(case, **extra):
    a = _initial(case)
    prefix = f"a-{a.pk.hex[:8]}"
    data = {
        f"{prefix}-finding_safety": "Sleeping at the station",
        f"{prefix}-finding_family": "Mother in Russia",
        f"{prefix}-child_views": "Wants to join his mother",
        f"{prefix}-proposed_risk_level": "high",
    }
    data.update(extra)
    return reverse("cases:assessment", args=[case.pk, a.pk]), data


def test_add_note_and_htmx_response_is_the_case_body(world, login, alice_case):
    client = login(world.alice)
    url = reverse("cases:note", args=[alice_case.pk])
    response = client.post(url, {"body": "Called the school"})
    assert response.status_code == 302
    assert Note.objects.system("test").get().body == "Called the school"
    response = client.post(url, {"body": "Second"}, headers={"HX-Request": "true"}, follow=True)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="case-body">')
    assert "The note was added." in response.content.decode()


def test_empty_note_shows_the_error_and_stores_nothing(world, login, alice_case):
    response = login(world.alice).post(reverse("cases:note", args=[alice_case.pk]), {"body": ""})
    assert response.status_code == 200
    assert response.context["open_form"] == "note"
    assert response.context["forms"]["note"].errors
    assert not Note.objects.system("test").exists()


def test_other_caseworker_posting_to_a_case_gets_404(world, login, alice_case):
    response = login(world.bob).post(reverse("cases:note", args=[alice_case.pk]), {"body": "x"})
    assert response.status_code == 404
    assert not Note.objects.system("test").exists()


def test_manager_posting_an_action_gets_403(world, login, alice_case):
    response = login(world.max).post(reverse("cases:note", args=[alice_case.pk]), {"body": "x"})
    assert response.status_code == 403


def test_set_risk_needs_a_reason(world, login, alice_case):
    client = login(world.alice)
    url = reverse("cases:risk", args=[alice_case.pk])
    response = client.post(url, {"risk_level": "low", "reason": ""})
    assert response.status_code == 200 and response.context["forms"]["risk"].errors
    response = client.post(url, {"risk_level": "low", "reason": "Safe shelter found"})
    assert response.status_code == 302
    assert Case.objects.system("test").get(pk=alice_case.pk).risk_level == "low"


def test_assessment_submit_then_supervisor_approves_in_inbox(world, login, alice_case):
    url, data = _assessment_post(alice_case, submit="1")
    response = login(world.alice).post(url, data)
    assert response.status_code == 302
    a = _initial(alice_case)
    assert a.state == "pending" and a.findings["family"] == "Mother in Russia"

    client = login(world.sam)
    inbox = client.get(reverse("cases:approvals"))
    assert inbox.status_code == 200 and "Мухаммед" in inbox.content.decode()
    assert "Mother in Russia" in inbox.content.decode()  # what is decided, shown inline
    event = AuditEvent.objects.filter(action="search", actor=world.sam).last()
    assert event.detail["case_ids"] == [str(alice_case.pk)]
    ap = Approval.objects.system("test").get(case=alice_case)
    prefix = f"ap-{ap.pk.hex[:8]}"
    response = client.post(
        reverse("cases:approval_decide", args=[ap.pk]), {f"{prefix}-decision": "approve"}
    )
    assert response.status_code == 302
    assert _initial(alice_case).state == "approved"
    assert Case.objects.system("test").get(pk=alice_case.pk).stage == "assessment"


def test_assessment_save_draft_and_submit_without_findings_refused(world, login, alice_case):
    a = _initial(alice_case)
    url = reverse("cases:assessment", args=[alice_case.pk, a.pk])
    prefix = f"a-{a.pk.hex[:8]}"
    response = login(world.alice).post(
        url, {f"{prefix}-proposed_risk_level": "not_assessed", "submit": "1"}
    )
    assert response.status_code == 200
    form = response.context["assessments"][0].edit_form
    assert form.errors
    assert _initial(alice_case).state == "draft"


def test_returning_needs_a_comment(world, login, alice_case):
    url, data = _assessment_post(alice_case, submit="1")
    login(world.alice).post(url, data)
    ap = Approval.objects.system("test").get(case=alice_case)
    prefix = f"ap-{ap.pk.hex[:8]}"
    client = login(world.sam)
    response = client.post(
        reverse("cases:approval_decide", args=[ap.pk]), {f"{prefix}-decision": "return"}
    )
    assert response.status_code == 200
    assert "Say what needs to change." in response.content.decode()
    response = client.post(
        reverse("cases:approval_decide", args=[ap.pk]),
        {f"{prefix}-decision": "return", f"{prefix}-comment": "Add the health domain"},
    )
    assert response.status_code == 302
    assert _initial(alice_case).state == "rejected"


def test_approvals_inbox_is_403_for_caseworkers_and_decisions_404_outside_scope(
    world, login, alice_case
):
    url, data = _assessment_post(alice_case, submit="1")
    login(world.alice).post(url, data)
    ap = Approval.objects.system("test").get(case=alice_case)
    assert login(world.alice).get(reverse("cases:approvals")).status_code == 403
    assert login(world.stan).get(reverse("cases:approvals")).status_code == 403
    prefix = f"ap-{ap.pk.hex[:8]}"
    decide = reverse("cases:approval_decide", args=[ap.pk])
    assert login(world.bob).post(decide, {f"{prefix}-decision": "approve"}).status_code == 403
    assert login(world.oscar).post(decide, {f"{prefix}-decision": "approve"}).status_code == 404
    forged = reverse("cases:approval_decide", args=[uuid.uuid4()])
    assert login(world.sam).post(forged, {"decision": "approve"}).status_code == 404
    assert Approval.objects.system("test").get(pk=ap.pk).state == "pending"


def test_upload_and_download_attachment(world, login, alice_case):
    client = login(world.alice)
    response = client.post(
        reverse("cases:attachment_add", args=[alice_case.pk]),
        {"kind": "document", "title": "Birth certificate", "file": _file("bc.pdf", PDF)},
    )
    assert response.status_code == 302
    att = Attachment.objects.system("test").get()
    assert att.content_type == "application/pdf" and att.size == len(PDF)
    download = client.get(reverse("cases:attachment", args=[alice_case.pk, att.pk]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="view", object_id=str(att.pk)).exists()
    # Not for Bob, and not through another case's URL.
    bob = login(world.bob)
    assert bob.get(reverse("cases:attachment", args=[alice_case.pk, att.pk])).status_code == 404
    other = reverse("cases:attachment", args=[uuid.uuid4(), att.pk])
    assert login(world.alice).get(other).status_code == 404


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.html", b"<html><script>alert(1)</script></html>", "Only JPEG, PNG and PDF"),
        ("photo.png", PNG + b"\x00" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_wrong_type_or_oversize_upload_is_refused_and_stores_nothing(
    world, login, alice_case, settings, name, data, message, tmp_path
):
    response = login(world.alice).post(
        reverse("cases:attachment_add", args=[alice_case.pk]),
        {"kind": "photo", "title": "Photo", "file": _file(name, data)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.system("test").exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(f"attachments/{alice_case.pk}")


def test_consent_followup_family_document_name_child_edit(world, login, alice_case):
    client = login(world.alice)
    pk = alice_case.pk
    ok = client.post(
        reverse("cases:consent", args=[pk]),
        {
            "given_by": "child",
            "kind": "assent",
            "given_on": date.today().isoformat(),
            "for_services": "on",
            "share_with": ["family", "unhcr"],
        },
    )
    assert ok.status_code == 302
    case = Case.objects.system("test").get(pk=pk)
    assert case.consents.get().share_with == ["family", "unhcr"]
    future = client.post(
        reverse("cases:followup", args=[pk]),
        {
            "kind": "visit",
            "done_on": (date.today() + timedelta(days=2)).isoformat(),
            "child_seen": "yes",
        },
    )
    assert future.status_code == 200 and future.context["forms"]["followup"].errors
    ok = client.post(
        reverse("cases:followup", args=[pk]),
        {"kind": "visit", "done_on": date.today().isoformat(), "child_seen": "no"},
    )
    assert ok.status_code == 200  # reason needed when not seen
    ok = client.post(
        reverse("cases:followup", args=[pk]),
        {
            "kind": "visit",
            "done_on": date.today().isoformat(),
            "child_seen": "no",
            "reason_not_seen": "At school",
        },
    )
    assert ok.status_code == 302
    assert case.followups.filter(done_on=date.today()).exists()
    assert (
        client.post(
            reverse("cases:family", args=[pk]),
            {"relationship": "sibling", "given_name": "Ali", "alive": "alive"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("cases:document", args=[pk]),
            {"kind": "birth_certificate", "number": "BC-1", "issuing_country": "tj"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("cases:other_name", args=[pk]), {"name": "Muhammad", "kind": "spelling"}
        ).status_code
        == 302
    )
    child = case.child
    assert child.family.get().given_name == "Ali"
    assert child.documents.get().number == "BC-1"
    assert child.other_names.get().name == "Muhammad"
    edit = {
        "given_name": "Мухаммед",
        "family_name": "Рахимов",
        "sex": "male",
        "date_of_birth": "2014-05-02",
        "nationalities": "TJ",
        "languages": "tg ru uz",
        "protection_status": "separated",
        "migratory_status": "unknown",
        "disability": "unknown",
        "birth_registration": "unknown",
    }
    assert client.post(reverse("cases:child_edit", args=[pk]), edit).status_code == 302
    child.refresh_from_db()
    assert child.protection_status == "separated" and child.languages == ["tg", "ru", "uz"]
    edit["date_of_birth"] = (date.today() + timedelta(days=1)).isoformat()
    bad = client.post(reverse("cases:child_edit", args=[pk]), edit)
    assert bad.status_code == 200 and "date_of_birth" in bad.context["forms"]["child"].errors


def test_closure_reopen_reassign(world, login, alice_case):
    pk = alice_case.pk
    client = login(world.alice)
    assert client.post(reverse("cases:closure", args=[pk]), {"reason": ""}).status_code == 200
    assert (
        client.post(
            reverse("cases:closure", args=[pk]), {"reason": "declined_services"}
        ).status_code
        == 302
    )
    assert Case.objects.system("test").get(pk=pk).stage == "closure_pending"
    assert client.post(reverse("cases:reopen", args=[pk]), {"reason": "x"}).status_code == 403
    sam = login(world.sam)
    ap = Approval.objects.system("test").get(case_id=pk, subject="closure")
    sam.post(
        reverse("cases:approval_decide", args=[ap.pk]),
        {f"ap-{ap.pk.hex[:8]}-decision": "approve"},
    )
    assert Case.objects.system("test").get(pk=pk).status == "closed"
    assert (
        sam.post(reverse("cases:reopen", args=[pk]), {"reason": "Back in Almaty"}).status_code
        == 302
    )
    assert Case.objects.system("test").get(pk=pk).status == "open"
    bad = sam.post(
        reverse("cases:reassign", args=[pk]), {"owner": str(world.olga.pk), "reason": "x"}
    )
    assert bad.status_code == 200 and bad.context["forms"]["reassign"].errors
    ok = sam.post(
        reverse("cases:reassign", args=[pk]), {"owner": str(world.bob.pk), "reason": "Leave"}
    )
    assert ok.status_code == 302
    assert Case.objects.system("test").get(pk=pk).owner == world.bob
    assert (
        login(world.alice)
        .post(reverse("cases:reassign", args=[pk]), {"owner": str(world.alice.pk), "reason": "x"})
        .status_code
        == 403
    )


def test_case_plan_create_and_submit(world, login, alice_case):
    from kinlink.cases import services as cs

    pk = alice_case.pk
    for kind in ("initial", "comprehensive"):
        a = Assessment.objects.system("test").get(case_id=pk, kind=kind)
        cs.assessment_save(
            actor=world.alice,
            case_id=pk,
            assessment_id=a.pk,
            findings={"safety": "x"},
            child_views="",
            proposed_risk_level="medium",
        )
        cs.assessment_submit(actor=world.alice, case_id=pk, assessment_id=a.pk)
        ap = Approval.objects.system("test").get(case_id=pk, state="pending")
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    client = login(world.alice)
    page = client.get(reverse("cases:detail", args=[pk]))
    assert page.context["plan_creatable"]
    bad = client.post(reverse("cases:plan_create", args=[pk]), {"goal1_action1": "Call"})
    assert bad.status_code == 200 and bad.context["forms"]["plan"].errors
    ok = client.post(
        reverse("cases:plan_create", args=[pk]),
        {
            "goal1": "Safe family-based care",
            "goal1_domain": "family",
            "goal1_action1": "Find a kinship carer",
            "goal1_action1_who": "Alice",
            "goal1_action1_when": date.today().isoformat(),
        },
    )
    assert ok.status_code == 302
    case = Case.objects.system("test").get(pk=pk)
    plan = case.plans.get()
    assert plan.goals.get().actions.get().responsible == "Alice"
    client.post(reverse("cases:plan_submit", args=[pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.state == "pending"


def test_plan_action_status_through_the_case_page(world, login, alice_case):
    from kinlink.cases import services as cs
    from kinlink.cases.models import PlanAction

    pk = alice_case.pk
    for kind in ("initial", "comprehensive"):
        a = Assessment.objects.system("test").get(case_id=pk, kind=kind)
        cs.assessment_save(
            actor=world.alice, case_id=pk, assessment_id=a.pk, findings={"safety": "x"},
            child_views="", proposed_risk_level="medium",
        )
        cs.assessment_submit(actor=world.alice, case_id=pk, assessment_id=a.pk)
        ap = Approval.objects.system("test").get(case_id=pk, state="pending")
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    plan = cs.case_plan_create(
        actor=world.alice,
        case_id=pk,
        goals=[cs.GoalInput("Safe care", "family", [("Find a kinship carer", "Alice", None)])],
    )
    action = PlanAction.objects.system("test").get(goal__plan=plan)
    url = reverse("cases:action_status", args=[pk, action.pk])
    client = login(world.alice)
    page = client.get(reverse("cases:detail", args=[pk]))
    assert url.encode() in page.content
    # a status that does not exist changes nothing
    bad = client.post(url, {"status": "finished"}, follow=True)
    assert bad.status_code == 200
    action.refresh_from_db()
    assert action.status == "planned"
    ok = client.post(url, {"status": "done"})
    assert ok.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert AuditEvent.objects.filter(
        action="change", object_id=str(action.pk), detail__status="done"
    ).exists()
    # another office's caseworker cannot see or change the case's actions
    other = login(world.umid)
    assert other.post(url, {"status": "cancelled"}).status_code == 404
    action.refresh_from_db()
    assert action.status == "done"
