"""Forms of the tracing pages: they parse input into the services' inputs; services validate."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.cases import choices as cc
from kinlink.cases.forms import BLANK, DateInput, filled

from . import choices as t
from . import services as ts
from .models import Verification

YES_NO_UNKNOWN = [("", _("Not asked yet")), ("yes", _("Yes")), ("no", _("No"))]


def _blank(choices_cls):
    return BLANK + list(choices_cls.choices)


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def attach_errors(exc: ValidationError, form: forms.BaseForm, *, labels=None) -> None:
    """Show a service's ValidationError on the form: on the field when the form has it, else
    as a form error prefixed with the field's name (``labels`` maps names to labels)."""
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for key, errors in exc.message_dict.items():
        for msg in errors:
            if key in form.fields:
                form.add_error(key, msg)
            elif labels and key in labels:
                form.add_error(None, f"{labels[key]}: {msg}")
            else:
                form.add_error(None, msg)


def verification_labels() -> dict:
    return {
        f.name: str(f.verbose_name).capitalize()
        for f in Verification._meta.get_fields()
        if hasattr(f, "verbose_name")
    }


# --------------------------------------------------------------------------- requests


class RequestForm(forms.Form):
    inquiry_date = forms.DateField(label=_("Date of enquiry"), widget=DateInput)
    enquirer_given_name = forms.CharField(label=_("Enquirer's given name"), max_length=150)
    enquirer_family_name = forms.CharField(
        label=_("Enquirer's family name"), max_length=150, required=False
    )
    enquirer_relationship = forms.ChoiceField(
        label=_("Relationship to the child sought"), choices=_blank(t.EnquirerRelationship)
    )
    enquirer_phone = forms.CharField(label=_("Enquirer's telephone"), max_length=50, required=False)
    enquirer_address = forms.CharField(
        label=_("Enquirer's address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    enquirer_language = forms.CharField(
        label=_("Enquirer's language"),
        max_length=2,
        required=False,
        help_text=_("Two-letter language code, e.g. tg, ru, uz."),
    )
    consent_to_share = forms.BooleanField(
        label=_("The enquirer agrees to share the request with other organisations"),
        required=False,
    )
    consent_statistics = forms.BooleanField(
        label=_("The enquirer agrees that the request is counted in anonymous statistics"),
        required=False,
        help_text=_("Only numbers leave Kinlink this way, never names."),
    )
    separation_date = forms.DateField(
        label=_("Date of separation"), required=False, widget=DateInput
    )
    separation_place = forms.CharField(
        label=_("Place of separation"), max_length=200, required=False
    )
    separation_cause = forms.ChoiceField(
        label=_("Cause of separation"),
        choices=t.SeparationCause.choices,
        initial=t.SeparationCause.UNKNOWN,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_enquirer_language(self):
        return (self.cleaned_data.get("enquirer_language") or "").strip().lower()


class TraceForm(forms.Form):
    """One child the enquirer is looking for."""

    given_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        required=False,
        help_text=_("As the enquirer says or writes it, in any script."),
    )
    middle_name = forms.CharField(
        label=_("Middle name or patronymic"), max_length=150, required=False
    )
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    other_names = forms.CharField(
        label=_("Other names, nicknames and spellings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, or separated by commas."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=cc.Sex.choices, initial=cc.Sex.UNKNOWN)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    age_years = forms.IntegerField(
        label=_("Age in years"),
        required=False,
        min_value=0,
        max_value=30,
        help_text=_("If the date of birth is not known."),
    )
    age_estimated = forms.BooleanField(
        label=_("The age or date of birth is estimated"), required=False, initial=True
    )
    place_of_origin = forms.CharField(label=_("Place of origin"), max_length=200, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=200, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=200, required=False)
    distinguishing_marks = forms.CharField(
        label=_("Distinguishing details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Scars, birthmarks, what the child wore, details only the family knows."),
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_(
            "The child's birth certificate or passport number, if the family has it. "
            "It is stored encrypted and only compared, never shown to the other side."
        ),
    )

    def to_input(self) -> ts.TraceInput:
        d = self.cleaned_data
        others = [
            p.strip()
            for line in (d.get("other_names") or "").splitlines()
            for p in line.split(",")
            if p.strip()
        ]
        return ts.TraceInput(
            given_name=d.get("given_name", ""),
            family_name=d.get("family_name", ""),
            middle_name=d.get("middle_name", ""),
            other_names=", ".join(others),
            sex=d.get("sex") or cc.Sex.UNKNOWN,
            date_of_birth=d.get("date_of_birth"),
            age_years=d.get("age_years"),
            age_estimated=d.get("age_estimated", False),
            place_of_origin=d.get("place_of_origin", ""),
            mother_name=d.get("mother_name", ""),
            father_name=d.get("father_name", ""),
            distinguishing_marks=d.get("distinguishing_marks", ""),
            document_number=d.get("document_number", "").strip(),
        )


TraceFormSet = forms.formset_factory(TraceForm, extra=2, max_num=6)


def request_input(form: RequestForm, formset) -> ts.RequestInput:
    d = form.cleaned_data
    return ts.RequestInput(
        enquirer_given_name=d["enquirer_given_name"],
        enquirer_relationship=d["enquirer_relationship"],
        inquiry_date=d["inquiry_date"],
        enquirer_family_name=d.get("enquirer_family_name", ""),
        enquirer_phone=d.get("enquirer_phone", ""),
        enquirer_address=d.get("enquirer_address", ""),
        enquirer_language=d.get("enquirer_language", ""),
        consent_to_share=d.get("consent_to_share", False),
        consent_statistics=d.get("consent_statistics", False),
        separation_date=d.get("separation_date"),
        separation_place=d.get("separation_place", ""),
        separation_cause=d["separation_cause"],
        notes=d.get("notes", ""),
        traces=[tf.to_input() for tf in filled(formset)],
    )


def attach_request_errors(exc: ValidationError, form: RequestForm, formset) -> None:
    """Errors keyed ``traces[i].field`` go to the i-th filled child form."""
    if not hasattr(exc, "error_dict"):
        attach_errors(exc, form)
        return
    children = filled(formset) or formset.forms[:1]
    for key, errors in exc.message_dict.items():
        if key.startswith("traces[") and "]." in key:
            index, name = key[len("traces[") :].split("].", 1)
            target = children[int(index)] if int(index) < len(children) else children[0]
            for msg in errors:
                target.add_error(name if name in target.fields else None, msg)
        elif key in form.fields:
            for msg in errors:
                form.add_error(key, msg)
        else:
            for msg in errors:
                form.add_error(None, msg)


# --------------------------------------------------------------------------- actions


class TracingActionForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=DateInput)
    method = forms.ChoiceField(label=_("Method"), choices=_blank(t.TracingMethod))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=t.ActionOutcome.choices, initial=t.ActionOutcome.PENDING
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "method": d["method"],
            "done_on": d["done_on"],
            "description": d["description"],
            "outcome": d["outcome"],
            "place": d.get("place", ""),
        }


class CloseRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(t.RequestOutcome))
    note = forms.CharField(
        label=_("Why the request is closed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required unless the child was found."),
    )


class FlagsForm(forms.Form):
    does_not_want_to_be_found = forms.BooleanField(
        label=_("The child does not want to be found"), required=False
    )
    trafficking_risk = forms.BooleanField(label=_("Trafficking concern"), required=False)
    caafag = forms.BooleanField(
        label=_("Associated with armed forces or groups (CAAFAG)"), required=False
    )


# --------------------------------------------------------------------------- matches


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm the match")), ("reject", _("Reject the match"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for your decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. What made you sure, e.g. details only the family knows."),
    )


class DisclosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )


# --------------------------------------------------------------------------- verification


class VerificationForm(forms.Form):
    adult_name = forms.CharField(label=_("Adult's name"), max_length=200)
    relationship = forms.ChoiceField(
        label=_("Relationship to the child"), choices=_blank(cc.Relationship)
    )
    adult_address = forms.CharField(
        label=_("Adult's address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    trace = forms.ChoiceField(label=_("Tracing request"), required=False, choices=BLANK)
    child_knows_adult = forms.ChoiceField(
        label=_("Does the child know the adult?"), choices=YES_NO_UNKNOWN, required=False
    )
    child_wishes_reunification = forms.ChoiceField(
        label=_("Does the child wish to be reunified with this adult?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    adult_willing = forms.ChoiceField(
        label=_("Does the adult want the child to live with them?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    adult_able = forms.ChoiceField(
        label=_("Is the adult able to care for the child?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    information_matches = forms.ChoiceField(
        label=_("Does what the child and the adult say match?"),
        choices=YES_NO_UNKNOWN,
        required=False,
        help_text=_("Interview both separately; compare details only family would know."),
    )
    home_visit_done = forms.BooleanField(label=_("Home visit done"), required=False)
    interview_notes = forms.CharField(
        label=_("Interview notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=_blank(t.Recommendation), required=False
    )

    def __init__(self, *args, traces=(), **kwargs):
        super().__init__(*args, **kwargs)
        if traces:
            self.fields["trace"].choices = BLANK + [
                (str(tr.pk), f"{tr.request.number} — {tr.full_name}") for tr in traces
            ]
        else:
            del self.fields["trace"]

    def to_input(self) -> ts.VerificationInput:
        d = self.cleaned_data
        notes = d.get("interview_notes", "").strip()
        return ts.VerificationInput(
            adult_name=d["adult_name"],
            relationship=d["relationship"],
            adult_address=d.get("adult_address", ""),
            child_knows_adult=_yes_no(d.get("child_knows_adult")),
            child_wishes_reunification=_yes_no(d.get("child_wishes_reunification")),
            adult_willing=_yes_no(d.get("adult_willing")),
            adult_able=_yes_no(d.get("adult_able")),
            information_matches=_yes_no(d.get("information_matches")),
            home_visit_done=d.get("home_visit_done", False),
            interviews={"notes": notes} if notes else None,
            recommendation=d.get("recommendation", ""),
            trace_id=d.get("trace") or None,
        )


class VerificationSubmitForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result of the verification"),
        choices=BLANK
        + [c for c in t.VerificationStatus.choices if c[0] != t.VerificationStatus.PENDING],
    )


class ReunificationForm(forms.Form):
    verification = forms.ChoiceField(label=_("Verification"))
    reunified_on = forms.DateField(label=_("Date of reunification"), widget=DateInput)
    place = forms.CharField(label=_("Place of reunification"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=_blank(t.ReunificationType))
    with_verified_adult = forms.BooleanField(
        label=_("Reunified with the verified adult"), required=False, initial=True
    )
    adult_name = forms.CharField(
        label=_("Otherwise: the adult the child was reunified with"),
        max_length=200,
        required=False,
    )
    relationship = forms.ChoiceField(
        label=_("Their relationship to the child"),
        choices=_blank(cc.Relationship),
        required=False,
    )
    deviation_reason = forms.CharField(
        label=_("Why not with the verified adult"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, verifications=(), **kwargs):
        kwargs.setdefault("initial", {"reunified_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["verification"].choices = [
            (str(v.pk), f"{v.adult_name} — {v.get_relationship_display()}") for v in verifications
        ]

    def to_input(self) -> ts.ReunificationInput:
        d = self.cleaned_data
        return ts.ReunificationInput(
            verification_id=d["verification"],
            place=d["place"],
            reunified_on=d["reunified_on"],
            kind=d["kind"],
            with_verified_adult=d.get("with_verified_adult", False),
            adult_name=d.get("adult_name", ""),
            relationship=d.get("relationship", ""),
            deviation_reason=d.get("deviation_reason", ""),
        )


# --------------------------------------------------------------------------- duplicates


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("keep_a", _("Same child: keep the first case")),
            ("keep_b", _("Same child: keep the second case")),
            ("distinct", _("Different children")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason for your decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required."),
    )

    def __init__(self, *args, dup=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dup is not None:
            self.fields["decision"].choices = [
                ("keep_a", _("Same child: keep case %(number)s") % {"number": dup.case_a.number}),
                ("keep_b", _("Same child: keep case %(number)s") % {"number": dup.case_b.number}),
                ("distinct", _("Different children")),
            ]
