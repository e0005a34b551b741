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
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=25, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + list(cc.Sex.choices), required=False)
    legal_status = forms.ChoiceField(
        label=_("Legal status"), choices=BLANK + list(cc.MigratoryStatus.choices), required=False
    )


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
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


__all__ = ["DateInput"]
