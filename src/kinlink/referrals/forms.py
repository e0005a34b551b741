from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinlink.cases import choices as cc
from kinlink.cases.forms import BLANK, DateInput

from . import choices as r
from . import services as rs


class SearchForm(forms.Form):
    need = forms.ChoiceField(
        label=_("Service"), choices=BLANK + list(r.ServiceType.choices), required=False
    )
    country = forms.CharField(label=_("Country"), max_length=2, required=False)
    area = forms.CharField(label=_("Place"), max_length=100, required=False)
    area_id = forms.ChoiceField(label=_("Administrative area"), required=False)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=25, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + list(cc.Sex.choices), required=False)
    legal_status = forms.ChoiceField(
        label=_("Legal status"), choices=BLANK + list(cc.MigratoryStatus.choices), required=False
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_id"].choices = BLANK + list(areas)


def _csv(values) -> str:
    return ",".join(values or [])


class ServicePointForm(forms.Form):
    """Every column of a service point; the service parses and validates (as an import)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    service_type = forms.ChoiceField(
        label=_("Service"), choices=BLANK + list(r.ServiceType.choices)
    )
    country = forms.CharField(label=_("Country (two letters)"), max_length=2)
    area_id = forms.ChoiceField(label=_("Administrative area"), required=False)
    admin1 = forms.CharField(label=_("Region"), max_length=100, required=False)
    admin2 = forms.CharField(label=_("District or city"), max_length=100, required=False)
    admin3 = forms.CharField(
        label=_("Municipality or neighbourhood"), max_length=100, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, required=False)
    sexes = forms.MultipleChoiceField(
        label=_("For sexes (none ticked: all)"),
        choices=cc.Sex.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_statuses = forms.MultipleChoiceField(
        label=_("For legal statuses (none ticked: all)"),
        choices=cc.MigratoryStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents_required = forms.CharField(
        label=_("Documents required"), max_length=300, required=False
    )
    languages = forms.CharField(
        label=_("Languages (codes, separated by commas)"), max_length=200, required=False
    )
    cost = forms.ChoiceField(label=_("Cost"), choices=r.Cost.choices)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, required=False)
    accessibility = forms.CharField(label=_("Accessibility"), max_length=300, required=False)
    barriers = forms.CharField(label=_("Known barriers"), max_length=500, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    active = forms.BooleanField(label=_("Shown on the service map"), required=False, initial=True)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_id"].choices = BLANK + list(areas)

    @staticmethod
    def initial_for(point) -> dict:
        out = {name: getattr(point, name) for name in rs.SERVICE_POINT_FIELDS}
        out["languages"] = _csv(point.languages)
        out["area_id"] = str(point.area_id) if point.area_id else ""
        out["active"] = point.active
        return out

    def to_raw(self) -> dict:
        d = dict(self.cleaned_data)
        for name in ("sexes", "legal_statuses"):
            d[name] = _csv(d[name])
        d.pop("active", None)
        return d


class AreaImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ReferralForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Service"), choices=BLANK + list(r.ServiceType.choices)
    )
    service_point_id = forms.ChoiceField(label=_("Service point"), required=False)
    agency_name = forms.CharField(label=_("Or agency"), max_length=200, required=False)
    timeframe = forms.ChoiceField(label=_("Timeframe"), choices=BLANK + list(r.Timeframe.choices))
    appointment_at = forms.DateTimeField(
        label=_("Appointment"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    share = forms.MultipleChoiceField(
        label=_("Share with the provider (needs consent to share)"),
        choices=r.SharedField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.CharField(
        label=_("What the child needs from the service"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point_id"].choices = BLANK + [
            (str(p.pk), f"{p.name} — {p.get_service_type_display()} ({p.place})") for p in points
        ]

    def to_input(self) -> rs.ReferralInput:
        d = self.cleaned_data
        return rs.ReferralInput(
            service_type=d["service_type"],
            timeframe=d["timeframe"],
            service_point_id=d["service_point_id"] or None,
            agency_name=d["agency_name"],
            appointment_at=d["appointment_at"],
            share=list(d["share"]),
            needs=d["needs"],
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=BLANK + list(r.ReferralStatus.choices)[1:]
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    barrier = forms.ChoiceField(
        label=_("What kept the child from the service"),
        choices=BLANK + list(r.Barrier.choices),
        required=False,
        help_text=_("Required when the referral is rejected or not implemented."),
    )
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


__all__ = ["DateInput"]
