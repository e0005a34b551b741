"""Family tracing: requests, matching as the system, human review, verification,
reunification and post-reunification follow-up (DOMAIN.md rules 13, 21–26, 50)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinlink.cases import choices as cc
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Case
from kinlink.tracing import choices as t
from kinlink.tracing import engine, selectors
from kinlink.tracing import services as ts
from kinlink.tracing.explain import explain_match
from kinlink.tracing.models import CaseTracing, DuplicateCandidate, PotentialMatch, Trace

from ..conftest import register


@pytest.fixture(autouse=True)
def fresh_engine():
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tasks are enqueued on commit; run them (the test backend runs tasks immediately)."""

    class Runner:
        def __call__(self, fn, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return fn(*args, **kwargs)

    return Runner()


def consent_tracing(actor, case, **kw):
    data = cs.ConsentInput(
        given_by="caregiver", kind="consent", given_on=date.today(), for_tracing=True, **kw
    )
    return cs.consent_record(actor=actor, case_id=case.pk, data=data)


def child_with_consent(world, run, actor=None, **kw):
    actor = actor or world.alice
    case = run(register, actor, **kw)
    run(consent_tracing, actor, case)
    return case


def request_for(world, run, actor=None, **trace):
    actor = actor or world.olga
    tr = ts.TraceInput(**trace)
    data = ts.RequestInput(
        enquirer_given_name="Зарина",
        enquirer_relationship="mother",
        inquiry_date=date.today(),
        traces=[tr],
    )
    return run(ts.tracing_request_create, actor=actor, data=data)


def test_registering_unaccompanied_child_opens_tracing_record(world, run_on_commit):
    case = run_on_commit(register, world.alice)
    ct = CaseTracing.objects.system("test").get(case=case)
    assert ct.first_action_due_at == case.registered_at + timedelta(hours=48)


def test_accompanied_child_gets_no_tracing_record(world, run_on_commit):
    child = cs.ChildInput(given_name="Ivan", sex="male", protection_status="accompanied")
    case = run_on_commit(cs.child_register, actor=world.alice, child=child, case=cs.CaseInput())
    assert not CaseTracing.objects.system("test").filter(case=case).exists()


def test_request_in_other_script_finds_consented_child(world, run_on_commit):
    case = child_with_consent(
        world, run_on_commit, given="Мухаммед", family="Рахимов", date_of_birth=date(2014, 5, 2)
    )
    req = request_for(
        world,
        run_on_commit,
        given_name="Muhammad",
        family_name="Rakhimov",
        sex="male",
        age_years=date.today().year - 2014,
    )
    trace = req.traces.get()
    match = PotentialMatch.objects.system("test").get(trace=trace)
    assert match.case_id == case.pk and match.rank == 1
    assert match.likelihood == t.Likelihood.LIKELY
    levels = {e["field"]: e["level"] for e in match.explanation}
    assert levels["family_name"] in ("translit", "exact", "phonetic", "variant")


def test_child_without_tracing_consent_is_not_matched(world, run_on_commit):
    run_on_commit(register, world.alice, given="Мухаммед", family="Рахимов")
    req = request_for(world, run_on_commit, given_name="Muhammad", family_name="Rakhimov")
    assert not PotentialMatch.objects.system("test").filter(trace__request=req).exists()


def test_withdrawn_consent_takes_child_out_and_withdraws_pending_matches(world, run_on_commit):
    case = run_on_commit(register, world.alice, given="Мухаммед", family="Рахимов")
    consent = run_on_commit(consent_tracing, world.alice, case)
    req = request_for(world, run_on_commit, given_name="Muhammad", family_name="Rakhimov")
    assert PotentialMatch.objects.system("test").filter(trace__request=req).exists()
    run_on_commit(cs.consent_withdraw, actor=world.alice, case_id=case.pk, consent_id=consent.pk)
    assert not PotentialMatch.objects.system("test").filter(trace__request=req).exists()
    assert str(case.pk) not in engine.children_index()


def test_vital_interest_override_counts_only_when_approved(world, run_on_commit):
    case = run_on_commit(register, world.alice, given="Мухаммед", family="Рахимов")
    run_on_commit(
        cs.consent_record,
        actor=world.alice,
        case_id=case.pk,
        data=cs.ConsentInput(
            given_by="caseworker",
            kind="consent",
            given_on=date.today(),
            for_tracing=True,
            override_basis="vital_interest",
            override_reason="Child in danger, parents unknown",
        ),
    )
    assert not engine.is_matchable(case.pk)
    ap = Approval.objects.system("test").get(case=case, subject="consent_override")
    run_on_commit(cs.approval_decide, actor=world.sam, approval_id=ap.pk, approve=True)
    assert engine.is_matchable(case.pk)
    assert str(case.pk) in engine.children_index()


def test_child_registered_after_request_is_matched_to_it(world, run_on_commit):
    req = request_for(world, run_on_commit, given_name="Oleksandr", family_name="Shevchenko")
    case = child_with_consent(world, run_on_commit, given="Олександр", family="Шевченко")
    assert PotentialMatch.objects.system("test").filter(trace__request=req, case=case).exists()


def test_requesting_side_sees_minimal_fields_until_owner_agrees(world, run_on_commit):
    child_with_consent(world, run_on_commit, given="Мухаммед", family="Рахимов")
    req = request_for(world, run_on_commit, given_name="Muhammad", family_name="Rakhimov")
    match = PotentialMatch.objects.system("test").get(trace__request=req)
    view = selectors.match_view(user=world.olga, match=match)
    assert view.side == "request" and not view.full
    assert "name" not in view.child_summary and "case_number" not in view.child_summary
    owner_view = selectors.match_view(user=world.alice, match=match)
    assert owner_view.side == "case" and owner_view.full
    with pytest.raises(PermissionDenied):
        selectors.match_view(user=world.umid, match=match)
    with pytest.raises(PermissionDenied):  # only the child's side decides
        ts.match_disclosure_decide(actor=world.olga, match_id=match.pk, agree=True)
    ts.match_disclosure_request(actor=world.olga, match_id=match.pk)
    ts.match_disclosure_decide(actor=world.alice, match_id=match.pk, agree=True)
    match.refresh_from_db()
    view = selectors.match_view(user=world.olga, match=match)
    assert view.full and view.child_summary["name"] == "Мухаммед Рахимов"


def test_only_a_person_confirms_and_needs_a_reason(world, run_on_commit):
    case = child_with_consent(world, run_on_commit, given="Мухаммед", family="Рахимов")
    req = request_for(world, run_on_commit, given_name="Muhammad", family_name="Rakhimov")
    match = PotentialMatch.objects.system("test").get(trace__request=req)
    assert match.state == t.MatchState.PENDING
    with pytest.raises(ValidationError):
        ts.match_review(actor=world.olga, match_id=match.pk, confirm=True, reason="")
    with pytest.raises(PermissionDenied):  # the child's side does not confirm the request
        ts.match_review(actor=world.bob, match_id=match.pk, confirm=True, reason="x")
    ts.match_review(
        actor=world.olga,
        match_id=match.pk,
        confirm=True,
        reason="Mother described the scar on the left hand",
    )
    trace = Trace.objects.system("test").get(request=req)
    assert trace.status == t.TraceStatus.MATCHED and trace.matched_case_id == case.pk
    with pytest.raises(ValidationError):
        ts.match_review(actor=world.olga, match_id=match.pk, confirm=False, reason="changed")


def test_reviewed_match_survives_rematching(world, run_on_commit):
    case = child_with_consent(world, run_on_commit, given="Мухаммед", family="Рахимов")
    req = request_for(world, run_on_commit, given_name="Muhammad", family_name="Rakhimov")
    match = PotentialMatch.objects.system("test").get(trace__request=req)
    ts.match_review(actor=world.olga, match_id=match.pk, confirm=False, reason="Different mother")
    run_on_commit(
        cs.child_update, actor=world.alice, case_id=case.pk, changes={"middle_name": "Аскарович"}
    )
    match.refresh_from_db()
    assert match.state == t.MatchState.REJECTED


def test_photo_tracing_blocked_for_children_at_risk_and_without_photo_consent(world, run_on_commit):
    case = child_with_consent(world, run_on_commit)
    kw = dict(
        actor=world.alice,
        case_id=case.pk,
        method="photo",
        done_on=date.today(),
        description="Photo book at the border post",
    )
    with pytest.raises(ValidationError, match="consent"):
        ts.tracing_action_record(**kw)
    run_on_commit(
        cs.consent_record,
        actor=world.alice,
        case_id=case.pk,
        data=cs.ConsentInput(
            given_by="caregiver", kind="consent", given_on=date.today(), for_photo=True
        ),
    )
    ts.tracing_action_record(**kw)
    ts.tracing_flags_set(
        actor=world.alice,
        case_id=case.pk,
        does_not_want_to_be_found=False,
        trafficking_risk=True,
        caafag=False,
    )
    with pytest.raises(ValidationError, match="not allowed"):
        ts.tracing_action_record(**kw)


def _verified(world, run, case, **overrides):
    data = dict(
        adult_name="Зарина Рахимова",
        relationship="mother",
        child_knows_adult=True,
        child_wishes_reunification=True,
        adult_willing=True,
        adult_able=True,
        information_matches=True,
        home_visit_done=True,
        recommendation="reunify",
    )
    data.update(overrides)
    v = ts.verification_create(
        actor=world.alice, case_id=case.pk, data=ts.VerificationInput(**data)
    )
    return v


def test_verification_rules_block_recommending_reunification(world, run_on_commit):
    case = child_with_consent(world, run_on_commit)
    with pytest.raises(ValidationError) as exc:
        _verified(world, run_on_commit, case, adult_willing=False, information_matches=None)
    assert {"adult_willing", "information_matches"} <= set(exc.value.message_dict)
    # the relationship can be verified while the adult is unwilling: no reunification then
    unwilling = _verified(
        world, run_on_commit, case, recommendation="long_term_alternative_care", adult_willing=False
    )
    ts.verification_submit(
        actor=world.alice, case_id=case.pk, verification_id=unwilling.pk, status="verified"
    )
    # but not with an unanswered question or when the two accounts do not match
    unanswered = _verified(
        world, run_on_commit, case, recommendation="further_tracing", information_matches=None
    )
    with pytest.raises(ValidationError) as exc:
        ts.verification_submit(
            actor=world.alice, case_id=case.pk, verification_id=unanswered.pk, status="verified"
        )
    assert "information_matches" in exc.value.message_dict
    mismatch = _verified(
        world, run_on_commit, case, recommendation="further_tracing", information_matches=False
    )
    with pytest.raises(ValidationError):
        ts.verification_submit(
            actor=world.alice, case_id=case.pk, verification_id=mismatch.pk, status="verified"
        )
    ts.verification_submit(
        actor=world.alice, case_id=case.pk, verification_id=mismatch.pk, status="falsely_attributed"
    )


def test_reunification_only_after_approved_verification_and_followups_scheduled(
    world, run_on_commit
):
    case = child_with_consent(world, run_on_commit)
    v = _verified(world, run_on_commit, case)
    reu = ts.ReunificationInput(
        verification_id=str(v.pk), place="Dushanbe", reunified_on=date.today(), kind="case_by_case"
    )
    with pytest.raises(ValidationError):  # not verified yet
        ts.reunification_record(actor=world.alice, case_id=case.pk, data=reu)
    ts.verification_submit(
        actor=world.alice, case_id=case.pk, verification_id=v.pk, status="verified"
    )
    with pytest.raises(ValidationError):  # not approved yet
        ts.reunification_record(actor=world.alice, case_id=case.pk, data=reu)
    ap = Approval.objects.system("test").get(case=case, subject="verification")
    cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    r = ts.reunification_record(actor=world.alice, case_id=case.pk, data=reu)
    assert r.adult_name == "Зарина Рахимова"
    fu = Case.objects.system("test").get(pk=case.pk).followups.get(kind="after_reunification")
    assert fu.due_on == date.today() + timedelta(days=30)
    # rule 26: closure waits for two visits and 90 days
    with pytest.raises(ValidationError, match="follow-up visits"):
        cs.case_request_closure(
            actor=world.alice, case_id=case.pk, reason="reunified_stable", note=""
        )


def test_reunified_with_other_adult_needs_reason(world, run_on_commit):
    case = child_with_consent(world, run_on_commit)
    v = _verified(world, run_on_commit, case)
    ts.verification_submit(
        actor=world.alice, case_id=case.pk, verification_id=v.pk, status="verified"
    )
    ap = Approval.objects.system("test").get(case=case, subject="verification")
    cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    data = ts.ReunificationInput(
        verification_id=str(v.pk),
        place="Dushanbe",
        reunified_on=date.today(),
        kind="case_by_case",
        with_verified_adult=False,
    )
    with pytest.raises(ValidationError) as exc:
        ts.reunification_record(actor=world.alice, case_id=case.pk, data=data)
    assert "deviation_reason" in exc.value.message_dict
    data.deviation_reason = "Mother hospitalised; grandmother took the child"
    data.adult_name = "Мавлюда Рахимова"
    data.relationship = "grandparent"
    r = ts.reunification_record(actor=world.alice, case_id=case.pk, data=data)
    assert not r.with_verified_adult and r.relationship == "grandparent"


def test_duplicate_found_and_decided_by_a_person(world, run_on_commit):
    first = child_with_consent(world, run_on_commit, given="Мухаммед", family="Рахимов")
    second = child_with_consent(world, run_on_commit, given="Muhammad", family="Rakhimov")
    dup = DuplicateCandidate.objects.system("test").get()
    assert {dup.case_a_id, dup.case_b_id} == {first.pk, second.pk}
    assert list(selectors.duplicates_to_review(user=world.alice)) == [dup]
    assert list(selectors.duplicates_to_review(user=world.umid)) == []
    with pytest.raises(ValidationError):
        ts.duplicate_decide(
            actor=world.alice,
            duplicate_id=dup.pk,
            same_child=True,
            reason="Same child",
            keep_case_id=None,
        )
    ts.duplicate_decide(
        actor=world.alice,
        duplicate_id=dup.pk,
        same_child=True,
        reason="Same photo and parents",
        keep_case_id=first.pk,
    )
    second.refresh_from_db()
    assert second.status == cc.CaseStatus.DUPLICATE
    assert Case.objects.system("test").get(pk=first.pk).status == cc.CaseStatus.OPEN


def test_bad_request_input_changes_nothing(world, run_on_commit):
    from kinlink.tracing.models import TracingRequest

    bad = ts.RequestInput(
        enquirer_given_name="",
        enquirer_relationship="cousin",
        inquiry_date=date.today() + timedelta(days=3),
        traces=[ts.TraceInput(date_of_birth=date(2090, 1, 1))],
    )
    with pytest.raises(ValidationError) as exc:
        ts.tracing_request_create(actor=world.olga, data=bad)
    assert {
        "enquirer_given_name",
        "enquirer_relationship",
        "inquiry_date",
        "traces[0].given_name",
        "traces[0].date_of_birth",
    } <= set(exc.value.message_dict)
    assert TracingRequest.objects.system("test").count() == 0
    with pytest.raises(PermissionDenied):
        ts.tracing_request_create(actor=world.stan, data=bad)


def test_same_document_number_flags_a_duplicate_whose_names_differ(world, run_on_commit):
    """Registered twice under names that do not meet (another given name), the
    child's birth certificate number links the two; the index holds a keyed digest of the
    normalised number, never the number."""
    first = child_with_consent(world, run_on_commit, given="Timur", family="Rahmonov")
    second = child_with_consent(
        world, run_on_commit, given="Шерзод", family="Рахмонов", date_of_birth=date(2014, 1, 1)
    )
    assert not DuplicateCandidate.objects.system("test").exists()
    doc = cs.DocumentInput(kind=cc.DocumentKind.choices[0][0], number="I-АВ 123456")
    run_on_commit(cs.document_add, actor=world.alice, case_id=first.pk, data=doc)
    assert not DuplicateCandidate.objects.system("test").exists()  # nothing to meet yet
    doc2 = cs.DocumentInput(kind=cc.DocumentKind.choices[0][0], number="iab-123456")
    run_on_commit(cs.document_add, actor=world.alice, case_id=second.pk, data=doc2)
    dup = DuplicateCandidate.objects.system("test").get()
    assert {dup.case_a_id, dup.case_b_id} == {first.pk, second.pk}
    record = engine.case_record(Case.objects.system("test").get(pk=first.pk))
    assert record.document_numbers == (engine.document_key("IAB123456"),)
    assert "123456" not in record.document_numbers[0]


def test_request_with_the_childs_document_number_finds_a_renamed_child(world, run_on_commit):
    """The family has the birth certificate; the child was registered abroad under names the
    family would not recognise. The number brings the child to the top of the matches."""
    child = child_with_consent(
        world, run_on_commit, given="Timur", family="Rahmonov", date_of_birth=date(2014, 1, 1)
    )
    doc = cs.DocumentInput(kind=cc.DocumentKind.choices[0][0], number="I-ТЖ 0457781")
    run_on_commit(cs.document_add, actor=world.alice, case_id=child.pk, data=doc)
    req = request_for(
        world, run_on_commit, given_name="Шерзод", family_name="Саидов",
        date_of_birth=date(2014, 5, 2), document_number="i-тж № 0457781",
    )
    trace = req.traces.get()
    match = PotentialMatch.objects.system("test").get(trace=trace)
    assert match.case_id == child.pk
    assert {"field": "document_number", "level": "same"} in match.explanation
    row = [r for r in explain_match(match.explanation) if r.field == "document_number"][0]
    assert (row.label, row.verdict) == ("Document number", "agree")
    assert trace.document_number == "i-тж № 0457781"  # kept (encrypted) for the caseworker


@pytest.mark.parametrize(
    ("number", "field_error"),
    [("x" * 61, "at most 60"), ("№ 1", "at least 4")],
)
def test_bad_document_number_is_refused(world, number, field_error):
    data = ts.RequestInput(
        enquirer_given_name="Зарина",
        enquirer_relationship="mother",
        inquiry_date=date.today(),
        traces=[ts.TraceInput(given_name="Ali", document_number=number)],
    )
    with pytest.raises(ValidationError) as exc:
        ts.tracing_request_create(actor=world.olga, data=data)
    assert field_error in " ".join(exc.value.message_dict["traces[0].document_number"])


def test_a_child_registered_twice_is_offered_under_both_records(world, run_on_commit):
    """The probability is shared among a request's candidates; two registrations of one child
    split it. Both are strong matches on their own, so both reach the caseworker."""
    latin = child_with_consent(world, run_on_commit, given="Muhammad", family="Rakhimov")
    cyrillic = child_with_consent(world, run_on_commit, given="Мухаммед", family="Рахимов")
    req = request_for(
        world, run_on_commit, given_name="Мухаммад", family_name="Рахимов",
        sex=cc.Sex.MALE, date_of_birth=date(2014, 5, 2), age_estimated=False,
    )
    matches = PotentialMatch.objects.system("test").filter(trace=req.traces.get())
    assert {m.case_id for m in matches} >= {latin.pk, cyrillic.pk}
    assert sum(m.probability for m in matches) <= 1.0 + 1e-9


def test_weak_candidates_are_not_offered(world, run_on_commit):
    other = child_with_consent(
        world, run_on_commit, given="Oysha", family="Karimova", date_of_birth=date(2010, 2, 2)
    )
    req = request_for(
        world, run_on_commit, given_name="Мухаммад", family_name="Рахимов",
        sex=cc.Sex.MALE, date_of_birth=date(2014, 5, 2), age_estimated=False,
    )
    assert not PotentialMatch.objects.system("test").filter(
        trace=req.traces.get(), case_id=other.pk
    ).exists()


def test_sibling_signature_is_explained():
    from kinlink.tracing.explain import sibling_signature

    def rows(**levels):
        return explain_match([{"field": f, "level": lv} for f, lv in levels.items()])

    assert sibling_signature(rows(given_name="different", mother_name="same"))
    assert sibling_signature(rows(given_name="different", father_name="same"))
    assert not sibling_signature(rows(given_name="fuzzy_low", mother_name="same"))
    assert not sibling_signature(rows(given_name="different", mother_name="partial"))
