"""Forms of the care section of the case page: they parse input into the services' inputs;
the services validate (and apply the BLOCK rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinlink.cases.forms import BLANK, DateInput

from . import bip
from . import choices as k
from . import services as cs

WIDE = forms.Textarea(attrs={"rows": 2})


def _blank(choices_cls):
    return BLANK + list(choices_cls.choices)


class PlacementForm(forms.Form):
    care_type = forms.ChoiceField(label=_("Type of care"), choices=_blank(k.CareType))
    formal = forms.BooleanField(
        label=_("Formal care (kinship care decided by an authority)"), required=False
    )
    provider_id = forms.ChoiceField(label=_("Care provider"), required=False)
    place = forms.CharField(label=_("Place or facility"), max_length=200, required=False)
    destination_country = forms.CharField(
        label=_("Country of the placement, if abroad (two letters)"),
        max_length=2,
        required=False,
    )
    start_on = forms.DateField(label=_("Start"), widget=DateInput)
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput, required=False)
    emergency = forms.BooleanField(label=_("Emergency placement"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=_blank(k.PlacementReason))
    court_decision = forms.CharField(
        label=_("Court decision (reference)"), max_length=200, required=False
    )
    siblings = forms.ChoiceField(label=_("Siblings"), choices=k.Siblings.choices)
    siblings_apart_reason = forms.CharField(
        label=_("Why the siblings are apart"), widget=WIDE, required=False
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].choices = BLANK + [(str(p.pk), str(p)) for p in providers]

    def to_input(self) -> cs.PlacementInput:
        d = self.cleaned_data
        return cs.PlacementInput(
            care_type=d["care_type"],
            start_on=d["start_on"],
            reason=d["reason"],
            formal=d["formal"],
            provider_id=d["provider_id"] or None,
            place=d["place"],
            planned_end_on=d["planned_end_on"],
            emergency=d["emergency"],
            court_decision=d["court_decision"],
            siblings=d["siblings"],
            siblings_apart_reason=d["siblings_apart_reason"],
            destination_country=d["destination_country"],
        )


class GatekeepingForm(forms.Form):
    deciding_body = forms.ChoiceField(label=_("Deciding body"), choices=_blank(k.DecidingBody))
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput)
    assessment_id = forms.ChoiceField(label=_("Assessment"), required=False)
    assessment_summary = forms.CharField(label=_("What the assessment found"), widget=WIDE)
    alternatives = forms.MultipleChoiceField(
        label=_("Alternatives considered"),
        choices=k.Alternative.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=_blank(k.Decision))
    rationale = forms.CharField(label=_("Reasons"), widget=WIDE)
    residential_justification = forms.CharField(
        label=_("Why residential care is appropriate, necessary and constructive"),
        widget=WIDE,
        required=False,
    )

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_id"].choices = BLANK + [
            (str(a.pk), a.get_kind_display()) for a in assessments
        ]

    def to_input(self) -> cs.GatekeepingInput:
        d = self.cleaned_data
        return cs.GatekeepingInput(
            deciding_body=d["deciding_body"],
            decided_on=d["decided_on"],
            decision=d["decision"],
            assessment_summary=d["assessment_summary"],
            rationale=d["rationale"],
            alternatives=list(d["alternatives"]),
            assessment_id=d["assessment_id"] or None,
            residential_justification=d["residential_justification"],
        )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date of the review"), widget=DateInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(k.ReviewOutcome))
    notes = forms.CharField(label=_("Findings of the review"), widget=WIDE)
    residential_justification = forms.CharField(
        label=_("Why residential care is still appropriate, necessary and constructive"),
        widget=WIDE,
        required=False,
    )
    siblings_apart_reason = forms.CharField(
        label=_("Why the siblings are apart"), widget=WIDE, required=False
    )

    def to_input(self) -> cs.ReviewInput:
        return cs.ReviewInput(**self.cleaned_data)


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput)
    reason = forms.CharField(label=_("Why it ended"), widget=WIDE)


class GuardianForm(forms.Form):
    guardian_name = forms.CharField(label=_("Guardian or representative"), max_length=200)
    authority = forms.CharField(label=_("Appointing authority"), max_length=200)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DateInput)


class BipStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(k.BipKind))
    trigger = forms.ChoiceField(label=_("Why"), choices=_blank(k.BipTrigger))
    reviews_id = forms.ChoiceField(label=_("BID reviewed"), required=False)

    def __init__(self, *args, bids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews_id"].choices = BLANK + [
            (str(b.pk), str(b.decided_on or b.created_at.date())) for b in bids
        ]


class BiaForm(forms.Form):
    child_views = forms.CharField(label=_("The child's views"), widget=WIDE)
    findings = forms.CharField(label=_("Findings"), widget=WIDE)
    decision = forms.CharField(label=_("Recommendation"), widget=WIDE)


class PanelForm(forms.Form):
    user_id = forms.ChoiceField(label=_("Colleague"), required=False)
    name = forms.CharField(label=_("Or name (outside Kinlink)"), max_length=200, required=False)
    expertise = forms.CharField(label=_("Role or expertise"), max_length=200, required=False)
    confidentiality_signed = forms.BooleanField(
        label=_("Signed the undertaking of confidentiality"), required=False
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = BLANK + [(str(u.pk), str(u)) for u in colleagues]


class BidForm(forms.Form):
    child_views = forms.CharField(label=_("The child's views"), widget=WIDE)
    decision = forms.CharField(label=_("Decision"), widget=WIDE)
    reasons = forms.CharField(label=_("Reasons"), widget=WIDE)
    review_on = forms.DateField(label=_("Review date"), widget=DateInput, required=False)
    tracing_exhausted = forms.BooleanField(label=_("Tracing is exhausted"), required=False)
    parental_consent = forms.BooleanField(label=_("The parents consent"), required=False)

    def to_input(self) -> bip.BidDecision:
        return bip.BidDecision(**self.cleaned_data)


class ReopenForm(forms.Form):
    """Rule 32: a supervisor reopens a completed BID on a BID review report."""

    review_id = forms.ChoiceField(label=_("BID review report"), required=False)
    reason = forms.CharField(label=_("Why the BID is reopened"), widget=WIDE)

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_id"].choices = BLANK + [
            (str(r.pk), f"{r.get_kind_display()} — {r.decided_on or r.created_at.date()}")
            for r in reviews
        ]


class SolutionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Durable solution"), choices=_blank(k.SolutionKind))
    with_one_parent = forms.BooleanField(label=_("Resettles with one parent only"), required=False)
    sole_custody = forms.BooleanField(
        label=_("That parent has sole custody (document)"), required=False
    )
    other_parent_dead = forms.BooleanField(
        label=_("The other parent's death is proven and no one else has custody"), required=False
    )
    other_parent_consent = forms.BooleanField(
        label=_("The other parent gave informed written consent"), required=False
    )
    return_country = forms.CharField(
        label=_("Country of return (for a return)"), max_length=2, required=False
    )
    pre_return_assessment = forms.CharField(
        label=_("Pre-return family assessment in the country of return"),
        widget=WIDE,
        required=False,
    )
    receiving_agency = forms.CharField(label=_("Receiving agency"), max_length=200, required=False)
    followup_plan = forms.CharField(
        label=_("Follow-up plan after return"), widget=WIDE, required=False
    )

    def to_input(self) -> bip.SolutionInput:
        return bip.SolutionInput(**self.cleaned_data)


class ImplementForm(forms.Form):
    implemented_on = forms.DateField(label=_("Implemented on"), widget=DateInput)
    exception_reason = forms.CharField(
        label=_("Documented exception (only without a BID; supervisors)"),
        widget=WIDE,
        required=False,
    )
    # a return (rule 44): what the proposal did not record yet
    return_country = forms.CharField(
        label=_("Country of return (for a return)"), max_length=2, required=False
    )
    pre_return_assessment = forms.CharField(
        label=_("Pre-return family assessment in the country of return"),
        widget=WIDE,
        required=False,
    )
    receiving_agency = forms.CharField(label=_("Receiving agency"), max_length=200, required=False)
    followup_plan = forms.CharField(
        label=_("Follow-up plan after return"), widget=WIDE, required=False
    )


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    care_type = forms.ChoiceField(
        label=_("Type of care"),
        choices=BLANK + [(v, t) for v, t in k.CareType.choices if v not in k.NEVER_FORMAL],
    )
    licence = forms.CharField(label=_("Registration or licence"), max_length=100, required=False)
    licence_valid_until = forms.DateField(
        label=_("Licence valid until"), widget=DateInput, required=False
    )
    capacity = forms.IntegerField(label=_("Capacity (children)"), min_value=0, required=False)
    accepts_under3 = forms.BooleanField(label=_("May take children under 3"), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def to_input(self) -> cs.ProviderInput:
        return cs.ProviderInput(**self.cleaned_data)
