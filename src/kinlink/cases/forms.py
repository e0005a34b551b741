"""Forms of the case pages: they parse input into the services' inputs; services validate rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import choices as c
from . import services as cs
from .models import Assessment
from .selectors import CaseFilters

BLANK = [("", "—")]


def _blank(choices_cls):
    return BLANK + list(choices_cls.choices)


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class CodeListField(forms.CharField):
    """ISO codes typed as a comma- or space-separated list ("TJ, UZ")."""

    def __init__(self, *, length: int = 2, upper: bool = True, **kwargs):
        self.length = length
        self.upper = upper
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        codes = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
        bad = [p for p in codes if len(p) != self.length or not p.isalpha() or not p.isascii()]
        if bad:
            raise ValidationError(
                _("Not a valid code: %(codes)s. Use two-letter ISO codes."),
                params={"codes": ", ".join(bad)},
            )
        codes = [p.upper() if self.upper else p.lower() for p in codes]
        return list(dict.fromkeys(codes))


def attach_errors(exc: ValidationError, *forms_: forms.BaseForm, fallback=None) -> None:
    """Show a service's ValidationError on the form that has the field (else as a form error)."""
    target = fallback or forms_[0]
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            target.add_error(None, msg)
        return
    for key, errors in exc.message_dict.items():
        placed = False
        for form in forms_:
            if key in form.fields:
                for msg in errors:
                    form.add_error(key, msg)
                placed = True
                break
        if not placed:
            for msg in errors:
                target.add_error(None, msg)


# --------------------------------------------------------------------------- list


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or case number"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Any script or spelling: Мухаммед, Muhammad and Mukhammed all match."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(c.CaseStatus))
    risk_level = forms.ChoiceField(label=_("Risk"), required=False, choices=_blank(c.RiskLevel))
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_blank(c.Stage))
    office = forms.ChoiceField(label=_("Office"), required=False, choices=BLANK)
    protection_status = forms.ChoiceField(
        label=_("Protection status"), required=False, choices=_blank(c.ProtectionStatus)
    )
    overdue_only = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = BLANK + [(str(o.pk), o.name) for o in offices]
        if not offices:
            del self.fields["office"]

    def to_filters(self) -> CaseFilters:
        d = self.cleaned_data
        return CaseFilters(
            q=d.get("q", ""),
            status=d.get("status", ""),
            risk_level=d.get("risk_level", ""),
            stage=d.get("stage", ""),
            office=d.get("office", ""),
            protection_status=d.get("protection_status", ""),
            overdue_only=bool(d.get("overdue_only")),
        )


# --------------------------------------------------------------------------- registration


class ChildForm(forms.Form):
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        help_text=_("As the child says or writes it, in any script. Write 'unknown' if unknown."),
    )
    middle_name = forms.CharField(
        label=_("Middle name or patronymic"), max_length=150, required=False
    )
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    other_names = forms.CharField(
        label=_("Other names, nicknames and spellings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=c.Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    date_of_birth_estimated = forms.BooleanField(
        label=_("The date of birth is estimated"), required=False
    )
    age_years = forms.IntegerField(
        label=_("Age in years"),
        required=False,
        min_value=0,
        max_value=30,
        help_text=_("If the date of birth is not known."),
    )
    age_estimated = forms.BooleanField(label=_("The age is estimated"), required=False)
    nationalities = CodeListField(
        label=_("Nationalities"), help_text=_("Two-letter country codes, e.g. AF, TJ, UZ.")
    )
    languages = CodeListField(
        label=_("Languages spoken"),
        upper=False,
        help_text=_("Two-letter language codes, e.g. ru, tg, uz, fa."),
    )
    protection_status = forms.ChoiceField(
        label=_("Protection status"), choices=c.ProtectionStatus.choices
    )
    migratory_status = forms.ChoiceField(
        label=_("Migratory status"),
        choices=c.MigratoryStatus.choices,
        initial=c.MigratoryStatus.UNKNOWN,
    )
    disability = forms.ChoiceField(
        label=_("Disability (functioning)"),
        choices=c.Disability.choices,
        initial=c.Disability.UNKNOWN,
    )
    birth_registration = forms.ChoiceField(
        label=_("Birth registration"),
        choices=c.BirthRegistration.choices,
        initial=c.BirthRegistration.UNKNOWN,
    )
    statelessness_risk = forms.BooleanField(label=_("At risk of statelessness"), required=False)
    place_of_origin = forms.CharField(
        label=_("Place of origin"),
        max_length=200,
        required=False,
        help_text=_("Village, town or district the child comes from."),
    )
    current_country = forms.CharField(
        label=_("Country where the child is now"),
        max_length=2,
        required=False,
        help_text=_(
            "Two-letter code, only if the child has moved on or is known to be in another "
            "country."
        ),
    )
    health_notes = forms.CharField(
        label=_("Health"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    distinguishing_marks = forms.CharField(
        label=_("Distinguishing marks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_current_country(self) -> str:
        return (self.cleaned_data.get("current_country") or "").strip().upper()

    def other_name_list(self) -> list[tuple[str, str]]:
        text = self.cleaned_data.get("other_names", "")
        return [(line.strip(), c.NameKind.ALIAS) for line in text.splitlines() if line.strip()]

    def to_input(self) -> cs.ChildInput:
        d = self.cleaned_data
        return cs.ChildInput(
            given_name=d["given_name"],
            family_name=d.get("family_name", ""),
            middle_name=d.get("middle_name", ""),
            sex=d["sex"],
            date_of_birth=d.get("date_of_birth"),
            date_of_birth_estimated=d.get("date_of_birth_estimated", False),
            age_years=d.get("age_years"),
            age_estimated=d.get("age_estimated", False),
            nationalities=d.get("nationalities", []),
            languages=d.get("languages", []),
            protection_status=d["protection_status"],
            migratory_status=d["migratory_status"],
            disability=d["disability"],
            birth_registration=d["birth_registration"],
            statelessness_risk=d.get("statelessness_risk", False),
            place_of_origin=d.get("place_of_origin", ""),
            current_country=d.get("current_country", ""),
            health_notes=d.get("health_notes", ""),
            distinguishing_marks=d.get("distinguishing_marks", ""),
            other_names=self.other_name_list(),
        )


class ChildEditForm(ChildForm):
    """The child's details on an existing case (other names are added separately)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["other_names"]

    @classmethod
    def for_child(cls, child, **kwargs):
        initial = {name: getattr(child, name, None) for name in cs.CHILD_EDITABLE}
        return cls(initial=initial, **kwargs)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in cs.CHILD_EDITABLE if name in self.fields}


class IntakeForm(forms.Form):
    risk_level = forms.ChoiceField(
        label=_("Risk level at screening"),
        choices=c.RiskLevel.choices,
        initial=c.RiskLevel.NOT_ASSESSED,
        help_text=_("High risk: the initial assessment is due within 24 hours."),
    )
    identified_at = forms.DateTimeField(
        label=_("Identified on"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Leave empty for now."),
    )
    identification_source = forms.ChoiceField(
        label=_("Identified by"),
        choices=c.IdentificationSource.choices,
        initial=c.IdentificationSource.OTHER,
    )
    registration_place = forms.CharField(
        label=_("Place of registration"), max_length=200, required=False
    )
    separation_date = forms.DateField(
        label=_("Date of separation"), required=False, widget=DateInput
    )
    separation_place = forms.CharField(
        label=_("Place of separation"), max_length=200, required=False
    )
    protection_concerns = forms.CharField(
        label=_("Protection concerns"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgent_needs = forms.CharField(
        label=_("Urgent needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def to_input(self, owner=None) -> cs.CaseInput:
        d = self.cleaned_data
        return cs.CaseInput(
            risk_level=d["risk_level"],
            identified_at=d.get("identified_at"),
            identification_source=d["identification_source"],
            registration_place=d.get("registration_place", ""),
            separation_date=d.get("separation_date"),
            separation_place=d.get("separation_place", ""),
            protection_concerns=d.get("protection_concerns", ""),
            urgent_needs=d.get("urgent_needs", ""),
            owner=owner,
        )


class FamilyForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=_blank(c.Relationship))
    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    age_years = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    alive = forms.ChoiceField(
        label=_("Alive"), choices=c.AliveStatus.choices, initial=c.AliveStatus.UNKNOWN
    )
    is_caregiver = forms.BooleanField(label=_("Current caregiver"), required=False)
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False)
    country = forms.CharField(
        label=_("Country where they live"),
        max_length=2,
        required=False,
        help_text=_("Two-letter code, e.g. RU."),
    )
    phone = forms.CharField(label=_("Telephone"), max_length=50, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    do_not_contact = forms.BooleanField(
        label=_("The child does not want this person contacted"), required=False
    )

    def to_input(self) -> cs.FamilyInput:
        d = self.cleaned_data
        return cs.FamilyInput(
            relationship=d["relationship"],
            given_name=d.get("given_name", ""),
            family_name=d.get("family_name", ""),
            age_years=d.get("age_years"),
            alive=d["alive"],
            is_caregiver=d.get("is_caregiver", False),
            lives_with_child=d.get("lives_with_child", False),
            country=(d.get("country") or "").upper(),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
            do_not_contact=d.get("do_not_contact", False),
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=_blank(c.DocumentKind))
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    issuing_country = forms.CharField(
        label=_("Issuing country"), max_length=2, required=False, help_text=_("e.g. TJ")
    )
    held = forms.BooleanField(
        label=_("Held by the child or caregiver"), required=False, initial=True
    )

    def to_input(self) -> cs.DocumentInput:
        d = self.cleaned_data
        return cs.DocumentInput(
            kind=d["kind"],
            number=d.get("number", ""),
            issuing_country=(d.get("issuing_country") or "").upper(),
            held=d.get("held", False),
        )


FamilyFormSet = forms.formset_factory(FamilyForm, extra=2, max_num=6)
DocumentFormSet = forms.formset_factory(DocumentForm, extra=2, max_num=6)


def filled(formset) -> list:
    """The formset's forms that were filled in (empty extra forms are skipped)."""
    return [f for f in formset.forms if f.has_changed() and f.cleaned_data]


class ConfirmForm(forms.Form):
    register_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --------------------------------------------------------------------------- case actions


class RiskForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=c.RiskLevel.choices)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Given by"), choices=c.ConsentGiver.choices)
    given_by_name = forms.CharField(label=_("Name of the person"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=c.ConsentKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=DateInput)
    for_services = forms.BooleanField(label=_("For services"), required=False)
    for_tracing = forms.BooleanField(label=_("For family tracing"), required=False)
    for_photo = forms.BooleanField(label=_("For the use of photos"), required=False)
    for_reporting = forms.BooleanField(label=_("For non-identifiable statistics"), required=False)
    share_with = forms.MultipleChoiceField(
        label=_("May be shared with"),
        required=False,
        choices=c.ShareWith.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    withhold_from = forms.CharField(
        label=_("Information to withhold from (person)"), max_length=200, required=False
    )
    withhold_reason = forms.CharField(
        label=_("Reason for withholding"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_basis = forms.ChoiceField(
        label=_("Basis without consent"), required=False, choices=c.OverrideBasis.choices
    )
    override_reason = forms.CharField(
        label=_("Why consent could not be obtained"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def to_input(self) -> cs.ConsentInput:
        d = self.cleaned_data
        return cs.ConsentInput(
            given_by=d["given_by"],
            kind=d["kind"],
            given_on=d["given_on"],
            given_by_name=d.get("given_by_name", ""),
            for_services=d.get("for_services", False),
            for_tracing=d.get("for_tracing", False),
            for_photo=d.get("for_photo", False),
            for_reporting=d.get("for_reporting", False),
            share_with=list(d.get("share_with", [])),
            withhold_from=d.get("withhold_from", ""),
            withhold_reason=d.get("withhold_reason", ""),
            override_basis=d.get("override_basis", ""),
            override_reason=d.get("override_reason", ""),
        )


class AssessmentForm(forms.Form):
    """Findings per domain (Assessment.DOMAINS), the child's views and the proposed risk."""

    child_views = forms.CharField(
        label=_("The child's views and wishes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed_risk_level = forms.ChoiceField(
        label=_("Proposed risk level"), choices=c.RiskLevel.choices
    )

    def __init__(self, *args, assessment=None, **kwargs):
        if assessment is not None and "initial" not in kwargs and not args:
            found = assessment.findings or {}
            kwargs["initial"] = {f"finding_{k}": v for k, v in found.items()} | {
                "child_views": assessment.child_views,
                "proposed_risk_level": assessment.proposed_risk_level,
            }
        prefix = kwargs.pop("prefix", None) or (
            f"a-{assessment.pk.hex[:8]}" if assessment else None
        )
        super().__init__(*args, prefix=prefix, **kwargs)
        domain_fields = {
            f"finding_{key}": forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            for key, label in Assessment.DOMAINS
        }
        self.fields = domain_fields | dict(self.fields)

    def findings(self) -> dict:
        return {
            key: self.cleaned_data[f"finding_{key}"].strip()
            for key, _label in Assessment.DOMAINS
            if self.cleaned_data.get(f"finding_{key}", "").strip()
        }


PLAN_GOALS = 3
PLAN_ACTIONS = 3


class CasePlanForm(forms.Form):
    """Up to three goals, each with up to three actions (empty rows are ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domains = BLANK + [(k, label) for k, label in Assessment.DOMAINS]
        self.goal_rows = []
        for i in range(1, PLAN_GOALS + 1):
            self.fields[f"goal{i}"] = forms.CharField(
                label=_("Goal %(n)s") % {"n": i},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"goal{i}_domain"] = forms.ChoiceField(
                label=_("Domain"), choices=domains, required=False
            )
            actions = []
            for j in range(1, PLAN_ACTIONS + 1):
                p = f"goal{i}_action{j}"
                self.fields[p] = forms.CharField(label=_("Action"), max_length=1000, required=False)
                self.fields[f"{p}_who"] = forms.CharField(
                    label=_("Responsible person or agency"), max_length=200, required=False
                )
                self.fields[f"{p}_when"] = forms.DateField(
                    label=_("By when"), required=False, widget=DateInput
                )
                actions.append((p, f"{p}_who", f"{p}_when"))
            self.goal_rows.append((f"goal{i}", f"goal{i}_domain", actions))

    def goals(self) -> list[cs.GoalInput]:
        d = self.cleaned_data
        goals = []
        for goal, domain, actions in self.goal_rows:
            acts = [
                (d.get(w, ""), d.get(who, ""), d.get(when))
                for w, who, when in actions
                if d.get(w) or d.get(who)
            ]
            if d.get(goal) or acts:
                goals.append(cs.GoalInput(d.get(goal, ""), d.get(domain, ""), acts))
        return goals

    def layout(self):
        """[(goal field, domain field, [(what, who, when)...])...] as bound fields."""
        return [
            (self[g], self[dom], [(self[w], self[who], self[when]) for w, who, when in acts])
            for g, dom, acts in self.goal_rows
        ]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=c.FollowUpKind.choices, initial=c.FollowUpKind.VISIT
    )
    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    child_seen = forms.TypedChoiceField(
        label=_("Was the child seen?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    reason_not_seen = forms.CharField(label=_("Why not seen"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Observations and actions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommend_closure = forms.BooleanField(label=_("Recommend closure"), required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=c.AttachmentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("JPEG, PNG or PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=_blank(c.ClosureReason))
    note = forms.CharField(
        label=_("Closure note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReassignForm(forms.Form):
    owner = forms.ChoiceField(label=_("New case owner"))
    reason = forms.CharField(
        label=_("Reason for reassigning"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = BLANK + [
            (str(u.pk), f"{u} ({u.office.name if u.office else ''})") for u in candidates
        ]


class OtherNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=c.NameKind.choices)


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("return", _("Return for changes"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning for changes."),
    )
